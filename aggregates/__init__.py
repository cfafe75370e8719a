"""The pure domain: the case aggregate, its events and every policy rule. No I/O here."""

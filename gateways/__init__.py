"""Partner gateways: how a referral leaves the council (signed envelopes come with issue 6)."""

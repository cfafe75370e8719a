"""Composition root: settings, keys, wiring of the parts, the worker and the command line."""

"""Deterministic orchestration of each case, and the client-side helpers that drive it."""

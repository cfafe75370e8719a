"""Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) and SHA-256 digests: the one
place that turns a JSON value into bytes for signing or hashing, so that a digest taken of the
same message anywhere in the system (a signed envelope's body, a stand-in's receipt, a
partner's record of what it received, the access log's chain) is the same digest.

It lives in `aggregates/` because the access log's chain hash needs it and the domain imports
nothing above it; gateways, which sign and deliver, import it from here. Pure Python: `rfc8785`
and `hashlib` only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import rfc8785

# `rfc8785.CanonicalizationError` (a `ValueError`), re-exported so callers need not import the
# package to catch what `canonical_json` raises.
CanonicalizationError = rfc8785.CanonicalizationError


def canonical_json(message: Mapping[str, Any]) -> bytes:
    """The RFC 8785 canonical form of `message`, as UTF-8 bytes: keys sorted by UTF-16 code
    units, no insignificant whitespace, numbers in their shortest ECMAScript form (1.0 → 1),
    strings unescaped except where JSON requires it.

    Nested values must be plain JSON types (dict, list or tuple, str, int, float, bool, None);
    integers beyond ±(2**53 - 1), NaN and infinities raise `CanonicalizationError` (a
    `ValueError`), because not every JSON reader can represent them exactly.
    """
    return rfc8785.dumps(message if isinstance(message, dict) else dict(message))


def sha256_hex(data: bytes) -> str:
    """SHA-256 of `data` as 64 lowercase hex digits (the digest of exact bytes, such as a body
    received over HTTP)."""
    return hashlib.sha256(data).hexdigest()


def digest_of(message: Mapping[str, Any]) -> str:
    """SHA-256 (64 lowercase hex digits) of `message`'s RFC 8785 canonical form: what a signed
    envelope's body hashes to, so a receipt's digest is reproducible from the stored message.
    Raises `CanonicalizationError` as `canonical_json` does."""
    return sha256_hex(canonical_json(message))

"""Signed envelopes for partner messages: Standard Webhooks 1.0, scheme `v1a` (Ed25519).

Every message we send a partner (a referral), and every acknowledgement a partner sends back,
travels as an HTTP body with three headers:

- `webhook-id`: the message id; it doubles as the idempotency key, so the receiver
  deduplicates on it;
- `webhook-timestamp`: when it was signed, in integer unix seconds;
- `webhook-signature`: a space-separated list of `v1a,<base64 Ed25519 signature>`, one per
  signing key, so a key rotates without downtime (sign with old and new until every
  receiver knows the new public key, then drop the old one).

The signature covers `{id}.{timestamp}.{body}` over the exact body bytes. The body is the
RFC 8785 (JSON Canonicalization Scheme) form of the message, so anyone holding the message can
rebuild the very bytes that were signed, and a receipt's digest of "what was received" is
reproducible from the stored message.

Why Standard Webhooks `v1a` rather than RFC 9421 HTTP Message Signatures: a partner needs
three headers, one rule for the signed content and any Ed25519 library; the whole body is
signed, and the id is also the idempotency key. RFC 9421's choice of covered components (and
the `content-digest` and expiry checks it leaves to the caller) is flexibility we do not need,
and each choice is a way for two implementations to disagree or for a check to be missed.

`v1` (HMAC-SHA256) is not used: with a shared secret either side could have produced a
message, whereas an Ed25519 signature proves which side sent it.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

# One canonical form for every signed body and every digest (`aggregates.canonical`).
from aggregates.canonical import CanonicalizationError, canonical_json

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"
SCHEME = "v1a"
CONTENT_TYPE = "application/json"

DEFAULT_TOLERANCE_SECONDS = 300
# At most this many entries in `webhook-signature`: each `v1a` entry may cost one Ed25519
# verification per trusted key, so an unbounded list would let anyone burn our CPU.
MAX_SIGNATURES = 8

# No "{" and no whitespace, so `{id}.{timestamp}.{body}` splits one way only (the timestamp is
# digits, the body starts with "{"), and the id is safe to log and to use as a key.
_ID_PATTERN = re.compile(r"[A-Za-z0-9_.:\-]{1,200}")
# Digits only: `int()` would also accept " 12", "+12" and "1_2".
_TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,15}")
# Our messages nest a few levels; anything deeper than this is refused before parsing.
MAX_JSON_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[^\[\]{}]")
_ED25519_SIGNATURE_BYTES = 64


# --- signing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignedMessage:
    message_id: str
    timestamp: int
    body: bytes              # canonical JSON bytes: send exactly these
    headers: dict[str, str]  # webhook-id, webhook-timestamp, webhook-signature, content-type


def _signed_content(message_id: str, timestamp: str, body: bytes) -> bytes:
    return f"{message_id}.{timestamp}.".encode("ascii") + body


def sign_message(message: Mapping[str, Any], *, keys: Sequence[Ed25519PrivateKey],
                 message_id: str, timestamp: int) -> SignedMessage:
    """Sign the canonical JSON of `message` with every key in `keys` (during a rotation, the
    old and the new key; receivers accept the message if any one signature verifies).

    `message_id` must be unique per message and stable across retries of the same message:
    the receiver deduplicates on it.
    """
    if not keys:
        raise ValueError("at least one signing key is needed")
    if not _ID_PATTERN.fullmatch(message_id):
        raise ValueError("message_id must be 1-200 characters of A-Z a-z 0-9 _ . : -")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be a non-negative integer of unix seconds")
    body = canonical_json(message)
    content = _signed_content(message_id, str(timestamp), body)
    signatures = " ".join(
        f"{SCHEME},{base64.b64encode(key.sign(content)).decode('ascii')}" for key in keys)
    return SignedMessage(
        message_id=message_id, timestamp=timestamp, body=body,
        headers={HEADER_ID: message_id, HEADER_TIMESTAMP: str(timestamp),
                 HEADER_SIGNATURE: signatures, "content-type": CONTENT_TYPE},
    )


# --- verification ---------------------------------------------------------------------------

class VerificationError(Exception):
    """A message was refused. `reason` is a short code, safe to log and to return to the
    sender: missing_header, bad_timestamp, stale, future, bad_signature, not_canonical,
    replayed, malformed. It never contains message content."""

    REASONS = frozenset({"missing_header", "bad_timestamp", "stale", "future",
                         "bad_signature", "not_canonical", "replayed", "malformed"})

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in self.REASONS:
            raise ValueError(f"unknown verification failure reason {reason!r}")
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class ReplayGuard(Protocol):
    """The message ids one sender has presented. Ids are unique per sender only, so a
    receiver with several senders keeps a guard per sender (`activities.inbound_log`)."""

    def first_seen(self, message_id: str, *, now: int) -> bool:
        """True the first time `message_id` is presented (and remember it), False after."""
        ...


class MemoryReplayGuard:
    """Remembers message ids in this process for `window_seconds` after first seeing them.

    The window must be at least twice the verifier's timestamp tolerance: a message is
    accepted while `now` is within ±tolerance of its timestamp, so a replay can come up to
    2 × tolerance after the first delivery; older replays fail the timestamp check. The
    default (600 s) matches the default tolerance (300 s). Thread-safe. A service with more
    than one process needs a shared guard (a unique key in the database) instead.
    """

    def __init__(self, window_seconds: int = 2 * DEFAULT_TOLERANCE_SECONDS) -> None:
        if window_seconds <= 0:
            raise ValueError("window_seconds must be positive")
        self.window_seconds = window_seconds
        self._seen: dict[str, int] = {}
        self._order: deque[tuple[int, str]] = deque()  # (first seen, id), oldest first
        self._lock = threading.Lock()

    def first_seen(self, message_id: str, *, now: int) -> bool:
        with self._lock:
            horizon = now - self.window_seconds
            while self._order and self._order[0][0] < horizon:
                _, old = self._order.popleft()
                del self._seen[old]
            if message_id in self._seen:
                return False
            self._seen[message_id] = now
            self._order.append((now, message_id))
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)


def _lowercase_headers(headers: Mapping[str, str]) -> dict[str, str]:
    lowered: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        if lowered.get(key, value) != value:
            raise VerificationError("malformed", f"conflicting {key} headers")
        lowered[key] = value
    return lowered


def _verifies(content: bytes, signature_header: str,
              public_keys: Sequence[Ed25519PublicKey]) -> bool:
    entries = signature_header.split()
    if len(entries) > MAX_SIGNATURES:
        raise VerificationError("malformed", f"more than {MAX_SIGNATURES} signatures")
    for entry in entries:
        version, sep, encoded = entry.partition(",")
        if version != SCHEME or not sep:
            continue  # other versions (v1 = HMAC, future ones) are not ours to check
        try:
            signature = base64.b64decode(encoded, validate=True)
        except ValueError:  # binascii.Error, or non-ASCII text
            continue
        if len(signature) != _ED25519_SIGNATURE_BYTES:
            continue
        for key in public_keys:
            try:
                key.verify(signature, content)
            except InvalidSignature:
                continue
            return True
    return False


def verify_message(body: bytes, headers: Mapping[str, str], *,
                   public_keys: Sequence[Ed25519PublicKey], now: int,
                   tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
                   replay: ReplayGuard | None = None) -> dict[str, Any]:
    """Check a received envelope and return the message; raise `VerificationError` if not.

    In order: the three headers are present (names case-insensitive); the timestamp is an
    integer within ±`tolerance_seconds` of `now`; at least one `v1a` signature verifies with
    at least one of `public_keys` (every key the sender may currently sign with, including a
    retired one kept for the rotation); the body is a JSON object byte-for-byte equal to its
    RFC 8785 canonical form; and last, `replay` has not seen the id. The signature is checked
    before the body is parsed (nothing unauthenticated is parsed), and the replay guard is
    consulted only for authentic messages, so a forgery cannot burn a genuine message's id.
    """
    lowered = _lowercase_headers(headers)
    try:
        message_id = lowered[HEADER_ID]
        timestamp_text = lowered[HEADER_TIMESTAMP]
        signature_header = lowered[HEADER_SIGNATURE]
    except KeyError as exc:
        raise VerificationError("missing_header", str(exc.args[0])) from None
    if not _ID_PATTERN.fullmatch(message_id):
        raise VerificationError("malformed", "webhook-id")
    if not _TIMESTAMP_PATTERN.fullmatch(timestamp_text):
        raise VerificationError("bad_timestamp")
    timestamp = int(timestamp_text)
    if timestamp < now - tolerance_seconds:
        raise VerificationError("stale", f"{now - timestamp} s old")
    if timestamp > now + tolerance_seconds:
        raise VerificationError("future", f"{timestamp - now} s ahead")

    if not _verifies(_signed_content(message_id, timestamp_text, body), signature_header,
                     public_keys):
        raise VerificationError("bad_signature")

    if _nesting_depth(body) > MAX_JSON_DEPTH:
        raise VerificationError("malformed", "body nested too deep")
    try:
        message = json.loads(body, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise VerificationError("malformed", "body is not JSON") from None
    if not isinstance(message, dict):
        raise VerificationError("malformed", "body is not a JSON object")
    try:
        canonical = canonical_json(message)
    except CanonicalizationError:
        raise VerificationError("not_canonical", "value outside RFC 8785's domain") from None
    if canonical != body:
        raise VerificationError("not_canonical")

    if replay is not None and not replay.first_seen(message_id, now=now):
        raise VerificationError("replayed")
    return message


def _nesting_depth(body: bytes) -> int:
    """How deep arrays and objects nest in `body` (JSON text), without parsing it: the parser
    and the canonicaliser recurse, so a signed body nested thousands deep would exhaust the
    stack."""
    structure = _BRACKETS.sub(b"", _STRINGS.sub(b"", body))
    depth = deepest = 0
    for byte in structure:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")

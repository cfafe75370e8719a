"""Encrypts every payload Temporal stores (inputs, results, failures) with AES-GCM, and refuses
every payload it did not seal.

Each payload records the id of the key that sealed it, so keys can rotate: new payloads use
the first key, older ones still open with any key that is kept.

Anyone who can reach the Temporal frontend can send a signal or an update, so a payload that
is not ours (sent in clear, sealed with a key we do not hold, or altered) is refused, never
passed through. Plaintext is accepted only while `allow_plaintext` is set, for a migration
from an unencrypted deployment.

Why a refused payload becomes a marker instead of an exception here: the worker decodes a
whole workflow activation before the workflow sees it, and an exception from the codec fails
the workflow task. Temporal then retries that task, and while it is in failed state the
server answers every update — the system's own too — with "Workflow Task in failed state":
one plaintext update wedges the case (seen on the dev server with temporalio 1.35; pinned by
tests/integration/test_plaintext_payloads.py). So `decode` swaps a refused payload for a
`binary/refused` marker that names the reason (never the content), and
`RefusingPayloadConverter` raises `PayloadRefused` when anything converts the marker into a
value. For an update's arguments the SDK turns that into a rejection before validation, so
nothing enters history; elsewhere (client results, activity inputs) it is the same clear
error as raising here would have been.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    DefaultPayloadConverter,
    EncodingPayloadConverter,
    PayloadCodec,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
REFUSED = b"binary/refused"
REFUSAL = "refusal"
NONCE_BYTES = 12


def key_id(key: bytes) -> str:
    """A short public fingerprint of a key (never the key itself)."""
    return hashlib.sha256(key).hexdigest()[:16]


class PayloadRefused(ValueError):
    """A payload this process did not seal reached it (the message names why, not what)."""


class PlaintextRefusedError(PayloadRefused):
    """A payload arrived without encryption and plaintext is not allowed."""


class UnknownKeyError(PayloadRefused):
    """A payload was sealed with a key this process does not hold."""


class TamperedPayloadError(PayloadRefused):
    """A payload claims our encryption but does not authenticate with the key it names."""


_ERRORS: dict[str, type[PayloadRefused]] = {
    "plaintext": PlaintextRefusedError,
    "unknown-key": UnknownKeyError,
    "tampered": TamperedPayloadError,
}


def _refused(kind: str, message: str) -> Payload:
    return Payload(metadata={"encoding": REFUSED, REFUSAL: kind.encode(),
                             "message": message.encode()})


class EncryptionCodec(PayloadCodec):
    """AES-GCM with a random 12-byte nonce; `keys[0]` seals, every key in `keys` opens."""

    def __init__(self, keys: Sequence[bytes], *, allow_plaintext: bool = False) -> None:
        if not keys:
            raise ValueError("at least one payload key is needed")
        self._current_id = key_id(keys[0])
        self._ciphers = {key_id(k): AESGCM(k) for k in keys}
        self._allow_plaintext = allow_plaintext

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self._current_id]
        out = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            sealed = nonce + cipher.encrypt(nonce, payload.SerializeToString(), None)
            out.append(Payload(
                metadata={"encoding": ENCODING, KEY_ID: self._current_id.encode()},
                data=sealed,
            ))
        return out

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Opened payloads; a payload that is not ours comes back as a refusal marker."""
        return [self._open(payload) for payload in payloads]

    def _open(self, payload: Payload) -> Payload:
        encoding = payload.metadata.get("encoding", b"")
        if encoding != ENCODING:
            if self._allow_plaintext or encoding == REFUSED:
                return payload
            return _refused("plaintext", (
                f"payload refused: sent without encryption (encoding "
                f"{encoding.decode(errors='replace')!r}); only payloads sealed with this "
                "system's key are accepted (DA_TEMPORAL_ACCEPT_PLAINTEXT_PAYLOADS=true allows "
                "plaintext during a migration)"))
        kid = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            return _refused("unknown-key", f"payload sealed with unknown key id {kid!r}")
        try:
            plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], None)
        except InvalidTag:
            return _refused("tampered", f"payload refused: it does not authenticate with key "
                                        f"id {kid!r} (altered, or not sealed by us)")
        return Payload.FromString(plain)


class RefusalConverter(EncodingPayloadConverter):
    """Turns a refusal marker left by `EncryptionCodec.decode` into its typed error."""

    @property
    def encoding(self) -> str:
        return REFUSED.decode()

    def to_payload(self, value: Any) -> Payload | None:
        return None  # never produces a payload: markers come only from decoding

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        kind = payload.metadata.get(REFUSAL, b"").decode(errors="replace")
        message = payload.metadata.get("message", b"payload refused").decode(errors="replace")
        raise _ERRORS.get(kind, PayloadRefused)(message)


class RefusingPayloadConverter(DefaultPayloadConverter):
    """The default JSON/protobuf converter, plus refusal markers raising `PayloadRefused`."""

    def __init__(self) -> None:
        super().__init__()
        self._set_converters(*self.converters.values(), RefusalConverter())

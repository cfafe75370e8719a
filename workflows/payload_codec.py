"""Encrypts every payload Temporal stores (inputs, results, failures) with AES-GCM.

Each payload records the id of the key that sealed it, so keys can rotate: new payloads use
the first key, older ones still open with any key that is kept. An unknown key id is a clear
error, never a silent pass-through.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"


def key_id(key: bytes) -> str:
    """A short public fingerprint of a key (never the key itself)."""
    return hashlib.sha256(key).hexdigest()[:16]


class UnknownKeyError(ValueError):
    """A payload was sealed with a key this process does not hold."""


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one payload key is needed")
        self._current_id = key_id(keys[0])
        self._ciphers = {key_id(k): AESGCM(k) for k in keys}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self._current_id]
        out = []
        for payload in payloads:
            nonce = os.urandom(12)
            sealed = nonce + cipher.encrypt(nonce, payload.SerializeToString(), None)
            out.append(Payload(
                metadata={"encoding": ENCODING, KEY_ID: self._current_id.encode()},
                data=sealed,
            ))
        return out

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = []
        for payload in payloads:
            if payload.metadata.get("encoding", b"") != ENCODING:
                out.append(payload)
                continue
            kid = payload.metadata.get(KEY_ID, b"").decode()
            cipher = self._ciphers.get(kid)
            if cipher is None:
                raise UnknownKeyError(f"payload sealed with unknown key id {kid!r}")
            plain = cipher.decrypt(payload.data[:12], payload.data[12:], None)
            out.append(Payload.FromString(plain))
        return out

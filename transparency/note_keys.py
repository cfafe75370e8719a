"""Keys for C2SP signed notes (https://c2sp.org/signed-note, v1.0.0, "Signatures" and
"Verifier keys"): Ed25519 note signatures (type 0x01) and Ed25519 checkpoint cosignatures
(type 0x04, https://c2sp.org/tlog-cosignature, "cosignature/v1"), in the string formats of Go's
golang.org/x/mod/sumdb/note.

Shapes:
- key ID = SHA-256(key name || 0x0A || type byte || 32-byte public key)[:4], big-endian;
- a verifier key (vkey) is "<name>+<8 hex key ID>+<base64(type || key)>" and a signer key
  "PRIVATE+KEY+<name>+<8 hex key ID>+<base64(type || 32-byte seed)>";
- a type 0x01 signature is Ed25519 over the note text; a type 0x04 cosignature is
  u64 timestamp (POSIX seconds, big-endian) || Ed25519 over "cosignature/v1\\n" "time <t>\\n"
  and the note text, and states that the cosigner saw this checkpoint as the log's largest
  consistent tree at that time. (C2SP also defines ML-DSA-44 cosignatures, type 0x06, which
  commit to the cosigner's name; not implemented here.)

Errors: `KeyFormatError` (a `NoteError`, a `ValueError`) for a malformed or inconsistent key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
ALGORITHMS = (ALG_ED25519, ALG_COSIGNATURE_V1)
SIGNATURE_PREFIX = "— "
_COSIGNATURE_HEADER = b"cosignature/v1\n"
_MAX_TIMESTAMP = 2**63 - 1


class NoteError(ValueError):
    """A signed note, or a key for one, is not acceptable."""


class KeyFormatError(NoteError):
    """A verifier key or signer key string is malformed or inconsistent."""


def key_id(name: str, algorithm: int, public_key: bytes) -> int:
    """The 32-bit key ID of a key (signed-note "Signatures", tlog-cosignature "Format")."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def is_valid_key_name(name: str) -> bool:
    """Key names are non-empty, without Unicode spaces, "+" or control characters."""
    return bool(name) and not any(c.isspace() or c == "+" or c < " " for c in name)


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key's name and ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """The signature line, ending in "\\n"."""
        raw = self.key_id.to_bytes(4, "big") + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(raw).decode()}\n"


@dataclass(frozen=True)
class Verifier:
    """A public key that may sign notes: its name, signature type and 32-byte Ed25519 key."""

    name: str
    algorithm: int
    public_key: bytes

    def __post_init__(self) -> None:
        if not is_valid_key_name(self.name):
            raise KeyFormatError(f"{self.name!r} is not a valid key name")
        if self.algorithm not in ALGORITHMS:
            raise KeyFormatError(f"unknown signature type {self.algorithm:#04x}")
        if len(self.public_key) != 32:
            raise KeyFormatError("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> int:
        """The key's 32-bit ID."""
        return key_id(self.name, self.algorithm, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse "<name>+<hex key ID>+<base64(type || key)>"; the ID must match the key."""
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise KeyFormatError("a verifier key has three parts separated by '+'")
        name, hex_id, encoded = parts
        key = b64decode_canonical(encoded, KeyFormatError, "verifier key")
        if len(key) < 1:
            raise KeyFormatError("the verifier key holds no key")
        verifier = cls(name, key[0], key[1:])
        if hex_id != f"{verifier.key_id:08x}":
            raise KeyFormatError(f"key ID {hex_id} does not match the key of {name}")
        return verifier

    def vkey(self) -> str:
        """This key as a verifier key string."""
        encoded = base64.b64encode(bytes([self.algorithm]) + self.public_key).decode()
        return f"{self.name}+{self.key_id:08x}+{encoded}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether `signature` (the bytes after the key ID) signs `text` with this key."""
        message = text
        if self.algorithm == ALG_COSIGNATURE_V1:
            if len(signature) != 8 + 64:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp > _MAX_TIMESTAMP:
                return False
            message, signature = cosigned_message(timestamp, text), signature[8:]
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """A private Ed25519 key that signs notes under `name` as type 0x01 (a log's checkpoint
    signature) or 0x04 (a witness's cosignature). Keep the key outside the database."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey,
                 algorithm: int = ALG_ED25519) -> None:
        self._key = private_key
        self.verifier = Verifier(name, algorithm, private_key.public_key().public_bytes_raw())

    @property
    def name(self) -> str:
        """The key name written in signature lines."""
        return self.verifier.name

    @classmethod
    def generate(cls, name: str, algorithm: int = ALG_ED25519) -> Signer:
        """A new random key."""
        return cls(name, Ed25519PrivateKey.generate(), algorithm)

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse "PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>" (Go's format);
        the ID must match the public key derived from the seed."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise KeyFormatError("a signer key is PRIVATE+KEY+<name>+<key ID>+<key>")
        name, hex_id, encoded = parts[2:]
        key = b64decode_canonical(encoded, KeyFormatError, "signer key")
        if len(key) != 33:
            raise KeyFormatError("a signer key holds a type byte and a 32-byte seed")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(key[1:]), key[0])
        if hex_id != f"{signer.verifier.key_id:08x}":
            raise KeyFormatError(f"key ID {hex_id} does not match the key of {name}")
        return signer

    def skey(self) -> str:
        """This key as a signer key string: a secret, to be stored only where keys are kept."""
        seed = self._key.private_bytes_raw()
        encoded = base64.b64encode(bytes([self.verifier.algorithm]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id:08x}+{encoded}"

    def sign(self, text: bytes, *, timestamp: int | None = None) -> NoteSignature:
        """Sign `text`; a cosignature needs `timestamp` (POSIX seconds, 0 <= t < 2**63)."""
        if self.verifier.algorithm == ALG_COSIGNATURE_V1:
            if timestamp is None or not 0 <= timestamp <= _MAX_TIMESTAMP:
                raise ValueError("a cosignature needs a timestamp in [0, 2**63)")
            signed = self._key.sign(cosigned_message(timestamp, text))
            raw = timestamp.to_bytes(8, "big") + signed
        else:
            raw = self._key.sign(text)
        return NoteSignature(self.name, self.verifier.key_id, raw)


def b64decode_canonical(encoded: str, error: type[ValueError], what: str) -> bytes:
    """Decode standard base64 that is in its one canonical spelling, or raise `error`."""
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise error(f"the {what} is not standard base64") from None
    if not encoded or base64.b64encode(raw).decode() != encoded:
        raise error(f"the {what} is not canonical standard base64")
    return raw


def cosigned_message(timestamp: int, text: bytes) -> bytes:
    """What a type 0x04 cosignature signs (tlog-cosignature "Ed25519 signed message")."""
    return _COSIGNATURE_HEADER + b"time %d\n" % timestamp + text

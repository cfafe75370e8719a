"""Ed25519 keys for signed partner messages (gateways/signing.py): a private key as an
unencrypted PKCS#8 PEM file of mode 0600, a public key as 32 raw bytes in standard base64 (as
the partner registry stores it). RFC 8032 (Ed25519), RFC 5958 (PKCS#8)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM: the file's 0600 mode is what protects it."""
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Write `key` as PKCS#8 PEM to a new file readable only by its owner (mode 0600).

    The file is created exclusively: an existing key file is never overwritten (that would
    silently retire the key partners trust), so this raises `FileExistsError` instead.
    Rotation writes the new key to a new file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)  # whatever the umask
        handle.write(private_key_to_pem(key))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read an unencrypted PKCS#8 PEM Ed25519 private key, as `write_private_key` writes."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def public_key_b64(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key in standard base64, as the partner registry stores it."""
    raw = key.public_bytes(encoding=serialization.Encoding.Raw,
                           format=serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_from_b64(value: str) -> Ed25519PublicKey:
    """Inverse of `public_key_b64`; raises `ValueError` unless it is 32 bytes of base64."""
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as exc:  # binascii.Error, or non-ASCII text
        raise ValueError("public key is not standard base64") from exc
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, not {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)

"""Secret keys kept in files readable only by the service (mode 0600)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from transparency.note import Signer


class MissingKeyError(RuntimeError):
    """A key file is missing where the settings forbid creating one."""


def load_key(path: Path, *, create: bool, size: int = 32) -> bytes:
    """Read a raw AES key from `path`; create a random one first when allowed."""
    if not path.exists():
        if not create:
            raise MissingKeyError(f"key file {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process of this service created it first
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(size))
    key = path.read_bytes()
    if len(key) not in (16, 24, 32):
        raise MissingKeyError(f"key file {path} does not hold a 16, 24 or 32-byte key")
    return key


def load_log_key(path: Path, *, create: bool, origin: str) -> Signer:
    """The transparency log's Ed25519 note key (C2SP signed-note "PRIVATE+KEY+..." text) from
    `path`, named for the log's `origin`; created first when allowed. A key of another name
    is refused: the origin is in every checkpoint, and a new one would start another log."""
    if not path.exists():
        if not create:
            raise MissingKeyError(f"key file {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process of this service created it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(Signer.generate(origin).skey() + "\n")
    try:
        key = Signer.from_skey(path.read_text().strip())
    except ValueError:
        raise MissingKeyError(f"key file {path} does not hold a note signer key") from None
    if key.name != origin:
        raise MissingKeyError(f"key file {path} is the key of log {key.name!r}, not {origin!r}")
    return key

"""Secret keys kept in files readable only by the service (mode 0600)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


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

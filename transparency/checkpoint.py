"""Signed checkpoints of the log (https://c2sp.org/tlog-checkpoint, v1.0.0): a C2SP signed
note whose text is the log's origin, tree size and root hash, signed with the council's
Ed25519 key (type 0x01) and optionally cosigned by witnesses (type 0x04 cosignatures,
https://c2sp.org/tlog-cosignature), and the checks an auditor makes with them.

Shape of the note text: "<origin>\\n<size>\\n<base64 root hash>\\n" then optional non-empty
extension lines; the size is ASCII decimal without leading zeros, in [0, 2**64); the root is
the 32-byte RFC 9162 root of the first `size` leaves (SHA-256 of nothing for size 0).

Errors: `CheckpointError` (a `ValueError`) for a note text that is not a checkpoint, a
checkpoint of another log, a missing log signature or too few witnesses; the `NoteError`s of
`transparency.note` for the note itself; `ProofError`s of `transparency.merkle` for proofs.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from transparency.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MAX_TREE_SIZE,
    verify_consistency,
    verify_inclusion,
)
from transparency.note import (
    OpenedNote,
    Signer,
    Verifier,
    open_note,
    parse_note,
    sign_note,
)
from transparency.note_keys import ALG_COSIGNATURE_V1, b64decode_canonical


class CheckpointError(ValueError):
    """A checkpoint is malformed, of another log, or not signed as required."""


@dataclass(frozen=True)
class Checkpoint:
    """One tree head of the log: who (origin), how many leaves (size), which root."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or any(c < " " for c in self.origin):
            raise CheckpointError("the origin is one non-empty line")
        if (not isinstance(self.size, int) or isinstance(self.size, bool)
                or not 0 <= self.size <= MAX_TREE_SIZE):
            raise CheckpointError("the tree size is an integer in [0, 2**64)")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"the root hash is {HASH_SIZE} bytes")
        # Every empty RFC 9162 tree has the same root; any other is a false checkpoint.
        if self.size == 0 and self.root_hash != EMPTY_ROOT:
            raise CheckpointError("an empty tree's root hash is SHA-256 of nothing")
        if any(not line or any(c < " " for c in line) for line in self.extensions):
            raise CheckpointError("extension lines are single non-empty lines")

    def text(self) -> str:
        """The note text of this checkpoint."""
        root = base64.b64encode(self.root_hash).decode()
        return "".join(f"{line}\n" for line in (self.origin, str(self.size), root,
                                                *self.extensions))

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's note text strictly (tlog-checkpoint "Note text")."""
        if not text.endswith("\n"):
            raise CheckpointError("a checkpoint's text ends in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("a checkpoint has an origin, a tree size and a root hash")
        origin, size, root, *extensions = lines
        if (not size.isascii() or not size.isdigit() or len(size) > 20
                or (size != "0" and size.startswith("0"))):
            raise CheckpointError("the tree size is decimal without leading zeros")
        root_hash = b64decode_canonical(root, CheckpointError, "root hash")
        return cls(origin, int(size), root_hash, tuple(extensions))


@dataclass(frozen=True)
class VerifiedCheckpoint:
    """A checkpoint whose log signature (and witness quorum) verified."""

    checkpoint: Checkpoint
    note: OpenedNote
    witnesses: tuple[str, ...]


def sign_checkpoint(checkpoint: Checkpoint, log_key: Signer) -> bytes:
    """The checkpoint as a note signed by the log's key (type 0x01 Ed25519). The log must never
    sign a checkpoint inconsistent with one it signed before (tlog-checkpoint "Signatures")."""
    if log_key.verifier.algorithm == ALG_COSIGNATURE_V1:
        raise CheckpointError("the log signs with a note key, not a cosignature key")
    return sign_note(checkpoint.text(), [log_key])


def cosign_checkpoint(message: bytes, witness: Signer, *, timestamp: int) -> bytes:
    """The checkpoint note with `witness`'s signature added over the same text (replacing an
    earlier one of the same key). A witness signs only after checking that the checkpoint
    extends the largest one it has seen from this log; a type 0x04 key makes a
    tlog-cosignature/v1 statement at `timestamp` (POSIX seconds), a type 0x01 key a plain
    second note signature."""
    note = parse_note(message)
    Checkpoint.parse(note.text)
    return note.signed_by([witness], timestamp=timestamp).encode()


def open_checkpoint(message: bytes, *, log_key: Verifier, origin: str | None = None,
                    witnesses: Sequence[Verifier] = (), quorum: int = 0) -> VerifiedCheckpoint:
    """Verify a checkpoint note: the log's own signature must be on it and valid, its origin
    must be `origin` (by default the log key's name, as tlog-checkpoint recommends), and at
    least `quorum` of `witnesses` must have cosigned it validly. Signatures from other keys
    are ignored (signed-note "Signatures"); a known key's invalid signature refuses it all."""
    if not 0 <= quorum <= len(witnesses):
        raise ValueError(f"a quorum of {quorum} among {len(witnesses)} witnesses")
    note = open_note(message, [log_key, *witnesses])
    if not note.is_signed_by(log_key):
        raise CheckpointError(f"the checkpoint is not signed by the log key {log_key.name}")
    checkpoint = Checkpoint.parse(note.text)
    expected = log_key.name if origin is None else origin
    if checkpoint.origin != expected:
        raise CheckpointError(f"the checkpoint is of {checkpoint.origin}, not {expected}")
    cosigned = tuple(w.name for w in witnesses if note.is_signed_by(w))
    if len(cosigned) < quorum:
        raise CheckpointError(
            f"{len(cosigned)} of the {quorum} witness cosignatures required are on the "
            "checkpoint")
    return VerifiedCheckpoint(checkpoint, note, cosigned)


def verify_included(checkpoint: Checkpoint, *, leaf_hash: bytes, index: int,
                    proof: Sequence[bytes]) -> None:
    """Check that leaf `index` with `leaf_hash` is in the tree the checkpoint signs: the size
    and root both come from the checkpoint, since an inclusion proof alone does not fix the
    size (RFC 9162 §2.1.3.2). Raises `InclusionProofError`."""
    verify_inclusion(leaf_hash=leaf_hash, index=index, size=checkpoint.size, proof=proof,
                     root=checkpoint.root_hash)


def verify_extends(older: Checkpoint, newer: Checkpoint, proof: Sequence[bytes]) -> None:
    """Check that `newer` extends `older` of the same log (RFC 9162 §2.1.4.2): nothing in the
    first `older.size` leaves was changed, removed or reordered. Raises `CheckpointError` for
    checkpoints of two logs, `ConsistencyProofError` for a failing proof."""
    if older.origin != newer.origin:
        raise CheckpointError(f"checkpoints of two logs: {older.origin} and {newer.origin}")
    verify_consistency(old_size=older.size, new_size=newer.size, old_root=older.root_hash,
                       new_root=newer.root_hash, proof=proof)

"""A transparency-log witness (C2SP tlog-witness v1.0.0 "add-checkpoint", tlog-cosignature
v1): it remembers, per log origin, the last checkpoint it cosigned, and cosigns a new one only
when the log's own signature verifies and the new tree provably extends the remembered one.
So a log cannot show two readers two histories: a checkpoint that forks from what a witness
cosigned is refused, and the refusal names why.

Shapes:
- an add-checkpoint request is the C2SP body: "old <size>\\n", at most 63 lines of one
  base64 SHA-256 hash each (the RFC 9162 §2.1.4 consistency proof from the old size), an
  empty line, then the checkpoint note (`format_add_checkpoint` / `parse_add_checkpoint`);
- the answer is one cosignature line "— <witness name> <base64(key ID || u64 timestamp ||
  Ed25519 signature)>\\n" (type 0x04, timestamp in POSIX seconds) over the checkpoint text,
  which a verifier appends to the checkpoint note;
- the state is {origin: WitnessedTree(size, root_hash)}.

Errors: `WitnessRefusal` (a `ValueError`) with `reason` and the HTTP status tlog-witness gives
it: `malformed_request` 400, `unknown_log` 404, `log_signature_invalid` 403,
`older_checkpoint` 400 (smaller than one already cosigned), `old_size_beyond_checkpoint` 400,
`old_size_mismatch` 409 (with `latest_size`: the size the witness holds, so the log can ask
again with a proof from it), `conflicting_checkpoint` 409 (same size, another root: a split
view), `bad_consistency_proof` 422 (the new tree does not extend the one cosigned: a fork,
or a broken proof).

Pure: no clock (the caller passes `now`), no I/O; `check` decides without changing state and
`accept` records, so a holder can persist the new state between the two (tlog-witness: "the
witness MUST persist the new checkpoint before responding", atomically with the check).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from transparency.checkpoint import Checkpoint, CheckpointError
from transparency.merkle import HASH_SIZE, ConsistencyProofError, verify_consistency
from transparency.note import (
    InvalidSignatureError,
    NoteError,
    Signer,
    UnverifiedNoteError,
    Verifier,
    open_note,
    parse_note,
)
from transparency.note_keys import ALG_COSIGNATURE_V1, b64decode_canonical

MAX_PROOF_LINES = 63  # tlog-witness: "The client MUST NOT send more than 63 proof lines"
STATUS = {
    "malformed_request": 400, "unknown_log": 404, "log_signature_invalid": 403,
    "older_checkpoint": 400, "old_size_beyond_checkpoint": 400, "old_size_mismatch": 409,
    "conflicting_checkpoint": 409, "bad_consistency_proof": 422,
}

# Refusals that, with the log's signature on the checkpoint, prove the log signed two trees
# that do not extend one another (or a witness was shown one the log's own history lacks).
FORK_REASONS = frozenset({"conflicting_checkpoint", "bad_consistency_proof",
                          "older_checkpoint"})


class WitnessRefusal(ValueError):
    """The witness will not cosign. `reason` is a key of `STATUS`; `latest_size` the size it
    last cosigned for the origin (given with `old_size_mismatch` and `older_checkpoint`);
    `signed_by_log` whether the log's signature verified (then the request is evidence)."""

    def __init__(self, reason: str, message: str, *, latest_size: int | None = None,
                 signed_by_log: bool = False) -> None:
        if reason not in STATUS:
            raise ValueError(f"unknown witness refusal {reason!r}")
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.status = STATUS[reason]
        self.latest_size = latest_size
        self.signed_by_log = signed_by_log


@dataclass(frozen=True)
class WitnessedTree:
    """The last tree a witness cosigned for one log: its size and 32-byte root."""

    size: int
    root_hash: bytes

    def to_dict(self) -> dict[str, object]:
        return {"size": self.size, "root_hash": base64.b64encode(self.root_hash).decode()}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> WitnessedTree:
        size, root = data["size"], data["root_hash"]
        if not isinstance(size, int) or not isinstance(root, str):
            raise ValueError("a witnessed tree is {size: int, root_hash: base64}")
        return cls(size, base64.b64decode(root, validate=True))


@dataclass(frozen=True)
class AddCheckpoint:
    """One add-checkpoint request: the old size, the proof from it, the checkpoint note."""

    old_size: int
    proof: tuple[bytes, ...]
    note: bytes


@dataclass(frozen=True)
class Cosigning:
    """A decision to cosign: for `origin`, the tree held when checked (`previous`), the tree
    to hold next, and the cosignature line(s) to answer with."""

    origin: str
    previous: WitnessedTree | None
    tree: WitnessedTree
    lines: bytes


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], note: bytes) -> bytes:
    """The add-checkpoint request body (tlog-witness "add-checkpoint")."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof), ""]
    return ("\n".join(lines) + "\n").encode() + note


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Read an add-checkpoint body strictly; `WitnessRefusal` `malformed_request` if not."""
    head, sep, note = body.partition(b"\n\n")
    if not sep:
        raise _malformed("the request has no empty line before the checkpoint")
    try:
        first, *proof_lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise _malformed("the old size and proof lines are ASCII") from None
    size = first.removeprefix("old ")
    if (size == first or not size.isdigit() or len(size) > 20
            or (size != "0" and size.startswith("0"))):
        raise _malformed("the first line is 'old <size>' in decimal without leading zeros")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise _malformed(f"at most {MAX_PROOF_LINES} proof lines")
    proof = []
    for line in proof_lines:
        try:
            node = b64decode_canonical(line, ValueError, "proof hash")
        except (ValueError, binascii.Error):
            raise _malformed("each proof line is one base64 hash") from None
        if len(node) != HASH_SIZE:
            raise _malformed(f"each proof hash is {HASH_SIZE} bytes")
        proof.append(node)
    return AddCheckpoint(int(size), tuple(proof), note)


def _malformed(message: str) -> WitnessRefusal:
    return WitnessRefusal("malformed_request", message)


class Witness:
    """A witness with cosignature key `key` (type 0x04) for the logs in `logs` (origin → the
    log's verifier keys), starting from `latest` (origin → tree last cosigned)."""

    def __init__(self, key: Signer, logs: Mapping[str, Sequence[Verifier]],
                 latest: Mapping[str, WitnessedTree] | None = None) -> None:
        if key.verifier.algorithm != ALG_COSIGNATURE_V1:
            raise ValueError("a witness cosigns with a cosignature/v1 key (type 0x04)")
        self.key = key
        self._logs = {origin: tuple(keys) for origin, keys in logs.items()}
        self._latest = dict(latest or {})

    @property
    def verifier(self) -> Verifier:
        """The public key a log (and an auditor) checks this witness's cosignatures with."""
        return self.key.verifier

    @property
    def latest(self) -> dict[str, WitnessedTree]:
        """A copy of the state: origin → the tree last cosigned."""
        return dict(self._latest)

    def check(self, request: AddCheckpoint, *, now: int) -> Cosigning:
        """Decide on `request` at `now` (POSIX seconds) without changing state: the
        cosignature to answer with, or `WitnessRefusal` (module docstring)."""
        try:
            checkpoint = Checkpoint.parse(parse_note(request.note).text)
        except (NoteError, CheckpointError) as bad:
            raise _malformed(f"the checkpoint is not a signed checkpoint note ({bad})") from None
        keys = self._logs.get(checkpoint.origin)
        if keys is None:
            raise WitnessRefusal("unknown_log", "this witness does not follow that log")
        try:
            # Only the log's keys are given: other signatures (cosignatures) are ignored.
            open_note(request.note, keys)
        except (UnverifiedNoteError, InvalidSignatureError):
            raise WitnessRefusal("log_signature_invalid",
                                 "the checkpoint is not signed by the log's key") from None
        latest = self._latest.get(checkpoint.origin)
        held = 0 if latest is None else latest.size
        self._check_sizes(request, checkpoint, held)
        if latest is not None and request.old_size == checkpoint.size:
            if request.proof:
                raise _fork("bad_consistency_proof", "equal sizes need an empty proof", held)
            if latest.root_hash != checkpoint.root_hash:
                raise _fork("conflicting_checkpoint",
                            f"another checkpoint of {held} leaves was cosigned: the log "
                            "shows two histories", held)
        elif latest is None or request.old_size == 0:  # the first, or after an empty tree
            if request.proof:  # tlog-witness: "The proof MUST be empty if the old size is zero"
                raise _fork("bad_consistency_proof", "a proof from size 0 must be empty", held)
        else:
            try:
                verify_consistency(old_size=latest.size, new_size=checkpoint.size,
                                   old_root=latest.root_hash, new_root=checkpoint.root_hash,
                                   proof=request.proof)
            except ConsistencyProofError as failed:
                raise _fork("bad_consistency_proof",
                            f"the checkpoint does not extend the one of {held} leaves "
                            f"cosigned ({failed})", held) from None
        line = self.key.sign(checkpoint.text().encode(), timestamp=now).line()
        return Cosigning(checkpoint.origin, latest,
                         WitnessedTree(checkpoint.size, checkpoint.root_hash), line.encode())

    @staticmethod
    def _check_sizes(request: AddCheckpoint, checkpoint: Checkpoint, held: int) -> None:
        if checkpoint.size < held:
            raise WitnessRefusal("older_checkpoint",
                                 f"a checkpoint of {held} leaves was already cosigned",
                                 latest_size=held, signed_by_log=True)
        if request.old_size > checkpoint.size:
            raise WitnessRefusal("old_size_beyond_checkpoint",
                                 "the old size is larger than the checkpoint's",
                                 signed_by_log=True)
        if request.old_size != held:
            raise WitnessRefusal("old_size_mismatch",
                                 f"the last checkpoint cosigned has {held} leaves",
                                 latest_size=held, signed_by_log=True)

    def accept(self, cosigning: Cosigning) -> None:
        """Record a decision of `check`, unless the state moved since it was checked (then
        `WitnessRefusal` `old_size_mismatch`: the log asks again)."""
        current = self._latest.get(cosigning.origin)
        if current != cosigning.previous:
            raise WitnessRefusal("old_size_mismatch", "another checkpoint was cosigned first",
                                 latest_size=0 if current is None else current.size,
                                 signed_by_log=True)
        self._latest[cosigning.origin] = cosigning.tree

    def add_checkpoint(self, body: bytes, *, now: int) -> bytes:
        """`check` then `accept` a request body; the cosignature line(s) to answer with."""
        cosigning = self.check(parse_add_checkpoint(body), now=now)
        self.accept(cosigning)
        return cosigning.lines


def _fork(reason: str, message: str, held: int) -> WitnessRefusal:
    return WitnessRefusal(reason, message, latest_size=held, signed_by_log=True)

"""The transparency log as the council runs it: signed checkpoints made on demand and on a
schedule, and proofs for auditors (RFC 9162 §2.1.3 inclusion, §2.1.4 consistency;
C2SP tlog-checkpoint for the signed tree heads).

Shapes: a checkpoint is the C2SP signed note text (bytes, UTF-8) of "<origin>\\n<size>\\n<base64
root>\\n" with the log key's Ed25519 signature; proofs are lists of 32-byte hashes, lowest
first. Nothing here holds personal data: leaves are hashes of encrypted rows, and a leaf is
found by stream id and version only.

Errors: `LogError` (a `ValueError`) naming what is missing: an event not in the log, a size
beyond any checkpoint, or a tree that does not extend the last checkpoint (which is then not
signed: RFC 9162 §2.1.4, tlog-checkpoint "Signatures" — a log never signs two inconsistent
tree heads).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder

from activities.cosignatures import Cosignatures
from activities.event_records import CoreSelectApplicationRecorder
from activities.log_alerts import LogAlerts
from activities.transparency_store import LogTables, SessionTree, log_size
from transparency.checkpoint import Checkpoint, sign_checkpoint, verify_extends
from transparency.log_tree import consistency_proof, inclusion_proof, root_hash
from transparency.merkle import ConsistencyProofError
from transparency.note import Signer

log = logging.getLogger(__name__)


class LogError(ValueError):
    """What was asked of the log cannot be given; `rule` names why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as kept: its size, root, when it was made (POSIX seconds) and the note."""

    size: int
    root_hash: bytes
    made_at: int
    note: bytes


@dataclass(frozen=True)
class Inclusion:
    """Where one event is in the log, and the path from its leaf to a checkpoint's root."""

    leaf_index: int
    leaf_hash: bytes
    tree_size: int
    proof: list[bytes]


def log_origin(deployment: str) -> str:
    """The log's origin line (and key name): "<deployment> da-casework log" made one word
    per C2SP key-name rules (no spaces or "+")."""
    name = "-".join(deployment.split()).replace("+", "-")
    if not name:
        raise ValueError("the deployment has a name")
    return f"{name}/da-casework-log"


class TransparencyLog:
    """The log over every event of the store that `recorder` writes to (and any other
    application in the same database and schema)."""

    def __init__(self, recorder: SQLAlchemyApplicationRecorder) -> None:
        if not isinstance(recorder, CoreSelectApplicationRecorder):
            raise TypeError("the store's recorder does not keep a transparency log")
        self._recorder = recorder
        self.tables: LogTables = recorder.log_tables

    def transaction(self) -> Any:
        """A read-only transaction on the log's database (a context manager yielding a
        SQLAlchemy `Session`)."""
        return self._recorder.transaction(commit=False)

    def alerts(self) -> LogAlerts:
        """The self-check's alerts, in the log's database (activities/log_alerts.py)."""
        engine = self._recorder.datastore.engine
        assert isinstance(engine, sa.Engine)
        return LogAlerts(engine, self._recorder.schema_name)

    def cosignatures(self) -> Cosignatures:
        """Witnesses' cosignatures of the checkpoints (activities/cosignatures.py)."""
        engine = self._recorder.datastore.engine
        assert isinstance(engine, sa.Engine)
        return Cosignatures(engine, self._recorder.schema_name)

    def cosigned_note(self, size: int) -> bytes:
        """The checkpoint of `size` leaves as a signed note with every stored witness
        cosignature line appended after the log's signature (C2SP tlog-cosignature: a
        verifier checks the lines of the witness keys it trusts, ignores the others).
        Raises `LogError` `checkpoint_exists` if no checkpoint of that size was made."""
        checkpoint = self.checkpoint_of_size(size)
        if checkpoint is None:
            raise LogError("checkpoint_exists", "no checkpoint of that tree size was made")
        lines = "".join(c.line for c in self.cosignatures().of_size(size))
        return checkpoint.note + lines.encode()

    # ---- checkpoints -----------------------------------------------------------------------

    def make_checkpoint(self, log_key: Signer, *, now: float | None = None) -> StoredCheckpoint:
        """Sign the tree as it stands and keep it, unless it is no larger than the last one
        kept (which is then returned). Refuses (`LogError` `log_extends_checkpoint`) a tree
        that does not extend the last checkpoint: somebody changed the log."""
        last = self.latest_checkpoint()
        with self._recorder.transaction(commit=False) as session:
            tree = SessionTree(session, self.tables)
            size = log_size(session, self.tables)
            root = root_hash(tree, size)
            checkpoint = Checkpoint(log_key.name, size, root)
            if last is not None:
                # Checked even when nothing was added: the tree under the last checkpoint
                # may have been rewritten since.
                older = Checkpoint(log_key.name, last.size, last.root_hash)
                try:
                    if size < last.size:
                        raise ConsistencyProofError("the log shrank")
                    if last.size:  # every tree extends the empty one
                        verify_extends(older, checkpoint,
                                       consistency_proof(tree, last.size, size))
                except (ConsistencyProofError, KeyError):
                    raise LogError("log_extends_checkpoint",
                                   f"the log of {size} leaves does not extend the "
                                   f"checkpoint of {last.size}: it was changed") from None
                if size == last.size:
                    return last
        note = sign_checkpoint(checkpoint, log_key)
        made = StoredCheckpoint(size, root, int(time.time() if now is None else now), note)
        t = self.tables.checkpoints
        with self._recorder.transaction(commit=True) as session:
            exists = session.execute(sa.select(t.c.tree_size).where(
                t.c.tree_size == size)).first()
            if exists is None:  # another process signed this size first: keep theirs
                session.execute(sa.insert(t).values(tree_size=size, root_hash=root,
                                                    made_at=made.made_at,
                                                    note=note.decode()))
        return self.checkpoint_of_size(size) or made

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        """The largest checkpoint kept, or None before the first."""
        t = self.tables.checkpoints
        return self._one_checkpoint(sa.select(t).order_by(t.c.tree_size.desc()).limit(1))

    def checkpoint_of_size(self, size: int) -> StoredCheckpoint | None:
        """The checkpoint kept for tree size `size`, if one was made."""
        t = self.tables.checkpoints
        return self._one_checkpoint(sa.select(t).where(t.c.tree_size == size))

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Every checkpoint kept, smallest first."""
        t = self.tables.checkpoints
        with self._recorder.transaction(commit=False) as session:
            rows = session.execute(sa.select(t).order_by(t.c.tree_size)).all()
        return [_checkpoint(row) for row in rows]

    def _one_checkpoint(self, query: sa.Select[tuple[object, ...]]) -> StoredCheckpoint | None:
        with self._recorder.transaction(commit=False) as session:
            row = session.execute(query).first()
        return None if row is None else _checkpoint(row)

    # ---- proofs --------------------------------------------------------------------------------

    def size(self) -> int:
        """How many leaves the log holds now (some may be in no checkpoint yet)."""
        with self._recorder.transaction(commit=False) as session:
            return log_size(session, self.tables)

    def leaf_of(self, stream_id: UUID, version: int) -> tuple[int, bytes]:
        """(leaf index, leaf hash) of the event `version` of stream `stream_id` (a case, an
        access log, a member of staff); `LogError` `event_is_logged` if there is none."""
        t = self.tables.leaves
        with self._recorder.transaction(commit=False) as session:
            row = session.execute(sa.select(t.c.leaf_index, t.c.leaf_hash).where(
                (t.c.stream_id == str(stream_id)) & (t.c.version == version))).first()
        if row is None:
            raise LogError("event_is_logged", "no such event in the log")
        return int(row[0]), bytes(row[1])

    def inclusion(self, stream_id: UUID, version: int, tree_size: int) -> Inclusion:
        """The inclusion proof of an event in the checkpoint of `tree_size` leaves. Raises
        `LogError`: `event_is_logged`, `checkpoint_exists` (no checkpoint of that size),
        `event_in_checkpoint` (the event came after it: ask again after the next one)."""
        index, leaf_hash = self.leaf_of(stream_id, version)
        self._require_checkpoint(tree_size)
        if index >= tree_size:
            raise LogError("event_in_checkpoint",
                           "the event was logged after this checkpoint; use a later one")
        with self._recorder.transaction(commit=False) as session:
            proof = inclusion_proof(SessionTree(session, self.tables), index, tree_size)
        return Inclusion(index, leaf_hash, tree_size, proof)

    def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        """The proof that the checkpoint of `new_size` leaves extends the tree of `old_size`
        (RFC 9162 §2.1.4.1). The older checkpoint need not be kept here: an auditor checks the
        proof against the copy they hold. Raises `LogError` `checkpoint_exists` (no checkpoint
        of `new_size`) or `sizes_in_order` (needs 0 < old <= new)."""
        if not 0 < old_size <= new_size:
            raise LogError("sizes_in_order", "needs 0 < old size <= new size")
        self._require_checkpoint(new_size)
        with self._recorder.transaction(commit=False) as session:
            return consistency_proof(SessionTree(session, self.tables), old_size, new_size)

    def _require_checkpoint(self, size: int) -> None:
        if self.checkpoint_of_size(size) is None:
            raise LogError("checkpoint_exists", "no checkpoint of that tree size was made")


def _checkpoint(row: sa.Row[tuple[object, ...]]) -> StoredCheckpoint:
    values = row._mapping
    return StoredCheckpoint(int(values["tree_size"]), bytes(values["root_hash"]),
                            int(values["made_at"]), str(values["note"]).encode())


class CheckpointSchedule:
    """The worker's checkpoints: one every interval (and none while nothing was added). A
    tree that does not extend the last checkpoint is not signed and is logged as an ERROR
    (an alert) every time, until someone looks; other failures are retried next time."""

    def __init__(self, log_: TransparencyLog, log_key: Signer, *,
                 after: Callable[[], object] | None = None) -> None:
        self.log = log_
        self.log_key = log_key
        # Run after every attempt, a checkpoint made or not: the witnessing round
        # (application/witnessing.py), so a witness that was down is asked again.
        self.after = after

    def make_one(self) -> StoredCheckpoint | None:
        """A checkpoint now, or None if it could not be made (logged)."""
        try:
            return self.log.make_checkpoint(self.log_key)
        except LogError as refused:
            log.error("transparency log: %s (%s); no checkpoint signed", refused,
                      refused.rule)
        except Exception:  # a store down: the next round tries again
            log.exception("transparency log: checkpoint not made")
        return None

    async def run_forever(self, interval_seconds: float) -> None:
        """Make a checkpoint now and then every `interval_seconds`, until cancelled."""
        while True:
            await asyncio.to_thread(self.make_one)
            if self.after is not None:
                await asyncio.to_thread(self.after)
            await asyncio.sleep(interval_seconds)

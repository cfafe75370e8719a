"""Checking the event store against a signed checkpoint, from the stored events alone.

The stored tree (leaf hashes, subtree hashes) is what an insider could rewrite, so nothing
of it is trusted here: every leaf is recomputed from its event row (`transparency.leaves`:
stream id, version, topic, SHA-256 of the stored encrypted state), the root of the first
`size` leaves is recomputed from those (RFC 9162 §2.1.1), and it must equal the root the
checkpoint signs (opened with the log's verifier key, C2SP tlog-checkpoint). The leaf table
only says which event is leaf i; an event changed, removed, added in the middle or moved
changes the recomputed root. Also checked: every event of every logged events table has
exactly one leaf, leaf indexes have no gaps, and the stored leaf hashes match (events
logged after the checkpoint can be checked no further than that).

Report: each problem names the event — its leaf index, stream id and version, events table
and notification id (and the row's own stream and version if an edit changed them): an event
changed in place, or two events' contents swapped, is "leaf i (...): its stored hash does not
match its event"; a deleted one "leaf i (...): its event is not in the store"; an inserted
one "event n of <table> (stream s version v) is in no leaf". An insider who also rewrote the
leaf and node tables to match is caught by the root alone, which names no event.

Cost: one pass over the leaves in index order and one read of each event row; memory
O(log n) for the root (a stack of full subtrees), plus the set of logged event ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy_utils.types.uuid import UUIDType

from activities.transparency_store import LogTables
from transparency.checkpoint import Checkpoint
from transparency.leaves import event_leaf_hash
from transparency.merkle import EMPTY_ROOT, hash_children

PAGE = 2000
MAX_PROBLEMS = 50  # listed; the count is always complete
# The events tables of the applications whose events are logged (eventsourcing names them
# "<application name>_events"): the case store, the staff directory and the properties
# (the pattern of repairs, activities/property_store.py) and the complaints
# (activities/complaints_register.py). Fixed here, never
# read from the leaf table, which an insider could point at a copy of the untouched rows.
LOGGED_TABLES = ("casestore_events", "staffdirectory_events", "propertyrepairsstore_events",
                 "complaintsregister_events")


@dataclass
class Verification:
    """What the check found: `problems` (at most MAX_PROBLEMS listed) and their count."""

    checkpoint: Checkpoint
    leaves: int = 0
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def fail(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


class StreamingRoot:
    """The RFC 9162 root of leaves appended one by one, in O(log n) memory: a stack of the
    full subtrees of the leaves so far, largest first, merged as they fill."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (level, hash)
        self.size = 0

    def append(self, leaf_hash: bytes) -> None:
        level, node = 0, leaf_hash
        while self._stack and self._stack[-1][0] == level:
            node = hash_children(self._stack.pop()[1], node)
            level += 1
        self._stack.append((level, node))
        self.size += 1

    def root(self) -> bytes:
        """MTH of every leaf appended (the right edge nests to the right)."""
        if not self._stack:
            return EMPTY_ROOT
        result = self._stack[-1][1]
        for _, node in reversed(self._stack[:-1]):
            result = hash_children(node, result)
        return result


def verify_store(session: Session, tables: LogTables, checkpoint: Checkpoint,
                 logged_tables: tuple[str, ...] = LOGGED_TABLES) -> Verification:
    """Check the store that `session` reads against `checkpoint` (already opened with the log's
    verifier key: `transparency.checkpoint.open_checkpoint`); every event of
    `logged_tables` (those that exist) must be a leaf, and no leaf may name another table."""
    found = Verification(checkpoint)
    root = StreamingRoot()
    logged: dict[str, set[int]] = {}
    expected_index = 0
    for row, event in _leaves_with_events(session, tables, logged_tables):
        index = int(row.leaf_index)
        if index != expected_index:
            found.fail(f"leaf {expected_index} is missing (next leaf is {index})")
        expected_index = index + 1
        seen = logged.setdefault(row.events_table, set())
        if int(row.notification_id) in seen:
            found.fail(f"leaf {index} ({_leaf_names(row, event)}): its event is logged twice")
        seen.add(int(row.notification_id))
        if row.events_table not in logged_tables:
            found.fail(f"leaf {index} ({_leaf_names(row, event)}): names {row.events_table}, "
                       "which is no logged store")
            recomputed = bytes(32)
        elif event is None:
            found.fail(f"leaf {index} ({_leaf_names(row, event)}): its event is not in the "
                       "store (deleted)")
            recomputed = bytes(32)  # keeps the tree's shape; the root will not match
        else:
            recomputed = event.leaf_hash
            if recomputed != bytes(row.leaf_hash):
                found.fail(f"leaf {index} ({_leaf_names(row, event)}): its stored hash does "
                           "not match its event (changed or moved)")
        if index < checkpoint.size:
            root.append(recomputed)
    found.leaves = expected_index
    if expected_index < checkpoint.size:
        found.fail(f"the log has {expected_index} leaves, fewer than the checkpoint's "
                   f"{checkpoint.size}")
    elif root.root() != checkpoint.root_hash:
        found.fail(f"the root recomputed from the first {checkpoint.size} events differs "
                   "from the signed checkpoint's: an event was changed, removed or moved")
    present = sa.inspect(session.get_bind())
    for table_name in logged_tables:
        if present.has_table(table_name, schema=tables.leaves.schema):
            _check_every_event_logged(session, tables, table_name,
                                      logged.get(table_name, set()), found)
    return found


class EventRow(NamedTuple):
    """What the events table holds for a leaf: the row's own stream id and version (which an
    edit may have changed) and the leaf hash recomputed from the row."""

    stream_id: UUID | str
    version: int
    leaf_hash: bytes


def _leaf_names(leaf: sa.Row, event: EventRow | None) -> str:  # type: ignore[type-arg]
    """The event a leaf stands for, as a report names it: "stream <id> version <n>,
    <table> #<notification id>", and the row's own stream and version when an edit moved
    them away from the leaf's."""
    named = (f"stream {leaf.stream_id} version {leaf.version}, "
             f"{leaf.events_table} #{leaf.notification_id}")
    if event is not None and (str(event.stream_id), event.version) != (leaf.stream_id,
                                                                       int(leaf.version)):
        named += f"; the row now says stream {event.stream_id} version {event.version}"
    return named


def events_table(tables: LogTables, name: str) -> sa.Table:
    """An events table of the library's shape, read with the library's column types."""
    return sa.Table(name, sa.MetaData(schema=tables.leaves.schema),
                    sa.Column("id", sa.BigInteger, primary_key=True),
                    # The library's own column type (binary on SQLite, uuid on PostgreSQL).
                    sa.Column("originator_id", UUIDType()),
                    sa.Column("originator_version", sa.BigInteger),
                    sa.Column("topic", sa.Text), sa.Column("state", sa.LargeBinary))


def _leaves_with_events(session: Session, tables: LogTables, logged_tables: tuple[str, ...],
                        ) -> Iterator[tuple[sa.Row, EventRow | None]]:  # type: ignore[type-arg]
    """Each leaf row in index order, with its event row and the leaf hash recomputed from it
    (None if the row is gone or in a table that is not logged)."""
    t = tables.leaves
    after = -1
    events: dict[str, sa.Table] = {}
    while True:
        page = session.execute(sa.select(t).where(t.c.leaf_index > after)
                               .order_by(t.c.leaf_index).limit(PAGE)).all()
        if not page:
            return
        by_table: dict[str, list[int]] = {}
        for row in page:
            if row.events_table in logged_tables:
                by_table.setdefault(row.events_table, []).append(int(row.notification_id))
        rows: dict[tuple[str, int], EventRow] = {}
        for name, ids in by_table.items():
            e = events.setdefault(name, events_table(tables, name))
            found = session.execute(sa.select(
                e.c.id, e.c.originator_id, e.c.originator_version, e.c.topic, e.c.state,
            ).where(e.c.id.in_(ids))).tuples()
            for event_id, stream_id, version, topic, state in found:
                rows[(name, event_id)] = EventRow(stream_id, version, event_leaf_hash(
                    stream_id=stream_id, version=version, topic=topic, state=bytes(state)))
        for row in page:
            yield row, rows.get((row.events_table, int(row.notification_id)))
        after = int(page[-1].leaf_index)


def _check_every_event_logged(session: Session, tables: LogTables, name: str,
                              logged: set[int], found: Verification) -> None:
    e = events_table(tables, name)
    after = 0
    while True:
        ids = [int(i) for i in session.execute(sa.select(e.c.id).where(e.c.id > after)
                                               .order_by(e.c.id).limit(PAGE)).scalars()]
        unlogged = [i for i in ids if i not in logged]
        if unlogged:  # named by stream and version (read only for these: few, if any)
            for row in session.execute(sa.select(e.c.id, e.c.originator_id,
                                                 e.c.originator_version)
                                       .where(e.c.id.in_(unlogged)).order_by(e.c.id)):
                found.fail(f"event {row.id} of {name} (stream {row.originator_id} version "
                           f"{row.originator_version}) is in no leaf (inserted)")
        if len(ids) < PAGE:
            return
        after = ids[-1]

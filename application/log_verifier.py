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

Cost: one streamed query (the leaves in index order, each joined to its event row) and one
of the events' ids, read as plain DB-API tuples FETCH at a time; per leaf two SHA-256 and
about one for the root. Memory O(log n) for the root (a stack of full subtrees), plus the set
of logged event ids. `bench/audit.py` times it (1,000,000 leaves: README "Design notes").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy_utils.types.uuid import UUIDType

from activities.transparency_store import LogTables
from transparency.checkpoint import Checkpoint
from transparency.leaves import FORMAT_TAG, MAX_VERSION, event_leaf_hash
from transparency.merkle import LEAF_PREFIX, NODE_PREFIX
from transparency.streaming_root import stack_root

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

    def summary(self) -> str:
        """'1 problem' / '3 problems'."""
        return f"{self.problem_count} problem{'' if self.problem_count == 1 else 's'}"

    def fail(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def verify_store(session: Session, tables: LogTables, checkpoint: Checkpoint,
                 logged_tables: tuple[str, ...] = LOGGED_TABLES,
                 earlier: Sequence[Checkpoint] = ()) -> Verification:
    """Check the store that `session` reads against `checkpoint` (already opened with the log's
    verifier key: `transparency.checkpoint.open_checkpoint`); every event of
    `logged_tables` (those that exist) must be a leaf, and no leaf may name another table.

    `earlier`: other opened checkpoints the store must still match (every one kept). An
    insider with the database and the log key can rewrite an event, its leaf and nodes, and
    sign a new checkpoint: the latest then matches, an earlier one does not. The event cannot
    be named then (its old leaf hash is gone), only the first checkpoint it contradicts."""
    found = Verification(checkpoint)
    at_size: dict[int, bytes] = {c.size: c.root_hash for c in earlier
                                 if 0 < c.size < checkpoint.size}
    present = sa.inspect(session.get_bind())
    existing = tuple(name for name in logged_tables
                     if present.has_table(name, schema=tables.leaves.schema))
    logged: dict[str, set[int]] = {name: set() for name in existing}
    # The loop below runs once per leaf (a million for a large log): the root's stack and the
    # leaf hashing are inlined, and rows are plain tuples (`leaf_rows`).
    stack: list[tuple[int, bytes]] = []  # StreamingRoot's (level, hash), largest first
    sha256, size, expected_index = hashlib.sha256, checkpoint.size, 0
    for (index, table, notification_id, stream_id, version, stored_hash, event_id,
         event_stream, event_version, topic, state) in leaf_rows(session, tables, existing):
        if index != expected_index:
            found.fail(f"leaf {expected_index} is missing (next leaf is {index})")
        expected_index = index + 1
        seen = logged.get(table)
        if seen is None:
            found.fail(f"leaf {index} ({_named(table, notification_id, stream_id, version)}): "
                       f"names {table}, which is no logged store")
            recomputed = bytes(32)
        else:
            if notification_id in seen:
                found.fail(f"leaf {index} ({_named(table, notification_id, stream_id, version)}"
                           "): its event is logged twice")
            seen.add(notification_id)
            if event_id is None:
                found.fail(f"leaf {index} ({_named(table, notification_id, stream_id, version)}"
                           "): its event is not in the store (deleted)")
                recomputed = bytes(32)  # keeps the tree's shape; the root will not match
            else:
                recomputed = _leaf_hash(event_stream, event_version, topic, state)
                if recomputed != stored_hash:
                    names = _named(table, notification_id, stream_id, version, event_stream,
                                   event_version)
                    found.fail(f"leaf {index} ({names}): its stored hash does not match its "
                               "event (changed or moved)")
        if index < size:
            level, node = 0, recomputed
            while stack and stack[-1][0] == level:
                node = sha256(NODE_PREFIX + stack.pop()[1] + node).digest()
                level += 1
            stack.append((level, node))
            signed_then = at_size.get(index + 1)
            if signed_then is not None and stack_root(stack) != signed_then:
                found.fail(f"the root recomputed from the first {index + 1} events differs "
                           f"from the earlier signed checkpoint of {index + 1} leaves: the log "
                           "was rewritten after that checkpoint was signed")
    found.leaves = expected_index
    if expected_index < size:
        found.fail(f"the log has {expected_index} leaves, fewer than the checkpoint's "
                   f"{size}")
    elif stack_root(stack) != checkpoint.root_hash:
        found.fail(f"the root recomputed from the first {size} events differs "
                   "from the signed checkpoint's: an event was changed, removed or moved")
    for table_name in existing:
        _check_every_event_logged(session, tables, table_name, logged[table_name], found)
    return found


_TAG = len(FORMAT_TAG).to_bytes(4, "big") + FORMAT_TAG
_EIGHT, _THIRTY_TWO = (8).to_bytes(4, "big"), (32).to_bytes(4, "big")
_TOPICS: dict[str, bytes] = {}


def _leaf_hash(stream_id: str, version: int, topic: str, state: bytes) -> bytes:
    """`transparency.leaves.event_leaf_hash` for a row read by `leaf_rows` (stream id as
    canonical text), with the topic's encoding kept: the same bytes, a third of the time."""
    encoded_topic = _TOPICS.get(topic)
    if encoded_topic is None:
        if not topic:  # refused as the leaf format refuses it (ValueError)
            return event_leaf_hash(stream_id=stream_id, version=version, topic=topic,
                                   state=state)
        data = topic.encode()
        encoded_topic = _TOPICS[topic] = len(data).to_bytes(4, "big") + data
    if not 0 <= version <= MAX_VERSION:
        return event_leaf_hash(stream_id=stream_id, version=version, topic=topic,
                               state=state)
    stream = stream_id.encode()
    leaf = b"".join((LEAF_PREFIX, _TAG, len(stream).to_bytes(4, "big"), stream, _EIGHT,
                     version.to_bytes(8, "big"), encoded_topic, _THIRTY_TWO,
                     hashlib.sha256(state).digest()))
    return hashlib.sha256(leaf).digest()


def _named(table: str, notification_id: int, stream_id: str, version: int,
           row_stream: str | None = None, row_version: int | None = None) -> str:
    """The event a leaf stands for, as a report names it: "stream <id> version <n>,
    <table> #<notification id>", and the row's own stream and version when an edit moved
    them away from the leaf's."""
    named = f"stream {stream_id} version {version}, {table} #{notification_id}"
    if row_stream is not None and (row_stream, row_version) != (stream_id, version):
        named += f"; the row now says stream {row_stream} version {row_version}"
    return named


def events_table(tables: LogTables, name: str) -> sa.Table:
    """An events table of the library's shape, read with the library's column types."""
    return sa.Table(name, sa.MetaData(schema=tables.leaves.schema),
                    sa.Column("id", sa.BigInteger, primary_key=True),
                    # The library's own column type (binary on SQLite, uuid on PostgreSQL).
                    sa.Column("originator_id", UUIDType()),
                    sa.Column("originator_version", sa.BigInteger),
                    sa.Column("topic", sa.Text), sa.Column("state", sa.LargeBinary))


LeafRow = tuple[int, str, int, str, int, bytes, int | None, str, int, str, bytes]


def leaf_rows(session: Session, tables: LogTables, existing: tuple[str, ...],
              ) -> Iterator[LeafRow]:
    """Each leaf in index order with its event row, in one streamed query (a server-side
    cursor on PostgreSQL, FETCH rows at a time): (leaf index, events table, notification id,
    the leaf's stream id and version, its stored hash; then the event row's id (None if no
    row of a logged table is there), its stream id as canonical UUID text, version, topic and
    state). Plain DB-API tuples: a SQLAlchemy row per leaf costs more than hashing it."""
    bind = session.get_bind()
    quote = bind.dialect.identifier_preparer
    postgres = bind.dialect.name == "postgresql"
    joins: list[str] = []
    columns: dict[str, list[str]] = {c: [] for c in ("id", "originator_id",
                                                     "originator_version", "topic", "state")}
    for n, name in enumerate(existing):
        joins.append(f"LEFT JOIN {quote.format_table(events_table(tables, name))} e{n} "
                     f"ON l.events_table = '{name}' AND e{n}.id = l.notification_id")
        for column, found in columns.items():
            found.append(f"e{n}.{column}")
    # One leaf names one table, so at most one join matches: COALESCE picks it.
    picked = {c: f"COALESCE({', '.join([*found, 'NULL'])})" for c, found in columns.items()}
    if postgres:  # uuid → its canonical text in the database, not per row in Python
        picked["originator_id"] = f"CAST({picked['originator_id']} AS TEXT)"
    sql = (f"SELECT l.leaf_index, l.events_table, l.notification_id, l.stream_id, l.version, "
           f"l.leaf_hash, {', '.join(picked.values())} "
           f"FROM {quote.format_table(tables.leaves)} l {' '.join(joins)} "
           "ORDER BY l.leaf_index")
    for rows in _streamed(session, sql):
        if postgres:
            yield from rows
            continue
        for row in rows:  # SQLite: the stream id is the library's 16 bytes
            stream = row[7]
            if isinstance(stream, bytes) and len(stream) == 16:
                h = stream.hex()
                stream = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            elif stream is not None:
                stream = _canonical_stream(stream)
            yield (*row[:7], stream, *row[8:])


FETCH = 20_000


def _streamed(session: Session, sql: str) -> Iterator[list[tuple[Any, ...]]]:
    """`sql`'s rows in lists of FETCH, read in `session`'s transaction without holding them
    all (PostgreSQL: a named, server-side cursor)."""
    raw: Any = session.connection().connection.dbapi_connection
    postgres = session.get_bind().dialect.name == "postgresql"
    cursor = raw.cursor(name=f"verify_log_{id(sql)}") if postgres else raw.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(FETCH):
            yield rows
    finally:
        cursor.close()


def _canonical_stream(value: object) -> str:
    """A stream id as the leaf format writes it (`transparency.leaves`), whatever the row
    holds: a UUID's canonical text, else the text itself."""
    if isinstance(value, bytes):
        try:
            return str(UUID(bytes=value))
        except ValueError:
            return value.hex()
    try:
        return str(UUID(str(value)))
    except ValueError:
        return str(value)


def _check_every_event_logged(session: Session, tables: LogTables, name: str,
                              logged: set[int], found: Verification) -> None:
    e = events_table(tables, name)
    table = session.get_bind().dialect.identifier_preparer.format_table(e)
    unlogged: list[int] = []
    for ids in _streamed(session, f"SELECT id FROM {table} ORDER BY id"):
        unlogged.extend(i for (i,) in ids if i not in logged)
    for start in range(0, len(unlogged), PAGE):  # named by stream and version
        for row in session.execute(sa.select(e.c.id, e.c.originator_id, e.c.originator_version)
                                   .where(e.c.id.in_(unlogged[start:start + PAGE]))
                                   .order_by(e.c.id)):
            found.fail(f"event {row.id} of {name} (stream {row.originator_id} version "
                       f"{row.originator_version}) is in no leaf (inserted)")


"""The transparency log's tables beside the event store, and appending to them in the same
transaction as the events they log.

Tables (in the event store's schema, if any):

- `transparency_leaves`: one row per stored event, `leaf_index` 0, 1, 2, ... with no gaps;
  which event (`events_table`, `notification_id`, `stream_id`, `version`) and its 32-byte
  `leaf_hash` (`transparency.leaves`: RFC 9162 §2.1.1 `H(0x00 || leaf)`);
- `transparency_nodes`: the hash of every full subtree of two or more leaves, `(level,
  node_index)` as in `transparency.log_tree` (level 0 is the leaf table). A row is written in
  the transaction that appends the subtree's last leaf and never changes;
- `transparency_checkpoints`: every signed checkpoint made (`application/transparency.py`),
  by tree size, never overwritten.

Order: every writer appends under one lock, so leaves form one sequence however many
processes write. On PostgreSQL that is `LOCK TABLE transparency_leaves IN EXCLUSIVE MODE`
(reads go on; a second writer waits), taken after the library's own lock on the events table
(always in that order, so two writers never wait on each other in a cycle); on SQLite the
write transaction already holds the database's only write lock (and the library's in-process
semaphore). One events table's leaves are therefore in its notification order.

Cost: a writer keeps the tree's right edge it last committed (`activities.log_frontier`), so
an append is one guarded insert and reads the log only when another process appended since
(then two reads); `activities.event_writes` puts it in the event's own statement on
PostgreSQL.

The database refuses UPDATE and DELETE on all three (`activities.append_only`).

Errors: whatever the database raises; the caller's transaction then rolls back the events
and their leaves together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent
from sqlalchemy.orm import Session

from activities.append_only import guard_tables
from activities.guarded_appends import append_if_log_is, insert_rows
from activities.log_frontier import (
    Frontier,
    cache_key,
    cached,
    edge_positions,
    forget,
    remember_on_commit,
)
from transparency.leaves import stored_event_leaf_hash


@dataclass(frozen=True)
class LogTables:
    """The three tables of the log in one schema."""

    leaves: sa.Table
    nodes: sa.Table
    checkpoints: sa.Table
    metadata: sa.MetaData


_TABLES: dict[str | None, LogTables] = {}


def log_tables(schema: str | None) -> LogTables:
    """The log's tables in `schema` (one definition per schema per process)."""
    if schema not in _TABLES:
        metadata = sa.MetaData(schema=schema)
        big = sa.BigInteger().with_variant(sa.Integer, "sqlite")
        leaves = sa.Table(
            "transparency_leaves", metadata,
            sa.Column("leaf_index", big, primary_key=True, autoincrement=False),
            sa.Column("events_table", sa.String(100), nullable=False),
            sa.Column("notification_id", big, nullable=False),
            sa.Column("stream_id", sa.String(64), nullable=False),
            sa.Column("version", big, nullable=False),
            sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
            # An event is logged once: a second leaf for it is refused by the database.
            sa.UniqueConstraint("events_table", "notification_id",
                                name="transparency_leaves_event_once"),
            sa.Index("transparency_leaves_stream", "stream_id", "version"),
        )
        nodes = sa.Table(
            "transparency_nodes", metadata,
            sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
            sa.Column("node_index", big, primary_key=True, autoincrement=False),
            sa.Column("hash", sa.LargeBinary(32), nullable=False),
        )
        checkpoints = sa.Table(
            "transparency_checkpoints", metadata,
            sa.Column("tree_size", big, primary_key=True, autoincrement=False),
            sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
            sa.Column("made_at", sa.BigInteger, nullable=False),  # POSIX seconds
            sa.Column("note", sa.Text, nullable=False),  # the signed note, as published
        )
        _TABLES[schema] = LogTables(leaves, nodes, checkpoints, metadata)
    return _TABLES[schema]


def create_log_tables(engine: sa.Engine, schema: str | None) -> None:
    """Create the log's tables if missing (processes racing to create them: the loser finds
    them there, as `casework.wiring._creating_tables` retries)."""
    tables = log_tables(schema)
    tables.metadata.create_all(engine, checkfirst=True)
    # Leaves, nodes and checkpoints are written once and never changed (module docstring).
    guard_tables(engine, schema, [t.name for t in (tables.leaves, tables.nodes,
                                                   tables.checkpoints)])


class SessionTree:
    """Full subtree hashes read through `session`, plus those appended in it but not yet
    written (`transparency.log_tree.SubtreeHashes`)."""

    def __init__(self, session: Session, tables: LogTables) -> None:
        self._session = session
        self._tables = tables
        self.pending: dict[tuple[int, int], bytes] = {}

    def full_subtree_hash(self, level: int, index: int) -> bytes:
        """The hash of full subtree `(level, index)`; `KeyError` if it is not stored."""
        found = self.pending.get((level, index))
        if found is not None:
            return found
        if level == 0:
            t = self._tables.leaves
            query = sa.select(t.c.leaf_hash).where(t.c.leaf_index == index)
        else:
            n = self._tables.nodes
            query = sa.select(n.c.hash).where((n.c.level == level) & (n.c.node_index == index))
        value = self._session.execute(query).scalar()
        if value is None:
            raise KeyError(f"no full subtree ({level}, {index}) in the log")
        return bytes(value)


def log_size(session: Session, tables: LogTables) -> int:
    """How many leaves the log holds (leaf indexes have no gaps)."""
    top = session.execute(sa.select(sa.func.max(tables.leaves.c.leaf_index))).scalar()
    return 0 if top is None else int(top) + 1


def lock_log(session: Session, tables: LogTables) -> None:
    """Take the log's append lock for the rest of `session`'s transaction (see the module
    docstring; nothing to take on SQLite)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        name = bind.dialect.identifier_preparer.format_table(tables.leaves)
        session.execute(sa.text(f"LOCK TABLE {name} IN EXCLUSIVE MODE"))


def append_events(session: Session, tables: LogTables, events_table: str,
                  stored_events: Sequence[StoredEvent], notification_ids: Sequence[int], *,
                  locked: bool = False) -> None:
    """Append one leaf per event, in the order given, with the full subtrees each completes,
    inside `session`'s transaction (which must already hold the events table's lock, and the
    log's if `locked`: `CoreSelectApplicationRecorder._lock_table`).

    With this process's cached right edge (`activities.log_frontier`) that is one guarded
    statement on PostgreSQL for a one-event transaction (two on SQLite, where a statement
    costs no round trip); when the edge is stale, the edge is read and the rows inserted."""
    if not stored_events:
        return
    if len(stored_events) != len(notification_ids):
        raise ValueError("one notification id per stored event")
    if not locked:
        lock_log(session, tables)
    leaf_hashes = [stored_event_leaf_hash(event) for event in stored_events]
    leaves = [{"events_table": events_table, "notification_id": notification_id,
               "stream_id": str(event.originator_id), "version": event.originator_version,
               "leaf_hash": leaf_hash}
              for event, notification_id, leaf_hash in zip(stored_events, notification_ids,
                                                           leaf_hashes, strict=True)]
    key = cache_key(session, tables.leaves)
    start = cached(key)
    if start is not None:
        after, nodes = start.appended(leaf_hashes)
        if append_if_log_is(session, tables, start, leaves, nodes):
            remember_on_commit(session, key, after)
            return
        forget(key)  # another process appended since: read the edge as it is now
    start = read_frontier(session, tables)
    after, nodes = start.appended(leaf_hashes)
    insert_rows(session, tables, start.size, leaves, nodes)
    remember_on_commit(session, key, after)


def read_frontier(session: Session, tables: LogTables) -> Frontier:
    """The log's size, last leaf and right edge as stored (two reads; under the log's lock
    when appending). `KeyError` if an edge subtree is missing (a damaged log)."""
    t, n = tables.leaves, tables.nodes
    last = session.execute(sa.select(t.c.leaf_index, t.c.leaf_hash)
                           .order_by(t.c.leaf_index.desc()).limit(1)).first()
    if last is None:
        return Frontier(0, None)
    size, last_leaf = int(last[0]) + 1, bytes(last[1])
    wanted = [p for p in edge_positions(size) if p[0] > 0]
    edge = {(0, size - 1): last_leaf} if size & 1 else {}
    if wanted:
        rows = session.execute(sa.select(n.c.level, n.c.node_index, n.c.hash).where(
            sa.tuple_(n.c.level, n.c.node_index).in_(wanted))).all()
        edge.update({(int(r[0]), int(r[1])): bytes(r[2]) for r in rows})
    missing = [p for p in wanted if p not in edge]
    if missing:
        raise KeyError(f"no full subtree {missing[0]} in the log")
    return Frontier(size, last_leaf, edge)


def last_logged_notification(session: Session, tables: LogTables, events_table: str) -> int:
    """The highest notification id of `events_table` in the log (0 if none)."""
    t = tables.leaves
    top = session.execute(sa.select(sa.func.max(t.c.notification_id))
                          .where(t.c.events_table == events_table)).scalar()
    return 0 if top is None else int(top)

"""Writing stored events with their transparency-log leaves: one statement on PostgreSQL for
the common case of one event in a transaction (what a case's workflow writes per command).

The library inserts events through the ORM (an instance per row, a unit-of-work flush, then
the ids); these are Core inserts of the same four columns returning the ids in order. On
PostgreSQL, with this process's cached right edge of the log (`activities.log_frontier`), the
event, its leaf and the subtree rows the leaf completes go in one statement of data-modifying
`WITH`s: the event is inserted whatever happens; the leaf (and its nodes) only if the log
still ends where the cached edge does. If it does not (another process appended since), the
statement still returns the event's id and the leaf is appended as usual
(`activities.transparency_store.append_events`, which reads the edge), in the same
transaction. Either way the event and its leaf commit together or not at all.

Shapes: `stored_events` are eventsourcing `StoredEvent`s; ids are the events table's
notification ids, in the order of the events. Errors: whatever the database raises (a second
event at the same stream version is the library's `IntegrityError`, as before).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent
from sqlalchemy.orm import Session

from activities.guarded_appends import log_ends_at
from activities.log_frontier import cache_key, cached, forget, remember_on_commit
from activities.transparency_store import LogTables, append_events
from transparency.leaves import stored_event_leaf_hash

_EVENT_COLUMNS = ("originator_id", "originator_version", "topic", "state")


def insert_event_rows(session: Session, events: sa.Table,
                      stored_events: Sequence[StoredEvent]) -> list[int]:
    """Insert the events' rows; their notification ids, in order (none for none)."""
    if not stored_events:
        return []
    rows = [{"originator_id": e.originator_id, "originator_version": e.originator_version,
             "topic": e.topic, "state": e.state} for e in stored_events]
    if len(rows) == 1:
        return [int(session.execute(_insert_one(events), rows[0]).scalar_one())]
    return [int(i) for i in session.execute(
        sa.insert(events).returning(events.c.id, sort_by_parameter_order=True), rows).scalars()]


def insert_logged(session: Session, events: sa.Table, tables: LogTables, events_table: str,
                  stored_events: Sequence[StoredEvent]) -> list[int]:
    """Insert the events and append their leaves, in `session`'s transaction, which holds the
    events table's lock and the log's; their notification ids, in order."""
    if not stored_events:
        return []
    if len(stored_events) == 1 and session.get_bind().dialect.name == "postgresql":
        key = cache_key(session, tables.leaves)
        start = cached(key)
        if start is not None and start.size > 0:
            event = stored_events[0]
            leaf_hash = stored_event_leaf_hash(event)
            after, nodes = start.appended([leaf_hash])
            values: dict[str, object] = {
                "originator_id": event.originator_id,
                "originator_version": event.originator_version, "topic": event.topic,
                "state": event.state, "leaf_index": start.size, "events_table": events_table,
                "stream_id": str(event.originator_id), "version": event.originator_version,
                "leaf_hash": leaf_hash, "last_index": start.size - 1,
                "last_hash": start.last_leaf}
            for position, (level, index, node) in enumerate(nodes):
                values.update({f"level_{position}": level, f"index_{position}": index,
                               f"hash_{position}": node})
            event_id, logged = session.execute(
                _event_with_leaf(events, tables, len(nodes)), values).one()
            if logged:
                remember_on_commit(session, key, after)
                return [int(event_id)]
            forget(key)  # the event is in; its leaf follows from the edge as stored
            append_events(session, tables, events_table, stored_events, [int(event_id)],
                          locked=True)
            return [int(event_id)]
    ids = insert_event_rows(session, events, stored_events)
    append_events(session, tables, events_table, stored_events, ids, locked=True)
    return ids


@functools.cache
def _insert_one(events: sa.Table) -> sa.Insert:
    return sa.insert(events).values(
        {c: sa.bindparam(c, type_=events.c[c].type) for c in _EVENT_COLUMNS}
    ).returning(events.c.id)


@functools.cache
def _event_with_leaf(events: sa.Table, tables: LogTables, node_count: int) -> sa.Select:
    """WITH logged_event AS (INSERT the event RETURNING id), logged_leaf AS (INSERT its leaf
    ... WHERE the log ends at :last_index / :last_hash), logged_nodes AS (INSERT the nodes
    if the leaf went in) SELECT the event's id, how many leaves went in (0 or 1)."""
    t, n = tables.leaves, tables.nodes
    logged_event = _insert_one(events).cte("logged_event")
    leaf = sa.select(
        sa.bindparam("leaf_index", type_=t.c.leaf_index.type),
        sa.bindparam("events_table", type_=t.c.events_table.type), logged_event.c.id,
        sa.bindparam("stream_id", type_=t.c.stream_id.type),
        sa.bindparam("version", type_=t.c.version.type),
        sa.bindparam("leaf_hash", type_=t.c.leaf_hash.type),
    ).where(log_ends_at(t))
    logged_leaf = sa.insert(t).from_select(
        ["leaf_index", "events_table", "notification_id", "stream_id", "version",
         "leaf_hash"], leaf).returning(t.c.leaf_index).cte("logged_leaf")
    ctes = [logged_leaf]
    if node_count:
        rows = sa.union_all(*[sa.select(sa.bindparam(f"level_{i}", type_=n.c.level.type),
                                        sa.bindparam(f"index_{i}", type_=n.c.node_index.type),
                                        sa.bindparam(f"hash_{i}", type_=n.c.hash.type))
                              .where(sa.exists(sa.select(logged_leaf.c.leaf_index)))
                              for i in range(node_count)])
        ctes.append(sa.insert(n).from_select(["level", "node_index", "hash"], rows)
                    .returning(n.c.level).cte("logged_nodes"))
    leaves_in = sa.select(sa.func.count()).select_from(logged_leaf).scalar_subquery()
    return sa.select(logged_event.c.id, leaves_in).add_cte(*ctes)

"""The guarded statements that append to the transparency log from a cached right edge
(`activities.log_frontier`): a leaf goes in only if the log still ends where the edge does
(`log_ends_at`), checked by the database under the append lock in the same statement, so a
stale edge inserts nothing instead of a wrong leaf. PostgreSQL through SQLAlchemy Core (with
the nodes a leaf completes in the same statement); SQLite through its own cursor, where a
statement costs no round trip and SQLAlchemy's own work would be most of its cost.

Shapes: `leaves` are row dicts without `leaf_index` (`events_table`, `notification_id`,
`stream_id`, `version`, `leaf_hash`); `nodes` are `(level, index, hash)`. Errors: whatever
the database raises (an event logged twice: the unique constraint's IntegrityError).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from activities.log_frontier import Frontier

if TYPE_CHECKING:  # the tables' module imports this one
    from activities.transparency_store import LogTables


def append_if_log_is(session: Session, tables: LogTables, start: Frontier,
                      leaves: list[dict[str, object]],
                      nodes: list[tuple[int, int, bytes]]) -> bool:
    """Insert the first leaf (and on PostgreSQL, for one leaf, the nodes it completes, in the
    same statement) only if the log still ends where `start` does; then the rest. Returns
    whether anything was inserted."""
    if session.get_bind().dialect.name == "sqlite":
        return _append_if_log_is_sqlite(session, tables, start, leaves, nodes)
    values: dict[str, object] = {"leaf_index": start.size, **leaves[0],
                                 "last_index": start.size - 1, "last_hash": start.last_leaf}
    rest = nodes
    if len(leaves) == 1 and nodes and session.get_bind().dialect.name == "postgresql":
        for position, (level, index, node) in enumerate(nodes):
            values.update({f"level_{position}": level, f"index_{position}": index,
                           f"hash_{position}": node})
        if len(session.execute(_guarded_with_nodes(tables, len(nodes)), values).all()) != len(
                nodes):
            return False
        rest = []
    elif not session.execute(_guarded_leaf(tables, empty=start.size == 0), values).all():
        return False
    insert_rows(session, tables, start.size + 1, leaves[1:], rest)
    return True


_LEAF_COLUMNS = ("leaf_index", "events_table", "notification_id", "stream_id", "version",
                 "leaf_hash")


def _append_if_log_is_sqlite(session: Session, tables: LogTables, start: Frontier,
                             leaves: list[dict[str, object]],
                             nodes: list[tuple[int, int, bytes]]) -> bool:
    """`_append_if_log_is` through SQLite's own cursor: in process, SQLAlchemy's work per
    statement (parameters, result objects) costs more than the statement."""
    leaf_sql, node_sql = _sqlite_sql(tables)
    rows = [(start.size + n, leaf["events_table"], leaf["notification_id"], leaf["stream_id"],
             leaf["version"], leaf["leaf_hash"]) for n, leaf in enumerate(leaves)]
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if start.size == 0:
            cursor.execute(f"{leaf_sql} SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS "
                           f"(SELECT 1 FROM {_sqlite_name(tables)})", rows[0])
        else:
            cursor.execute(
                f"{leaf_sql} SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "
                f"{_sqlite_name(tables)} WHERE leaf_index = ? AND leaf_hash = ?) AND NOT EXISTS "
                f"(SELECT 1 FROM {_sqlite_name(tables)} WHERE leaf_index >= ?)",
                (*rows[0], start.size - 1, start.last_leaf, start.size))
        if cursor.rowcount != 1:
            return False
        if len(rows) > 1:
            cursor.executemany(f"{leaf_sql} VALUES (?, ?, ?, ?, ?, ?)", rows[1:])
        if nodes:
            cursor.executemany(node_sql, nodes)
    finally:
        cursor.close()
    return True


@functools.cache
def _sqlite_name(tables: LogTables) -> str:
    return sqlite.dialect().identifier_preparer.format_table(tables.leaves)


@functools.cache
def _sqlite_sql(tables: LogTables) -> tuple[str, str]:
    quote = sqlite.dialect().identifier_preparer
    return (f"INSERT INTO {quote.format_table(tables.leaves)} ({', '.join(_LEAF_COLUMNS)})",
            f"INSERT INTO {quote.format_table(tables.nodes)} (level, node_index, hash) "
            "VALUES (?, ?, ?)")


def log_ends_at(leaves: sa.Table) -> sa.ColumnElement[bool]:
    """The log's last leaf is :last_index with hash :last_hash (and none follows it, up to
    :leaf_index, the next): what a guarded append checks under the append lock."""
    t = leaves
    return (sa.exists().where((t.c.leaf_index == sa.bindparam("last_index"))
                              & (t.c.leaf_hash == sa.bindparam("last_hash")))
            & ~sa.exists().where(t.c.leaf_index >= sa.bindparam("leaf_index")))


@functools.cache
def _guarded_leaf(tables: LogTables, *, empty: bool) -> sa.Insert:
    """INSERT the leaf ... only if the log ends at leaf :last_index with hash :last_hash
    (`empty`: only if the log is empty), RETURNING its index. Built once: statements are
    most of the Python cost of a one-event transaction. (RETURNING rather than rowcount:
    psycopg reports no count for an INSERT ... SELECT.)"""
    t = tables.leaves
    log_is_start = ~sa.exists().where(t.c.leaf_index >= 0) if empty else log_ends_at(t)
    return sa.insert(t).from_select(list(_LEAF_COLUMNS), sa.select(
        *[sa.bindparam(c, type_=t.c[c].type) for c in _LEAF_COLUMNS]).where(log_is_start)
    ).returning(t.c.leaf_index)


@functools.cache
def _guarded_with_nodes(tables: LogTables, count: int) -> sa.Insert:
    """PostgreSQL: the guarded leaf as a data-modifying WITH whose RETURNING row, if any, lets
    `count` node rows (:level_i, :index_i, :hash_i) in: one round trip for an append."""
    n = tables.nodes
    logged = _guarded_leaf(tables, empty=False).cte("logged_leaf")
    rows = sa.union_all(*[sa.select(sa.bindparam(f"level_{i}", type_=n.c.level.type),
                                    sa.bindparam(f"index_{i}", type_=n.c.node_index.type),
                                    sa.bindparam(f"hash_{i}", type_=n.c.hash.type))
                          .where(sa.exists(sa.select(logged.c.leaf_index)))
                          for i in range(count)])
    return sa.insert(n).from_select(["level", "node_index", "hash"], rows).add_cte(
        logged).returning(n.c.level)


def insert_rows(session: Session, tables: LogTables, first_index: int,
            leaves: list[dict[str, object]], nodes: list[tuple[int, int, bytes]]) -> None:
    if leaves:
        session.execute(sa.insert(tables.leaves), [
            {"leaf_index": first_index + offset, **leaf} for offset, leaf in enumerate(leaves)])
    if nodes:
        session.execute(sa.insert(tables.nodes), [
            {"level": level, "node_index": index, "hash": node} for level, index, node in nodes])

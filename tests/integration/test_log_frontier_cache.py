"""An append reads nothing of the log when this process wrote its last leaf, and a stale or
rolled-back right edge never becomes a wrong leaf (activities/log_frontier.py), on SQLite and
PostgreSQL. Each check ends with the whole log recomputed from the events (`check_log`)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from activities import log_frontier
from activities.case_store import CaseStore
from activities.transparency_store import log_tables
from tests.integration.test_transparency_log import check_log, open_case, read


def cache_key(store: CaseStore) -> tuple[str, str]:
    tables = log_tables(store.env.get("SQLALCHEMY_SCHEMA"))
    with store.recorder.transaction(commit=False) as session:  # type: ignore[attr-defined]
        return log_frontier.cache_key(session, tables.leaves)


def statements_of(store: CaseStore, action: object) -> list[str]:
    """Every statement the database runs during `action` (SQLite: as SQLite traces them, so
    those sent through its own cursor count too)."""
    engine = store.recorder.datastore.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *rest: object) -> None:
        seen.append(" ".join(statement.split()))

    def trace(conn: sa.Connection) -> None:
        raw: Any = conn.connection.dbapi_connection
        raw.set_trace_callback(lambda statement: seen.append(" ".join(statement.split())))

    sqlite = engine.dialect.name == "sqlite"
    event, listener = ("begin", trace) if sqlite else ("before_cursor_execute", record)
    sa.event.listen(engine, event, listener)
    try:
        action()  # type: ignore[operator]
    finally:
        sa.event.remove(engine, event, listener)
        if sqlite:
            with engine.connect() as conn:  # the pool's connections stop tracing
                raw: Any = conn.connection.dbapi_connection
                raw.set_trace_callback(None)
    return seen


def test_an_append_after_our_own_reads_nothing_of_the_log(store: CaseStore) -> None:
    case_id = open_case(store)
    read(store, case_id)  # the case's access log starts (two events); the next read is one
    statements = statements_of(store, lambda: read(store, case_id))
    log_reads = [s for s in statements if s.startswith("SELECT") and "transparency_" in s]
    assert log_reads == []
    # The leaf is written, guarded by the cached edge, in one statement with its nodes.
    # (SQLite's trace names a statement again when it fires a trigger: the append-only
    # guard's BEFORE INSERT; so distinct statements are counted.)
    assert len({s for s in statements if "INTO" in s and "transparency_leaves" in s}) == 1
    assert check_log(store) == store.get_case(case_id).version + 3


def test_an_edge_another_process_has_moved_on_from_is_read_again(store: CaseStore) -> None:
    case_id = open_case(store)
    read(store, case_id)  # the access log's first read is two events, every later one one
    key = cache_key(store)
    old = log_frontier.cached(key)
    assert old is not None
    for _ in range(3):  # "another process" appends three leaves ...
        read(store, case_id)
    log_frontier._CACHE[key] = old  # ... which this one has not seen
    read(store, case_id)
    size = check_log(store)
    assert size == old.size + 4
    fresh = log_frontier.cached(key)
    assert fresh is not None and fresh.size == size


def test_a_rolled_back_append_leaves_the_cached_edge_as_it_was(store: CaseStore) -> None:
    case_id = open_case(store)
    read(store, case_id)
    key = cache_key(store)
    before = log_frontier.cached(key)
    with (pytest.raises(RuntimeError, match="refused after the leaf"),
          store.recorder.transaction(commit=True)):  # type: ignore[attr-defined]
        read(store, case_id)  # appended in this transaction ...
        raise RuntimeError("refused after the leaf")  # ... and rolled back
    assert log_frontier.cached(key) == before
    read(store, case_id)
    assert check_log(store) == before.size + 1  # type: ignore[union-attr]


def test_an_edge_past_the_end_of_the_log_is_not_appended_to(store: CaseStore) -> None:
    """A restored (older) database under the same address: the cached edge ends past the log,
    so it is not used."""
    case_id = open_case(store)
    read(store, case_id)
    key = cache_key(store)
    stale = log_frontier.cached(key)
    assert stale is not None
    ahead, _ = stale.appended([uuid.uuid4().bytes * 2 for _ in range(5)])
    log_frontier._CACHE[key] = ahead
    read(store, case_id)
    assert check_log(store) == stale.size + 1

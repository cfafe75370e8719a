"""The access log on SQLite and PostgreSQL: append-only, hash-chained, safe under concurrency."""

from __future__ import annotations

import dataclasses
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import sqlalchemy

from activities.case_store import CaseStore
from aggregates.access_log import CaseAccessLog, access_log_id, events_appending
from tests.insider import guards_lifted


def record(store: CaseStore, case_id: uuid.UUID, staff_id: str, outcome: str = "allowed") -> None:
    store.record_access(case_id=case_id, staff_id=staff_id, role="caseworker",
                        action="read_case", outcome=outcome, rule="assigned_team",
                        reason="need to know", at=datetime.now(UTC))


def test_access_log_lists_every_read_in_order_with_an_intact_chain(store: CaseStore) -> None:
    case_id = uuid.uuid4()
    for staff in ("cw-1", "cw-2", "dso-1"):
        record(store, case_id, staff)
    record(store, case_id, "cw-9", outcome="denied")
    entries, broken = store.access_log(case_id)
    assert [(e["staff_id"], e["outcome"]) for e in entries] == [
        ("cw-1", "allowed"), ("cw-2", "allowed"), ("dso-1", "allowed"), ("cw-9", "denied")]
    assert broken is None


def test_concurrent_reads_are_all_logged(store: CaseStore) -> None:
    case_id = uuid.uuid4()
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda i: record(store, case_id, f"cw-{i}"), range(12)))
    entries, broken = store.access_log(case_id)
    assert sorted(e["staff_id"] for e in entries) == sorted(f"cw-{i}" for i in range(12))
    assert broken is None


def _rewrite(store: CaseStore, version: int, **changes: str) -> None:
    """An insider with the database and the key rewrites one stored entry."""
    log_id = access_log_id(CASE)
    stored = [s for s in store.recorder.select_events(log_id) if s.originator_version == version]
    event = store.mapper.to_domain_event(stored[0])
    forged = store.mapper.to_stored_event(dataclasses.replace(event, **changes))  # type: ignore[type-var]
    engine = store.factory.datastore.engine  # type: ignore[attr-defined]
    schema = store.env.get("SQLALCHEMY_SCHEMA")
    table = f'"{schema}".casestore_events' if schema else "casestore_events"
    with engine.begin() as conn, guards_lifted(conn, schema):
        conn.execute(sqlalchemy.text(
            f"UPDATE {table} SET state = :state WHERE originator_id = :id "
            "AND originator_version = :v"),
            {"state": forged.state, "id": stored[0].originator_id if schema else
             stored[0].originator_id.bytes, "v": version})


CASE = uuid.uuid4()


def test_an_edited_entry_breaks_the_chain_where_it_was_edited(store: CaseStore) -> None:
    for staff in ("cw-1", "cw-2", "cw-3"):
        record(store, CASE, staff)
    # Version 1 is the log's start; version 3 is the second read (cw-2).
    _rewrite(store, 3, staff_id="cw-innocent")
    entries, broken = store.access_log(CASE)
    assert entries[1]["staff_id"] == "cw-innocent"
    assert broken == 1


def test_sixteen_concurrent_readers_of_one_case_are_all_logged_none_refused(
        store: CaseStore) -> None:
    case_id = uuid.uuid4()
    with ThreadPoolExecutor(max_workers=16) as pool:
        # A 409 `access_log_appends` here would be raised out of list().
        list(pool.map(lambda i: record(store, case_id, f"cw-{i % 16}-{i}"), range(64)))
    entries, broken = store.access_log(case_id)
    assert sorted(e["staff_id"] for e in entries) == sorted(
        f"cw-{i % 16}-{i}" for i in range(64))
    assert broken is None


def _prefill(store: CaseStore, case_id: uuid.UUID, count: int) -> None:
    """`count` chained entries written straight to the store (the way appends write them)."""
    last, batch = None, []
    for i in range(count):
        events = events_appending(case_id, last, dict(
            staff_id=f"cw-{i % 7}", role="caseworker", action="read_case", outcome="allowed",
            rule="assigned_team", reason="need to know", at=datetime.now(UTC).isoformat()))
        batch += events
        last = events[-1]
        if len(batch) >= 500 or i == count - 1:
            store.recorder.insert_events([store.mapper.to_stored_event(e) for e in batch])
            batch = []


def test_appending_to_a_log_of_ten_thousand_costs_about_what_a_new_log_does(
        store: CaseStore) -> None:
    long_case, fresh_cases = uuid.uuid4(), [uuid.uuid4() for _ in range(20)]
    _prefill(store, long_case, 10_000)
    record(store, uuid.uuid4(), "warm-up")

    def timed(cases: list[uuid.UUID]) -> float:
        started = time.perf_counter()
        for case_id in cases:
            record(store, case_id, "cw-1")
        return time.perf_counter() - started

    # Best of three rounds of 20 appends each, so a burst of load elsewhere on the machine
    # does not decide it. Loading the log (the previous way) made this about 140×.
    fresh = min(timed(fresh_cases) for _ in range(3))
    long = min(timed([long_case] * 20) for _ in range(3))
    assert long < 3 * fresh, (long, fresh)
    entries, broken = store.access_log(long_case)
    assert len(entries) == 10_060
    assert broken is None


def test_a_log_written_by_the_previous_version_continues_from_its_head(
        store: CaseStore) -> None:
    case_id = uuid.uuid4()
    # The previous version loaded the log aggregate and saved what `record` triggered.
    old = CaseAccessLog.start(case_id)
    for staff in ("cw-1", "cw-2"):
        old.record(staff_id=staff, role="caseworker", action="read_case", outcome="allowed",
                   rule="assigned_team", reason="need to know", at=datetime.now(UTC).isoformat())
    store.save(old)
    record(store, case_id, "cw-3")
    entries, broken = store.access_log(case_id)
    assert [e["staff_id"] for e in entries] == ["cw-1", "cw-2", "cw-3"]
    assert entries[2]["prev_hash"] == old.head
    assert broken is None
    loaded: CaseAccessLog = store.repository.get(access_log_id(case_id))
    assert loaded.count == 3


def test_a_removed_entry_breaks_the_chain_at_the_entry_after_it(store: CaseStore) -> None:
    case_id = uuid.uuid4()
    for staff in ("cw-1", "cw-2", "cw-3"):
        record(store, case_id, staff)
    engine = store.factory.datastore.engine  # type: ignore[attr-defined]
    schema = store.env.get("SQLALCHEMY_SCHEMA")
    table = f'"{schema}".casestore_events' if schema else "casestore_events"
    log_id = access_log_id(case_id)
    with engine.begin() as conn, guards_lifted(conn, schema):
        conn.execute(sqlalchemy.text(
            f"DELETE FROM {table} WHERE originator_id = :id AND originator_version = 3"),
            {"id": log_id if schema else log_id.bytes})
    entries, broken = store.access_log(case_id)
    assert [e["staff_id"] for e in entries] == ["cw-1", "cw-3"]
    assert broken == 1

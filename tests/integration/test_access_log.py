"""The access log on SQLite and PostgreSQL: append-only, hash-chained, safe under concurrency."""

from __future__ import annotations

import dataclasses
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import sqlalchemy

from activities.case_store import CaseStore
from aggregates.access_log import access_log_id


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
    with engine.begin() as conn:
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


def test_a_long_access_log_is_appended_to_without_reading_it_all(store: CaseStore) -> None:
    """Every read of a case appends to its log: loading it must not grow with its length
    (else a popular case's refusal takes longer than an unknown case's, finding 4)."""
    case_id = uuid.uuid4()
    for n in range(35):
        record(store, case_id, f"cw-{n}")
    snapshots = list(store.snapshots.get(access_log_id(case_id))) if store.snapshots else []
    assert snapshots and max(s.originator_version for s in snapshots) >= 30
    read = list(store.events.get(access_log_id(case_id), gt=snapshots[-1].originator_version))
    assert len(read) < 10
    entries, broken = store.access_log(case_id)
    assert len(entries) == 35 and broken is None  # the whole chain is still there, intact

"""The case record on a real SQLite file and a real PostgreSQL: stored, reloaded, encrypted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy

from activities.case_store import CaseStore, DuplicateRequest
from aggregates.case import Case
from aggregates.errors import CaseNotFound, ConflictError
from aggregates.report import Actor, Role
from tests.support import PERSONAL_STRINGS, make_report

CASEWORKER = Actor(staff_id="cw-17", role=Role.CASEWORKER)


def open_case(store: CaseStore, fingerprint: str = "f1", **report: object) -> uuid.UUID:
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(**report), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint=fingerprint)
    return case_id


def raw_rows(store: CaseStore) -> list[tuple[object, ...]]:
    """Every row of every table of the store, as the database holds it."""
    engine = store.factory.datastore.engine  # type: ignore[attr-defined]
    schema = store.env.get("SQLALCHEMY_SCHEMA")
    inspector = sqlalchemy.inspect(engine)
    rows: list[tuple[object, ...]] = []
    with engine.connect() as conn:
        for table in inspector.get_table_names(schema=schema):
            name = f'"{schema}"."{table}"' if schema else f'"{table}"'
            rows.extend(tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {name}"))
    return rows


def test_case_survives_reload_with_council_policy_and_tasks(store: CaseStore) -> None:
    case_id = open_case(store)
    store.triage(case_id)
    reloaded = store.get_case(case_id)
    assert reloaded.council.value == "dover"
    assert reloaded.policy_version == "dover-2025-09"
    assert [t.kind.value for t in reloaded.open_tasks] == [
        "contact_victim", "tell_line_manager_and_dso", "tell_housing_team"]
    assert [e.type for e in store.events_of(case_id)] == [
        "Opened", "Assigned", "TriageDecided", "TaskOpened", "TaskOpened", "TaskOpened",
        "SharingDecided", "ReferralOpened"]  # a child: Children's Services (D 8.23, D 12.5)


def test_raw_tables_hold_no_personal_data_in_clear(store: CaseStore) -> None:
    case_id = open_case(store)
    store.triage(case_id)
    store.complete_task(case_id=case_id, task_id="t2", outcome="done",
                        note="Told line manager about Quennell", actor=CASEWORKER,
                        command_id="c1", at=datetime.now(UTC))
    rows = raw_rows(store)
    assert len(rows) >= 7
    dump = b"".join(
        v if isinstance(v, bytes) else str(v).encode() for row in rows for v in row)
    for text in PERSONAL_STRINGS:
        assert text.encode() not in dump, "personal data stored in clear"
    # ...while the application, holding the key, reads it all back.
    assert store.get_case(case_id).report.victim.name == make_report().victim.name


def test_repeated_request_is_a_duplicate_naming_the_case(store: CaseStore) -> None:
    case_id = open_case(store, fingerprint="same")
    recorded = len(store.events_of(case_id))
    with pytest.raises(DuplicateRequest) as same:
        store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                        reason="retry", request_fingerprint="same")
    assert same.value.case_id == case_id and same.value.same_request
    with pytest.raises(DuplicateRequest) as different:
        store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                        reason="other", request_fingerprint="different")
    assert not different.value.same_request
    assert different.value.rule == "idempotency_key_used_once"
    assert len(store.events_of(case_id)) == recorded, "a duplicate must not write anything"


def test_steps_are_idempotent_when_retried(store: CaseStore) -> None:
    case_id = open_case(store)
    store.triage(case_id)
    store.triage(case_id)  # an activity retried after its first try had saved
    at = datetime.now(UTC)
    store.complete_task(case_id=case_id, task_id="t2", outcome="done", note="", actor=CASEWORKER,
                        command_id="cmd-1", at=at)
    store.complete_task(case_id=case_id, task_id="t2", outcome="done", note="", actor=CASEWORKER,
                        command_id="cmd-1", at=at)
    types = [e.type for e in store.events_of(case_id)]
    assert types.count("TriageDecided") == 1
    assert types.count("TaskCompleted") == 1
    with pytest.raises(ConflictError, match="task_completed_once"):
        store.complete_task(case_id=case_id, task_id="t2", outcome="done", note="",
                            actor=CASEWORKER, command_id="cmd-2", at=at)


def test_unknown_case_is_not_found(store: CaseStore) -> None:
    with pytest.raises(CaseNotFound):
        store.get_case(uuid.uuid4())
    with pytest.raises(CaseNotFound):
        store.events_of(uuid.uuid4())


def test_intake_progress_lists_opened_and_triaged_cases(store: CaseStore) -> None:
    first, second = open_case(store), open_case(store)
    store.triage(first)
    progress = list(store.intake_progress(0))
    assert [(cid, opened) for _, cid, opened in progress] == [
        (first, True), (second, True), (first, False)]
    assert list(store.intake_progress(progress[-1][0])) == []


def test_long_case_reloads_from_a_snapshot_with_the_same_state(store: CaseStore) -> None:
    """Snapshots keep long cases fast to load; the case read back must be the same case."""
    case_id = open_case(store)
    store.triage(case_id)
    at = datetime.now(UTC)
    store.complete_task(case_id=case_id, task_id="t2", outcome="done", note="", actor=CASEWORKER,
                        command_id="c1", at=at)
    case = store.get_case(case_id)
    store.snapshots.put([Case.Snapshot.take(case)])  # type: ignore[union-attr]
    store.escalate_missed_deadline(case_id=case_id, task_id="t1",
                                   at=case.tasks["t1"].due_at)  # type: ignore[arg-type]
    reloaded = store.get_case(case_id)
    assert reloaded.report == case.report
    assert reloaded.council.value == "dover"
    assert reloaded.escalated == {"t1"}
    assert {t.kind.value for t in reloaded.open_tasks} >= {
        "contact_victim_next_working_day", "refer_to_da_support", "log_safeguarding_report"}
    assert reloaded.completed == {"t2": "c1"}

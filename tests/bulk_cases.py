"""A large notification log of real cases, written in bulk (for the projection tests and
bench/projections.py): one case is opened, triaged and given contacts through the store, then
its stored (encrypted) events are copied under new case ids, `per_case` events a case, in
transactions of `BULK` rows, each row's transparency-log leaf with it (as bench/audit.py
writes its large logs). Event state holds neither the case id nor the version (eventsourcing
keeps those in columns), so every copy is a valid case with the same facts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent

from activities.case_store import CaseStore
from activities.transparency_store import append_events, log_tables
from aggregates.commands import CommandContext, apply_command
from aggregates.report import Actor, Role
from tests.support import make_report

BULK = 20_000  # rows a transaction
CASEWORKER = Actor(staff_id="cw-1", role=Role.CASEWORKER)


def template(store: CaseStore, per_case: int) -> list[StoredEvent]:
    """The first `per_case` stored events of a case opened, triaged and then contacted."""
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint=str(case_id))
    case = store.triage(case_id)
    for n in range(per_case):  # more than enough: triage records several events
        apply_command(case, "record_contact", {
            "party": "victim", "purpose": "repairs_and_tenancy_management",
            "channel": "telephone", "note": f"Call {n} about the repair."},
            CommandContext(actor=CASEWORKER, at=case.modified_on, command_id=f"c-{n}"))
    store.save(case)
    events = store.recorder.select_events(case_id, lte=per_case)
    assert len(events) == per_case, f"a case has {len(events)} events"
    return events


def copies(events: list[StoredEvent], count: int) -> Iterator[list[StoredEvent]]:
    """`count` events: copies of `events` under new case ids, in batches of `BULK`."""
    batch: list[StoredEvent] = []
    case_id = uuid.uuid4()
    for n in range(count):
        if n % len(events) == 0:
            case_id = uuid.uuid4()
        e = events[n % len(events)]
        batch.append(StoredEvent(originator_id=case_id, originator_version=e.originator_version,
                                 topic=e.topic, state=e.state))
        if len(batch) == BULK:
            yield batch
            batch = []
    if batch:
        yield batch


def write_cases(store: CaseStore, count: int, per_case: int = 10) -> int:
    """Append about `count` events (whole cases of `per_case`) to `store`; returns the
    newest notification id."""
    recorder = store.recorder
    table = recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    tables = log_tables(recorder.schema_name)  # type: ignore[attr-defined]
    for batch in copies(template(store, per_case), max(0, count - per_case)):
        with recorder.transaction(commit=True) as session:  # type: ignore[attr-defined]
            recorder._lock_table(session)  # type: ignore[attr-defined]
            first = int(session.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
            ids = list(range(first, first + len(batch)))
            session.execute(sa.insert(table), [
                {"id": i, "originator_id": e.originator_id,
                 "originator_version": e.originator_version, "topic": e.topic,
                 "state": e.state} for i, e in zip(ids, batch, strict=True)])
            append_events(session, tables, recorder.events_table_name,  # type: ignore[attr-defined]
                          batch, ids)
    return int(recorder.max_notification_id() or 0)

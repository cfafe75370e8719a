"""Reading a case's events without the ORM (`activities/event_records.py`) gives exactly what
eventsourcing-sqlalchemy's own reader gives, on SQLite and PostgreSQL, for every way the
application and the replay ask (after a version, up to one, newest first, a page)."""

from __future__ import annotations

import os
import uuid

from eventsourcing_sqlalchemy.recorders import SQLAlchemyAggregateRecorder

from activities.case_store import CaseStore, store_env
from activities.event_records import CoreSelectApplicationRecorder
from aggregates.commands import CommandContext, apply_command
from aggregates.report import Actor, Role
from tests.support import make_report

CASEWORKER = Actor(staff_id="cw-1", role=Role.CASEWORKER)


def test_core_reads_equal_the_library_reads(database: tuple[str, str | None]) -> None:
    url, schema = database
    store = CaseStore(store_env(url, os.urandom(32), schema))
    assert isinstance(store.recorder, CoreSelectApplicationRecorder)
    case_id = uuid.uuid4()
    other_id = uuid.uuid4()  # another case's events never appear in this one's stream
    for cid in (case_id, other_id):
        store.open_case(case_id=cid, report=make_report(), actor=CASEWORKER,
                        reason="Report received by telephone.", request_fingerprint=str(cid))
        store.triage(cid)
    case = store.get_case(case_id)
    for n in range(60):  # past a snapshot, so the snapshot reader is exercised too
        apply_command(case, "record_contact", {
            "party": "victim", "purpose": "repairs_and_tenancy_management",
            "channel": "telephone", "note": f"Call {n}."},
            CommandContext(actor=CASEWORKER, at=case.modified_on, command_id=f"c{n}"))
    store.save(case)

    for recorder in (store.recorder, store.snapshots.recorder if store.snapshots else None):
        assert recorder is not None
        version = store.get_case(case_id).version
        for kwargs in ({}, {"gt": 5}, {"lte": 7}, {"gt": 3, "lte": 40, "limit": 10},
                       {"desc": True, "limit": 1}, {"gt": version}, {"desc": True}):
            ours = recorder.select_events(case_id, **kwargs)  # type: ignore[arg-type]
            library = SQLAlchemyAggregateRecorder.select_events(
                recorder, case_id, **kwargs)  # type: ignore[arg-type]
            assert ours == library, kwargs
        assert recorder.select_events(case_id)  # the stream is there to compare
    assert store.get_case(case_id).version == version

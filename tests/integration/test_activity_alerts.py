"""An activity that keeps failing is never silent, and one that cannot succeed fails at once
(a real PostgreSQL event store made unreachable by renaming its schema away)."""

from __future__ import annotations

import dataclasses
import logging
import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy
from eventsourcing.persistence import PersistenceError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.case_activities import CaseActivities
from activities.case_store import CaseStore, store_env
from aggregates.report import Actor, Role
from gateways.stand_in import RecordingGateway
from temporal_contracts.payloads import TriageInput, case_workflow_id
from temporal_contracts.retry_policies import STORE_ALERT_AFTER
from tests.conftest import POSTGRES_URL
from tests.support import PERSONAL_STRINGS, make_report


@pytest.fixture
def unreachable_store() -> Iterator[tuple[CaseStore, uuid.UUID]]:
    """A case stored in PostgreSQL, whose tables then vanish (schema renamed) as if the
    database were down; put back afterwards so it can be dropped."""
    schema, hidden = f"test_{uuid.uuid4().hex[:12]}", f"gone_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    store = CaseStore(store_env(POSTGRES_URL, os.urandom(32), schema=schema))
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor("cw-1", Role.CASEWORKER),
                    reason="Report.", request_fingerprint="f")
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'ALTER SCHEMA "{schema}" RENAME TO "{hidden}"'))
    try:
        yield store, case_id
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{hidden}" CASCADE'))
        engine.dispose()


def attempt(case_id: uuid.UUID, number: int) -> ActivityEnvironment:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, attempt=number, activity_type="triage_case",
                                   workflow_id=case_workflow_id(str(case_id)))
    return env


def test_store_failure_alerts_from_the_threshold_attempt_naming_workflow_and_activity(
        unreachable_store: tuple[CaseStore, uuid.UUID],
        caplog: pytest.LogCaptureFixture) -> None:
    store, case_id = unreachable_store
    activities = CaseActivities(store, RecordingGateway())
    with caplog.at_level(logging.ERROR, logger="activities.case_activities"):
        for number in (1, STORE_ALERT_AFTER - 1):  # early failures: Temporal retries quietly
            with pytest.raises(PersistenceError):  # not an ApplicationError: retried
                attempt(case_id, number).run(activities.triage_case,
                                             TriageInput(case_id=str(case_id)))
        assert caplog.records == []
        with pytest.raises(PersistenceError):
            attempt(case_id, STORE_ALERT_AFTER).run(activities.triage_case,
                                                    TriageInput(case_id=str(case_id)))
    [alert] = caplog.records
    message = alert.getMessage()
    assert alert.levelno == logging.ERROR
    for named in (case_workflow_id(str(case_id)), "triage_case",
                  f"attempt {STORE_ALERT_AFTER}"):
        assert named in message
    for personal in PERSONAL_STRINGS:
        assert personal not in caplog.text


def test_unusable_case_id_is_final_and_alerts_at_once(
        caplog: pytest.LogCaptureFixture, sqlite_store: CaseStore) -> None:
    activities = CaseActivities(sqlite_store, RecordingGateway())
    with caplog.at_level(logging.ERROR, logger="activities.case_activities"), \
            pytest.raises(ApplicationError) as failed:
        attempt(uuid.UUID(int=0), 1).run(activities.triage_case,
                                         TriageInput(case_id="not-a-case-id"))
    assert (failed.value.type, failed.value.non_retryable) == ("UnusableInput", True)
    assert "triage_case" in caplog.text and "not retried" in caplog.text

"""Acknowledging a self-check alert (activities/log_alerts.py, issue 15 scope 6) on SQLite
and PostgreSQL: recorded once with who and when, a second acknowledgement refused naming who
was first (even when both arrive together), and the record of it never edited."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from activities.case_store import CaseStore
from activities.log_alerts import AlertNotFound, LogAlerts
from aggregates.errors import ConflictError
from application.transparency import TransparencyLog


def alerts_of(store: CaseStore) -> LogAlerts:
    alerts = TransparencyLog(store.recorder).alerts()  # type: ignore[arg-type]
    alerts.raise_alert(raised_at=1_000, checkpoint_size=12, problem_count=1,
                       summary="leaf 3 (stream s version 1, casestore_events #3): changed")
    return alerts


def test_an_alert_is_acknowledged_once_with_who_and_when(store: CaseStore) -> None:
    alerts = alerts_of(store)
    assert [(a.alert_id, a.acknowledged) for a in alerts.alerts()] == [(1, False)]
    done = alerts.acknowledge(1, staff_id="ig-1", at=2_000)
    assert (done.acknowledged_by, done.acknowledged_at) == ("ig-1", 2_000)
    with pytest.raises(ConflictError, match="already acknowledged by ig-1") as refused:
        alerts.acknowledge(1, staff_id="ig-2", at=3_000)
    assert refused.value.rule == "alert_acknowledged_once"
    assert alerts.alert(1).acknowledged_by == "ig-1"
    with pytest.raises(AlertNotFound):
        alerts.acknowledge(2, staff_id="ig-1", at=3_000)


def test_two_acknowledgements_at_once_record_one(store: CaseStore) -> None:
    alerts = alerts_of(store)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def acknowledge(who: str) -> None:
        start.wait()
        try:
            alerts.acknowledge(1, staff_id=who, at=2_000)
            outcomes.append("recorded")
        except ConflictError:
            outcomes.append("refused")

    threads = [threading.Thread(target=acknowledge, args=(w,)) for w in ("ig-1", "ig-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["recorded", "refused"]


def test_an_acknowledgement_cannot_be_rewritten(store: CaseStore) -> None:
    alerts = alerts_of(store)
    alerts.acknowledge(1, staff_id="ig-1", at=2_000)
    engine = store.recorder.datastore.engine  # type: ignore[attr-defined]
    schema = store.env.get("SQLALCHEMY_SCHEMA")
    table = sa.Table("transparency_alert_acknowledgements", sa.MetaData(schema=schema),
                     autoload_with=engine)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(table.update().values(acknowledged_by="someone-else"))
    assert alerts.alert(1).acknowledged_by == "ig-1"

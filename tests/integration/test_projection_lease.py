"""One runner per projection at a time when two workers run (issue 17 item 1: projections
kept by "the worker, or a lease"; activities/projection_lease.py), on SQLite and PostgreSQL:
of two workers only the lease holder applies batches and no batch conflicts; when the holder
stops, or is killed with SIGKILL, the other takes over within the lease and the rows equal a
rebuild from zero; a rebuild takes the lease from the worker and gives it back."""

from __future__ import annotations

import base64
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from activities.case_store import CaseStore
from activities.projection_lease import LeaseTerms
from activities.projection_running import ProjectionWorker, close_lease, open_lease, rebuild
from aggregates.report import Actor
from casework.settings import Settings
from tests.bulk_cases import write_cases
from tests.ledger_projection import Ledger, ledger_rows
from tests.projection_process import TEST_LEASE
from tests.support import make_report

ROOT = Path(__file__).resolve().parents[2]
SHORT = LeaseTerms(seconds=2.0, renew_seconds=0.25)  # as the test processes' (TEST_LEASE)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> CaseStore:
    return request.getfixturevalue(f"{request.param}_store")  # type: ignore[no-any-return]


def _open_and_triage(store: CaseStore) -> None:
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                    reason="test", request_fingerprint=str(case_id))
    store.triage(case_id)


def _bulk(store: CaseStore, count: int) -> int:
    """`write_cases`, then (PostgreSQL) the ids' sequence moved past the ids it wrote, so
    cases can be opened through the store afterwards; returns the newest notification id."""
    newest = write_cases(store, count)
    table = store.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    if table.schema is not None:
        name = f'"{table.schema}"."{table.name}"'
        with store.recorder.transaction(commit=True) as session:  # type: ignore[attr-defined]
            session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                    f"(SELECT max(id) FROM {name}))"))
    return newest


def _url(store: CaseStore) -> tuple[str, str | None]:
    return store.env["SQLALCHEMY_URL"], store.env.get("SQLALCHEMY_SCHEMA")


def _all_notifications(store: CaseStore) -> list[tuple[int, str, int]]:
    found = store.recorder.select_notifications(start=1, limit=10**7)
    return [(n.id, str(n.originator_id), n.originator_version) for n in found]


def _ledger_position(store: CaseStore) -> int:
    url, schema = _url(store)
    engine = sa.create_engine(url)
    try:
        table = sa.Table("ledger_tracking", sa.MetaData(schema=schema), autoload_with=engine)
        with engine.connect() as conn:
            return int(conn.execute(sa.select(table.c.notification_id)).scalar() or 0)
    except sa.exc.NoSuchTableError:  # nobody has created the ledger yet
        return 0
    finally:
        engine.dispose()


def _eventually(done: Callable[[], bool], within: float, what: str) -> float:
    """Seconds until `done()`; fails naming `what` after `within` seconds."""
    started = time.monotonic()
    while not done():
        assert time.monotonic() - started < within, f"not within {within} s: {what}"
        time.sleep(0.02)
    return time.monotonic() - started


def _applied_all(store: CaseStore) -> bool:
    return _ledger_position(store) >= (store.recorder.max_notification_id() or 0)


def _assert_rows_equal_a_rebuild(store: CaseStore) -> None:
    """Every notification in the ledger once, in order; a rebuild from zero writes the same."""
    kept = ledger_rows(*_url(store))
    assert kept == _all_notifications(store)
    assert rebuild(Ledger, CaseStore, store.env, SHORT) == len(kept)
    assert ledger_rows(*_url(store)) == kept


def test_of_two_workers_only_the_lease_holder_applies_batches_and_none_conflict(
        store: CaseStore) -> None:
    _bulk(store, 2_000)
    with ProjectionWorker(Ledger, CaseStore, store.env, SHORT) as first, \
            ProjectionWorker(Ledger, CaseStore, store.env, SHORT) as second:
        for _ in range(4):  # and more while both run
            _open_and_triage(store)
        _eventually(lambda: _applied_all(store), 60, "the ledger caught up")
        time.sleep(4 * SHORT.renew_seconds)  # the other keeps asking, and is refused
        holding = [first.holding, second.holding]
        taken = first.leases_taken + second.leases_taken
    assert sorted(holding) == [False, True] and taken == 1
    assert first.conflicts == second.conflicts == 0
    assert sorted([first.applied, second.applied]) == [0, len(_all_notifications(store))]
    _assert_rows_equal_a_rebuild(store)


def test_when_the_holder_stops_the_other_worker_takes_over_at_once(store: CaseStore) -> None:
    _bulk(store, 1_000)
    first = ProjectionWorker(Ledger, CaseStore, store.env, SHORT).start()
    second = ProjectionWorker(Ledger, CaseStore, store.env, SHORT).start()
    try:
        _eventually(lambda: _applied_all(store), 60, "the ledger caught up")
        holder, other = (first, second) if first.holding else (second, first)
        assert holder.holding and not other.holding
        holder.stop()  # a clean stop releases the lease: no need to wait for it to lapse
        took = _eventually(lambda: other.holding, SHORT.seconds, "the other took the lease")
        assert took < SHORT.seconds
        for _ in range(3):
            _open_and_triage(store)
        _eventually(lambda: _applied_all(store), 30, "the other applied the new events")
    finally:
        first.stop()
        second.stop()
    assert other.applied > 0 and first.conflicts == second.conflicts == 0
    _assert_rows_equal_a_rebuild(store)


def test_when_the_holder_is_killed_the_other_takes_over_after_its_lease_lapses(
        store: CaseStore) -> None:
    """A process holding the ledger's lease is killed (SIGKILL: no release, no clean-up);
    the worker standing by takes the lease once it lapses and finishes the backlog."""
    newest = _bulk(store, 4_000)
    url, schema = _url(store)
    key = base64.b64encode(base64.b64decode(store.env["CIPHER_KEY"])).decode()
    killed_process = subprocess.Popen(
        [sys.executable, "-m", "tests.projection_process", url, schema or "-", key],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE)
    probe = open_lease(Ledger, store.env, TEST_LEASE, "test")
    try:
        _eventually(lambda: _ledger_position(store) > 0, 60, "the process began applying")
        with ProjectionWorker(Ledger, CaseStore, store.env, SHORT) as standby:
            time.sleep(3 * SHORT.renew_seconds)
            assert f":{killed_process.pid}:" in (probe.current_holder() or "")
            assert not standby.holding
            killed_process.send_signal(signal.SIGKILL)
            killed_process.wait()
            took = _eventually(lambda: standby.holding, TEST_LEASE.seconds + 2,
                               "the standby took the lapsed lease")
            halfway = _ledger_position(store)
            for _ in range(3):
                _open_and_triage(store)
            _eventually(lambda: _applied_all(store), 60, "the standby finished the backlog")
    finally:
        if killed_process.poll() is None:
            killed_process.kill()
            killed_process.wait()
        close_lease(probe, release=False)
    assert took <= TEST_LEASE.seconds + 1.0
    print(f"killed at {halfway} of {newest}; the standby took over after {took:.2f} s")
    assert standby.applied > 0 and standby.conflicts == 0
    _assert_rows_equal_a_rebuild(store)


def test_a_lease_goes_to_one_holder_until_released_or_lapsed(store: CaseStore) -> None:
    brief = LeaseTerms(seconds=0.5, renew_seconds=0.1)
    first, second = (open_lease(Ledger, store.env, brief, "test") for _ in range(2))
    try:
        assert first.take() and not second.take() and first.take()  # held: kept, refused
        first.release()  # a clean stop: the other takes it at once
        assert second.take() and not first.renew() and not first.take()
        assert second.current_holder() == second.holder
        time.sleep(brief.seconds + 0.2)  # the holder died: its lease lapses
        assert first.current_holder() is None and first.take() and not second.renew()
        assert second.seize() == first.holder and not first.renew()  # a rebuild's
    finally:
        close_lease(first, release=False)
        close_lease(second, release=False)


def test_a_rebuild_takes_the_lease_from_the_worker_which_takes_it_back_after(
        store: CaseStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="activities.projection_running")
    _bulk(store, 1_000)
    with ProjectionWorker(Ledger, CaseStore, store.env, SHORT) as worker:
        _eventually(lambda: _applied_all(store), 60, "the ledger caught up")
        assert worker.holding
        assert rebuild(Ledger, CaseStore, store.env, SHORT) == len(_all_notifications(store))
        _eventually(lambda: worker.holding and worker.leases_taken == 2, SHORT.seconds * 2,
                    "the worker took its lease back")
        for _ in range(3):
            _open_and_triage(store)
        _eventually(lambda: _applied_all(store), 30, "the worker applied the new events")
    assert worker.conflicts <= 1  # a batch in flight when the rebuild cleared the position
    assert ledger_rows(*_url(store)) == _all_notifications(store)
    said = [r.getMessage() for r in caplog.records]
    holder = f"worker@{socket.gethostname()}:{os.getpid()}:"
    assert sum(m.startswith(f"projection Ledger: {holder}") and m.endswith("took the lease")
               for m in said) == 2
    assert any(m.startswith("projection Ledger: rebuild@") and "for a rebuild from "
               f"{holder}" in m for m in said)
    assert any(m.startswith("projection Ledger: another runner took the lease from "
                            f"{holder}") for m in said)


def test_a_lease_renewed_no_sooner_than_it_lapses_is_refused() -> None:
    with pytest.raises(ValueError, match="renewed more often than it lasts"):
        LeaseTerms(seconds=10, renew_seconds=10)
    with pytest.raises(ValueError, match="DA_PROJECTION_LEASE_RENEW_SECONDS must be less"):
        Settings(projection_lease_seconds=5, projection_lease_renew_seconds=5)
    assert Settings().projection_lease_seconds == 30 and \
        Settings().projection_lease_renew_seconds == 10

"""Projections on eventsourcing's runner and tracking recorders (activities/projections.py),
on SQLite and PostgreSQL: each notification applied exactly once while writers and a second
runner race it, a rebuild from zero giving the same rows, and a projection process killed
with SIGKILL halfway through a large backlog carrying on to the same rows (issue 17 item 1:
"resumes after a restart, never applies a notification twice or skips one")."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from activities.board_projector import WorkTrays
from activities.board_tables import board_tables
from activities.case_store import CaseStore
from activities.projection_running import ProjectionWorker, catch_up, rebuild
from aggregates.report import Actor
from tests.bulk_cases import write_cases
from tests.ledger_projection import Ledger, ledger_rows
from tests.support import make_report

ROOT = Path(__file__).resolve().parents[2]


def _open_and_triage(store: CaseStore) -> None:
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                    reason="test", request_fingerprint=str(case_id))
    store.triage(case_id)


def _all_notifications(store: CaseStore) -> list[tuple[int, str, int]]:
    found = store.recorder.select_notifications(start=1, limit=10**7)
    return [(n.id, str(n.originator_id), n.originator_version) for n in found]


def _url(store: CaseStore) -> tuple[str, str | None]:
    return store.env["SQLALCHEMY_URL"], store.env.get("SQLALCHEMY_SCHEMA")


def _board(store: CaseStore) -> list[list[tuple[object, ...]]]:
    url, schema = _url(store)
    tables, engine = board_tables(schema), sa.create_engine(url)
    with engine.connect() as conn:
        rows = [sorted(tuple(r) for r in conn.execute(sa.select(t)))
                for t in (tables.cases, tables.tasks, tables.referrals)]
    engine.dispose()
    return rows


def _position(store: CaseStore, projection: str) -> int:
    url, schema = _url(store)
    engine = sa.create_engine(url)
    table = sa.Table(f"{projection.lower()}_tracking", sa.MetaData(schema=schema),
                     autoload_with=engine)
    with engine.connect() as conn:
        found = conn.execute(sa.select(table.c.notification_id)).scalar()
    engine.dispose()
    return int(found or 0)


def test_every_notification_is_applied_once_while_writers_and_a_second_runner_race(
        store: CaseStore) -> None:
    """Four writers save cases while two runners follow the same projection: positions are
    moved by compare-and-set, so every event lands in the ledger exactly once, in order."""
    def write() -> None:
        for _ in range(8):
            _open_and_triage(store)

    with ProjectionWorker(Ledger, CaseStore, store.env), \
            ProjectionWorker(Ledger, CaseStore, store.env):
        writers = [threading.Thread(target=write) for _ in range(4)]
        for w in writers:
            w.start()
        for w in writers:
            w.join()
        catch_up(Ledger, CaseStore, store.env, timeout=60)
    applied = ledger_rows(*_url(store))
    assert applied == _all_notifications(store)  # none twice, none skipped, in id order
    assert len(applied) >= 4 * 8 * 2


def test_a_rebuild_from_zero_gives_the_rows_the_running_projection_kept(
        store: CaseStore) -> None:
    with ProjectionWorker(WorkTrays, CaseStore, store.env):
        for _ in range(6):
            _open_and_triage(store)
        catch_up(WorkTrays, CaseStore, store.env, timeout=60)
    kept = _board(store)
    assert len(kept[0]) == 6 and kept[1]
    assert rebuild(WorkTrays, CaseStore, store.env) >= 12
    assert _board(store) == kept


@pytest.mark.parametrize("backlog", [12_000])
def test_a_projection_process_killed_halfway_resumes_to_the_rows_of_a_rebuild(
        store: CaseStore, backlog: int) -> None:
    """A process projecting the board and the ledger is killed (SIGKILL, no clean-up) with
    about half of a bulk-written backlog applied; a new process finishes it. Its rows equal a
    rebuild from zero, and the ledger shows every notification once."""
    newest = write_cases(store, backlog)
    url, schema = _url(store)
    key = base64.b64encode(base64.b64decode(store.env["CIPHER_KEY"])).decode()
    command = [sys.executable, "-m", "tests.projection_process", url, schema or "-", key]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _safe_position(store, "Ledger") < newest // 2:
            assert first.poll() is None, "the projection process stopped by itself"
            assert time.monotonic() < deadline, "the projection made no progress"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        halfway = _safe_position(store, "Ledger")
        assert halfway < newest, "killed too late to test a resume"
        second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE)
        try:
            while min(_safe_position(store, "Ledger"), _safe_position(store, "WorkTrays")) \
                    < newest:
                assert second.poll() is None and time.monotonic() < deadline + 120
                time.sleep(0.05)
        finally:
            second.send_signal(signal.SIGKILL)
            second.wait()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    resumed_board, resumed_ledger = _board(store), ledger_rows(url, schema)
    assert resumed_ledger == _all_notifications(store)
    assert len(resumed_board[0]) == backlog // 10
    rebuild(WorkTrays, CaseStore, store.env)
    rebuild(Ledger, CaseStore, store.env)
    assert _board(store) == resumed_board
    assert ledger_rows(url, schema) == resumed_ledger


def _safe_position(store: CaseStore, projection: str) -> int:
    try:
        return _position(store, projection)
    except sa.exc.NoSuchTableError:  # the process has not created its tables yet
        return 0

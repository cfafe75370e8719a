"""The task board on SQLite and PostgreSQL: one writer (the projector, in the worker), any
number of web processes reading it over connections that cannot write."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy

from activities.board_projector import BoardProjector
from activities.board_tables import board_tables
from activities.case_store import CaseStore, store_env
from activities.task_board import BoardTask, TaskBoard
from aggregates.access import StaffFacts
from aggregates.report import Actor, Council, Role
from tests.support import make_report

TST = "Tenancy Support Team"  # Dover routes every case to this team (D 8.28)
CASEWORKER = StaffFacts(staff_id="cw-1", role=Role.CASEWORKER, teams=frozenset({TST}),
                        council=Council.DOVER)
READER_ROLE = "board_reader"
WORKER = Actor(staff_id="cw-1", role=Role.CASEWORKER)


def _read_only_url(store: CaseStore) -> str:
    """A URL for the same database that can only read: how a web replica could connect."""
    url = store.env["SQLALCHEMY_URL"]
    schema = store.env.get("SQLALCHEMY_SCHEMA")
    if url.startswith("sqlite:///"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    engine = sqlalchemy.create_engine(url)
    # Another test beside this one may create the role first.
    with contextlib.suppress(sqlalchemy.exc.DBAPIError), engine.begin() as conn:
        exists = conn.execute(sqlalchemy.text(
            "SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": READER_ROLE}).scalar()
        if not exists:
            conn.execute(sqlalchemy.text(f"CREATE ROLE {READER_ROLE} LOGIN"))
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'GRANT USAGE ON SCHEMA "{schema}" TO {READER_ROLE}'))
        conn.execute(sqlalchemy.text(
            f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {READER_ROLE}'))
    engine.dispose()
    return url.replace("postgres@", f"{READER_ROLE}@")


@pytest.fixture
def projector(store: CaseStore) -> Iterator[BoardProjector]:
    """The worker's projector (it creates the board's tables), running."""
    with BoardProjector(store, poll_seconds=0.02) as running:
        yield running


def _open_case(store: CaseStore) -> str:
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                    reason="test", request_fingerprint=str(case_id))
    store.triage(case_id)
    return str(case_id)


def _board_rows(store: CaseStore) -> list[list[tuple[object, ...]]]:
    tables = board_tables(store.env.get("SQLALCHEMY_SCHEMA"))
    engine = sqlalchemy.create_engine(store.env["SQLALCHEMY_URL"])
    with engine.connect() as conn:
        rows = [sorted(tuple(r) for r in conn.execute(sqlalchemy.select(t)))
                for t in (tables.cases, tables.tasks, tables.tracking)]
    engine.dispose()
    return rows


def test_two_web_readers_see_every_change_while_the_projector_runs_and_never_write(
        store: CaseStore, projector: BoardProjector) -> None:
    url, schema = _read_only_url(store), store.env.get("SQLALCHEMY_SCHEMA")
    readers = [TaskBoard(store, url, schema) for _ in range(2)]
    opened: list[str] = []
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for round_ in range(30):
                opened.append(_open_case(store))
                if round_ % 3 == 2:  # and complete a task of an earlier case
                    store.complete_task(case_id=uuid.UUID(opened[-2]), task_id="t3",
                                        outcome="done", note="", actor=WORKER,
                                        command_id=f"c-{round_}", at=datetime.now(UTC))
                # Both replicas read at the same moment; a write or a failed read raises here.
                seen: list[list[BoardTask]] = list(pool.map(
                    lambda board: board.visible_tasks(CASEWORKER, datetime.now(UTC)), readers))
                for tasks in seen:
                    keys = {(t.case_id, t.task_id) for t in tasks}
                    assert (opened[-1], "t1") in keys  # contact the victim (D 8.14)
                    if round_ % 3 == 2:
                        assert (opened[-2], "t3") not in keys
                    assert {t.case_id for t in tasks} == set(opened)
        # Reads leave the board's tables as they are.
        projector.stop()
        before = _board_rows(store)
        for board in readers:
            board.visible_tasks(CASEWORKER, datetime.now(UTC))
            board.visible_cases(CASEWORKER, datetime.now(UTC))
        assert _board_rows(store) == before
    finally:
        for board in readers:
            board.close()


def test_a_second_projector_never_writes_over_the_first(store: CaseStore) -> None:
    """Two workers each running the projection: positions are taken by compare-and-set, so
    the board still ends exactly as one projector would leave it."""
    with BoardProjector(store, poll_seconds=0.01), BoardProjector(store, poll_seconds=0.01):
        opened = [_open_case(store) for _ in range(10)]
        board = TaskBoard(store, store.env["SQLALCHEMY_URL"], store.env.get("SQLALCHEMY_SCHEMA"))
        assert board.wait_until_current(timeout=20)
        tasks = board.visible_tasks(CASEWORKER, datetime.now(UTC))
        board.close()
    shown = {(t.case_id, t.task_id) for t in tasks}
    assert shown == {(case_id, task.task_id) for case_id in opened
                     for task in store.get_case(uuid.UUID(case_id)).open_tasks}


def test_the_projector_starts_on_a_board_of_the_previous_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The tables of an earlier version (with its hand-kept `board_position`) are left
    unread: the projector rebuilds this version's tables from position 0, so no stale row
    shows."""
    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"
    store = CaseStore(store_env(url, os.urandom(32)))
    case_id = _open_case(store)
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:  # the previous version's tables and rows, one row stale
        for ddl in (
            "CREATE TABLE board_position (id INTEGER PRIMARY KEY, position BIGINT NOT NULL)",
            "CREATE TABLE board_cases (case_id VARCHAR(36) PRIMARY KEY, facts TEXT NOT NULL)",
            "CREATE TABLE board_tasks (case_id VARCHAR(36), task_id VARCHAR(20), kind VARCHAR(64)"
            " NOT NULL, title VARCHAR(300) NOT NULL, assignee VARCHAR(200) NOT NULL, due_at "
            "BIGINT, escalated BOOLEAN NOT NULL, requirements TEXT NOT NULL, "
            "PRIMARY KEY (case_id, task_id))"):
            conn.execute(sqlalchemy.text(ddl))
        conn.execute(sqlalchemy.text("INSERT INTO board_position VALUES (1, 99)"))
        conn.execute(sqlalchemy.text(
            "INSERT INTO board_tasks VALUES (:c, 't1', 'old', 'Stale title', 'x', NULL, 0, '[]')"),
            {"c": case_id})
    engine.dispose()
    projector = BoardProjector(store)
    assert projector.run_once() >= 2  # the case opened and triaged
    board = TaskBoard(store, url)
    tasks = board.visible_tasks(CASEWORKER, datetime.now(UTC))
    board.close()
    assert "Stale title" not in {t.title for t in tasks}
    assert ("t1", "Contact the victim to offer a personal discussion") in {
        (t.task_id, t.title) for t in tasks}

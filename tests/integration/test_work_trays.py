"""The work trays and the case search, on SQLite and PostgreSQL, over board rows written
directly (tests/board_rows.py): what each tray holds and counts, its order, filters and pages;
what a search finds, and that neither shows a case outside need to know."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from activities.board_tables import board_tables
from activities.case_search import CaseQuery, search_cases
from activities.case_store import CaseStore
from activities.task_board import PAGE_SIZE, TaskBoard, Tray, TrayFilters
from aggregates.access import StaffFacts
from aggregates.report import Council, Role
from aggregates.tasks import TaskKind
from tests.board_rows import DOVER_TEAM, case_row, create, task_row

NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)  # a Wednesday
CW = StaffFacts(staff_id="cw-1", role=Role.CASEWORKER, teams=frozenset({DOVER_TEAM}),
                council=Council.DOVER)
DSO = StaffFacts(staff_id="dso-1", role=Role.DSO, teams=frozenset(), council=Council.DOVER)
AUDITOR = StaffFacts(staff_id="aud-1", role=Role.AUDITOR, teams=frozenset(),
                     council=Council.DOVER)
OTHER = "Tenancy Services Team"  # Dartford's


def cid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


@pytest.fixture
def board(store: CaseStore) -> Iterator[TaskBoard]:
    url, schema = store.env["SQLALCHEMY_URL"], store.env.get("SQLALCHEMY_SCHEMA")
    engine = sa.create_engine(url)
    tables = board_tables(schema)
    create(engine, tables, store.name)
    day = timedelta(days=1)
    cases = [
        case_row(cid(1), officer_id="cw-1", reported_at=NOW - 3 * day, risk_level="high"),
        case_row(cid(2), officer_id="cw-2", reported_at=NOW - 2 * day, escalated=True),
        case_row(cid(3), officer_id=None, reported_at=NOW - 10 * day, open_tasks=0,
                 risk_level="not_high"),
        case_row(cid(4), council=Council.DARTFORD, team=OTHER, officer_id="cw-9",
                 reported_at=NOW - day),
        case_row(cid(5), officer_id="cw-2", reported_at=NOW - day,
                 restricted_to=frozenset({"cw-2"})),
    ]
    tasks = [
        task_row(cid(1), "t1", due_at=NOW + day, risk_level="high",
                 requirements=("Interpreter: Polish",)),
        task_row(cid(1), "t2", kind=TaskKind.MARAC_ACTION, assignee=("person", "cw-1"),
                 due_at=NOW - day, risk_level="high"),
        task_row(cid(2), "t1", due_at=NOW + day),  # same deadline, lower risk: after
        task_row(cid(2), "t2", due_at=NOW - 2 * day, escalated=True),
        task_row(cid(2), "t3", kind=TaskKind.RESOLVE_REFERRAL, assignee=("role", "dso"),
                 due_at=NOW + 30 * day),
        task_row(cid(4), "t1", assignee=("team", OTHER), due_at=NOW - day, escalated=True),
        task_row(cid(5), "t1", due_at=NOW - day, escalated=True),
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(tables.cases), cases)
        conn.execute(sa.insert(tables.tasks), tasks)
        conn.execute(sa.insert(tables.referrals), [
            {"case_id": cid(1), "referral_id": "r1", "status": "acknowledged"},
            {"case_id": cid(2), "referral_id": "r1", "status": "failed"}])
    engine.dispose()
    reader = TaskBoard(store, url, schema)
    yield reader
    reader.close()


def keys(page: object) -> list[str]:
    return [f"{t.case_id[-1]}/{t.task_id}" for t in page.rows]  # type: ignore[attr-defined]


def test_each_tray_holds_and_counts_its_tasks_within_need_to_know(board: TaskBoard) -> None:
    mine = board.tray(CW, NOW, Tray.MINE)
    # Mine: the team's tasks on my case and the MARAC action I own; soonest first.
    assert keys(mine) == ["1/t2", "1/t1"]
    assert mine.rows[1].requirements == ["Interpreter: Polish"]
    # Never the Dartford case, nor the restricted one I am not named on.
    assert mine.counts == {Tray.MINE: 2, Tray.TEAM: 3, Tray.OVERDUE: 2,
                           Tray.DUE_THIS_WEEK: 2, Tray.ESCALATED: 1}
    # Same deadline: the high-risk case's task first.
    assert keys(board.tray(CW, NOW, Tray.DUE_THIS_WEEK)) == ["1/t1", "2/t1"]
    assert keys(board.tray(CW, NOW, Tray.OVERDUE)) == ["2/t2", "1/t2"]
    # The DSO: escalated cases of the council, and the task for the DSO role as theirs.
    assert keys(board.tray(DSO, NOW, Tray.ESCALATED)) == ["2/t2"]
    assert keys(board.tray(DSO, NOW, Tray.MINE)) == ["2/t3"]


def test_filters_narrow_every_tray_and_its_count(board: TaskBoard) -> None:
    high = board.tray(CW, NOW, Tray.TEAM, TrayFilters(risk="high"))
    assert keys(high) == ["1/t1"] and high.counts[Tray.OVERDUE] == 1
    marac = board.tray(CW, NOW, Tray.MINE, TrayFilters(kind="marac_action"))
    assert keys(marac) == ["1/t2"] and marac.counts[Tray.TEAM] == 0
    assert board.tray(CW, NOW, Tray.TEAM, TrayFilters(council="dartford")).total == 0
    assert keys(board.tray(CW, NOW, Tray.TEAM, TrayFilters(risk="not_assessed"))) == [
        "2/t2", "2/t1"]


def test_a_long_tray_comes_in_pages_of_25(store: CaseStore, board: TaskBoard) -> None:
    engine = sa.create_engine(store.env["SQLALCHEMY_URL"])
    tables = board_tables(store.env.get("SQLALCHEMY_SCHEMA"))
    with engine.begin() as conn:
        conn.execute(sa.insert(tables.cases), [
            case_row(cid(100 + n), officer_id="cw-1", reported_at=NOW) for n in range(60)])
        conn.execute(sa.insert(tables.tasks), [
            task_row(cid(100 + n), "t1", due_at=NOW - timedelta(hours=n + 1))
            for n in range(60)])
    engine.dispose()
    pages = [board.tray(CW, NOW, Tray.OVERDUE, page=n) for n in (1, 2, 3, 4)]
    assert [len(p.rows) for p in pages[:3]] == [PAGE_SIZE, PAGE_SIZE, 12]
    assert [p.page for p in pages] == [1, 2, 3, 3]  # past the last page: the last
    seen = [t.case_id + t.task_id for p in pages[:3] for t in p.rows]
    assert len(set(seen)) == 62 == pages[0].total
    dues = [t.due_at for p in pages[:3] for t in p.rows]
    assert dues == sorted(dues)


def test_search_finds_cases_by_each_field_within_need_to_know(board: TaskBoard) -> None:
    def found(staff: StaffFacts, **query: object) -> list[str]:
        page = search_cases(board, staff, NOW, CaseQuery(**query))  # type: ignore[arg-type]
        return [row.case_id[-1] for row in page.rows]

    assert found(CW) == ["2", "1"]  # open cases of my team, newest report first
    assert found(CW, reference="00000000-0000-4000-8000-00000000000") == ["2", "1"]
    assert found(CW, officer="cw-2") == ["2"]
    assert found(CW, risk="high") == ["1"]
    assert found(CW, referral_status="failed") == ["2"]
    assert found(CW, received_from=date(2026, 6, 8), received_to=date(2026, 6, 8)) == ["2"]
    assert found(CW, status="closed") == []  # closed cases are the auditor's
    assert found(AUDITOR, status="closed") == ["3"]
    assert found(AUDITOR) == ["2", "1", "3"]  # never the restricted one, nor Dartford's
    assert found(DSO) == ["2"]


def test_search_takes_the_first_and_last_dates_there_are(board: TaskBoard) -> None:
    """"Received on or before 31 12 9999" was a 500: the day after it, the query's end, is
    past the last date Python has. The first and last dates bound nothing."""
    def found(**query: object) -> list[str]:
        page = search_cases(board, AUDITOR, NOW, CaseQuery(**query))  # type: ignore[arg-type]
        return [row.case_id[-1] for row in page.rows]

    everything = found()
    assert found(received_to=date.max) == everything
    assert found(received_from=date.min, received_to=date.max) == everything
    assert found(received_from=date.max) == []

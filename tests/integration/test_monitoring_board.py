"""Monitoring figures from the task board (issue 17 item 4), on SQLite and PostgreSQL, and
`python -m casework monitoring-export` as a manager runs it (it reads the monitoring
counts): referrals received per council per London month, hand-counted, with the months'
small numbers hidden in the file and in the quarter they would give away (item 3)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from activities.board_tables import board_tables
from activities.case_store import CaseStore
from activities.monitoring_board import BoardReportSource
from activities.monitoring_projection import counts_table
from activities.task_board import TaskBoard
from aggregates.report import Council
from monitoring.periods import Period, PeriodKind
from monitoring.reports import REPORTS, safe_report
from tests.board_rows import case_row, create
from tests.integration.test_cli_staff import casework

RECEIVED = REPORTS["referrals-received"]
Q1_2025 = Period(2025, PeriodKind.QUARTER, 0)
AFTER = date(2025, 7, 1)


def cid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def received() -> list[tuple[Council, datetime]]:
    """Dover: 7 in April 2025, 3 in May (one at 00:30 on 1 May, London time, which is
    23:30 on 30 April UTC), 6 in June, 2 in March (before the year). Dartford: 1 in April."""
    at = [(Council.DOVER, datetime(2025, 4, 3 + i, 10, tzinfo=UTC)) for i in range(7)]
    at += [(Council.DOVER, datetime(2025, 4, 30, 23, 30, tzinfo=UTC)),
           (Council.DOVER, datetime(2025, 5, 12, 9, tzinfo=UTC)),
           (Council.DOVER, datetime(2025, 5, 31, 22, 59, tzinfo=UTC))]  # 23:59 BST
    at += [(Council.DOVER, datetime(2025, 6, 2 + i, 14, tzinfo=UTC)) for i in range(6)]
    at += [(Council.DOVER, datetime(2025, 3, 31, 22, tzinfo=UTC) - timedelta(days=1))] * 2
    at += [(Council.DARTFORD, datetime(2025, 4, 10, 10, tzinfo=UTC))]
    return at


def fill(url: str, schema: str | None, app_name: str) -> None:
    engine = sa.create_engine(url)
    tables = board_tables(schema)
    create(engine, tables, app_name)
    with engine.begin() as conn:
        conn.execute(sa.insert(tables.cases), [
            case_row(cid(n), council=council, team="Team", reported_at=moment)
            for n, (council, moment) in enumerate(received())])
    engine.dispose()


@pytest.fixture
def board(store: CaseStore) -> Iterator[TaskBoard]:
    url, schema = store.env["SQLALCHEMY_URL"], store.env.get("SQLALCHEMY_SCHEMA")
    fill(url, schema, store.name)
    reader = TaskBoard(store, url, schema)
    yield reader
    reader.close()


def test_referrals_are_counted_in_the_london_month_they_were_received(board: TaskBoard) -> None:
    source = BoardReportSource(board)
    assert source.offers(RECEIVED) and not source.offers(REPORTS["victim-contact"])
    assert source.monthly_counts(RECEIVED, Council.DOVER, 2025, [0, 1, 2, 3]) == {
        0: [[7]], 1: [[3]], 2: [[6]], 3: [[0]]}
    assert source.monthly_counts(RECEIVED, Council.DARTFORD, 2025, [0]) == {0: [[1]]}


def test_a_small_month_hides_itself_and_the_quarter_that_would_give_it_away(
        board: TaskBoard) -> None:
    """Issue 17 item 3: May's 3 is hidden; the quarter (16) is hidden too, since the
    quarter less April and June would be May."""
    report = safe_report(BoardReportSource(board), "referrals-received", Council.DOVER,
                         Q1_2025, today=AFTER, min_count=5)
    assert report.cells == ((None,),)
    assert report.months == (("April 2025", 7), ("May 2025", None), ("June 2025", 6))


def test_the_command_line_writes_the_safe_report_with_a_progress_line(tmp_path: Path) -> None:
    out = tmp_path / "april.csv"
    # The event store the command opens (SQLite under DA_DATA_DIR) holds the monitoring
    # counts (activities/monitoring_projection.py): Dover's as `received()` above.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    table = counts_table(None)
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(table), [
            {"report": "referrals-received", "row": "received", "council": "dover",
             "team": "Tenancy Support Team", "year": 2025, "month": month, "amount": n}
            for month, n in ((0, 7), (1, 3), (2, 6))])
    engine.dispose()
    done = casework(tmp_path, "monitoring-export", "--report", "referrals-received",
                    "--from", "2025-04-01", "--to", "2025-06-30", "--council", "dover",
                    "--format", "csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "Reading months: [########................] 1 of 3",
        "Reading months: [################........] 2 of 3",
        "Reading months: [########################] 3 of 3"]
    assert done.stdout.startswith("Referrals received, Dover, Q1 2025 to 2026")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    # One column per team Dover routes cases to, then all teams: May's 3 hides the quarter.
    received = dict(zip(rows[2], rows[3], strict=True))
    assert received["Tenancy Support Team"] == received["All teams"] == "not shown"
    assert received["Housing Options Team"] == "0"
    assert "Threshold: counts from 1 to 4 are not published." in [r[0] for r in rows if r]


def test_a_range_that_is_not_one_period_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    refused = casework(tmp_path, "monitoring-export", "--report", "referrals-received",
                       "--from", "2025-04-01", "--to", "2025-05-31", "--council", "dover",
                       "--out", str(tmp_path / "x.csv"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("monitoring-export: the range must be one whole month")
    assert not (tmp_path / "x.csv").exists()

"""The monitoring reports' figures from the `MonitoringCounts` projection (issue 17 item 2),
on SQLite and PostgreSQL: a known set of cases across both councils (tests/monitoring_cases.py,
written through the case store's commands) gives, for every report, council, team and month,
the hand-counted figures below; a rebuild from zero gives the same; a projection process
killed halfway through a backlog and started again gives the same."""

from __future__ import annotations

import base64
import csv
import io
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from activities.case_store import CaseStore, store_env
from activities.monitoring_projection import (
    MonitoringCounts,
    ProjectionReportSource,
    council_teams,
)
from activities.projection_running import ProjectionWorker, catch_up, rebuild
from aggregates.report import Council
from monitoring.periods import Period, PeriodKind
from monitoring.reports import REPORTS, safe_report
from tests.bulk_cases import write_cases
from tests.integration.test_cli_staff import casework
from tests.monitoring_cases import Clock, build
from tests.monitoring_expected import (
    APR,
    DARTFORD,
    DOVER,
    EXPECTED,
    HSF,
    HSP,
    JUN,
    MAY,
    TSUP,
    TSV,
)
from tests.support import PERSONAL_STRINGS

ROOT = Path(__file__).resolve().parents[2]


def figures(source: ProjectionReportSource, year: int = 2026) -> dict[tuple[str, Council, int,
                                                                      str, str], int]:
    """Every non-zero cell of every report, both councils, the 12 months of `year`."""
    found = {}
    for report in REPORTS.values():
        for council in Council:
            teams = source.teams(council)
            for month, rows in source.monthly_counts(report, council, year,
                                                     range(12)).items():
                for (code, _), counts in zip(report.rows, rows, strict=True):
                    found |= {(report.name, council, month, code, team): n
                              for team, n in zip(teams, counts, strict=True) if n}
    return found


def source_of(store: CaseStore) -> ProjectionReportSource:
    return ProjectionReportSource(store.env["SQLALCHEMY_URL"],
                                  store.env.get("SQLALCHEMY_SCHEMA"))


@pytest.fixture
def known(store: CaseStore) -> CaseStore:
    """The known cases, written while the projection runs beside them (as in the worker)."""
    clock = Clock()
    writer = CaseStore(store.env, clock=clock)
    with ProjectionWorker(MonitoringCounts, CaseStore, store.env):
        build(writer, clock)
        catch_up(MonitoringCounts, CaseStore, store.env, timeout=120)
    return store


def test_every_figure_of_every_report_is_the_hand_counted_one(known: CaseStore) -> None:
    source = source_of(known)
    try:
        assert figures(source) == EXPECTED
        # D0, opened 23:30 on 31 March 2026 (London), is March of 2025-26.
        assert figures(source, 2025) == {("referrals-received", DOVER, 11, "received", TSUP): 1}
    finally:
        source.close()


def test_a_rebuild_from_zero_gives_the_same_figures(known: CaseStore) -> None:
    source = source_of(known)
    try:
        kept = figures(source)
        assert rebuild(MonitoringCounts, CaseStore, known.env) > 100
        assert figures(source) == kept == EXPECTED
    finally:
        source.close()


def test_a_quarters_report_adds_its_months_and_labels_teams_and_totals(
        known: CaseStore) -> None:
    """With no threshold (min_count 1) the report of Q1 shows the months' sums: Dartford's
    partner deliveries by team, with the total row and the "All teams" column."""
    source = source_of(known)
    try:
        report = safe_report(source, "partner-deliveries", DARTFORD,
                             Period(2026, PeriodKind.QUARTER, 0), today=date(2026, 7, 1),
                             min_count=1)
    finally:
        source.close()
    assert report.column_labels == (HSF, HSP, TSV, "All teams")
    assert report.row_labels == ("Acknowledged within 1 working day", "Acknowledged later",
                                 "Delivery given up", "Total")
    assert report.cells == ((1, 0, 0, 1), (0, 0, 0, 0), (0, 0, 0, 0), (1, 0, 0, 1))
    assert report.months == (("April 2026", 0), ("May 2026", 0), ("June 2026", 1))


def test_a_cost_is_shown_only_where_the_number_of_measures_behind_it_is(
        known: CaseStore) -> None:
    """May 2026: T1's two measures cost £123 and £60. Without a threshold the costs show,
    with their total named; with the threshold of 5 the pounds (far above 5) are hidden
    because the counts of measures behind them (1 each) are."""
    may = Period(2026, PeriodKind.MONTH, MAY)
    source = source_of(known)
    try:
        shown = safe_report(source, "sanctuary-cost", DARTFORD, may, today=date(2026, 7, 1),
                            min_count=1)
        safe = safe_report(source, "sanctuary-cost", DARTFORD, may, today=date(2026, 7, 1),
                           min_count=5)
        measures = safe_report(source, "sanctuary-measures", DARTFORD, may,
                               today=date(2026, 7, 1), min_count=5)
    finally:
        source.close()
    assert shown.row_labels[-1] == "Total cost (£)"
    assert shown.cells[0] == (0, 0, 123, 123) and shown.cells[-1] == (0, 0, 183, 183)
    assert safe.cells[0][2] is None and safe.cells[-1][3] is None
    assert [[v is None for v in row] for row in safe.cells] == [
        [v is None for v in row] for row in measures.cells]


def test_an_equality_report_counts_each_household_referred_once_by_its_answer(
        known: CaseStore) -> None:
    """CAR: Q1's three Dartford referrals by disability: T3 (Housing Scheme and Finance)
    limited a lot; T1 (Tenancy Services) and T2 (Housing Solutions) did not answer. The
    rows add up to the households referred; "own words" reads 0 (nothing was in words)."""
    source = source_of(known)
    try:
        report = safe_report(source, "equality-disability", DARTFORD,
                             Period(2026, PeriodKind.QUARTER, 0), today=date(2026, 10, 1),
                             min_count=1)
    finally:
        source.close()
    assert report.row_labels == (
        "Disabled: day-to-day activities limited a lot",
        "Disabled: day-to-day activities limited a little", "Not disabled",
        "Prefer not to say", "Given in own words (not coded)", "Not given", "Total")
    assert report.cells == ((1, 0, 0, 1), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0),
                            (0, 0, 0, 0), (0, 1, 1, 2), (1, 1, 1, 3))


def test_every_policy_team_is_a_column_in_a_fixed_order() -> None:
    # Dover routes every case to Tenancy Support by tenure, and homelessness applications to
    # Housing Options (D 8.38): both are columns.
    assert council_teams(DOVER) == ("Housing Options Team", TSUP)
    assert council_teams(DARTFORD) == (HSF, HSP, TSV)


def _position(url: str, schema: str | None) -> int:
    engine = sa.create_engine(url)
    try:
        table = sa.Table("monitoringcounts_tracking", sa.MetaData(schema=schema),
                         autoload_with=engine)
        with engine.connect() as conn:
            return int(conn.execute(sa.select(table.c.notification_id)).scalar() or 0)
    except sa.exc.NoSuchTableError:  # the process has not created its tables yet
        return 0
    finally:
        engine.dispose()


def test_a_projection_process_killed_halfway_resumes_to_the_same_figures(
        sqlite_store: CaseStore) -> None:
    """The known cases and a bulk backlog of 600 more cases opened now; a process keeping
    the counts is killed (SIGKILL) with about half applied, a second finishes: the figures
    are the hand-counted ones plus the backlog's referrals, and equal a rebuild's."""
    store, clock = sqlite_store, Clock()
    build(CaseStore(store.env, clock=clock), clock)
    newest = write_cases(store, 6_000)
    url, schema = store.env["SQLALCHEMY_URL"], store.env.get("SQLALCHEMY_SCHEMA")
    key = base64.b64encode(base64.b64decode(store.env["CIPHER_KEY"])).decode()
    command = [sys.executable, "-m", "tests.monitoring_process", url, schema or "-", key]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 180
    try:
        while _position(url, schema) < newest // 2:
            assert first.poll() is None, "the projection process stopped by itself"
            assert time.monotonic() < deadline, "the projection made no progress"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert _position(url, schema) < newest, "killed too late to test a resume"
        second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE)
        try:
            while _position(url, schema) < newest:
                assert second.poll() is None and time.monotonic() < deadline + 180
                time.sleep(0.05)
        finally:
            second.send_signal(signal.SIGKILL)
            second.wait()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    source = source_of(store)
    try:
        resumed = figures(source)
        backlog = {k: v for k, v in resumed.items() if k not in EXPECTED}
        assert {k: resumed[k] for k in EXPECTED} == EXPECTED
        # The template case and its copies were all opened in Dover in the month now.
        assert sum(v for k, v in backlog.items() if k[0] == "referrals-received") == 600
        rebuild(MonitoringCounts, CaseStore, store.env)
        assert figures(source) == resumed
    finally:
        source.close()


def test_the_command_line_exports_a_sanctuary_return_from_the_counts(tmp_path: Path) -> None:
    """`casework monitoring-export` as a manager runs it over the counts the worker keeps
    (SCAR Q15 decisions, Dartford, Q1 2026-27): every shown figure is the hand-counted sum
    of the quarter, and every count from 1 to 4 reads "not shown" (item 3)."""
    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"  # the store the command opens
    clock = Clock()
    store = CaseStore(store_env(url, os.urandom(32)), clock=clock)
    build(store, clock)
    catch_up(MonitoringCounts, CaseStore, store.env, timeout=120)
    out = tmp_path / "decisions.csv"
    done = casework(tmp_path, "monitoring-export", "--report", "sanctuary-decisions",
                    "--from", "2026-04-01", "--to", "2026-06-30", "--council", "dartford",
                    "--format", "csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[2] == ["Category", HSF, HSP, TSV, "All teams"]
    report = REPORTS["sanctuary-decisions"]
    shown = 0
    for (code, words), row in zip(report.rows, rows[3:], strict=False):
        assert row[0] == words
        sums = [sum(n for (name, council, month, r, team), n in EXPECTED.items()
                    if (name, council, r, team) == (report.name, DARTFORD, code, t)
                    and month in (APR, MAY, JUN)) for t in (HSF, HSP, TSV)]
        for value, expected in zip(row[1:], [*sums, sum(sums)], strict=True):
            if value == "not shown":
                continue
            assert 0 <= int(value) == expected and not 0 < expected < 5
            shown += 1
    assert rows[3][1:] == ["not shown", "0", "not shown", "not shown"]  # accepted: 1, 0, 1, 2
    assert shown >= 20  # the rows of rules that refused nobody read 0


def test_the_command_line_exports_an_equality_report_as_a_workbook(tmp_path: Path) -> None:
    """Issue 17 item 4: `casework monitoring-export --format xlsx` of an equality report
    (its title has a colon, which Excel refuses in a sheet name) writes a workbook that
    opens, instead of a traceback."""
    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"
    clock = Clock()
    store = CaseStore(store_env(url, os.urandom(32)), clock=clock)
    build(store, clock)
    catch_up(MonitoringCounts, CaseStore, store.env, timeout=120)
    out = tmp_path / "age.xlsx"
    done = casework(tmp_path, "monitoring-export", "--report", "equality-age",
                    "--from", "2026-04-01", "--to", "2026-06-30", "--council", "dartford",
                    "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    sheet = load_workbook(out).worksheets[0]
    assert sheet.title == "Equality monitoring age"
    assert sheet["A1"].value == "Equality monitoring: age"


def test_the_counts_hold_no_personal_data(known: CaseStore) -> None:
    """Issue 17 item 1: the projection holds no more than the reports need: no name, no
    words of the victim or the referrer, no case id; only codes, teams and numbers."""
    url, schema = known.env["SQLALCHEMY_URL"], known.env.get("SQLALCHEMY_SCHEMA")
    engine = sa.create_engine(url)
    table = sa.Table("monitoring_counts", sa.MetaData(schema=schema), autoload_with=engine)
    with engine.connect() as conn:
        held = " ".join(str(v) for row in conn.execute(sa.select(table)) for v in row)
    engine.dispose()
    assert [c.name for c in table.columns] == ["report", "row", "council", "team", "year",
                                               "month", "amount"]
    said = [*PERSONAL_STRINGS, "Sam Referrer", "01322", "Kent Police", "rather move away",
            "ex is in custody", "for a transfer instead", "door viewer", "review the"]
    assert held and not [words for words in said if words.lower() in held.lower()]
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", held)  # no case id

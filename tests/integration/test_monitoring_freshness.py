"""Monitoring figures only from a caught-up projection (issue 17 item 3: a month's counts are
final once it ends). Figures published from partial counts (a projection behind the event
store, or refilled by a rebuild) and later from full ones would give away their difference
(7 then 9 reveals 2), so the counts are refused until the projection has applied every
event stored; the command line says so in one line, exits 1 and writes no file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from activities.case_store import CaseStore, store_env
from activities.monitoring_projection import MonitoringCounts, ProjectionReportSource
from activities.projection_running import catch_up, make_view, rebuild
from aggregates.report import Council, Tenure
from monitoring.definitions import REPORTS
from monitoring.freshness import UPDATING, FiguresUpdating
from tests.integration.test_cli_staff import casework
from tests.monitoring_cases import Clock, at, open_case

RECEIVED = REPORTS["referrals-received"]
APRIL = 0  # month 0 of financial year 2026-27


def received_in_april(source: ProjectionReportSource) -> int:
    """Dartford's referrals received in April 2026, every team."""
    return sum(sum(row) for row in source.monthly_counts(
        RECEIVED, Council.DARTFORD, 2026, [APRIL])[APRIL])


def open_in_april(store: CaseStore, day: int) -> None:
    clock = Clock()
    open_case(CaseStore(store.env, clock=clock), clock, at(4, day), Council.DARTFORD,
              Tenure.COUNCIL_GENERAL_NEEDS)


def test_counts_are_refused_while_the_projection_is_behind_or_rebuilding(
        store: CaseStore) -> None:
    """On SQLite and PostgreSQL (a schema of its own)."""
    source = ProjectionReportSource(store.env["SQLALCHEMY_URL"],
                                    store.env.get("SQLALCHEMY_SCHEMA"))
    try:
        open_in_april(store, 2)
        with pytest.raises(FiguresUpdating, match=UPDATING):  # never projected yet
            received_in_april(source)
        catch_up(MonitoringCounts, CaseStore, store.env, timeout=60)
        assert source.caught_up() and received_in_april(source) == 1
        open_in_april(store, 9)  # recorded late into April: the projection is behind
        assert not source.caught_up()
        with pytest.raises(FiguresUpdating):
            received_in_april(source)
        catch_up(MonitoringCounts, CaseStore, store.env, timeout=60)
        assert received_in_april(source) == 2
        # A rebuild first clears the rows and the position, then refills them: refused
        # until it has applied every event again.
        view = make_view(MonitoringCounts, store.env)
        try:
            view.clear(CaseStore.name)
        finally:
            assert view.datastore.engine is not None
            view.datastore.engine.dispose()
        with pytest.raises(FiguresUpdating):
            received_in_april(source)
        rebuild(MonitoringCounts, CaseStore, store.env)
        assert received_in_april(source) == 2
    finally:
        source.close()


def test_the_command_line_refuses_in_one_line_while_the_counts_are_behind(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"  # the store the command opens
    store = CaseStore(store_env(url, os.urandom(32)))
    open_in_april(store, 2)
    out = tmp_path / "received.csv"
    args = ("monitoring-export", "--report", "referrals-received", "--from", "2026-04-01",
            "--to", "2026-04-30", "--council", "dartford", "--format", "csv", "--out", str(out))
    refused = casework(tmp_path, *args)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [f"monitoring-export: {UPDATING}"]
    assert not out.exists()
    catch_up(MonitoringCounts, CaseStore, store.env, timeout=60)
    done = casework(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert out.exists()


def test_the_command_line_refuses_dover_a_sanctuary_return_in_one_line(
        tmp_path: Path) -> None:
    """D 8.36-8.37: Dover has no Sanctuary Scheme; its Sanctuary return could only read 0."""
    out = tmp_path / "tenure.csv"
    refused = casework(tmp_path, "monitoring-export", "--report", "sanctuary-tenure",
                       "--from", "2026-04-01", "--to", "2026-06-30", "--council", "dover",
                       "--format", "csv", "--out", str(out))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "monitoring-export: the report sanctuary-tenure does not apply to Dover: it counts "
        "only what Dover's policy does not have"]
    assert not out.exists()

"""The monitoring page and its download over HTTP reading the reports' projection (issue 17
item 2): the known cases of tests/monitoring_cases.py, projected as the worker does, shown to
a Dartford line manager as the Sanctuary return's decisions for Q1 2026-27, small numbers
hidden (item 3)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from activities.monitoring_projection import MonitoringCounts, ProjectionReportSource
from activities.projection_running import catch_up
from aggregates.report import Council, Role, Tenure
from monitoring.exports import HIDDEN
from monitoring.freshness import UPDATING
from monitoring.reports import Monitoring
from tests.e2e.test_monitoring_pages import cells
from tests.monitoring_cases import Clock, at, build, open_case
from tests.web_harness import WebSystem, web_system

HSF, HSP, TSV = ("Housing Scheme and Finance Team", "Housing Solutions & Private Sector Team",
                 "Tenancy Services Team")
QUERY = {"report": "sanctuary-decisions", "council": "dartford", "period": "2026-27-Q1"}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("lm-2", Role.LINE_MANAGER, teams=(TSV,), council=Council.DARTFORD)
        clock = Clock()
        build(CaseStore(running.store.env, clock=clock), clock)
        catch_up(MonitoringCounts, CaseStore, running.store.env, timeout=120)
        source = ProjectionReportSource(running.store.env["SQLALCHEMY_URL"])
        assert running.app is not None
        running.app.state.monitoring = Monitoring(source, 5)
        yield running
        source.close()


async def test_a_line_manager_sees_the_sanctuary_decisions_from_the_projection(
        system: WebSystem) -> None:
    """SCAR Q15: accepted 1 (T3) + 0 + 1 (T1) = 2, not accepted because the perpetrator lives
    there 1 (T2): every count from 1 to 4 is hidden, the rules that refused nobody read 0."""
    async with system.client("lm-2") as http:
        page = await http.get("/work/monitoring", params=QUERY)
        download = await http.get("/work/monitoring/export", params={**QUERY, "format": "csv"})
    assert page.status_code == 200
    table = {row[0]: row[1:] for row in cells(page.text) if row}
    assert table["Category"] == [HSF, HSP, TSV, "All teams"]
    assert table["Accepted"] == [HIDDEN, "0", HIDDEN, HIDDEN]
    assert table["Not accepted: the perpetrator lives at the property"] == [
        "0", HIDDEN, "0", HIDDEN]
    assert table["Not accepted: the area is too dangerous"] == ["0", "0", "0", "0"]
    assert page.text.count('role="img"') == 2  # the decisions, and the quarter by month
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[3] == ["Accepted", HIDDEN, "0", HIDDEN, HIDDEN]


async def test_while_the_projection_is_behind_the_page_says_the_figures_are_being_updated(
        system: WebSystem) -> None:
    """Issue 17 item 3: a case recorded after the counts were projected (as just after
    midnight on the 1st) would change Q1's figures: until the projection has applied it,
    the page and the download answer 503 with Retry-After, then show the full figures."""
    clock = Clock()
    open_case(CaseStore(system.store.env, clock=clock), clock, at(6, 30, 23, 50),
              Council.DARTFORD, Tenure.COUNCIL_GENERAL_NEEDS)
    async with system.client("lm-2") as http:
        page = await http.get("/work/monitoring", params=QUERY)
        download = await http.get("/work/monitoring/export", params={**QUERY, "format": "csv"})
        for answer in (page, download):
            assert answer.status_code == 503
            assert answer.headers["retry-after"] == "120"
            assert UPDATING in answer.text and "<table" not in answer.text
        catch_up(MonitoringCounts, CaseStore, system.store.env, timeout=120)
        page = await http.get("/work/monitoring", params=QUERY)
    assert page.status_code == 200
    table = {row[0]: row[1:] for row in cells(page.text) if row}
    assert table["Accepted"] == [HIDDEN, "0", HIDDEN, HIDDEN]

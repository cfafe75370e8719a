"""The monitoring page (issue 17 item 4) over HTTP and in a real browser: a line manager
chooses a report, their council and a whole ended period, and sees charts each followed by
a table of the same figures, small numbers hidden (item 3) as words; the CSV and XLSX
downloads hold the same figures; anything not on offer is a 422 naming the field; axe-core
finds no serious or critical failure."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from aggregates.working_days import local_date
from monitoring.definitions import ReportDefinition
from monitoring.exports import HIDDEN, csv_bytes
from monitoring.freshness import UPDATING, FiguresUpdating
from monitoring.periods import PeriodKind, ended_periods, financial_year_of, parse_period
from monitoring.reports import InMemoryReportSource, Monitoring, safe_report
from tests.browser_support import ARTEFACTS, check_accessibility, chromium_page, screenshot
from tests.e2e.test_browser_journey import PASSWORD, sign_in
from tests.web_harness import WebSystem, web_system

OUT = ARTEFACTS / "monitoring"
TEAM = "Tenancy Support Team"
Q1 = "2025-26-Q1"  # April to June 2025: ended
DAYS = "victim-contact-days"
# Working days taken to contact victims in Dover, April, May and June 2025 (rows: same day,
# 1, 2, 3, 4, 5 or more working days; one team).
MONTHS = {0: [[9], [14], [6], [2], [0], [1]], 1: [[8], [11], [7], [5], [0], [0]],
          2: [[10], [12], [9], [6], [1], [0]]}


def source() -> InMemoryReportSource:
    found = InMemoryReportSource({Council.DOVER: [TEAM], Council.DARTFORD: ["Housing Options"]})
    for month, rows in MONTHS.items():
        found.counts[(DAYS, Council.DOVER, 2025, month)] = rows
    return found


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("lm-1", Role.LINE_MANAGER, password=PASSWORD)
        running.add_staff("lm-2", Role.LINE_MANAGER, council=Council.DARTFORD)
        running.app.state.monitoring = Monitoring(source(), 5)
        yield running


def cells(page: str) -> list[list[str]]:
    """Each table row's header and cells, as text."""
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)]


async def test_the_page_shows_the_safe_figures_in_charts_and_tables(system: WebSystem) -> None:
    """Issue 17 items 3 and 4: the line chart's points and the table are the figures of the
    safe report; a hidden figure reads "not shown" and has no point."""
    expected = safe_report(source(), DAYS, Council.DOVER, parse_period(Q1),
                           today=local_date(datetime.now(UTC)), min_count=5)
    assert expected.hides_any  # April's 2 and 1 (and what would give them away)
    async with system.client("lm-1") as http:
        answer = await http.get("/work/monitoring",
                                params={"report": DAYS, "council": "dover", "period": Q1})
    assert answer.status_code == 200
    page = answer.text
    assert page.count('role="img"') == 2  # the distribution, and the quarter by month
    points = re.findall(r'<circle [^>]*data-value="(\d+)"', page)
    shown = [v for v in (row[-1] for row in expected.cells[:6]) if v is not None]
    assert [int(p) for p in points] == shown
    table = [row for row in cells(page) if row and row[0] in expected.row_labels]
    assert table == [[label, *(HIDDEN if v is None else f"{v:,}" for v in row)]
                     for label, row in zip(expected.row_labels, expected.cells, strict=True)]
    assert "fewer than 5, or would let a number fewer than 5 be worked out" in page


async def test_bad_choices_are_refused_naming_the_field(system: WebSystem) -> None:
    async with system.client("lm-1") as http:
        for params, message in (
                ({"period": "2025-26-Q5"}, "Choose a month, quarter or financial year"),
                ({"period": "2026-28"}, "Choose a month, quarter or financial year"),
                ({"period": "9999-00"}, "Choose a month, quarter or financial year"),
                ({"period": "2030-31"}, "Choose a period that has ended"),
                ({"council": "dartford"}, "Choose the council you work for"),
                ({"report": "everything"}, "Choose a report from the list")):
            answer = await http.get("/work/monitoring", params={"report": DAYS, **params})
            assert answer.status_code == 422, params
            assert message in answer.text and "govuk-error-summary" in answer.text
        answer = await http.get("/work/monitoring/export",
                                params={"report": DAYS, "period": Q1, "format": "pdf"})
        assert answer.status_code == 422 and "Choose CSV, XLSX or JSON" in answer.text
        # A program asking for JSON is answered in JSON, naming the field.
        answer = await http.get("/work/monitoring/export",
                                params={"report": DAYS, "period": "2025-26-Q5", "format": "json"})
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "period"
        assert "Choose a month, quarter or financial year" in answer.json()["errors"][0]["message"]
    async with system.client("lm-2") as http:  # Dartford
        # Defined, but no figures yet: the page says so; a download is refused.
        answer = await http.get("/work/monitoring", params={"report": "sanctuary-tenure"})
        assert answer.status_code == 200 and "not available yet" in answer.text
        answer = await http.get("/work/monitoring/export", params={"report": "sanctuary-tenure"})
        assert answer.status_code == 422


def offered(page: str) -> list[str]:
    """The values of the report list."""
    chosen = re.search(r'<select[^>]*name="report".*?</select>', page, re.S)
    assert chosen is not None
    return re.findall(r'<option value="([^"]+)"', chosen[0])


async def test_dover_is_neither_offered_nor_shown_a_report_it_cannot_have(
        system: WebSystem) -> None:
    """D 8.36-8.37: Dover has no Sanctuary Scheme, so its Sanctuary returns and equality
    reports (households referred to the scheme) could only read 0, which a board would read
    as a real 0; CAR Q3's KPIs are Dartford's. DBC 7.4.2: Dartford is offered them."""
    async with system.client("lm-1") as http:
        page = await http.get("/work/monitoring", params={"report": DAYS, "period": Q1})
        assert page.status_code == 200
        reports = offered(page.text)
        assert DAYS in reports and "complaints-channel" in reports
        assert not [r for r in reports if r.startswith(("sanctuary-", "equality-"))]
        assert "dartford-kpis" not in reports
        for name in ("sanctuary-decisions", "equality-race", "dartford-kpis"):
            for path in ("/work/monitoring", "/work/monitoring/export"):
                answer = await http.get(path, params={"report": name, "period": Q1})
                assert answer.status_code == 422, (name, path)
                assert "Choose a report from the list" in answer.text
    async with system.client("lm-2") as http:
        page = await http.get("/work/monitoring", params={"report": DAYS, "period": Q1})
        reports = offered(page.text)
        assert {"sanctuary-decisions", "equality-race", "dartford-kpis"} <= set(reports)


async def test_a_period_ended_less_than_the_settle_margin_ago_is_refused(
        system: WebSystem) -> None:
    """Issue 17 item 3: late events may still land in a month just ended, so its figures
    wait for the margin. With 40 days, the month that ended last is never final yet."""
    assert system.app is not None
    system.app.state.monitoring_settle_hours = 24 * 40
    today = local_date(datetime.now(UTC))
    last = max((p for p in ended_periods(financial_year_of(today), today)
                + ended_periods(financial_year_of(today) - 1, today)
                if p.kind is PeriodKind.MONTH), key=lambda p: p.last_day)
    final = last.last_day + timedelta(days=41)
    async with system.client("lm-1") as http:
        answer = await http.get("/work/monitoring", params={"report": DAYS,
                                                             "period": last.code})
        assert answer.status_code == 422
        assert (f"The figures for {last.label} are final from {final.day} "
                f"{final:%B %Y}") in answer.text
        page = await http.get("/work/monitoring")  # the default period is a final one
        assert page.status_code == 200
        assert f'value="{last.code}"' not in page.text  # not listed either


class Updating(InMemoryReportSource):
    """A source whose read model is still catching up (the projection's own case is in
    tests/e2e/test_monitoring_from_projection.py)."""

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]:
        raise FiguresUpdating()


async def test_figures_being_updated_are_a_503_saying_so(system: WebSystem) -> None:
    """Issue 17 item 3: partial counts are never shown, in the page or a download."""
    updating = Updating(source().team_names, source().counts)
    assert system.app is not None
    system.app.state.monitoring = Monitoring(updating, 5)
    query = {"report": DAYS, "council": "dover", "period": Q1}
    async with system.client("lm-1") as http:
        page = await http.get("/work/monitoring", params=query)
        download = await http.get("/work/monitoring/export", params={**query, "format": "csv"})
    for answer in (page, download):
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "120"
        assert UPDATING in answer.text and "govuk-notification-banner" in answer.text
        assert "<table" not in answer.text


async def test_downloads_hold_the_pages_figures(system: WebSystem) -> None:
    """Issue 17 item 4: CSV and XLSX exports of the report, suppression applied."""
    today = local_date(datetime.now(UTC))
    expected = safe_report(source(), DAYS, Council.DOVER, parse_period(Q1), today=today,
                           min_count=5)
    query = {"report": DAYS, "council": "dover", "period": Q1}
    async with system.client("lm-1") as http:
        as_csv = await http.get("/work/monitoring/export", params={**query, "format": "csv"})
        as_xlsx = await http.get("/work/monitoring/export", params={**query, "format": "xlsx"})
        as_json = await http.get("/work/monitoring/export", params={**query, "format": "json"})
    assert as_csv.status_code == 200
    assert as_csv.headers["content-disposition"] == (
        'attachment; filename="victim-contact-days-dover-2025-26-Q1.csv"')
    assert as_csv.content == csv_bytes(expected, made_on=today)
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert HIDDEN in rows[6]  # "3 working days": April's 2 gives the quarter's 13 away
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    assert [[c.value for c in r] for r in sheet.iter_rows(min_row=4, max_row=10)] == [
        [label, *(HIDDEN if v is None else v for v in row)]
        for label, row in zip(expected.row_labels, expected.cells, strict=True)]
    assert as_json.headers["content-type"] == "application/json"
    assert [(r["category"], tuple(r["counts"])) for r in as_json.json()["rows"]] == list(
        zip(expected.row_labels, expected.cells, strict=True))


async def test_a_line_manager_opens_monitoring_from_the_menu_and_axe_passes(
        system: WebSystem) -> None:
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "lm-1")
        await page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Monitoring").click()
        await expect(page.get_by_role("heading", name="Monitoring", exact=True)).to_be_visible()
        assert await check_accessibility(page, "monitoring-default", OUT) == []
        await page.get_by_label("Report").select_option(DAYS)
        await page.get_by_label("Period").select_option(Q1)
        await page.get_by_role("button", name="Show report").click()
        chart = page.get_by_role("img", name=re.compile("Working days taken to contact"))
        await expect(chart.first).to_be_visible()
        await expect(page.get_by_role("table").first).to_contain_text(HIDDEN)
        await screenshot(page, OUT, "monitoring-q1")
        assert await check_accessibility(page, "monitoring-q1", OUT) == []

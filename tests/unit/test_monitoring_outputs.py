"""Monitoring outputs (issue 17 item 4): the report of a period from monthly counts, its
charts and its CSV and XLSX files, all with the same figures hidden (item 3)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from openpyxl import load_workbook

from aggregates.report import Council
from monitoring.charts import bar_chart, line_chart
from monitoring.exports import HIDDEN, csv_bytes, json_bytes, xlsx_bytes
from monitoring.periods import Period, PeriodError, PeriodKind, parse_period, period_between
from monitoring.reports import REPORTS, InMemoryReportSource, UnknownReport, safe_report

SVG = "{http://www.w3.org/2000/svg}"
TEAMS = {Council.DOVER: ["Tenancy Support Team"],
         Council.DARTFORD: ["Tenancy Services", "Housing Options"]}
Q1 = Period(2026, PeriodKind.QUARTER, 0)
AFTER_Q1 = date(2026, 7, 1)


def source() -> InMemoryReportSource:
    """Dartford's emergency repairs by month: April, May, June 2026 (rows: within 24 hours,
    later)."""
    found = InMemoryReportSource(TEAMS)
    found.counts[("emergency-repairs", Council.DARTFORD, 2026, 0)] = [[20, 12], [3, 6]]
    found.counts[("emergency-repairs", Council.DARTFORD, 2026, 1)] = [[18, 9], [7, 8]]
    found.counts[("emergency-repairs", Council.DARTFORD, 2026, 2)] = [[25, 14], [6, 9]]
    return found


def test_a_quarter_adds_its_months_and_hides_what_a_hidden_month_would_give_away():
    """D 8.36: a quarter's figure is the sum of its three months, by team. April's
    3 (later, Tenancy Services) is hidden with three more of April's cells (a rectangle);
    each of those cells of the quarter is hidden too, or the quarter less May and June
    would give it back. The totals, whose April figures were shown, are shown."""
    report = safe_report(source(), "emergency-repairs", Council.DARTFORD, Q1, today=AFTER_Q1,
                         min_count=5)
    assert report.column_labels == ("Tenancy Services", "Housing Options", "All teams")
    assert report.row_labels == ("Within 24 hours", "Later than 24 hours", "Total")
    assert report.cells == ((None, None, 98), (None, None, 39), (79, 58, 137))
    assert report.months == (("April 2026", 41), ("May 2026", 42), ("June 2026", 54))


def test_a_small_count_hides_a_rectangle_of_its_month_and_the_totals_stay():
    """Issue 17 item 3: April's 3 is hidden, and with it the smallest cells that stop its
    row total (9) and column total (23) from giving it back."""
    report = safe_report(source(), "emergency-repairs", Council.DARTFORD,
                         Period(2026, PeriodKind.MONTH, 0), today=AFTER_Q1, min_count=5)
    assert report.cells == ((None, None, 32), (None, None, 9), (23, 18, 41))


def test_a_period_not_ended_is_refused_in_words():
    with pytest.raises(PeriodError, match="has not ended"):
        safe_report(source(), "emergency-repairs", Council.DARTFORD, Q1, today=date(2026, 6, 30),
                    min_count=5)


def test_an_unknown_report_is_refused_naming_the_reports():
    with pytest.raises(UnknownReport, match="victim-contact"):
        safe_report(source(), "nope", Council.DARTFORD, Q1, today=AFTER_Q1, min_count=5)


def test_ranges_are_whole_periods_of_the_financial_year():
    """SCAR Q15 / CAR Q3 returns are by financial year and quarter (April to March)."""
    assert period_between(date(2026, 4, 1), date(2026, 6, 30)) == Q1
    q4 = Period(2026, PeriodKind.QUARTER, 3)
    assert period_between(date(2027, 1, 1), date(2027, 3, 31)) == q4
    assert period_between(date(2026, 4, 1), date(2027, 3, 31)) == Period(2026, PeriodKind.YEAR)
    assert period_between(date(2027, 2, 1), date(2027, 2, 28)).label == "February 2027"
    with pytest.raises(PeriodError, match="one whole month, one quarter"):
        period_between(date(2026, 4, 1), date(2026, 5, 31))  # overlaps Q1: refused
    assert parse_period("2026-27-Q1") == Q1 and parse_period(Q1.code) == Q1
    assert Q1.label == "Q1 2026 to 2027 (April to June 2026)"
    for beyond in ("2026-28", "0000-01", "9999-00",  # not a year, or beyond the calendar
                   "٢٠٢٦-٢٧-Q1"):  # digits other than 0-9 are not read as a year
        with pytest.raises(PeriodError):
            parse_period(beyond)
    with pytest.raises(PeriodError):
        period_between(date(1, 1, 1), date(1, 3, 31))


def svg(text: str) -> ET.Element:
    return ET.fromstring(text)


def test_bars_match_the_figures_and_a_hidden_figure_draws_no_bar():
    """Issue 17 item 4: each bar's length is its figure over the largest; hidden: no bar,
    the words instead, and the value nowhere in the picture."""
    drawn = svg(bar_chart(chart_id="c", title="Contact", description="Bars",
                          labels=["A", "B", "C", "D"], values=[40, 10, None, 0],
                          hidden_words=HIDDEN))
    assert drawn.get("role") == "img" and drawn.get("aria-labelledby") == "c-title c-desc"
    assert drawn.find(f"{SVG}title").text == "Contact"
    bars = drawn.findall(f"{SVG}rect")
    assert [b.get("data-value") for b in bars] == ["40", "10"]
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == pytest.approx(4 * widths[1])
    words = [t.text for t in drawn.iter(f"{SVG}text")]
    assert HIDDEN in words and "0" in words


def test_a_line_breaks_at_a_hidden_point():
    drawn = svg(line_chart(chart_id="d", title="Days", description="Line",
                           ticks=["0", "1", "2", "3", "4"], values=[12, 30, None, 8, 6],
                           axis_label="Working days", hidden_words=HIDDEN))
    points = drawn.findall(f"{SVG}circle")
    assert [p.get("data-value") for p in points] == ["12", "30", "8", "6"]
    heights = [float(p.get("cy")) for p in points]
    assert heights[1] < heights[0] < heights[2]  # higher figure, higher on the page
    lines = drawn.findall(f"{SVG}polyline")
    assert len(lines) == 2  # 0–1 and 3–4: nothing drawn across the hidden 2


def test_csv_and_xlsx_hold_the_same_safe_figures_and_the_threshold():
    """Issue 17 items 3 and 4: exports show what the page shows, hidden cells in words,
    and a notes row gives the threshold."""
    report = safe_report(source(), "emergency-repairs", Council.DARTFORD,
                         Period(2026, PeriodKind.MONTH, 0), today=AFTER_Q1, min_count=5)
    text = csv_bytes(report, made_on=AFTER_Q1).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Emergency repairs done within 24 hours"]
    assert rows[2] == ["Category", "Tenancy Services", "Housing Options", "All teams"]
    assert rows[4][:2] == ["Later than 24 hours", HIDDEN]
    assert "Threshold: counts from 1 to 4 are not published." in [r[0] for r in rows if r]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(report, made_on=AFTER_Q1))).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[3][3] == 32 and cells[4][1] == HIDDEN  # numbers stay numbers
    assert [r[0] for r in cells if r[0]] == [r[0] for r in rows if r]


def test_json_holds_the_same_safe_figures_hidden_as_null_and_the_threshold():
    """Issue 17 item 4, for programs: the same figures as the CSV, a hidden count null
    (never a number a program might add up), the threshold and the period's dates."""
    report = safe_report(source(), "emergency-repairs", Council.DARTFORD,
                         Period(2026, PeriodKind.MONTH, 0), today=AFTER_Q1, min_count=5)
    body = json.loads(json_bytes(report, made_on=AFTER_Q1))
    assert body["columns"] == ["Tenancy Services", "Housing Options", "All teams"]
    assert body["rows"][1]["category"] == "Later than 24 hours"
    assert body["rows"][1]["counts"][0] is None
    assert [tuple(r["counts"]) for r in body["rows"]] == list(report.cells)
    assert body["min_count"] == 5 and body["period"]["first_day"] == "2026-04-01"
    assert "Threshold: counts from 1 to 4 are not published." in body["notes"]
    assert body["notes"][0].startswith("A null count means the number is fewer than 5")


@pytest.mark.parametrize("name", sorted(REPORTS), ids=sorted(REPORTS))
def test_every_report_exports_as_a_workbook_excel_opens(name: str):
    """Issue 17 item 4 ("CSV and XLSX exports for returns"): every report, equality ones
    with a colon in their titles included, gives a workbook whose sheet name Excel accepts
    (31 characters at most, none of : \\ / ? * [ ]), cut between words."""
    report = safe_report(source(), name, Council.DARTFORD, Q1, today=AFTER_Q1, min_count=5)
    book = load_workbook(io.BytesIO(xlsx_bytes(report, made_on=AFTER_Q1)))
    title = book.worksheets[0].title
    assert 0 < len(title) <= 31 and not set(title) & set(":\\/?*[]")
    assert REPORTS[name].title.replace(":", "").startswith(title)
    assert book.worksheets[0]["A1"].value == REPORTS[name].title


def test_every_report_names_the_sections_that_ask_for_it():
    assert all(r.sections and r.rows for r in REPORTS.values())


def test_the_threshold_is_a_setting_of_at_least_two():
    """Issue 17 item 3: "a threshold set in settings (default 5)"; 1 would hide nothing."""
    from pydantic import ValidationError

    from casework.settings import Settings

    assert Settings().monitoring_min_count == 5
    assert Settings(monitoring_min_count=10).monitoring_min_count == 10
    with pytest.raises(ValidationError, match="monitoring_min_count"):
        Settings(monitoring_min_count=1)

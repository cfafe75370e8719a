"""The monitoring page for line managers and DSOs (issue 17 item 4): one report of their
council over one whole ended month, quarter or financial year, drawn as SVG charts each
followed by its figures in a table, small numbers hidden (item 3), and the same report as
CSV or XLSX. The figures come from the app's `monitoring.reports.Monitoring`; this module
reads the query string and lays the report out.

What is offered is decided elsewhere: the reports of the user's council
(`monitoring.offered`), the periods ended at least the settle margin ago
(`monitoring.freshness`, margin `app.state.monitoring_settle_hours`), and no figures at all
while the read model catches up (503 with Retry-After: `FiguresUpdating`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup

from aggregates.report import Council
from aggregates.working_days import local_date
from monitoring.charts import bar_chart, line_chart
from monitoring.exports import HIDDEN, csv_bytes, hidden_note, json_bytes, xlsx_bytes
from monitoring.freshness import (
    DEFAULT_SETTLE_HOURS,
    RETRY_AFTER_SECONDS,
    FiguresUpdating,
    PeriodNotSettled,
    check_settled,
    settled_day,
)
from monitoring.offered import reports_for
from monitoring.periods import (
    PeriodError,
    PeriodKind,
    ended_periods,
    financial_year_of,
    parse_period,
)
from monitoring.reports import REPORTS, ChartKind, Monitoring, SafeReport, safe_report
from web.auth import Principal
from web.errors import error_body
from web.page_forms import Lead, render

router = APIRouter(prefix="/work")

FORMATS = {"csv": ("text/csv; charset=utf-8", csv_bytes),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    xlsx_bytes),
           "json": ("application/json", json_bytes)}


def period_options(today: date) -> list[tuple[str, str]]:
    """Every ended period of this financial year and the last, newest first."""
    year = financial_year_of(today)
    found = ended_periods(year - 1, today) + ended_periods(year, today)
    return [(p.code, p.label) for p in reversed(found)]


def latest_quarter(today: date) -> str:
    year = financial_year_of(today)
    quarters = [p for p in ended_periods(year - 1, today) + ended_periods(year, today)
                if p.kind is PeriodKind.QUARTER]
    return quarters[-1].code


def settle_hours(request: Request) -> float:
    """The settle margin in force (`DA_MONITORING_SETTLE_HOURS`, set by the composition)."""
    return float(getattr(request.app.state, "monitoring_settle_hours", DEFAULT_SETTLE_HOURS))


def read_choice(asked: dict[str, str | None], principal: Principal, today: date,
                hours: float) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The report, council and period asked for (defaults where nothing was asked), and an
    error for each that is not one on offer: a report of the user's council, a period that
    ended `hours` ago or more."""
    offered = [r.name for r in reports_for(principal.staff.council)]
    chosen = {"report": asked.get("report") or offered[0],
              "council": asked.get("council") or principal.staff.council.value,
              "period": asked.get("period") or latest_quarter(settled_day(today, hours))}
    errors = []
    if chosen["report"] not in offered:  # monitoring.offered: none that can only be 0 here
        errors.append({"field": "report", "message": "Choose a report from the list"})
    if chosen["council"] != principal.staff.council.value:
        errors.append({"field": "council", "message": "Choose the council you work for"})
    try:
        period = parse_period(chosen["period"])
        if not period.has_ended(today):
            errors.append({"field": "period", "message": "Choose a period that has ended"})
        else:
            check_settled(period, today, hours)  # monitoring.freshness: final counts only
    except PeriodNotSettled as unsettled:
        errors.append({"field": "period", "message": str(unsettled)})
    except PeriodError:
        errors.append({"field": "period", "message": "Choose a month, quarter or financial "
                                                     "year from the list"})
    return chosen, errors


def charts(report: SafeReport) -> list[dict[str, Any]]:
    """Each chart's SVG and the figures of the table that goes with it."""
    found: list[dict[str, Any]] = []
    definition, words = report.definition, report.period.label
    categories = len(definition.rows)
    if categories > 1:
        values = [row[-1] for row in report.cells[:categories]]
        title = f"{definition.title}, {words}"
        if definition.chart is ChartKind.LINE:
            svg = line_chart(chart_id="chart-categories", title=title,
                             description="Line chart. The figures are in the table below it.",
                             ticks=[code for code, _ in definition.rows], values=values,
                             axis_label=definition.title, hidden_words=HIDDEN)
        else:
            svg = bar_chart(chart_id="chart-categories", title=title,
                            description="Bar chart. The figures are in the table below it.",
                            labels=[label for _, label in definition.rows], values=values,
                            hidden_words=HIDDEN)
        found.append({"svg": Markup(svg), "table": None})  # the report's table follows it
    if report.months:
        svg = bar_chart(chart_id="chart-months", title=f"{definition.title} by month, {words}",
                        description="Bar chart. The figures are in the table below it.",
                        labels=[m for m, _ in report.months],
                        values=[v for _, v in report.months], hidden_words=HIDDEN)
        found.append({"svg": Markup(svg), "table": {
            "caption": f"{definition.title} by month, {words}",
            "head": ["Month", "All teams"],
            "rows": [[m, HIDDEN if v is None else f"{v:,}"] for m, v in report.months]}})
    return found


async def _report(request: Request, chosen: dict[str, str], today: date) -> SafeReport | None:
    services: Monitoring = request.app.state.monitoring
    if not services.source.offers(REPORTS[chosen["report"]]):
        return None
    return await asyncio.to_thread(
        safe_report, services.source, chosen["report"], Council(chosen["council"]),
        parse_period(chosen["period"]), today=today, min_count=services.min_count)


def _page(request: Request, principal: Principal, today: date, chosen: dict[str, str],
          errors: list[dict[str, str]], report: SafeReport | None,
          updating: bool = False) -> Response:
    """The page; with `updating`, a 503 saying the figures are being updated (no figures)."""
    min_count = request.app.state.monitoring.min_count
    council = principal.staff.council
    options = {"report": [(r.name, r.title) for r in reports_for(council)],
               "council": [(council.value, council.value.title())],
               "period": period_options(settled_day(today, settle_hours(request)))}
    rows = [] if report is None else [
        [label, *(HIDDEN if v is None else f"{v:,}" for v in cells)]
        for label, cells in zip(report.row_labels, report.cells, strict=True)]
    if updating:
        answer = render(request, principal, "pages/monitoring.html", status_code=503,
                        errors=[], field_errors={}, chosen=chosen, options=options,
                        report=None, definition=None, period=None, rows=[], charts=[],
                        note="", query="", updating=FiguresUpdating().args[0])
        answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answer
    return render(request, principal, "pages/monitoring.html",
                  status_code=422 if errors else 200, errors=errors,
                  field_errors={e["field"]: e["message"] for e in errors}, chosen=chosen,
                  options=options, report=report, definition=REPORTS.get(chosen["report"]),
                  period=None if errors else parse_period(chosen["period"]), rows=rows,
                  charts=[] if report is None else charts(report),
                  note=hidden_note(min_count, chosen["report"]), query=urlencode(chosen))


@router.get("/monitoring")
async def monitoring_page(request: Request, principal: Lead, report: str | None = None,
                          council: str | None = None,
                          period: str | None = None) -> Response:
    """Monitoring reports of the council: charts and tables of one whole ended period
    (`period`: 2026-27, 2026-27-Q1 or 2026-27-M01), small numbers hidden."""
    today = local_date(datetime.now(UTC))
    asked = {"report": report, "council": council, "period": period}
    chosen, errors = read_choice(asked, principal, today, settle_hours(request))
    try:
        found = None if errors else await _report(request, chosen, today)
    except FiguresUpdating:  # monitoring.freshness: never partial counts of a period
        return _page(request, principal, today, chosen, [], None, updating=True)
    return _page(request, principal, today, chosen, errors, found)


@router.get("/monitoring/export", response_class=Response, responses={200: {
    "description": "The report as a file.",
    "content": {media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type, _ in FORMATS.values()}}})
async def monitoring_export(request: Request, principal: Lead, report: str | None = None,
                            council: str | None = None, period: str | None = None,
                            file_format: Annotated[str, Query(alias="format")] = "csv"
                            ) -> Response:
    """One monitoring report as a CSV, XLSX or JSON file (`format`: csv, xlsx or json;
    monitoring/exports.py gives each layout), small numbers hidden and the threshold in its
    notes."""
    today = local_date(datetime.now(UTC))
    asked = {"report": report, "council": council, "period": period}
    chosen, errors = read_choice(asked, principal, today, settle_hours(request))
    if file_format not in FORMATS:
        errors.append({"field": "format", "message": "Choose CSV, XLSX or JSON"})
    try:
        found = None if errors else await _report(request, chosen, today)
    except FiguresUpdating as updating:  # monitoring.freshness: never partial counts
        if file_format == "json":
            return _json_refusal(503, "period", "figures_updating", str(updating.args[0]))
        return _page(request, principal, today, chosen, [], None, updating=True)
    if found is None:
        if not errors:
            errors.append({"field": "report", "message": "The figures of this report are "
                                                         "not available yet"})
        if file_format == "json":
            return _json_refusal(422, errors[0]["field"], "offered", errors[0]["message"])
        return _page(request, principal, today, chosen, errors, None)
    media_type, write = FORMATS[file_format]
    name = f"{found.definition.name}-{found.council.value}-{found.period.code}.{file_format}"
    return Response(write(found, made_on=today), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def _json_refusal(status: int, field: str, rule: str, message: str) -> Response:
    """A refusal in the API's shape (web/errors.py) for a program that asked for JSON."""
    answer = JSONResponse(error_body(field, rule, message), status_code=status)
    if status == 503:
        answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer

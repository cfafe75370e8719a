"""A report as a CSV, XLSX or JSON file for a return or another program (issue 17 item 4),
hidden figures included as words (null in JSON) and notes giving the threshold, so the file
says why a cell is empty.

Layout (CSV and XLSX): a title row, a row naming the council and period, the header row
(category, each team, "All teams"), one row per category and the total row, then the notes.
Hidden cells read "not shown"; XLSX cells shown are numbers, so a sheet can add them up.
JSON: see `json_bytes`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from monitoring.linked import WHOLE_GROUPS
from monitoring.reports import SafeReport

HIDDEN = "not shown"

SHEET_NAME_LIMIT = 31  # Excel refuses a longer sheet name
_NOT_IN_SHEET_NAMES = re.compile(r"[:\\/?*\[\]]")  # Excel refuses these in a sheet name


def sheet_name(title: str) -> str:
    """A sheet name Excel accepts for a report's title: the characters ``: \\ / ? * [ ]``
    dropped, spaces squeezed, then cut at the last word boundary within 31 characters (a
    single longer word is cut at 31). Never empty: "Report" if nothing is left."""
    words = _NOT_IN_SHEET_NAMES.sub(" ", title).split()
    name = ""
    for word in words:
        longer = f"{name} {word}" if name else word
        if len(longer) > SHEET_NAME_LIMIT:
            break
        name = longer
    if not name and words:
        name = words[0][:SHEET_NAME_LIMIT]
    # A sheet name may not start or end with an apostrophe either.
    return name.rstrip(",;").strip("'") or "Report"


def hidden_note(min_count: int, report: str = "") -> str:
    """What "not shown" means, in the words of every page, chart and file; for a report of
    people's characteristics (`report` in `WHOLE_GROUPS`), also why a larger one may be."""
    whole = (", or would show that every household of a team that answered gave the same "
             "answer"
             if report in WHOLE_GROUPS and min_count > 1 else "")
    return (f'"{HIDDEN.capitalize()}" means the number is fewer than {min_count}, or would '
            f"let a number fewer than {min_count} be worked out{whole}, so it is not "
            f"published.")


def report_rows(report: SafeReport, *, made_on: date) -> list[list[str | int]]:
    """The rows of the file: text and whole numbers."""
    rows: list[list[str | int]] = [
        [report.definition.title],
        [f"{report.council.value.title()}, {report.period.label} "
         f"({report.period.first_day.isoformat()} to {report.period.last_day.isoformat()})"],
        ["Category", *report.column_labels]]
    for label, cells in zip(report.row_labels, report.cells, strict=True):
        rows.append([label, *(HIDDEN if value is None else value for value in cells)])
    rows += [[], ["Notes"], [hidden_note(report.min_count, report.definition.name)],
             [f"Threshold: counts from 1 to {report.min_count - 1} are not published."],
             [f"Asked for by: {report.definition.sections}. Made on {made_on.isoformat()}."]]
    return rows


def _safe_text(value: str | int) -> str | int:
    # A cell starting = + - @ is a formula to a spreadsheet: kept as text with a quote.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_bytes(report: SafeReport, *, made_on: date) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in report_rows(report, made_on=made_on):
        writer.writerow([_safe_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(report: SafeReport, *, made_on: date) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = sheet_name(report.definition.title)
    for row in report_rows(report, made_on=made_on):
        sheet.append([_safe_text(v) for v in row])
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def json_bytes(report: SafeReport, *, made_on: date) -> bytes:
    """UTF-8 JSON: {"report", "title", "council", "period": {"code", "label", "first_day",
    "last_day"}, "columns": [team names..., "All teams"], "rows": [{"category", "counts":
    [whole number, or null where not shown, per column]}], "months": [{"month", "count"}]
    (the chart's monthly totals of a quarter or year), "min_count", "notes": [...],
    "sections", "made_on"}. Dates are ISO 8601."""
    body = {
        "report": report.definition.name, "title": report.definition.title,
        "council": report.council.value,
        "period": {"code": report.period.code, "label": report.period.label,
                   "first_day": report.period.first_day.isoformat(),
                   "last_day": report.period.last_day.isoformat()},
        "columns": list(report.column_labels),
        "rows": [{"category": label, "counts": list(cells)}
                 for label, cells in zip(report.row_labels, report.cells, strict=True)],
        "months": [{"month": label, "count": value} for label, value in report.months],
        "min_count": report.min_count,
        "notes": [hidden_note(report.min_count, report.definition.name).replace(
            f'"{HIDDEN.capitalize()}"', "A null count"),
            f"Threshold: counts from 1 to {report.min_count - 1} are not published."],
        "sections": report.definition.sections, "made_on": made_on.isoformat()}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")

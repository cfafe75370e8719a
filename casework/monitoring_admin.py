"""`casework monitoring-export`: one monitoring report of a council over one whole period,
written as CSV or XLSX with small numbers hidden, and a progress line on stderr while the
months are read (a year of a long-running service reads twelve).

Refused, with one line each (`casework/cli.py` prints it and exits 1, writing no file): a
report that does not apply to the council (`monitoring.offered`), a period that ended less
than the settle margin ago, and figures whose read model is still catching up
(`monitoring.freshness`: publishing partial counts and full ones later would give away
their difference)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from aggregates.report import Council
from monitoring.exports import csv_bytes, xlsx_bytes
from monitoring.freshness import DEFAULT_SETTLE_HOURS, check_settled
from monitoring.offered import check_offered
from monitoring.periods import period_between
from monitoring.reports import ReportSource, safe_report


class ProgressLine:
    """"Reading months: 3 of 12" rewritten in place on a terminal, one line each otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        width = 24
        bar = "#" * (width * done // total) + "." * (width - width * done // total)
        line = f"Reading months: [{bar}] {done} of {total}"
        self._stream.write(("\r" + line + ("\n" if done == total else "")) if self._tty
                           else line + "\n")
        self._stream.flush()


def export_report(source: ReportSource, *, report: str, first: date, last: date,
                  council: Council, file_format: str, out: Path, today: date, min_count: int,
                  progress: TextIO = sys.stderr,
                  settle_hours: float = DEFAULT_SETTLE_HOURS) -> str:
    """Write the report to `out`; returns a one-line summary. Raises PeriodError for a range
    that is not one whole ended period (PeriodNotSettled for one that ended less than
    `settle_hours` ago), UnknownReport for a name not defined (ReportNotOffered for one that
    does not apply to `council`), LookupError if `source` does not hold the report's
    figures (FiguresUpdating while they are being updated), OSError if `out` cannot be
    written. Nothing is written when it raises."""
    definition = check_offered(report, council)
    period = period_between(first, last)
    check_settled(period, today, settle_hours)
    if not source.offers(definition):
        raise LookupError(f"the figures of {report} are not available yet")
    made = safe_report(source, report, council, period, today=today, min_count=min_count,
                       progress=ProgressLine(progress))
    data = (csv_bytes if file_format == "csv" else xlsx_bytes)(made, made_on=today)
    out.write_bytes(data)
    hidden = (f" (some figures not shown: fewer than {min_count}, or would give one away)"
              if made.hides_any else "")
    return f"{definition.title}, {council.value.title()}, {period.label}: {out}{hidden}"

"""Monitoring figures the task board already holds (issue 17 item 4): referrals received per
council per month, from the board's case rows. The page and `monitoring-export` of a running
service read the reports' projection instead (activities/monitoring_projection.py); this
source is the web app's default when it is given a board and no monitoring figures.

Only figures that cannot change once their month has ended are read here (a case's council
and the time its report was received are fixed at intake), because safe numbers rely on a
month's counts being final (`monitoring.suppression`). The board's team and risk columns
change when a case moves or is assessed, so no report is built on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa

from activities.task_board import TaskBoard
from aggregates.report import Council
from aggregates.working_days import LONDON
from monitoring.periods import month_start
from monitoring.reports import ALL_TEAMS, ReportDefinition

OFFERED = frozenset({"referrals-received"})


def _micros_at_london_midnight(year: int, month: int) -> int:
    start = month_start(year, month)
    return int(datetime(start.year, start.month, 1, tzinfo=LONDON).timestamp() * 1_000_000)


class BoardReportSource:
    """A `monitoring.reports.ReportSource` over the task board's tables (one column: the
    council; the board's teams are where a case is now, not where it was)."""

    def __init__(self, board: TaskBoard) -> None:
        self._board = board

    def offers(self, report: ReportDefinition) -> bool:
        return report.name in OFFERED

    def teams(self, council: Council,
              report: ReportDefinition | None = None) -> Sequence[str]:
        return (ALL_TEAMS,)

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]:
        """Cases whose report was received in each month (London time), by month."""
        if report.name not in OFFERED:
            raise LookupError(f"the task board does not hold the figures of {report.name}")
        if not self._board.ready():
            return {m: [[0]] for m in months}
        cases = self._board.tables.cases
        found: dict[int, Sequence[Sequence[int]]] = {}
        with self._board.connect() as conn:
            for month in months:
                count = conn.execute(sa.select(sa.func.count()).where(
                    cases.c.council == council.value,
                    cases.c.reported_at >= _micros_at_london_midnight(year, month),
                    cases.c.reported_at < _micros_at_london_midnight(year, month + 1))).scalar()
                found[month] = [[int(count or 0)]]
        return found

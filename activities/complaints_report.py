"""Monitoring figures of complaints (D 10, DBC 11, SCAR Q15: "complaints data will also be
monitored") and of victim feedback (D 8.62), from the complaints register: a
`monitoring.reports.ReportSource` for the reports `complaints-channel`, `complaints-outcome`
and `feedback-satisfaction`.

Each event is counted in the month (London time) of its `at`, the time it was recorded,
which never changes: a month's counts are final once it ends, as safe numbers need
(`monitoring.suppression`). A complaint received in March and typed up in April counts in
April. Complaints belong to no team, so every report has the one column "All teams".

Read by decrypting the register's events on each call: complaints are tens a year per
council. When the reports move onto projections (issue 17 item 1) this becomes one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from activities.complaints_register import ComplaintsRegister
from aggregates.complaints import Complaint
from aggregates.feedback import Feedback
from aggregates.report import Council
from aggregates.working_days import LONDON
from monitoring.periods import financial_year_of
from monitoring.reports import ALL_TEAMS, ReportDefinition

CHANNEL, OUTCOME, FEEDBACK = "complaints-channel", "complaints-outcome", "feedback-satisfaction"
OFFERED = frozenset({CHANNEL, OUTCOME, FEEDBACK})


def month_of(at: str) -> tuple[int, int]:
    """(financial year, month 0..11) of an ISO time, in London."""
    day = datetime.fromisoformat(at).astimezone(LONDON).date()
    return financial_year_of(day), (day.month - 4) % 12


def row_of(report: str, event: Any) -> str | None:
    """The row of `report` that `event` counts in, or None if it counts in none."""
    if report == CHANNEL:
        return event.channel if isinstance(event, Complaint.Received) else None
    if report == FEEDBACK:
        return event.satisfaction if isinstance(event, Feedback.Given) else None
    if isinstance(event, Complaint.StageAnswered):
        return f"{event.stage}:{event.outcome}"
    if isinstance(event, Complaint.Withdrawn):
        return "withdrawn"
    if isinstance(event, Complaint.TakenToOmbudsman):
        return "ombudsman"
    return None


class ComplaintsReportSource:
    """The complaints reports' monthly counts for a council (one column: all teams)."""

    def __init__(self, register: ComplaintsRegister | Callable[[], ComplaintsRegister]) -> None:
        # A callable: the register is made on first use (the web app's, beside its store).
        self._register = (register if not isinstance(register, ComplaintsRegister)
                          else lambda: register)

    def offers(self, report: ReportDefinition) -> bool:
        return report.name in OFFERED

    def teams(self, council: Council,
              report: ReportDefinition | None = None) -> Sequence[str]:
        return (ALL_TEAMS,)

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]:
        """For each month asked, one [count] per row of the report's definition."""
        if report.name not in OFFERED:
            raise LookupError(f"the complaints register does not hold the figures of "
                              f"{report.name}")
        councils: dict[Any, str] = {}
        counted: Counter[tuple[int, str]] = Counter()
        for _, event in self._register().steps():
            if isinstance(event, Complaint.Received | Feedback.Given):
                councils[event.originator_id] = event.council
            if councils.get(event.originator_id) != council.value:
                continue
            row = row_of(report.name, event)
            event_year, month = month_of(event.at)  # type: ignore[attr-defined]
            if row is not None and event_year == year and month in months:
                counted[(month, row)] += 1
        return {m: [[counted[(m, code)]] for code, _ in report.rows] for m in months}

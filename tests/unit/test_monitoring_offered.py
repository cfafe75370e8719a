"""Which monitoring reports a council is offered (a report that can only read 0 there is not),
and when a period's figures may be published (issue 17 item 3: a month's counts are final
once it has ended, so figures shown before and after a late event must be the same)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pytest

from aggregates.report import Council
from casework.monitoring_admin import export_report
from casework.settings import Settings
from monitoring.definitions import REPORTS, ReportDefinition
from monitoring.freshness import (
    UPDATING,
    FiguresUpdating,
    PeriodNotSettled,
    check_settled,
    settled_day,
)
from monitoring.offered import ReportNotOffered, reports_for
from monitoring.periods import Period, PeriodKind
from monitoring.reports import InMemoryReportSource

APRIL = Period(2026, PeriodKind.MONTH, 0)
Q1 = Period(2026, PeriodKind.QUARTER, 0)
TEAMS = {Council.DOVER: ["Tenancy Support Team"], Council.DARTFORD: ["Tenancy Services"]}


def names(council: Council) -> set[str]:
    return {r.name for r in reports_for(council)}


def test_dover_is_offered_no_sanctuary_equality_or_dartford_report() -> None:
    """D 8.36-8.37: Dover has no Sanctuary Scheme, so its Sanctuary returns and the equality
    reports (households referred to the scheme) could only read 0; CAR Q3's KPIs are
    Dartford's."""
    dover = names(Council.DOVER)
    assert not {n for n in dover if n.startswith(("sanctuary-", "equality-"))}
    assert "dartford-kpis" not in dover
    assert {"victim-contact", "marac-referrals", "complaints-channel",
            "feedback-satisfaction"} <= dover


def test_dartford_is_offered_every_report_in_the_defined_order() -> None:
    """DBC 7.4.2: Dartford runs the Sanctuary Scheme; CAR Q3: its KPIs."""
    assert [r.name for r in reports_for(Council.DARTFORD)] == list(REPORTS)


def test_a_month_is_final_a_whole_settle_margin_after_it_ends() -> None:
    """24 hours: April 2026 may be published from 2 May, not on 1 May."""
    with pytest.raises(PeriodNotSettled, match="April 2026 are final from 2 May 2026"):
        check_settled(APRIL, date(2026, 5, 1), 24)
    check_settled(APRIL, date(2026, 5, 2), 24)
    assert settled_day(date(2026, 5, 2), 24) == date(2026, 5, 1)
    assert settled_day(date(2026, 5, 2), 0) == date(2026, 5, 2)
    assert settled_day(date(2026, 5, 4), 25) == date(2026, 5, 2)  # rounded up to days


def test_the_settle_margin_is_a_setting_of_a_day_by_default() -> None:
    assert Settings().monitoring_settle_hours == 24
    assert Settings(monitoring_settle_hours=48).monitoring_settle_hours == 48


def held(source: InMemoryReportSource) -> InMemoryReportSource:
    """`source` holding Dover's victim contact of April 2026 (rows: within, later)."""
    source.counts[("victim-contact", Council.DOVER, 2026, 0)] = [[12], [6]]
    return source


class Updating(InMemoryReportSource):
    """A source whose read model is still catching up."""

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]:
        raise FiguresUpdating()


def export(source: InMemoryReportSource, out: Path, *, report: str = "victim-contact",
           council: Council = Council.DOVER, today: date = date(2026, 7, 2)) -> str:
    return export_report(source, report=report, first=Q1.first_day, last=Q1.last_day,
                         council=council, file_format="csv", out=out, today=today,
                         min_count=5)


def test_the_export_writes_nothing_while_the_figures_are_updated(tmp_path: Path) -> None:
    out = tmp_path / "q1.csv"
    with pytest.raises(FiguresUpdating, match=UPDATING):
        export(held(Updating(TEAMS)), out)
    assert not out.exists()
    assert export(held(InMemoryReportSource(TEAMS)), out).endswith(str(out))
    assert out.exists()


def test_the_export_refuses_a_quarter_ended_less_than_a_day_ago(tmp_path: Path) -> None:
    out = tmp_path / "q1.csv"
    with pytest.raises(PeriodNotSettled, match="final from 2 July 2026"):
        export(held(InMemoryReportSource(TEAMS)), out, today=date(2026, 7, 1))
    assert not out.exists()


def test_the_export_refuses_dover_a_sanctuary_report(tmp_path: Path) -> None:
    """D 8.36-8.37: no Sanctuary Scheme in Dover, so no Sanctuary return of Dover."""
    out = tmp_path / "q1.csv"
    with pytest.raises(ReportNotOffered, match="sanctuary-decisions does not apply to Dover"):
        export(held(InMemoryReportSource(TEAMS)), out, report="sanctuary-decisions")
    with pytest.raises(ReportNotOffered, match="dartford-kpis does not apply to Dover"):
        export(held(InMemoryReportSource(TEAMS)), out, report="dartford-kpis")
    assert not out.exists()

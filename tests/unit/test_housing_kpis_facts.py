"""Dartford's housing KPIs as monitoring facts (activities/monitoring_facts.py, CAR Q3 and
DBC 14.2): HPI-15 counts a household whose homelessness was prevented, DBC 14.2 one owed both
the prevention and relief duty whose last settled home was lost because of the abuse; each
once, in the London month of the event, and never for a Dover case."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from activities.monitoring_facts import Fact
from aggregates.report import Council
from tests.unit.test_homelessness import Steps, case_of
from tests.unit.test_monitoring_facts import facts

TEAM = "Tenancy Services Team"  # a Dartford council tenant's team (Appendix A)
KPIS = "dartford-kpis"


def threatened(council: Council = Council.DARTFORD) -> Steps:
    steps = Steps(case_of(council))
    steps.apply(status="threatened_with_homelessness")
    return steps


def kpi_rows(steps: Steps) -> list[tuple[str, date]]:
    """The HPI-15 and DBC 14.2 facts of the case (its S3 report left out)."""
    return [(f.row, f.day) for f in facts(steps.case, KPIS) if f.row != "s3"]


def on(steps: Steps, when: datetime) -> Steps:
    steps.at = when
    return steps


def test_a_prevention_is_counted_once_in_the_month_it_was_recorded_hpi_15() -> None:
    """CAR Q3 HPI-15: recorded 23:30 on 30 June 2026 London time (22:30 UTC): June."""
    steps = threatened()
    when = steps.case.report.reported_at.replace(month=6, day=30, hour=23, minute=30)
    on(steps, when)("record_homelessness_outcome", outcome="prevented_moved_to_other_accommodation")
    assert [f for f in facts(steps.case, KPIS) if f.row == "hpi15"] == [
        Fact(KPIS, "hpi15", "dartford", TEAM, date(2026, 6, 30))]


def test_an_outcome_that_is_not_a_prevention_is_not_counted() -> None:
    for outcome in ("not_prevented_relief_duty_owed", "contact_lost", "withdrawn",
                    "duty_ended_another_way"):
        steps = threatened()
        steps("record_homelessness_outcome", outcome=outcome)
        assert kpi_rows(steps) == [], outcome


def test_abuse_as_the_loss_of_home_with_both_duties_is_counted_once_dbc_14_2() -> None:
    """DBC 14.2: relief only first (not counted), then both duties (counted that day), then
    recorded again a day later (not counted again)."""
    steps = threatened()
    first = steps.at
    steps("record_loss_of_settled_home", abuse_was_reason=True, duties=["relief"])
    steps("record_loss_of_settled_home", abuse_was_reason=True,
          duties=["prevention", "relief"])
    on(steps, first + timedelta(days=1))("record_loss_of_settled_home", abuse_was_reason=True,
                                         duties=["prevention", "relief"])
    assert kpi_rows(steps) == [("dbc14_2", first.date())]


def test_a_household_owed_only_the_relief_duty_is_not_counted_dbc_14_2() -> None:
    steps = Steps(case_of(Council.DARTFORD))
    steps.apply(status="homeless")
    steps("record_loss_of_settled_home", abuse_was_reason=True, duties=["relief"])
    assert kpi_rows(steps) == []


def test_a_dover_case_gives_no_dartford_kpi() -> None:
    """HPI-15 and DBC 14.2 are Dartford's measures: Dover records the same and counts none."""
    steps = threatened(Council.DOVER)
    steps("record_loss_of_settled_home", abuse_was_reason=True,
          duties=["prevention", "relief"])
    steps("record_homelessness_outcome", outcome="prevented_stayed_in_home")
    assert facts(steps.case, KPIS) == []

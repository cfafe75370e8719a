"""When a report was received (issue 16): a report may be dated when it came in, within the
council's backdating limit and with the reason it is entered late; deadlines count from it.
Both policies are silent, so both rules cite a configured default."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from aggregates.errors import RuleViolation
from aggregates.policies import DARTFORD_2026, DOVER_2025
from aggregates.report import Council, Report
from aggregates.tasks import TaskKind
from aggregates.triage import triage
from tests.unit.builders import ORDINARY_MONDAY, london, make_report, open_case

# Friday 5 June 2026, 18:30: a call after the office closed, typed up on Monday morning.
FRIDAY_EVENING = london(2026, 6, 5, 18, 30)


def test_a_report_typed_up_next_working_day_without_a_reason_is_refused() -> None:
    """D 8.25 (configured default): entered more than an hour after it came in, why."""
    with pytest.raises(RuleViolation) as refused:
        open_case(make_report(reported_at=FRIDAY_EVENING), now=ORDINARY_MONDAY)
    assert (refused.value.rule, refused.value.field) == ("late_entry_has_reason",
                                                         "late_entry_reason")
    assert refused.value.section == "D 8.25, configured default"
    assert "more than 60 minutes after it was received" in refused.value.message


def test_deadlines_count_from_when_the_report_was_received_not_when_typed() -> None:
    """D 8.14: victim contact within 2 working days of Friday's call is Tuesday's close,
    where typed on Monday it would have been Wednesday's."""
    report = replace(make_report(reported_at=FRIDAY_EVENING),
                     late_entry_reason="Call came in after the office closed")
    case = open_case(report, now=ORDINARY_MONDAY)
    assert case.report.late_entry_reason == "Call came in after the office closed"
    [contact] = [s for s in triage(case.report, DOVER_2025) if s.kind is TaskKind.CONTACT_VICTIM]
    assert contact.due_at == london(2026, 6, 9, 17, 0)  # Tuesday, close of business


def test_an_hour_late_needs_no_reason_but_a_minute_more_does() -> None:
    on_time = make_report(reported_at=ORDINARY_MONDAY - timedelta(minutes=60))
    assert open_case(on_time, now=ORDINARY_MONDAY).report.late_entry_reason is None
    with pytest.raises(RuleViolation, match="late_entry_has_reason"):
        open_case(make_report(reported_at=ORDINARY_MONDAY - timedelta(minutes=61)),
                  now=ORDINARY_MONDAY)


def test_a_reason_of_spaces_is_no_reason() -> None:
    report = replace(make_report(reported_at=FRIDAY_EVENING), late_entry_reason="   ")
    with pytest.raises(RuleViolation, match="late_entry_has_reason"):
        open_case(report, now=ORDINARY_MONDAY)


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 8.14, configured default"),
    (Council.DARTFORD, "configured default (D 8.14; DBC silent)"),
])
def test_a_report_dated_before_the_councils_backdating_limit_is_refused(
        council: Council, section: str) -> None:
    """30 days back is the limit, reason or not: older is a typing slip or a case for the
    records team, not a new referral with deadlines long gone."""
    now = ORDINARY_MONDAY
    inside = replace(make_report(council=council, reported_at=now - timedelta(days=30)),
                     late_entry_reason="Found in the post tray")
    assert open_case(inside, now=now).report.reported_at == now - timedelta(days=30)
    too_old = replace(inside, reported_at=now - timedelta(days=30, minutes=1))
    with pytest.raises(RuleViolation) as refused:
        open_case(too_old, now=now)
    assert (refused.value.rule, refused.value.field) == (
        "report_received_within_backdating_limit", "reported_at")
    assert refused.value.section == section
    assert refused.value.message == "the report must have been received in the last 30 days"


def test_both_policies_set_the_limits() -> None:
    assert (DOVER_2025.backdating_limit_days, DOVER_2025.late_entry_after_minutes) == (30, 60)
    assert (DARTFORD_2026.backdating_limit_days, DARTFORD_2026.late_entry_after_minutes) == (
        30, 60)


def test_a_report_stored_before_the_reason_was_kept_loads_without_one() -> None:
    stored = make_report().to_dict()
    assert "late_entry_reason" not in stored  # entered at once: stored as before the field
    assert Report.from_dict(stored).late_entry_reason is None
    late = replace(make_report(), late_entry_reason="Typed up next morning")
    assert Report.from_dict(late.to_dict()) == late

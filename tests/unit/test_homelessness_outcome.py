"""How the duty owed on a homelessness application ended (HPI-15, CAR Q3), and the loss of the
last settled home kept once for households owed both duties (DBC 14.2): what the case records,
what it refuses, and snapshots written before either was kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from aggregates.case import Case
from aggregates.errors import ConflictError, RuleViolation
from aggregates.homelessness import (
    MET_BEFORE_KEPT,
    HomelessnessApplication,
    HomelessnessOutcomeRecorded,
)
from aggregates.housing_terms import OUTCOME_WORDS, Duty, HomelessnessOutcome, HomelessStatus
from aggregates.report import Council
from tests.unit.test_homelessness import Steps, case_of
from web.housing_wording import homelessness_outcome_recorded
from web.pages_housing import OPTIONS as PAGE_OPTIONS


def threatened(council: Council = Council.DARTFORD) -> Steps:
    steps = Steps(case_of(council))
    steps.apply(status="threatened_with_homelessness")
    return steps


def application_of(case: Case) -> HomelessnessApplication:
    application = case.homelessness.application
    assert application is not None
    return application


@pytest.mark.parametrize(("council", "section"), [
    (Council.DARTFORD, "CAR Q3 (HPI-15)"),
    (Council.DOVER, "configured default (Housing Act 1996 s195; HPI-15 is Dartford's, "
                    "CAR Q3)"),
])
def test_a_prevention_is_recorded_with_the_rule_that_counts_it_car_q3(
        council: Council, section: str) -> None:
    """CAR Q3 HPI-15 counts households whose homelessness was prevented: the outcome is
    recorded on the application with its time and the section that asks for it."""
    steps = threatened(council)
    steps("record_homelessness_outcome", outcome="prevented_stayed_in_home")
    application = application_of(steps.case)
    assert application.outcome is HomelessnessOutcome.PREVENTED_STAYED
    assert application.outcome_at == steps.at
    event = steps.case.collect_events()[-1]
    assert isinstance(event, HomelessnessOutcomeRecorded)
    assert (event.rule, event.section) == ("record_homelessness_outcome", section)


def test_an_outcome_is_said_in_the_words_of_the_housing_options_page() -> None:
    """CAR Q3 (HPI-15): the timeline and the event's reason say how the duty ended in words
    ("Contact was lost"), never the code "contact_lost"; an outcome recorded before keeps
    its own stored reason."""
    steps = threatened()
    steps("record_homelessness_outcome", outcome="contact_lost")
    event = steps.case.collect_events()[-1]
    assert isinstance(event, HomelessnessOutcomeRecorded)
    assert event.reason == "How the homelessness duty ended (CAR Q3 (HPI-15)): contact was lost."
    said = homelessness_outcome_recorded(vars(event))
    assert said.endswith(". Contact was lost.") and "contact_lost" not in said
    assert "contact lost under" not in said
    old = {**vars(event), "reason": "Outcome of the homelessness duty: contact_lost (CAR Q3)."}
    assert homelessness_outcome_recorded(old).endswith(". Contact was lost.")
    assert dict(PAGE_OPTIONS["outcome"])["contact_lost"] == OUTCOME_WORDS["contact_lost"]


def test_a_household_already_homeless_cannot_be_recorded_as_prevented() -> None:
    """Housing Act 1996 s195: the prevention duty is owed to a household threatened with
    homelessness; one already homeless is owed relief. Refused, naming the field, and
    nothing is recorded; a relief outcome is accepted."""
    steps = Steps(case_of(Council.DARTFORD))
    steps.apply(status="homeless")
    version = steps.case.version
    with pytest.raises(RuleViolation) as refused:
        steps("record_homelessness_outcome", outcome="prevented_moved_to_other_accommodation")
    assert (refused.value.rule, refused.value.field) == (
        "homelessness_prevented_only_if_threatened", "outcome")
    assert "already homeless" in refused.value.message
    assert "s195" in (refused.value.section or "")
    assert steps.case.version == version
    steps("record_homelessness_outcome", outcome="not_prevented_relief_duty_owed")
    assert application_of(steps.case).outcome is HomelessnessOutcome.RELIEF_DUTY_OWED


def test_a_second_outcome_is_a_conflict_so_a_closed_months_count_never_changes() -> None:
    """One outcome per application: HPI-15 counts it in the month recorded (409)."""
    steps = threatened()
    steps("record_homelessness_outcome", outcome="contact_lost")
    with pytest.raises(ConflictError) as refused:
        steps("record_homelessness_outcome", outcome="prevented_stayed_in_home")
    assert refused.value.rule == "homelessness_outcome_recorded_once"
    assert refused.value.message == "the homelessness application already has an outcome"
    assert application_of(steps.case).outcome is HomelessnessOutcome.CONTACT_LOST


def test_an_outcome_needs_an_application_and_a_known_code() -> None:
    with pytest.raises(RuleViolation) as refused:
        Steps(case_of(Council.DARTFORD))("record_homelessness_outcome", outcome="withdrawn")
    assert refused.value.rule == "homelessness_application_recorded_first"
    with pytest.raises(RuleViolation) as unknown:
        threatened()("record_homelessness_outcome", outcome="rehoused_somehow")
    assert (unknown.value.rule, unknown.value.field) == ("choice_is_known", "outcome")


def test_the_first_record_of_abuse_with_both_duties_is_kept_dbc_14_2() -> None:
    """DBC 14.2: households owed both the prevention and the relief duty whose loss of the
    last settled home was due to the abuse. Recorded first with relief only (not yet), then
    with both (kept: that event's version), then again (still the first one)."""
    steps = threatened()
    steps("record_loss_of_settled_home", abuse_was_reason=True, duties=["relief"])
    assert application_of(steps.case).abuse_loss_both_duties_version is None
    steps("record_loss_of_settled_home", abuse_was_reason=True,
          duties=["prevention", "relief"])
    first = steps.case.version
    assert application_of(steps.case).abuse_loss_both_duties_version == first
    steps("record_loss_of_settled_home", abuse_was_reason=True,
          duties=["relief", "prevention"])
    assert application_of(steps.case).abuse_loss_both_duties_version == first


def test_abuse_not_the_reason_is_never_kept_for_dbc_14_2() -> None:
    steps = threatened()
    steps("record_loss_of_settled_home", abuse_was_reason=False,
          duties=["prevention", "relief"])
    assert application_of(steps.case).abuse_loss_both_duties_version is None


# What `to_dict` gave before the outcome and the DBC 14.2 version were kept (snapshots of
# Case class_version 5 written then hold this).
PREVIOUS_SHAPE: dict[str, Any] = {
    "recorded_at": "2026-05-06T09:00:00+00:00", "status": "threatened_with_homelessness",
    "eligible": True, "because_of_abuse": True, "moving_because_of_abuse": False,
    "priority_need": True, "rule": "homeless_because_of_abuse_priority_need_if_eligible",
    "section": "DBC 4.1.2", "team": "Housing Solutions & Private Sector Team",
    "local_connection_met": None, "abuse_lost_settled_home": True,
    "duties": ["prevention", "relief"],
}


def test_an_application_stored_before_outcomes_were_kept_loads_without_one() -> None:
    """An older snapshot lacks the new keys: no outcome event existed then, so it loads
    with none. Its abuse with both duties was met before the snapshot: marked so (0, no
    event's version), so a later record does not count the household again (DBC 14.2)."""
    application = HomelessnessApplication.from_dict(dict(PREVIOUS_SHAPE))
    assert application.status is HomelessStatus.THREATENED
    assert application.duties == (Duty.PREVENTION, Duty.RELIEF)
    assert (application.outcome, application.outcome_at) == (None, None)
    assert application.abuse_loss_both_duties_version == MET_BEFORE_KEPT == 0
    relief_only = {**PREVIOUS_SHAPE, "duties": ["relief"]}
    assert HomelessnessApplication.from_dict(
        relief_only).abuse_loss_both_duties_version is None
    now = {**PREVIOUS_SHAPE, "outcome": "withdrawn",
           "outcome_at": "2026-06-01T10:00:00+00:00", "abuse_loss_both_duties_version": 7}
    again = HomelessnessApplication.from_dict(now)
    assert again.to_dict() == now
    assert again.outcome_at == datetime(2026, 6, 1, 10, tzinfo=UTC)

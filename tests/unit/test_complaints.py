"""Complaints (D 10, DBC 11, SCAR Q15): each rule of aggregates/complaints.py, with the
section it comes from. Events asserted, errors by rule, field and message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from aggregates.complaints import STAGES, Complaint
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Council, Role

AT = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
CW = Actor("cw-1", Role.CASEWORKER)
LM = Actor("lm-1", Role.LINE_MANAGER)


def received(**changes: Any) -> Complaint:
    args: dict[str, Any] = dict(
        complaint_id=uuid4(), council=Council.DOVER, channel="telephone", subject="officer",
        area="landlord", received_at=AT - timedelta(days=1), case_id=None,
        complainant="Ms A. Resident", summary="Nobody called me back about the lock change",
        adjustments=["Large print letters"], actor=CW, at=AT)
    return Complaint.receive(**{**args, **changes})


def refusal(call: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    return caught.value


def events(complaint: Complaint) -> list[str]:
    return [type(e).__name__ for e in complaint.collect_events()]


def test_a_complaint_by_any_channel_is_recorded_with_its_adjustments() -> None:
    """D 10.1-10.3: however made; reasonable adjustments for the process are recorded."""
    for channel in ("letter", "email", "online_form", "leaflet", "telephone",
                    "in_person_by_appointment", "other"):
        complaint = received(channel=channel)
        assert complaint.channel.value == channel
    assert complaint.adjustments == ("Large print letters",)
    assert complaint.status == "stage_1_open"
    assert events(complaint) == ["Received"]


def test_an_unknown_channel_is_refused_naming_the_field_not_the_value() -> None:
    """D 10.2: the channels the council offers, and "other" for any further way."""
    error = refusal(lambda: received(channel="carrier pigeon"))
    assert (error.rule, error.field, error.section) == ("complaint_channel_known", "channel",
                                                         "D 10.2")
    assert "pigeon" not in str(error)


def test_a_complaint_is_not_received_after_it_is_recorded_nor_over_30_days_before() -> None:
    """D 10.1 (when it was made); configured default as for reports (D 8.11)."""
    assert refusal(lambda: received(received_at=AT + timedelta(minutes=1))).rule == (
        "complaint_received_not_in_future")
    assert refusal(lambda: received(received_at=AT - timedelta(days=31))).rule == (
        "complaint_recorded_within_30_days")
    assert refusal(lambda: received(received_at=datetime(2026, 3, 9))).rule == "time_has_zone"


def test_a_complaint_names_a_case_of_its_council_or_none() -> None:
    """The council boundary (ARCHITECTURE "Need to know"): another council's case and no
    case at all are refused alike, so a complaint tells nothing of other councils."""
    case_id = uuid4()
    assert received(case_id=case_id, case_council=Council.DOVER).case_id == str(case_id)
    for other in (Council.DARTFORD, None):
        error = refusal(lambda other=other: received(case_id=case_id, case_council=other))
        assert (error.rule, error.field) == ("complaint_case_is_the_councils", "case_id")
        assert error.message == "name a case of your council, or none"


def test_a_complaint_says_what_it_is_about() -> None:
    """D 10.1: an expression of dissatisfaction about a service, action or lack of action."""
    error = refusal(lambda: received(summary="  bad  "))
    assert (error.rule, error.field) == ("complaint_says_what", "summary")
    assert error.message == "summary needs at least 10 characters"


def test_each_stage_is_answered_once_and_only_an_answered_stage_escalates() -> None:
    """Two stages (configured default: Housing Ombudsman Complaint Handling Code, D 10.4)."""
    complaint = received()
    escalating = refusal(lambda: complaint.escalate(reason="Not satisfied", actor=CW, at=AT))
    assert escalating.rule == "complaint_stage_answered_first"
    complaint.answer_stage(outcome="not_upheld", reason="The call was made on the day",
                           actor=LM, at=AT)
    with pytest.raises(ConflictError, match="complaint_stage_answered_once"):
        complaint.answer_stage(outcome="upheld", reason="A second look at the same stage",
                               actor=LM, at=AT)
    assert complaint.status == "stage_1_answered"
    complaint.escalate(reason="Not satisfied with the answer", actor=CW, at=AT)
    assert (complaint.stage, complaint.status) == (2, "stage_2_open")
    complaint.answer_stage(outcome="partly_upheld", reason="The letter was sent late",
                           actor=LM, at=AT)
    assert complaint.exhausted and STAGES == 2
    with pytest.raises(ConflictError, match="complaint_has_no_further_stage"):
        complaint.escalate(reason="Still not satisfied", actor=CW, at=AT)
    assert events(complaint) == ["Received", "StageAnswered", "Escalated", "StageAnswered"]


def test_an_answer_names_a_known_outcome_and_says_why() -> None:
    """D 10.4: the council's procedure answers every complaint."""
    complaint = received()
    assert refusal(lambda: complaint.answer_stage(outcome="maybe", reason="Looked at it well",
                                                  actor=LM, at=AT)).field == "outcome"
    assert refusal(lambda: complaint.answer_stage(outcome="upheld", reason="ok", actor=LM,
                                                  at=AT)).rule == "complaint_answer_says_why"


def test_the_ombudsman_acts_only_once_the_council_process_is_exhausted() -> None:
    """DBC 11.2: both Ombudsmen investigate once the council's process is exhausted."""
    complaint = received()
    complaint.answer_stage(outcome="not_upheld", reason="The call was made on the day",
                           actor=LM, at=AT)
    early = refusal(lambda: complaint.take_to_ombudsman(ombudsman="housing_ombudsman",
                                                        actor=LM, at=AT))
    assert (early.rule, early.section) == ("ombudsman_after_council_process", "DBC 11.2")
    complaint.escalate(reason="Not satisfied", actor=CW, at=AT)
    complaint.answer_stage(outcome="not_upheld", reason="Reviewed by the head of service",
                           actor=LM, at=AT)
    complaint.take_to_ombudsman(ombudsman="housing_ombudsman", actor=LM, at=AT)
    assert complaint.status == "with_ombudsman"
    with pytest.raises(ConflictError, match="complaint_with_ombudsman"):
        complaint.withdraw(reason="Changed their mind", actor=CW, at=AT)


def exhausted(area: str) -> Complaint:
    complaint = received(area=area)
    complaint.answer_stage(outcome="upheld", reason="Sorry for the delay in calling",
                           actor=LM, at=AT)
    complaint.escalate(reason="Wants compensation", actor=CW, at=AT)
    complaint.answer_stage(outcome="not_upheld", reason="No loss was shown to us",
                           actor=LM, at=AT)
    return complaint


def test_a_tenants_complaint_goes_to_the_housing_ombudsman() -> None:
    """DBC 11.3: tenants and leaseholders of social housing landlords."""
    error = refusal(lambda: exhausted("landlord").take_to_ombudsman(
        ombudsman="local_government_and_social_care_ombudsman", actor=LM, at=AT))
    assert (error.rule, error.section) == ("ombudsman_for_the_area", "DBC 11.3")
    assert error.message == "this area of service goes to the housing ombudsman"


def test_a_homelessness_complaint_goes_to_the_local_government_ombudsman() -> None:
    """DBC 11.4: allocations, homelessness, general housing advice."""
    complaint = exhausted("housing_options")
    assert refusal(lambda: complaint.take_to_ombudsman(
        ombudsman="housing_ombudsman", actor=LM, at=AT)).section == "DBC 11.4"
    complaint.take_to_ombudsman(ombudsman="local_government_and_social_care_ombudsman",
                                actor=LM, at=AT)
    assert complaint.view()["ombudsman"] == "local_government_and_social_care_ombudsman"


def test_a_withdrawn_complaint_takes_no_further_step() -> None:
    """D 10.4: the complainant may withdraw; nothing is answered after."""
    complaint = received()
    complaint.withdraw(reason="Resolved on the phone", actor=CW, at=AT)
    assert complaint.status == "withdrawn"
    with pytest.raises(ConflictError, match="complaint_withdrawn"):
        complaint.answer_stage(outcome="upheld", reason="Too late for this answer",
                               actor=LM, at=AT)

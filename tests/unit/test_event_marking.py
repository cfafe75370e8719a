"""Every case event is marked recorded fact or professional judgement for a court
(web/event_marking.py; D 8.24-8.28: evidence keeps fact apart from opinion)."""

from __future__ import annotations

from tests.unit.test_event_wording import every_event_type
from web.event_marking import MARKING, Marking, marking_of


def test_every_case_event_type_is_marked_fact_or_opinion() -> None:
    missing = sorted(every_event_type() - set(MARKING))
    assert not missing, (
        f"These case events are not marked fact or opinion for a court: {missing}. Add each "
        "to MARKING in web/event_marking.py: FACT for what happened or was received, "
        "OPINION for a professional judgement or a decision resting on one.")


def test_the_marking_table_names_no_event_that_does_not_exist() -> None:
    assert set(MARKING) <= every_event_type()


def test_a_risk_level_and_a_sharing_decision_are_opinion_a_report_and_a_referral_fact() -> None:
    assert [marking_of(t) for t in ("DashCompleted", "SharingDecided")] == [
        Marking.OPINION, Marking.OPINION]
    assert [marking_of(t) for t in ("Opened", "ReferralOpened", "ReferralDelivered")] == [
        Marking.FACT] * 3


def test_an_unmarked_event_type_is_never_called_a_fact() -> None:
    assert marking_of("SomethingNew") is Marking.OPINION

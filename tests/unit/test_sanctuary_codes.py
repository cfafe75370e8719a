"""Coded equality answers and decline reasons on a Sanctuary referral (issue 17; CAR, SCAR Q7,
SCAR Q15): answers are optional codes from the ONS 2021 Census categories, communication needs
a coded set, a household's reason for declining one of a short list; what was recorded in
words before keeps loading as "own words" and "not recorded", never as a guessed code."""

from __future__ import annotations

from typing import Any

import pytest

from activities.monitoring_facts import facts_of
from aggregates.case import Case
from aggregates.equality import CHOICES, OWN_WORDS, ProtectedCharacteristic
from aggregates.errors import RuleViolation
from aggregates.sanctuary_records import SanctuaryReferral
from aggregates.sanctuary_versions import declined_v3_v4, referred_v3_v4
from monitoring.definitions import REPORTS, equality_report
from tests.unit.test_sanctuary import Steps, accepted_case, dartford_case, referral_of
from web.home_safety_wording import (
    sanctuary_measure_installed,
    sanctuary_measures_declined,
    sanctuary_risk_assessed,
)


def facts(case: Case) -> list[tuple[str, str]]:
    """(report, row) of every monitoring fact the case's events give (as the projection)."""
    found: list[tuple[str, str]] = []
    rolled = None
    for event in case.collect_events():
        rolled = event.mutate(rolled)
        assert isinstance(rolled, Case)
        found += [(f.report, f.row) for f in facts_of(event, rolled)]
    return found


def test_equality_answers_are_optional_codes_and_prefer_not_to_say_is_an_answer() -> None:
    """CAR; SCAR Q7: only what the victim chooses to give is recorded."""
    steps = Steps(dartford_case())
    steps.refer(protected_characteristics={"race": "black", "sex": "prefer_not_to_say",
                                           "age": ""},
                communication_needs=["relay_uk", "braille", "relay_uk"])
    referral = referral_of(steps.case)
    assert referral.protected_characteristics == {"race": "black", "sex": "prefer_not_to_say"}
    assert referral.communication_needs == ("braille", "relay_uk")  # each once, in list order


@pytest.mark.parametrize(("answers", "field"), [
    ({"age": "34"}, "protected_characteristics.age"),           # words, not a band
    ({"sex": "black"}, "protected_characteristics.sex"),         # another question's answer
    ({"disability": OWN_WORDS}, "protected_characteristics.disability"),  # only old records
])
def test_an_answer_not_offered_for_its_question_is_refused_naming_field_and_codes(
        answers: dict[str, str], field: str) -> None:
    steps = Steps(dartford_case())
    with pytest.raises(RuleViolation, match=r"equality_answer_is_offered \(CAR; SCAR Q7\): "
                                            r"choose one of \[") as refused:
        steps.refer(protected_characteristics=answers)
    assert refused.value.field == field
    assert "prefer_not_to_say" in refused.value.message
    assert steps.case.sanctuary.referral is None


def test_a_communication_need_not_on_the_list_is_refused() -> None:
    steps = Steps(dartford_case())
    with pytest.raises(RuleViolation, match="communication_need_is_offered") as refused:
        steps.refer(communication_needs=["Polish interpreter"])
    assert refused.value.field == "communication_needs"
    assert "spoken_language_interpreter" in refused.value.message


def test_every_question_offers_prefer_not_to_say_and_ons_categories() -> None:
    """Five high-level ethnic groups (ONS 2021), ten-year age bands from 16 (DA Act 2021 s1)."""
    assert all(codes[-1][0] == "prefer_not_to_say" for codes in CHOICES.values())
    assert len(CHOICES[ProtectedCharacteristic.RACE]) == 5 + 1
    assert CHOICES[ProtectedCharacteristic.AGE][0] == ("16_24", "16 to 24")


@pytest.mark.parametrize("code", ["", "not_recorded", "Would rather move"])
def test_a_decline_needs_a_reason_from_the_list(code: str) -> None:
    """SCAR Q15: "not recorded" is for declines from before the list, never picked."""
    case, steps = accepted_case()
    with pytest.raises(RuleViolation, match=r"sanctuary_decline_reason_is_offered "
                                            r"\(SCAR Q15\)") as refused:
        steps("decline_sanctuary_measures", reason_code=code, reason="Moving to family.")
    assert refused.value.field == "reason_code"
    assert referral_of(case).decline_reason is None


def test_a_decline_is_counted_by_its_reason_and_said_in_words() -> None:
    case, steps = accepted_case()
    steps("decline_sanctuary_measures", reason_code="perpetrator_no_longer_a_risk",
          reason="He is in prison for two years.")
    [declined] = [e for e in case.pending_events
                  if type(e).__name__ == "SanctuaryMeasuresDeclined"]
    assert ("sanctuary-declined", "perpetrator_no_longer_a_risk") in facts(case)
    assert sanctuary_measures_declined(vars(declined)) == (
        "The household chose not to have Sanctuary measures. Their reason: the perpetrator is "
        "no longer a risk (for example, in custody).")


def test_measures_and_households_are_said_in_words_on_the_timeline_and_the_returns() -> None:
    """SCAR Q15 counts households and measures by type: the timeline and the return say
    each in words ("CCTV or doorbell camera", not "Cctv ..."; no bracket inside a bracket)."""
    installed = sanctuary_measure_installed({
        "measure_type": "cctv_or_doorbell_camera", "installer": "contractor",
        "installed_on": "2026-06-01", "cost_pence": 12_550})
    assert installed == ("Sanctuary measure installed: CCTV or doorbell camera, by contractor "
                         "on 2026-06-01, cost £125.50.")
    assert sanctuary_risk_assessed({"subject": "property"}) == (
        "Sanctuary risk assessment recorded: the security of the property.")
    declined = sanctuary_measures_declined({"reason_code": "chose_another_option"})
    assert "((" not in declined and "))" not in declined
    assert dict(REPORTS["sanctuary-measures"].rows)["cctv_or_doorbell_camera"] == \
        "CCTV or doorbell camera"
    assert dict(REPORTS["sanctuary-households"].rows)["other_adults"] == \
        "Other household, adults only"
    assert "contact_victim" not in REPORTS["victim-contact"].description


def test_every_household_referred_is_counted_once_in_each_equality_report() -> None:
    """CAR: the rows of a characteristic's report add up to the households referred."""
    steps = Steps(dartford_case())
    steps.refer(protected_characteristics={"age": "35_44"},
                communication_needs=["bsl_interpreter", "large_print"])
    equality = [f for f in facts(steps.case) if f[0].startswith("equality")]
    assert [f for f in equality if f[0] != "equality-communication"] == [
        (equality_report(c), "35_44" if c is ProtectedCharacteristic.AGE else "not_given")
        for c in ProtectedCharacteristic]
    assert [f for f in equality if f[0] == "equality-communication"] == [
        ("equality-communication", "large_print"),
        ("equality-communication", "bsl_interpreter")]
    assert "equality" not in REPORTS  # the old "answer given" report is gone


def test_the_upcasts_turn_words_into_own_words_without_reading_them() -> None:
    state: dict[str, Any] = {"protected_characteristics": {"age": "16_24", "race": "Welsh"},
                             "communication_needs": ["large print", "braille"]}
    referred_v3_v4(state)
    assert state == {
        "protected_characteristics": {"age": OWN_WORDS, "race": OWN_WORDS},
        "communication_needs": [OWN_WORDS],
        "characteristics_in_own_words": {"age": "16_24", "race": "Welsh"},
        "needs_in_own_words": ["large print", "braille"]}
    declined: dict[str, Any] = {"reason": "No thanks."}
    declined_v3_v4(declined)
    assert declined == {"reason": "No thanks.", "reason_code": "not_recorded"}


def test_a_referral_snapshotted_before_the_codes_loads_as_its_events_would() -> None:
    """A snapshot's referral dict without "decline_reason" is the old shape."""
    case, steps = accepted_case()
    steps("decline_sanctuary_measures", reason_code="other", reason="Family reasons.")
    new = referral_of(case).to_dict()
    old = {k: v for k, v in new.items() if k != "decline_reason"}
    old |= {"protected_characteristics": {"sex": "female"}, "communication_needs": ["a"]}
    loaded = SanctuaryReferral.from_dict(old)
    assert loaded.protected_characteristics == {"sex": OWN_WORDS}  # "female" not trusted
    assert loaded.communication_needs == (OWN_WORDS,)
    assert loaded.decline_reason == "not_recorded"
    assert SanctuaryReferral.from_dict(new) == referral_of(case)

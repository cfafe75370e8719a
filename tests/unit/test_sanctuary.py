"""The Sanctuary Scheme on a case (DBC 7.4.2, SCAR): who is eligible, when measures are
unsuitable, rent arrears never blocking, risk assessed first, the household's choice, measures
installed, the referrer told, the monitoring facts, and what a Dover case gets instead."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import timedelta
from typing import Any

import pytest

from aggregates.case import Case
from aggregates.case_versions import upcast_v3_v4
from aggregates.commands import CommandContext, apply_command
from aggregates.errors import ConflictError, RuleViolation
from aggregates.repairs import RepairsState
from aggregates.report import Council, Tenure
from aggregates.safer import SaferState
from aggregates.sanctuary import HOW_TO_COMPLAIN, SanctuaryState
from aggregates.sanctuary_records import Measure, SanctuaryReferral
from aggregates.sanctuary_rules import SanctuaryFacts, SanctuaryStatus, check_eligibility
from aggregates.tasks import TaskKind
from tests.unit.builders import CASEWORKER, kinds, make_report, open_case

SUITABLE = SanctuaryFacts(
    perpetrator_lives_at_property=False, safe_to_stay=True, victim_chooses_to_stay=True,
    perpetrator_associates_live_there=False, area_too_dangerous=False,
    household_can_operate_measures=True)


def dartford_case(tenure: Tenure = Tenure.COUNCIL_GENERAL_NEEDS) -> Case:
    return open_case(make_report(council=Council.DARTFORD, tenure=tenure))


class Steps:
    """Commands on one case through the registry, as the workflow applies them."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.n = 0
        self.at = case.report.reported_at + timedelta(days=1)

    def __call__(self, name: str, **args: Any) -> None:
        self.n += 1
        apply_command(self.case, name, args,
                      CommandContext(actor=CASEWORKER, at=self.at, command_id=f"c{self.n}"))

    def refer(self, **overrides: Any) -> None:
        self("refer_to_sanctuary", **{
            "referrer_kind": "agency", "referrer_name": "Jo Officer",
            "referrer_contact": "jo.officer@example.org", "referring_agency": "Kent Police",
            "household_type": "lone_parent", **overrides})

    def assess_both(self) -> None:
        self("assess_sanctuary_risk", subject="case", findings="DASH medium; no threats now.")
        self("assess_sanctuary_risk", subject="property", findings="Rear door weak; no chain.")

    def decide(self, facts: SanctuaryFacts = SUITABLE) -> None:
        self("decide_sanctuary", **asdict(facts))


def referral_of(case: Case) -> SanctuaryReferral:
    assert case.sanctuary.referral is not None
    return case.sanctuary.referral


def accepted_case(tenure: Tenure = Tenure.COUNCIL_GENERAL_NEEDS) -> tuple[Case, Steps]:
    steps = Steps(dartford_case(tenure))
    steps.refer()
    steps.assess_both()
    steps.decide()
    return steps.case, steps


def test_an_eligible_suitable_referral_after_both_risk_assessments_is_accepted() -> None:
    case, _ = accepted_case()
    referral = referral_of(case)
    assert referral.status is SanctuaryStatus.ACCEPTED
    assert (referral.rule, referral.section) == ("sanctuary_scheme_considered", "DBC 7.4.2; SCAR")
    assert TaskKind.EXPLORE_HOUSING_OPTIONS not in kinds(case.open_tasks)


@pytest.mark.parametrize(("fact", "value", "rule", "section"), [
    ("perpetrator_lives_at_property", True, "sanctuary_perpetrator_does_not_live_at_property",
     "DBC 7.4.2"),
    ("safe_to_stay", False, "sanctuary_safe_for_victim_to_stay", "DBC 7.4.2"),
    ("victim_chooses_to_stay", False, "sanctuary_victim_chooses_to_stay", "DBC 7.4.2"),
    ("perpetrator_associates_live_there", True,
     "sanctuary_no_perpetrator_associates_at_property", "DBC 7.4.2; SCAR Q11"),
    ("area_too_dangerous", True, "sanctuary_area_not_too_dangerous", "DBC 7.4.2; SCAR Q11"),
    ("household_can_operate_measures", False, "sanctuary_household_can_operate_measures",
     "DBC 7.4.2; SCAR Q11"),
])
def test_each_eligibility_and_suitability_rule_refuses_naming_itself_and_opens_other_options(
        fact: str, value: bool, rule: str, section: str) -> None:
    """DBC 7.4.2: all three eligibility conditions are needed; SCAR Q11: three cases where
    measures are unsuitable, and then other housing options are explored."""
    steps = Steps(dartford_case())
    steps.refer()
    steps.assess_both()
    steps.decide(replace(SUITABLE, **{fact: value}))
    referral = referral_of(steps.case)
    assert referral.status is SanctuaryStatus.NOT_ACCEPTED
    assert (referral.rule, referral.section) == (rule, section)
    assert referral.outcome_reason and referral.outcome_reason.startswith("Not accepted: ")
    explore = [t for t in steps.case.open_tasks
               if t.kind is TaskKind.EXPLORE_HOUSING_OPTIONS]
    assert len(explore) == 1 and explore[0].section == "SCAR Q11"
    assert explore[0].assignee == "Tenancy Services Team"


def test_an_eligibility_rule_raises_naming_its_rule_and_section() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_eligibility(replace(SUITABLE, victim_chooses_to_stay=False))
    assert str(refused.value) == ("sanctuary_victim_chooses_to_stay (DBC 7.4.2): staying is "
                                  "not the victim's choice")


def test_rent_arrears_never_block_sanctuary_measures() -> None:
    """DBC 7.6.1: arrears do not prevent pursuing the victim's safety. The same facts with
    arrears are accepted, and the arrears are on the record for an auditor to see."""
    steps = Steps(dartford_case())
    steps.refer()
    steps.assess_both()
    steps.decide(replace(SUITABLE, rent_arrears=True))
    assert referral_of(steps.case).status is SanctuaryStatus.ACCEPTED
    decided = [e for e in steps.case.collect_events()
               if type(e).__name__ == "SanctuaryDecided"]
    assert decided[0].facts["rent_arrears"] is True  # type: ignore[attr-defined]


@pytest.mark.parametrize("assessed", [(), ("case",), ("property",)])
def test_no_decision_before_the_case_and_the_property_are_risk_assessed(
        assessed: tuple[str, ...]) -> None:
    steps = Steps(dartford_case())
    steps.refer()
    for subject in assessed:
        steps("assess_sanctuary_risk", subject=subject, findings="Recorded at the visit.")
    with pytest.raises(RuleViolation, match=r"sanctuary_risk_assessed_before_decision "
                                            r"\(SCAR Q11\)"):
        steps.decide()
    assert referral_of(steps.case).status is SanctuaryStatus.REFERRED


def test_the_household_may_decline_measures_and_the_reason_is_recorded() -> None:
    """SCAR Q15: the reason is counted by its code and kept in the household's words."""
    case, steps = accepted_case()
    with pytest.raises(RuleViolation, match="reason_is_recorded"):
        steps("decline_sanctuary_measures", reason_code="moving_elsewhere", reason="  ")
    steps("decline_sanctuary_measures", reason_code="moving_elsewhere",
          reason="Would rather move than change the house.")
    referral = referral_of(case)
    assert referral.status is SanctuaryStatus.DECLINED
    assert referral.outcome_reason == "Would rather move than change the house."
    assert referral.decline_reason == "moving_elsewhere"


def test_measures_installed_record_type_date_installer_and_cost_in_pence() -> None:
    case, steps = accepted_case()
    day = steps.at.date().isoformat()
    steps("record_sanctuary_measure", measure_type="door_locks_changed", installed_on=day,
          installer="housing_maintenance_team", cost_pence=12_550)
    steps("record_sanctuary_measure", measure_type="door_viewer", installed_on=day,
          installer="housing_maintenance_team", cost_pence=2_000)
    assert referral_of(case).status is SanctuaryStatus.INSTALLED
    assert case.sanctuary.measures[0].to_dict() == {
        "measure_type": "door_locks_changed", "installed_on": day,
        "installer": "housing_maintenance_team", "cost_pence": 12_550}
    assert sum(m.cost_pence for m in case.sanctuary.measures) == 14_550


@pytest.mark.parametrize(("tenure", "installer"), [
    (Tenure.COUNCIL_GENERAL_NEEDS, "private_landlord"),
    (Tenure.PRIVATE_RENTED, "housing_maintenance_team"),
])
def test_the_housing_maintenance_team_installs_in_council_homes_and_only_there(
        tenure: Tenure, installer: str) -> None:
    """DBC 5.1; private landlords and housing associations take part for their homes
    (SCAR Q10)."""
    _, steps = accepted_case(tenure)
    with pytest.raises(RuleViolation, match=r"sanctuary_installer_fits_tenure \(DBC 5.1"):
        steps("record_sanctuary_measure", measure_type="window_locks",
              installed_on=steps.at.date().isoformat(), installer=installer, cost_pence=1)


def test_a_measure_is_not_recorded_before_the_referral_is_accepted() -> None:
    steps = Steps(dartford_case())
    steps.refer()
    with pytest.raises(ConflictError, match="sanctuary_step_in_order"):
        steps("record_sanctuary_measure", measure_type="alarm",
              installed_on=steps.at.date().isoformat(), installer="housing_maintenance_team",
              cost_pence=100)


def test_the_referrer_is_told_the_outcome_and_how_to_complain_once_there_is_one() -> None:
    case, steps = accepted_case()
    with pytest.raises(ConflictError, match="sanctuary_step_in_order"):
        steps("tell_sanctuary_referrer", channel="email")  # accepted, nothing installed yet
    steps("decline_sanctuary_measures", reason_code="moving_elsewhere",
          reason="Chose to move to family instead.")
    steps("tell_sanctuary_referrer", channel="email")
    told = [e for e in case.collect_events() if type(e).__name__ == "SanctuaryReferrerTold"]
    assert told[0].outcome == "declined"  # type: ignore[attr-defined]
    assert told[0].how_to_complain == HOW_TO_COMPLAIN  # type: ignore[attr-defined]
    assert "complaints procedure" in HOW_TO_COMPLAIN
    assert referral_of(case).referrer_told_at == steps.at


def test_the_record_carries_what_the_monitoring_return_needs() -> None:
    """SCAR Q15, DBC 14: tenure, referring agency, household type, and the protected
    characteristics and communication needs the victim chose to give (SCAR Q7), as codes."""
    steps = Steps(dartford_case(Tenure.HOUSING_ASSOCIATION))
    steps.refer(protected_characteristics={"age": "25_34", "disability": ""},
                communication_needs=["spoken_language_interpreter"])
    referral = referral_of(steps.case).to_dict()
    assert referral["tenure"] == "housing_association"
    assert referral["referring_agency"] == "Kent Police"
    assert referral["household_type"] == "lone_parent"
    assert referral["protected_characteristics"] == {"age": "25_34"}  # blank: not given
    assert referral["communication_needs"] == ["spoken_language_interpreter"]


def test_an_agency_referral_names_the_agency_and_anyone_may_refer() -> None:
    steps = Steps(dartford_case(Tenure.OWNER_OCCUPIER))
    with pytest.raises(RuleViolation, match="sanctuary_agency_named"):
        steps.refer(referring_agency="")
    steps.refer(referrer_kind="person", referring_agency=None)
    assert referral_of(steps.case).status is SanctuaryStatus.REFERRED


def test_a_second_referral_waits_until_the_first_has_closed() -> None:
    case, steps = accepted_case()
    with pytest.raises(ConflictError, match="sanctuary_one_referral_at_a_time"):
        steps.refer()
    steps("decline_sanctuary_measures", reason_code="feels_safe_now", reason="Not now.")
    steps.refer(referrer_kind="victim", referring_agency=None)
    assert referral_of(case).status is SanctuaryStatus.REFERRED


def test_a_dover_case_gets_improved_security_or_safer_not_the_sanctuary_scheme() -> None:
    """The Sanctuary Scheme is Dartford's (DBC 7.4.2). Dover's policy has none: its victims
    get locks to doors and windows changed as an emergency repair, or help to access KCC
    SAFER (D 8.36, D 8.37); the refusal says so."""
    steps = Steps(open_case(make_report(council=Council.DOVER)))
    with pytest.raises(RuleViolation) as refused:
        steps.refer()
    assert refused.value.rule == "no_sanctuary_scheme_offer_improved_security_or_safer"
    assert refused.value.section == "D 8.36, D 8.37; Dover has no Sanctuary Scheme"
    assert "SAFER" in refused.value.message
    assert steps.case.sanctuary.referral is None


def test_a_version_3_snapshot_gets_the_new_slices_a_replay_would_give() -> None:
    state: dict[str, Any] = {}
    upcast_v3_v4(state)
    assert state == {"sanctuary": SanctuaryState(), "repairs": RepairsState(),
                     "safer": SaferState()}


def test_the_sanctuary_records_round_trip_through_their_dicts() -> None:
    case, steps = accepted_case()
    steps("record_sanctuary_measure", measure_type="alarm",
          installed_on=steps.at.date().isoformat(), installer="housing_maintenance_team",
          cost_pence=30_000)
    referral = referral_of(case)
    assert SanctuaryReferral.from_dict(referral.to_dict()) == referral
    measure = case.sanctuary.measures[0]
    assert Measure.from_dict(measure.to_dict()) == measure

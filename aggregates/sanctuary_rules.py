"""The Sanctuary Scheme's rules (DBC 7.4.2; the Sanctuary review SCAR): who may have sanctuary
measures, who installs them, and the closed vocabularies its monitoring return counts
(SCAR Q15, DBC 14). Pure functions: each refusal raises a `RuleViolation` naming its rule and
section; `decide` turns a refusal into the decision the case records (not accepted, with the
rule), because a refusal is itself a fact the monitoring return reports.

Rent arrears are never a reason (DBC 7.6.1): `SanctuaryFacts.rent_arrears` is recorded so an
auditor can see it was known, and no rule reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from aggregates.equality import ProtectedCharacteristic as ProtectedCharacteristic
from aggregates.errors import RuleViolation
from aggregates.policies import Policy, Rule
from aggregates.report import Tenure

SCHEME = "DBC 7.4.2"
SUITABILITY = "DBC 7.4.2; SCAR Q11"
RISK_FIRST = "SCAR Q11"
INSTALLERS = "DBC 5.1; SCAR Q10"
EXPLORE_OPTIONS = Rule("explore_other_housing_options_where_sanctuary_unsuitable", "SCAR Q11")


class ReferrerKind(StrEnum):
    """Anyone may refer (DBC 7.4.2): the victim, another person, or an agency."""

    VICTIM = "victim"
    PERSON = "person"
    AGENCY = "agency"


class HouseholdType(StrEnum):
    """Household types the monitoring return counts (SCAR Q15)."""

    LONE_ADULT = "lone_adult"
    LONE_PARENT = "lone_parent"
    COUPLE_WITH_CHILDREN = "couple_with_children"
    COUPLE_WITHOUT_CHILDREN = "couple_without_children"
    OTHER_ADULTS = "other_adults"
    OTHER_WITH_CHILDREN = "other_with_children"


class RiskSubject(StrEnum):
    """What a Sanctuary risk assessment covers: both are needed before a decision."""

    CASE = "case"
    PROPERTY = "property"


class MeasureType(StrEnum):
    """Sanctuary measures by type (SCAR Q15 counts them)."""

    DOOR_LOCKS_CHANGED = "door_locks_changed"
    WINDOW_LOCKS = "window_locks"
    DOOR_REINFORCEMENT = "door_reinforcement"
    DOOR_CHAIN_OR_LIMITER = "door_chain_or_limiter"
    DOOR_VIEWER = "door_viewer"
    LETTERBOX_FIRE_GUARD = "letterbox_fire_guard"
    SECURITY_LIGHTING = "security_lighting"
    ALARM = "alarm"
    SANCTUARY_ROOM = "sanctuary_room"
    CCTV_OR_DOORBELL_CAMERA = "cctv_or_doorbell_camera"


class Installer(StrEnum):
    """Who installs: the Housing Maintenance Team in council homes (DBC 5.1); private
    landlords and housing associations take part for their own homes (SCAR Q10)."""

    HOUSING_MAINTENANCE_TEAM = "housing_maintenance_team"
    PRIVATE_LANDLORD = "private_landlord"
    HOUSING_ASSOCIATION = "housing_association"
    CONTRACTOR = "contractor"


class DeclineReason(StrEnum):
    """Why a household accepted for the scheme chose not to have measures (SCAR Q15 asks
    for "reasons why households chose not to have sanctuary measures installed"; the list is
    ours [guidance]: the seeds give none). A household that declined before reasons were
    coded has the reason `NOT_RECORDED`, which is never offered."""

    FEELS_SAFE_NOW = "feels_safe_now"
    MOVING_ELSEWHERE = "moving_elsewhere"
    PERPETRATOR_NO_LONGER_A_RISK = "perpetrator_no_longer_a_risk"
    NO_WORK_TO_HOME = "no_work_to_home"
    CHOSE_ANOTHER_OPTION = "chose_another_option"
    OTHER = "other"


NOT_RECORDED = "not_recorded"
DECLINE_WORDS: dict[str, str] = {
    DeclineReason.FEELS_SAFE_NOW: "Feels safe now",
    DeclineReason.MOVING_ELSEWHERE: "Moving elsewhere",
    DeclineReason.PERPETRATOR_NO_LONGER_A_RISK:
        "The perpetrator is no longer a risk (for example, in custody)",
    DeclineReason.NO_WORK_TO_HOME: "Does not want work done to the home",
    DeclineReason.CHOSE_ANOTHER_OPTION:
        "Chose another option (for example, a transfer or a refuge)",
    DeclineReason.OTHER: "Another reason",
    NOT_RECORDED: "Reason not recorded (declined before reasons were coded)",
}

# The codes above in the words a page, a timeline and a return show (SCAR Q15 counts
# households by type and measures by type): written out, since a code's own letters give
# "Cctv" and "Other adults" (adults of what household?).
HOUSEHOLD_WORDS: dict[str, str] = {
    HouseholdType.LONE_ADULT: "Lone adult",
    HouseholdType.LONE_PARENT: "Lone parent",
    HouseholdType.COUPLE_WITH_CHILDREN: "Couple with children",
    HouseholdType.COUPLE_WITHOUT_CHILDREN: "Couple without children",
    HouseholdType.OTHER_ADULTS: "Other household, adults only",
    HouseholdType.OTHER_WITH_CHILDREN: "Other household with children",
}
MEASURE_WORDS: dict[str, str] = {
    MeasureType.DOOR_LOCKS_CHANGED: "Door locks changed",
    MeasureType.WINDOW_LOCKS: "Window locks",
    MeasureType.DOOR_REINFORCEMENT: "Door reinforcement",
    MeasureType.DOOR_CHAIN_OR_LIMITER: "Door chain or limiter",
    MeasureType.DOOR_VIEWER: "Door viewer",
    MeasureType.LETTERBOX_FIRE_GUARD: "Letterbox fire guard",
    MeasureType.SECURITY_LIGHTING: "Security lighting",
    MeasureType.ALARM: "Alarm",
    MeasureType.SANCTUARY_ROOM: "Sanctuary room",
    MeasureType.CCTV_OR_DOORBELL_CAMERA: "CCTV or doorbell camera",
}
RISK_SUBJECT_WORDS: dict[str, str] = {
    RiskSubject.CASE: "The risk to the victim",
    RiskSubject.PROPERTY: "The security of the property",
}


class SanctuaryStatus(StrEnum):
    REFERRED = "referred"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    DECLINED = "declined"      # the household chose not to have measures
    INSTALLED = "installed"    # at least one measure installed


COUNCIL_HOMES = frozenset({Tenure.COUNCIL_GENERAL_NEEDS, Tenure.COUNCIL_HOUSING_SCHEME})
# Outcomes the referrer can be told of; a referral still being considered has none yet.
OUTCOMES = frozenset({SanctuaryStatus.NOT_ACCEPTED, SanctuaryStatus.DECLINED,
                      SanctuaryStatus.INSTALLED})


@dataclass(frozen=True)
class SanctuaryFacts:
    """What the officer established at the risk assessments, as yes / no facts."""

    perpetrator_lives_at_property: bool
    safe_to_stay: bool
    victim_chooses_to_stay: bool
    perpetrator_associates_live_there: bool
    area_too_dangerous: bool
    household_can_operate_measures: bool
    rent_arrears: bool = False  # recorded, never a reason (DBC 7.6.1)


@dataclass(frozen=True)
class SanctuaryDecision:
    accepted: bool
    rule: Rule
    reason: str


def check_scheme_offered(policy: Policy) -> None:
    """Only a council whose policy has a Sanctuary Scheme runs one. Dover's has none: its
    cases get locks changed as an emergency repair and help to access KCC SAFER (D 8.36,
    D 8.37)."""
    if not policy.has_sanctuary_scheme:
        raise RuleViolation(
            policy.sanctuary_scheme.name,
            "the council's policy has no Sanctuary Scheme; it offers improved security "
            "(locks to doors and windows changed) or help to access KCC SAFER instead",
            field="council", section=policy.sanctuary_scheme.section)


def check_eligibility(facts: SanctuaryFacts) -> None:
    """All three are required (DBC 7.4.2)."""
    if facts.perpetrator_lives_at_property:
        raise RuleViolation("sanctuary_perpetrator_does_not_live_at_property",
                            "the perpetrator lives at the property",
                            field="perpetrator_lives_at_property", section=SCHEME)
    if not facts.safe_to_stay:
        raise RuleViolation("sanctuary_safe_for_victim_to_stay",
                            "it is not safe for the victim to stay",
                            field="safe_to_stay", section=SCHEME)
    if not facts.victim_chooses_to_stay:
        raise RuleViolation("sanctuary_victim_chooses_to_stay",
                            "staying is not the victim's choice",
                            field="victim_chooses_to_stay", section=SCHEME)


def check_suitability(facts: SanctuaryFacts) -> None:
    """Measures are unsuitable in three cases (DBC 7.4.2; SCAR Q11)."""
    if facts.perpetrator_associates_live_there:
        raise RuleViolation("sanctuary_no_perpetrator_associates_at_property",
                            "the perpetrator's friends or relatives live at the property",
                            field="perpetrator_associates_live_there", section=SUITABILITY)
    if facts.area_too_dangerous:
        raise RuleViolation("sanctuary_area_not_too_dangerous",
                            "the area itself is too dangerous for the household",
                            field="area_too_dangerous", section=SUITABILITY)
    if not facts.household_can_operate_measures:
        raise RuleViolation("sanctuary_household_can_operate_measures",
                            "the household cannot operate the measures or follow safety "
                            "procedures", field="household_can_operate_measures",
                            section=SUITABILITY)


def check_risk_assessed(assessed: frozenset[RiskSubject]) -> None:
    """Suitability always depends on a risk assessment of the case and the property."""
    missing = sorted(set(RiskSubject) - assessed)
    if missing:
        raise RuleViolation("sanctuary_risk_assessed_before_decision",
                            f"record the risk assessment of the {' and the '.join(missing)} "
                            "first", field="facts", section=RISK_FIRST)


def decide(facts: SanctuaryFacts, policy: Policy) -> SanctuaryDecision:
    """Accepted, or not accepted naming the first rule the facts fail."""
    try:
        check_eligibility(facts)
        check_suitability(facts)
    except RuleViolation as refusal:
        return SanctuaryDecision(False, Rule(refusal.rule, refusal.section or SCHEME),
                                 f"Not accepted: {refusal.message}.")
    return SanctuaryDecision(True, policy.sanctuary_scheme,
                             "Accepted: eligible and measures are suitable.")


def check_decline_reason(reason: str) -> DeclineReason:
    """The household's reason as one of the codes a caseworker can pick (SCAR Q15); "not
    recorded" belongs to declines from before the codes and is refused."""
    if reason not in set(DeclineReason):
        raise RuleViolation("sanctuary_decline_reason_is_offered",
                            f"choose one of {[r.value for r in DeclineReason]}",
                            field="reason_code", section="SCAR Q15")
    return DeclineReason(reason)


def check_installer(tenure: Tenure, installer: Installer) -> None:
    """The Housing Maintenance Team installs in council homes, and only there."""
    council_home = tenure in COUNCIL_HOMES
    if council_home != (installer is Installer.HOUSING_MAINTENANCE_TEAM):
        who = ("the Housing Maintenance Team installs measures in council homes" if council_home
               else "the Housing Maintenance Team works on council homes only")
        raise RuleViolation("sanctuary_installer_fits_tenure", who, field="installer",
                            section=INSTALLERS)


def check_installation(installed_on: date, referred_on: date, today: date,
                       cost_pence: int) -> None:
    """A measure is installed after the referral, not in the future, at a cost in pence."""
    if not referred_on <= installed_on <= today:
        raise RuleViolation("sanctuary_installed_between_referral_and_today",
                            "the installation date must be from the referral to today",
                            field="installed_on")
    if isinstance(cost_pence, bool) or not isinstance(cost_pence, int) or not (
            0 <= cost_pence <= 10_000_000):
        raise RuleViolation("sanctuary_cost_in_pence",
                            "the cost is a whole number of pence from 0 to 10,000,000",
                            field="cost_pence")

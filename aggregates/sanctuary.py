"""The Sanctuary Scheme slice of a case (DBC 7.4.2, SCAR): a referral from anyone, risk
assessments of the case and the property, the decision, the household's choice, the measures
installed, and the referrer told of the outcome and how to complain.

State: `SanctuaryState` (`case.sanctuary`: the current `SanctuaryReferral`, `Measure`s
installed). Events: `Sanctuary*`. Rules: aggregates/sanctuary_rules.py. The record carries
what the monitoring return needs (SCAR Q15, DBC 14): tenure, referring agency, outcome with
its rule and reason, household type, protected characteristics and communication needs where
given (as codes: aggregates/equality.py), the household's coded reason for declining,
measures by type and cost.
Versions of its events: aggregates/sanctuary_versions.py.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.checks import check_reason
from aggregates.contact import ContactChannel
from aggregates.equality import check_answers, check_needs
from aggregates.errors import ConflictError, RuleViolation
from aggregates.recent_commands import remember_command
from aggregates.report import Actor, Tenure
from aggregates.sanctuary_records import Measure, SanctuaryReferral
from aggregates.sanctuary_rules import (
    EXPLORE_OPTIONS,
    OUTCOMES,
    HouseholdType,
    Installer,
    MeasureType,
    ProtectedCharacteristic,
    ReferrerKind,
    RiskSubject,
    SanctuaryFacts,
    SanctuaryStatus,
    check_decline_reason,
    check_installation,
    check_installer,
    check_risk_assessed,
    check_scheme_offered,
    decide,
)
from aggregates.sanctuary_versions import declined_v3_v4, referred_v3_v4
from aggregates.tasks import TaskKind
from aggregates.triage import TaskSpec, close_after_working_days
from aggregates.working_days import local_date

if TYPE_CHECKING:
    from aggregates.case import Case

# Working days to explore other housing options once measures are found unsuitable
# (configured default: SCAR Q11 sets no time).
EXPLORE_OPTIONS_WORKING_DAYS = 5


@dataclass(frozen=True)
class SanctuaryState:
    """The current referral (None: never referred) and the measures installed under it."""

    referral: SanctuaryReferral | None = None
    measures: list[Measure] = field(default_factory=list)


def _update(case: Case, **changes: Any) -> None:
    """Replace fields of the case's referral (events are applied only after their command
    found one, so a missing referral is a corrupt stream, not a rule)."""
    referral = case.sanctuary.referral
    if referral is None:
        raise LookupError("a Sanctuary event without a referral")
    case.sanctuary = replace(case.sanctuary, referral=replace(referral, **changes))


# ---- events -------------------------------------------------------------------------------

class SanctuaryReferred(CaseEvent):
    """`protected_characteristics`: {characteristic: answer code}, only those given;
    `communication_needs`: `CommunicationNeed` codes. `characteristics_in_own_words` and
    `needs_in_own_words` hold what a version 3 event recorded in words (empty since)."""

    class_version = 4

    referrer_kind: str
    referrer_name: str
    referrer_contact: str
    referring_agency: str | None
    tenure: str
    household_type: str
    protected_characteristics: dict[str, str]
    communication_needs: list[str]
    characteristics_in_own_words: dict[str, str]
    needs_in_own_words: list[str]

    upcast_v3_v4 = staticmethod(referred_v3_v4)

    def apply(self, case: Case) -> None:
        # A new referral (the first, or after one that closed) starts with no measures.
        case.sanctuary = SanctuaryState(referral=SanctuaryReferral(
            referred_at=self.at, referrer_kind=ReferrerKind(self.referrer_kind),
            referrer_name=self.referrer_name, referrer_contact=self.referrer_contact,
            referring_agency=self.referring_agency, tenure=Tenure(self.tenure),
            household_type=HouseholdType(self.household_type),
            protected_characteristics=dict(self.protected_characteristics),
            communication_needs=tuple(self.communication_needs)))
        remember_command(case.recent_commands, self.command_id)


class SanctuaryRiskAssessed(CaseEvent):
    subject: str
    findings: str

    def apply(self, case: Case) -> None:
        referral = case.sanctuary.referral
        assessed = referral.assessed if referral else frozenset()
        _update(case, assessed=assessed | {RiskSubject(self.subject)})
        remember_command(case.recent_commands, self.command_id)


class SanctuaryDecided(CaseEvent):
    accepted: bool
    rule: str
    section: str
    facts: dict[str, bool]

    def apply(self, case: Case) -> None:
        _update(case, rule=self.rule, section=self.section,
                status=SanctuaryStatus.ACCEPTED if self.accepted
                else SanctuaryStatus.NOT_ACCEPTED,
                outcome_reason=None if self.accepted else self.reason)
        remember_command(case.recent_commands, self.command_id)


class SanctuaryMeasuresDeclined(CaseEvent):
    """The household chose not to have measures: `reason_code` (a `DeclineReason`) says why
    for the return, `reason` in their words."""

    class_version = 4

    reason_code: str

    upcast_v3_v4 = staticmethod(declined_v3_v4)

    def apply(self, case: Case) -> None:
        _update(case, status=SanctuaryStatus.DECLINED, outcome_reason=self.reason,
                decline_reason=self.reason_code)
        remember_command(case.recent_commands, self.command_id)


class SanctuaryMeasureInstalled(CaseEvent):
    measure_type: str
    installed_on: str  # ISO date
    installer: str
    cost_pence: int

    def apply(self, case: Case) -> None:
        case.sanctuary.measures.append(Measure(
            measure_type=MeasureType(self.measure_type),
            installed_on=date.fromisoformat(self.installed_on),
            installer=Installer(self.installer), cost_pence=self.cost_pence))
        _update(case, status=SanctuaryStatus.INSTALLED)
        remember_command(case.recent_commands, self.command_id)


class SanctuaryReferrerTold(CaseEvent):
    outcome: str
    channel: str
    how_to_complain: str

    def apply(self, case: Case) -> None:
        _update(case, referrer_told_at=self.at)
        remember_command(case.recent_commands, self.command_id)


# ---- commands -----------------------------------------------------------------------------

HOW_TO_COMPLAIN = ("If you are not satisfied with the service, or believe you were "
                   "discriminated against, you can complain through the council's corporate "
                   "complaints procedure, in writing, by telephone or in person by "
                   "appointment; the Housing Ombudsman can look at it once that is done.")


class SanctuaryCommands(CaseParts):
    """Sanctuary Scheme commands of `Case` (mixed into it)."""

    def _sanctuary_referral(self, *expected: SanctuaryStatus) -> SanctuaryReferral:
        referral = self.sanctuary.referral
        if referral is None:
            raise RuleViolation("sanctuary_referral_exists",
                                "the case has no Sanctuary referral", field="referral")
        if expected and referral.status not in expected:
            raise ConflictError("sanctuary_step_in_order",
                                f"the Sanctuary referral is {referral.status.value}",
                                field="referral")
        return referral

    def refer_to_sanctuary(self, *, referrer_kind: ReferrerKind, referrer_name: str,
                           referrer_contact: str, referring_agency: str | None,
                           household_type: HouseholdType,
                           protected_characteristics: dict[ProtectedCharacteristic, str],
                           communication_needs: list[str], actor: Actor, at: datetime,
                           command_id: str) -> None:
        """A referral from anyone, for a resident of any tenure (DBC 7.4.2). One at a time:
        a new one only once the last was not accepted or declined. Equality answers are
        optional codes (CAR; SCAR Q7: aggregates/equality.py)."""
        check_scheme_offered(self.policy)
        answers = check_answers(protected_characteristics)
        needs = check_needs(communication_needs)
        current = self.sanctuary.referral
        if current is not None and current.status not in (SanctuaryStatus.NOT_ACCEPTED,
                                                          SanctuaryStatus.DECLINED):
            raise ConflictError("sanctuary_one_referral_at_a_time",
                                "the case already has a Sanctuary referral", field="referral")
        if referrer_kind is ReferrerKind.AGENCY and not (referring_agency or "").strip():
            raise RuleViolation("sanctuary_agency_named", "name the referring agency",
                                field="referring_agency", section="SCAR Q15")
        if not referrer_contact.strip():
            raise RuleViolation("sanctuary_referrer_can_be_told",
                                "say how to tell the referrer the outcome",
                                field="referrer_contact", section="DBC 7.4.2")
        self.trigger_event(
            SanctuaryReferred, referrer_kind=referrer_kind.value, referrer_name=referrer_name,
            referrer_contact=referrer_contact, referring_agency=referring_agency,
            tenure=self.report.tenure.value, household_type=household_type.value,
            protected_characteristics=answers, communication_needs=list(needs),
            characteristics_in_own_words={}, needs_in_own_words=[],
            actor=actor, at=at, command_id=command_id,
            reason=f"Referred to the Sanctuary Scheme by the {referrer_kind.value} "
                   f"({self.policy.sanctuary_scheme.section}).")

    def assess_sanctuary_risk(self, *, subject: RiskSubject, findings: str, actor: Actor,
                              at: datetime, command_id: str) -> None:
        """The risk assessment of the case or of the property (SCAR Q11)."""
        self._sanctuary_referral(SanctuaryStatus.REFERRED)
        check_reason(findings)
        self.trigger_event(SanctuaryRiskAssessed, subject=subject.value, findings=findings,
                           actor=actor, at=at, command_id=command_id,
                           reason=f"Risk assessment of the {subject.value} recorded.")

    def decide_sanctuary(self, *, facts: SanctuaryFacts, actor: Actor, at: datetime,
                         command_id: str) -> None:
        """Decide on the referral once both risk assessments are recorded. Not accepted:
        a task opens to explore other housing options with the victim (SCAR Q11)."""
        referral = self._sanctuary_referral(SanctuaryStatus.REFERRED)
        check_risk_assessed(referral.assessed)
        decision = decide(facts, self.policy)
        self.trigger_event(SanctuaryDecided, accepted=decision.accepted,
                           rule=decision.rule.name, section=decision.rule.section,
                           facts=asdict(facts), actor=actor, at=at, command_id=command_id,
                           reason=decision.reason)
        if not decision.accepted:
            self._open_tasks([TaskSpec(
                TaskKind.EXPLORE_HOUSING_OPTIONS, self.team,
                close_after_working_days(self.policy, at, EXPLORE_OPTIONS_WORKING_DAYS),
                EXPLORE_OPTIONS, f"{decision.reason} Other housing options are explored "
                "with the victim to keep them safe.")], actor, at, command_id)

    def decline_sanctuary_measures(self, *, reason_code: str, reason: str, actor: Actor,
                                   at: datetime, command_id: str) -> None:
        """The household chose not to have measures; the reason is recorded as a code the
        return counts and in their words (SCAR Q15)."""
        self._sanctuary_referral(SanctuaryStatus.ACCEPTED)
        code = check_decline_reason(reason_code)
        check_reason(reason)
        self.trigger_event(SanctuaryMeasuresDeclined, reason_code=code.value, actor=actor,
                           at=at, command_id=command_id, reason=reason)

    def record_sanctuary_measure(self, *, measure_type: MeasureType, installed_on: date,
                                 installer: Installer, cost_pence: int, actor: Actor,
                                 at: datetime, command_id: str) -> None:
        """A measure installed under an accepted referral (DBC 5.1; SCAR Q10, Q15)."""
        referral = self._sanctuary_referral(SanctuaryStatus.ACCEPTED, SanctuaryStatus.INSTALLED)
        check_installer(referral.tenure, installer)
        check_installation(installed_on, local_date(referral.referred_at), local_date(at),
                           cost_pence)
        self.trigger_event(SanctuaryMeasureInstalled, measure_type=measure_type.value,
                           installed_on=installed_on.isoformat(), installer=installer.value,
                           cost_pence=cost_pence, actor=actor, at=at, command_id=command_id,
                           reason=f"Sanctuary measure installed: "
                                  f"{measure_type.value.replace('_', ' ')}.")

    def tell_sanctuary_referrer(self, *, channel: ContactChannel, actor: Actor, at: datetime,
                                command_id: str) -> None:
        """The referrer is told the outcome and how to complain (DBC 7.4.2; SCAR Q15)."""
        referral = self._sanctuary_referral(*OUTCOMES)
        rule = self.policy.sanctuary_outcome_and_complaints
        self.trigger_event(SanctuaryReferrerTold, outcome=referral.status.value,
                           channel=channel.value, how_to_complain=HOW_TO_COMPLAIN, actor=actor,
                           at=at, command_id=command_id,
                           reason=f"Referrer told the outcome ({referral.status.value}) and "
                                  f"how to complain ({rule.section}).")

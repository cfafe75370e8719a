"""The homelessness slice of a case (D 8.38, D 3.1, D 3.6; DBC 4.1.2, 5.1, 14.2, Appendix A):
the victim's homelessness application, its priority need, its routing to the council's
homelessness team (a task for that team), the local connection test that is never applied to a
victim moving because of the abuse, whether the abuse was the reason for the loss of the
last settled home (the prevention and relief duties' monitoring, DBC 14.2), and how the duty
ended: homelessness prevented or not (HPI-15, CAR Q3).

State: `HomelessnessState` (`case.homelessness`: the `HomelessnessApplication`, or None).
Events: `HomelessnessApplicationRecorded`, `LocalConnectionRecorded`,
`LossOfSettledHomeRecorded`, `HomelessnessOutcomeRecorded`. Rules:
aggregates/housing_rules.py; the councils' choices: aggregates/housing_policies.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.errors import ConflictError, RuleViolation
from aggregates.housing_policies import housing_policy
from aggregates.housing_rules import (
    check_duties,
    check_local_connection_refusal,
    check_outcome_fits,
    decide_priority_need,
)
from aggregates.housing_terms import OUTCOME_WORDS, Duty, HomelessnessOutcome, HomelessStatus
from aggregates.recent_commands import remember_command
from aggregates.report import Actor
from aggregates.tasks import TaskKind
from aggregates.triage import TaskSpec, close_after_working_days

if TYPE_CHECKING:
    from aggregates.case import Case


# `abuse_loss_both_duties_version` of an application stored before it was kept, whose
# condition was already met (see `HomelessnessApplication.from_dict`): versions start at 1.
MET_BEFORE_KEPT = 0


@dataclass(frozen=True)
class HomelessnessApplication:
    """The victim's homelessness application and what was decided of it. `priority_need`
    None: not decided by the abuse rule; `local_connection_met` None: not tested (never for
    a victim moving because of the abuse); `abuse_lost_settled_home` None: not yet recorded.
    `abuse_loss_both_duties_version`: the case version of the `LossOfSettledHomeRecorded`
    that first recorded the abuse as the reason with both duties owed (DBC 14.2 counts the
    household once, however often it is recorded again), None until then. `outcome`: how
    the duty ended, recorded once at `outcome_at` (None: not yet)."""

    recorded_at: datetime
    status: HomelessStatus
    eligible: bool
    because_of_abuse: bool
    moving_because_of_abuse: bool
    priority_need: bool | None
    rule: str
    section: str
    team: str
    local_connection_met: bool | None = None
    abuse_lost_settled_home: bool | None = None
    duties: tuple[Duty, ...] = ()
    abuse_loss_both_duties_version: int | None = None
    outcome: HomelessnessOutcome | None = None
    outcome_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "recorded_at": self.recorded_at.isoformat(), "status": self.status.value,
            "eligible": self.eligible, "because_of_abuse": self.because_of_abuse,
            "moving_because_of_abuse": self.moving_because_of_abuse,
            "priority_need": self.priority_need, "rule": self.rule, "section": self.section,
            "team": self.team, "local_connection_met": self.local_connection_met,
            "abuse_lost_settled_home": self.abuse_lost_settled_home,
            "duties": [d.value for d in self.duties],
            "abuse_loss_both_duties_version": self.abuse_loss_both_duties_version,
            "outcome": self.outcome and self.outcome.value,
            "outcome_at": self.outcome_at and self.outcome_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HomelessnessApplication:
        """Snapshots written before the outcome and the DBC 14.2 version were kept lack their
        keys. No outcome event existed then: None, as a replay gives. A household already
        recorded then with abuse and both duties gets `MET_BEFORE_KEPT` (0, no event's
        version): its first event lies before the snapshot, where the monitoring projection
        replays it, so an event after the snapshot must not count it again."""
        outcome, outcome_at = data.get("outcome"), data.get("outcome_at")
        duties = tuple(Duty(d) for d in data["duties"])
        met = data["abuse_lost_settled_home"] is True and set(duties) == set(Duty)
        return cls(
            recorded_at=datetime.fromisoformat(data["recorded_at"]),
            status=HomelessStatus(data["status"]), eligible=data["eligible"],
            because_of_abuse=data["because_of_abuse"],
            moving_because_of_abuse=data["moving_because_of_abuse"],
            priority_need=data["priority_need"], rule=data["rule"], section=data["section"],
            team=data["team"], local_connection_met=data["local_connection_met"],
            abuse_lost_settled_home=data["abuse_lost_settled_home"], duties=duties,
            abuse_loss_both_duties_version=data.get(
                "abuse_loss_both_duties_version", MET_BEFORE_KEPT if met else None),
            outcome=HomelessnessOutcome(outcome) if outcome else None,
            outcome_at=datetime.fromisoformat(outcome_at) if outcome_at else None)


@dataclass(frozen=True)
class HomelessnessState:
    application: HomelessnessApplication | None = None


def _update(case: Case, **changes: Any) -> None:
    application = case.homelessness.application
    if application is None:
        raise LookupError("a homelessness event without an application")
    case.homelessness = HomelessnessState(application=replace(application, **changes))


# ---- events -------------------------------------------------------------------------------

class HomelessnessApplicationRecorded(CaseEvent):
    status: str
    eligible: bool
    because_of_abuse: bool
    moving_because_of_abuse: bool
    priority_need: bool | None
    rule: str
    section: str
    team: str
    routing_rule: str
    routing_section: str

    def apply(self, case: Case) -> None:
        case.homelessness = HomelessnessState(application=HomelessnessApplication(
            recorded_at=self.at, status=HomelessStatus(self.status), eligible=self.eligible,
            because_of_abuse=self.because_of_abuse,
            moving_because_of_abuse=self.moving_because_of_abuse,
            priority_need=self.priority_need, rule=self.rule, section=self.section,
            team=self.team))
        remember_command(case.recent_commands, self.command_id)


class LocalConnectionRecorded(CaseEvent):
    met: bool
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        _update(case, local_connection_met=self.met)
        remember_command(case.recent_commands, self.command_id)


class LossOfSettledHomeRecorded(CaseEvent):
    """DBC 14.2: whether domestic abuse was the reason for the loss of the last settled home,
    and which duties the household is owed."""

    abuse_was_reason: bool
    duties: list[str]
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        duties = tuple(Duty(d) for d in self.duties)
        application = case.homelessness.application
        first = application.abuse_loss_both_duties_version if application else None
        if first is None and self.abuse_was_reason and set(duties) == set(Duty):
            first = self.originator_version  # DBC 14.2: the first time it is true
        _update(case, abuse_lost_settled_home=self.abuse_was_reason, duties=duties,
                abuse_loss_both_duties_version=first)
        remember_command(case.recent_commands, self.command_id)


class HomelessnessOutcomeRecorded(CaseEvent):
    """How the duty owed on the application ended (a `HomelessnessOutcome` code); HPI-15
    (CAR Q3) counts a prevention in the month of this event."""

    outcome: str
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        _update(case, outcome=HomelessnessOutcome(self.outcome), outcome_at=self.at)
        remember_command(case.recent_commands, self.command_id)


# ---- commands -----------------------------------------------------------------------------

class HomelessnessCommands(CaseParts):
    """Homelessness commands of `Case` (mixed into it)."""

    def _homelessness_application(self) -> HomelessnessApplication:
        application = self.homelessness.application
        if application is None:
            raise RuleViolation("homelessness_application_recorded_first",
                                "record the homelessness application first",
                                field="application", section="D 8.38")
        return application

    def record_homelessness_application(self, *, status: HomelessStatus, eligible: bool,
                                       because_of_abuse: bool, moving_because_of_abuse: bool,
                                       actor: Actor, at: datetime, command_id: str) -> None:
        """The victim is homeless or threatened with it. Eligible and homeless because of the
        abuse: priority need (D 8.38, D 3.1; DBC 4.1.2). The application goes to the
        council's homelessness team as a task (Dover: Housing Options, D 8.38; Dartford:
        Housing Solutions, DBC 5.1 and Appendix A). One application per case."""
        if self.homelessness.application is not None:
            raise ConflictError("homelessness_application_recorded_once",
                                "the case already has a homelessness application",
                                field="application")
        housing = housing_policy(self.policy)
        need = decide_priority_need(housing, eligible=eligible,
                                    because_of_abuse=because_of_abuse)
        routing = housing.homelessness_routing
        self.trigger_event(
            HomelessnessApplicationRecorded, status=status.value, eligible=eligible,
            because_of_abuse=because_of_abuse, moving_because_of_abuse=moving_because_of_abuse,
            priority_need=need.priority_need, rule=need.rule.name, section=need.rule.section,
            team=housing.homelessness_team, routing_rule=routing.name,
            routing_section=routing.section, actor=actor, at=at, command_id=command_id,
            reason=f"{need.reason} ({need.rule.section})")
        self._open_tasks([TaskSpec(
            TaskKind.TAKE_HOMELESSNESS_APPLICATION, housing.homelessness_team,
            close_after_working_days(self.policy, at, housing.homelessness_working_days),
            routing, f"Homelessness applications go to the {housing.homelessness_team} "
            f"({routing.section}).")], actor, at, command_id)

    def record_local_connection(self, *, met: bool, actor: Actor, at: datetime,
                                command_id: str) -> None:
        """The local connection test's result. A refusal for want of one is itself refused
        for a victim moving because of the abuse (D 3.6, D 8.38): nothing is recorded."""
        application = self._homelessness_application()
        housing = housing_policy(self.policy)
        rule = housing.no_local_connection_test
        if not met:
            check_local_connection_refusal(
                housing, moving_because_of_abuse=application.moving_because_of_abuse)
        self.trigger_event(LocalConnectionRecorded, met=met, rule=rule.name,
                           section=rule.section, actor=actor, at=at, command_id=command_id,
                           reason="Local connection " + ("met." if met else "not met."))

    def record_loss_of_settled_home(self, *, abuse_was_reason: bool, duties: list[Duty],
                                    actor: Actor, at: datetime, command_id: str) -> None:
        """Whether the abuse was the reason for the loss of the last settled home, and the
        duties owed (prevention, relief): the monitoring return counts it (DBC 14.2)."""
        self._homelessness_application()
        check_duties(duties)
        rule = housing_policy(self.policy).loss_of_settled_home
        owed = sorted(set(duties))
        self.trigger_event(
            LossOfSettledHomeRecorded, abuse_was_reason=abuse_was_reason,
            duties=[d.value for d in owed], rule=rule.name, section=rule.section, actor=actor,
            at=at, command_id=command_id,
            reason=("Domestic abuse was" if abuse_was_reason else "Domestic abuse was not")
            + f" the reason for the loss of the last settled home ({rule.section}).")

    def record_homelessness_outcome(self, *, outcome: HomelessnessOutcome, actor: Actor,
                                    at: datetime, command_id: str) -> None:
        """How the duty owed ended: homelessness prevented (stayed, or moved), not prevented
        (relief owed), or ended without an answer (CAR Q3 HPI-15 counts preventions).
        Once per application: HPI-15 counts it in the month recorded, and a month's figure
        is final once the month ends (monitoring/definitions.py), so a second outcome is a
        conflict rather than a silent rewrite of a closed month."""
        application = self._homelessness_application()
        if application.outcome is not None:
            raise ConflictError("homelessness_outcome_recorded_once",
                                "the homelessness application already has an outcome",
                                field="outcome")
        check_outcome_fits(application.status, outcome)
        # One rule per council records every outcome, HPI-15's preventions and the rest
        # alike (HPI-15 is counted from all of them), so its section is cited as it stands
        # rather than chosen per outcome. Events recorded before keep their own reason.
        rule = housing_policy(self.policy).homelessness_outcome
        self.trigger_event(
            HomelessnessOutcomeRecorded, outcome=outcome.value, rule=rule.name,
            section=rule.section, actor=actor, at=at, command_id=command_id,
            reason=f"How the homelessness duty ended ({rule.section}): "
                   f"{OUTCOME_WORDS[outcome][0].lower()}{OUTCOME_WORDS[outcome][1:]}.")

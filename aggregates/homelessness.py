"""The homelessness slice of a case (D 8.38, D 3.1, D 3.6; DBC 4.1.2, 5.1, 14.2, Appendix A):
the victim's homelessness application, its priority need, its routing to the council's
homelessness team (a task for that team), the local connection test that is never applied to a
victim moving because of the abuse, and whether the abuse was the reason for the loss of the
last settled home (the prevention and relief duties' monitoring, DBC 14.2).

State: `HomelessnessState` (`case.homelessness`: the `HomelessnessApplication`, or None).
Events: `HomelessnessApplicationRecorded`, `LocalConnectionRecorded`,
`LossOfSettledHomeRecorded`. Rules: aggregates/housing_rules.py; the councils' choices:
aggregates/housing_policies.py.
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
    decide_priority_need,
)
from aggregates.housing_terms import Duty, HomelessStatus
from aggregates.recent_commands import remember_command
from aggregates.report import Actor
from aggregates.tasks import TaskKind
from aggregates.triage import TaskSpec, close_after_working_days

if TYPE_CHECKING:
    from aggregates.case import Case


@dataclass(frozen=True)
class HomelessnessApplication:
    """The victim's homelessness application and what was decided of it. `priority_need`
    None: not decided by the abuse rule; `local_connection_met` None: not tested (never for
    a victim moving because of the abuse); `abuse_lost_settled_home` None: not yet recorded."""

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "recorded_at": self.recorded_at.isoformat(), "status": self.status.value,
            "eligible": self.eligible, "because_of_abuse": self.because_of_abuse,
            "moving_because_of_abuse": self.moving_because_of_abuse,
            "priority_need": self.priority_need, "rule": self.rule, "section": self.section,
            "team": self.team, "local_connection_met": self.local_connection_met,
            "abuse_lost_settled_home": self.abuse_lost_settled_home,
            "duties": [d.value for d in self.duties],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HomelessnessApplication:
        return cls(
            recorded_at=datetime.fromisoformat(data["recorded_at"]),
            status=HomelessStatus(data["status"]), eligible=data["eligible"],
            because_of_abuse=data["because_of_abuse"],
            moving_because_of_abuse=data["moving_because_of_abuse"],
            priority_need=data["priority_need"], rule=data["rule"], section=data["section"],
            team=data["team"], local_connection_met=data["local_connection_met"],
            abuse_lost_settled_home=data["abuse_lost_settled_home"],
            duties=tuple(Duty(d) for d in data["duties"]))


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
        _update(case, abuse_lost_settled_home=self.abuse_was_reason,
                duties=tuple(Duty(d) for d in self.duties))
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

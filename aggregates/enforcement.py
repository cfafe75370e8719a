"""Enforcement against a perpetrator (D 8.39-8.41, D 8.43; DBC 7.5): the victim's wishes,
the specialists consulted, and enforcement considered only once both are recorded, because
action can raise the victim's risk. Part of the tenancy-options state (`case.tenancy`:
aggregates/tenancy_records.py); rules: aggregates/housing_rules.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.errors import RuleViolation
from aggregates.housing_policies import housing_policy
from aggregates.housing_rules import check_enforcement
from aggregates.housing_terms import EnforcementGround, Specialist
from aggregates.recent_commands import remember_command
from aggregates.report import Actor
from aggregates.tenancy_records import UNAUTHORISED_OCCUPANT

if TYPE_CHECKING:
    from aggregates.case import Case


def _set_wishes(case: Case, at: datetime) -> None:
    case.tenancy = replace(case.tenancy, wishes_recorded_at=at)


class VictimWishesRecorded(CaseEvent):
    """The victim's wishes about action against the perpetrator, in their words."""

    wishes: str

    def apply(self, case: Case) -> None:
        _set_wishes(case, self.at)
        remember_command(case.recent_commands, self.command_id)


class SpecialistConsulted(CaseEvent):
    specialist: str
    advice: str

    def apply(self, case: Case) -> None:
        if self.specialist not in case.tenancy.specialists:
            case.tenancy.specialists.append(self.specialist)
        remember_command(case.recent_commands, self.command_id)


class EnforcementConsidered(CaseEvent):
    ground: str
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        case.tenancy.enforcement.append(self.ground)
        remember_command(case.recent_commands, self.command_id)


class EnforcementCommands(CaseParts):
    """Enforcement commands of `Case` (mixed into it)."""

    def record_victim_wishes(self, *, wishes: str, actor: Actor, at: datetime,
                             command_id: str) -> None:
        """The victim's wishes about action against the perpetrator (DBC 7.5.1)."""
        if not wishes.strip():
            raise RuleViolation("wishes_in_words", "say what the victim wishes",
                                field="wishes", section="DBC 7.5.1")
        self.trigger_event(VictimWishesRecorded, wishes=wishes, actor=actor, at=at,
                           command_id=command_id,
                           reason="The victim's wishes about action against the "
                                  "perpetrator recorded.")

    def record_specialist_consulted(self, *, specialist: Specialist, advice: str, actor: Actor,
                                    at: datetime, command_id: str) -> None:
        """A specialist agency consulted before punitive action (D 8.39)."""
        self.trigger_event(SpecialistConsulted, specialist=specialist.value, advice=advice,
                           actor=actor, at=at, command_id=command_id,
                           reason=f"Specialist consulted: {specialist.value.replace('_', ' ')}.")

    def consider_enforcement(self, *, ground: EnforcementGround, actor: Actor, at: datetime,
                             command_id: str) -> None:
        """Enforcement against the perpetrator considered, only once the victim's wishes are
        recorded and a specialist consulted (D 8.39-8.40; DBC 7.5.1)."""
        housing = housing_policy(self.policy)
        state = self.tenancy
        basis = (UNAUTHORISED_OCCUPANT in state.outcomes
                 if ground is EnforcementGround.UNAUTHORISED_OCCUPANT_POSSESSION
                 else state.perpetrator_is_tenant)
        check_enforcement(housing, basis=basis, wishes_recorded=state.wishes_recorded_at
                          is not None, specialists=[Specialist(s) for s in state.specialists])
        rule = housing.enforcement_after_specialists
        self.trigger_event(EnforcementConsidered, ground=ground.value, rule=rule.name,
                           section=f"{housing.enforcement_after_wishes.section}; "
                                   f"{rule.section}", actor=actor, at=at,
                           command_id=command_id,
                           reason=f"Enforcement considered: {ground.value.replace('_', ' ')}.")

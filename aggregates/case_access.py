"""The access slice of a case: who may see it (D 8.27). Assign to a team and officer,
restrict to named staff, lift a restriction, declare a conflict of interest, break glass.

State: `AccessState` (`case.access`). Events: `Assigned`, `Restricted`, `RestrictionLifted`,
`ConflictDeclared`, `BreakGlassUsed`, `AccessChangeNotified`, named on `Case` (their topics
stay `aggregates.case:Case.<name>`, which the task board and notifications select by). Rules:
aggregates/access.py (need to know, break-glass) and aggregates/access_changes.py (who may
change access, who is told); the command registry is aggregates/commands/registry.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from aggregates.access import (
    BREAK_GLASS_PERIOD,
    CaseAccessFacts,
    StaffFacts,
    check_break_glass,
    told_of_break_glass,
)
from aggregates.access_changes import (
    KnownStaff,
    check_may_see_cases,
    check_not_by_break_glass,
    check_team_is_routed,
    check_works_cases,
    told_of_lift,
    told_of_reassignment,
)
from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.checks import check_aware, check_reason
from aggregates.errors import ConflictError, RuleViolation
from aggregates.recent_commands import remember_command
from aggregates.report import Actor

if TYPE_CHECKING:
    from aggregates.case import Case


@dataclass(frozen=True)
class AccessState:
    """Who may see the case: its team and officer; `restricted_to` the only staff who may
    (None: not restricted); `conflicted` staff who declared a conflict of interest;
    `break_glass_until` staff id -> when their break-glass access ends. The set and the dict
    change one entry per event."""

    team: str = ""
    officer_id: str | None = None
    restricted_to: frozenset[str] | None = None
    conflicted: set[str] = field(default_factory=set)
    break_glass_until: dict[str, datetime] = field(default_factory=dict)


# ---- events (named on Case) ---------------------------------------------------------------

class Assigned(CaseEvent):
    team: str
    officer_id: str | None

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)
        case.access = replace(case.access, team=self.team, officer_id=self.officer_id)


class Restricted(CaseEvent):
    named_staff: list[str]

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)
        case.access = replace(case.access, restricted_to=frozenset(self.named_staff))


class RestrictionLifted(CaseEvent):
    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)
        case.access = replace(case.access, restricted_to=None)


class ConflictDeclared(CaseEvent):
    staff_id: str

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)
        case.access.conflicted.add(self.staff_id)


class BreakGlassUsed(CaseEvent):
    staff_id: str
    until: str
    notify: list[str]

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)
        case.access.break_glass_until[self.staff_id] = datetime.fromisoformat(self.until)


class AccessChangeNotified(CaseEvent):
    """Who is told of a change to who may see the case (`change`: restriction_lifted or
    reassigned), read by `CaseStore.notifications_for`."""

    change: str
    notify: list[str]

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)


# ---- commands -----------------------------------------------------------------------------

class AccessCommands(CaseParts):
    """Access commands of `Case` (mixed into it), and the facts the need-to-know rule reads."""

    @property
    def assigned_team(self) -> str:
        return self.access.team

    @property
    def officer_id(self) -> str | None:
        return self.access.officer_id

    @property
    def restricted_to(self) -> frozenset[str] | None:
        return self.access.restricted_to

    @property
    def conflicted(self) -> set[str]:
        return self.access.conflicted

    @property
    def break_glass_until(self) -> dict[str, datetime]:
        return self.access.break_glass_until

    @property
    def access_facts(self) -> CaseAccessFacts:
        """What the need-to-know rule needs of this case."""
        access = self.access
        return CaseAccessFacts(
            council=self.council, team=access.team, officer_id=access.officer_id,
            escalated=bool(self.work.escalated), restricted_to=access.restricted_to,
            conflicted=frozenset(access.conflicted),
            break_glass_until=access.break_glass_until,
            reported_by=self.opened_by.staff_id,
        )

    def assign(self, *, team: str, officer_id: str | None, actor: Actor, reason: str,
               command_id: str, known: Mapping[str, KnownStaff], at: datetime) -> None:
        """Give the case to a team its policy routes to and, optionally, a named officer of
        its council (`known`: the directory's facts by staff id); the previous officer is
        told."""
        check_reason(reason)
        if not team.strip():
            raise RuleViolation("case_has_team", "name the team", field="team")
        facts = self.access_facts
        check_not_by_break_glass(actor.staff_id, known, facts, at)
        check_team_is_routed(team, self.policy.routed_teams)
        if officer_id is not None:
            check_works_cases(officer_id, known, self.council, "officer_id")
        self.trigger_event(self.Assigned, team=team, officer_id=officer_id,
                           command_id=command_id, actor=actor, reason=reason, at=at)
        self._notify("reassigned", told_of_reassignment(facts, officer_id, actor.staff_id),
                     actor, reason, command_id, at)

    def restrict(self, *, named_staff: list[str], actor: Actor, reason: str,
                 command_id: str, known: Mapping[str, KnownStaff], at: datetime) -> None:
        """Only the named people, staff of the case's council who may see cases, may see the
        case from now on (D 8.27)."""
        check_reason(reason)
        if not named_staff:
            raise RuleViolation("restriction_names_people",
                                "name at least one member of staff", field="named_staff",
                                section="D 8.27")
        check_not_by_break_glass(actor.staff_id, known, self.access_facts, at)
        for index, staff_id in enumerate(named_staff):
            check_may_see_cases(staff_id, known, self.council, f"named_staff.{index}")
        self.trigger_event(self.Restricted, named_staff=sorted(set(named_staff)),
                           command_id=command_id, actor=actor, reason=reason, at=at)

    def lift_restriction(self, *, actor: Actor, reason: str, command_id: str,
                         known: Mapping[str, KnownStaff], at: datetime) -> None:
        """End a restriction; the people who were named on it are told."""
        check_reason(reason)
        if self.access.restricted_to is None:
            raise ConflictError("lift_only_a_restriction", "the case is not restricted")
        facts = self.access_facts
        check_not_by_break_glass(actor.staff_id, known, facts, at)
        self.trigger_event(self.RestrictionLifted, command_id=command_id,
                           actor=actor, reason=reason, at=at)
        self._notify("restriction_lifted", told_of_lift(facts, actor.staff_id), actor, reason,
                     command_id, at)

    def _notify(self, change: str, notify: list[str], actor: Actor, reason: str,
                command_id: str, at: datetime) -> None:
        if notify:
            self.trigger_event(self.AccessChangeNotified, change=change, notify=notify,
                               command_id=command_id, actor=actor, reason=reason,
                               at=at)

    def declare_conflict(self, *, actor: Actor, reason: str, at: datetime,
                         command_id: str) -> None:
        """The declaring member of staff loses access to the case (D 8.27)."""
        check_aware(at, "at")
        check_reason(reason)
        self.trigger_event(self.ConflictDeclared, staff_id=actor.staff_id,
                           command_id=command_id, actor=actor, reason=reason, at=at)

    def break_glass(self, *, staff: StaffFacts, manager_id: str | None, actor: Actor,
                    reason: str, at: datetime, command_id: str) -> None:
        """A DSO opens the case outside their need to know; those entitled to know the case
        exists are told (`told_of_break_glass`)."""
        check_aware(at, "at")
        facts = self.access_facts
        check_break_glass(staff, facts, reason)
        notify = told_of_break_glass(facts, staff.staff_id, manager_id)
        self.trigger_event(self.BreakGlassUsed, staff_id=staff.staff_id,
                           until=(at + BREAK_GLASS_PERIOD).isoformat(), notify=notify,
                           command_id=command_id, actor=actor, reason=reason, at=at)

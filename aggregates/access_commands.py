"""Who may see a case, as commands of `Case` (mixed into it, like the safeguarding and sharing
commands): assign, restrict, lift a restriction, declare a conflict of interest, break glass
(D 8.27). The events stay on `Case`; the rules are in aggregates/access.py and
aggregates/access_changes.py; the registry is aggregates/commands.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

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
from aggregates.checks import check_aware, check_reason
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Council

if TYPE_CHECKING:
    from aggregates.policies import Policy


class AccessCommands:
    """Access commands of `Case` (mixed into it)."""

    if TYPE_CHECKING:
        restricted_to: frozenset[str] | None
        Assigned: Any
        Restricted: Any
        RestrictionLifted: Any
        ConflictDeclared: Any
        BreakGlassUsed: Any
        AccessChangeNotified: Any

        @property
        def policy(self) -> Policy: ...
        @property
        def council(self) -> Council: ...
        @property
        def access_facts(self) -> CaseAccessFacts: ...
        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

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
        if self.restricted_to is None:
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

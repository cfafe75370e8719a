"""Changing who may see a case (assign, restrict, lift a restriction), D 8.27: a perpetrator
may try to reach the victim's record through staff they know.

- Break-glass reads, it does not take over: access that rests on break-glass lets one read the
  case and record work, never change who may see it (`check_not_by_break_glass`, 403).
- Whoever a command names is an active member of staff of the case's council: an officer or a
  MARAC action owner in a role that works cases (`check_works_cases`), a restriction member in
  a role that may see cases (`check_may_see_cases`: auditors too, who check the record, D 8.26;
  never an administrator), 422; a team is one the council's policy routes cases to
  (`check_team_is_routed`, 422).
- Those cut out of a case are told: lifting a restriction tells the people named on it,
  reassigning tells the previous officer (`told_of_lift`, `told_of_reassignment`).

The domain reads no directory: the edge looks each named id up in the staff directory and hands
what it says in as data (`KnownStaff`, by staff id); an id it does not hold is not known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from aggregates.access import (
    CASE_STAFF_ROLES,
    CaseAccessFacts,
    Forbidden,
    StaffFacts,
    need_to_know,
)
from aggregates.errors import RuleViolation
from aggregates.report import Council, Role

SECTION = "D 8.27"
# Who may be named on a restriction: those who work cases, and auditors (they read the cases
# of their council, D 8.26; a restricted one only if named). Never an administrator.
MAY_SEE_CASES = CASE_STAFF_ROLES | {Role.AUDITOR}


@dataclass(frozen=True)
class KnownStaff:
    """What the staff directory says of one staff id: no name, only what the rules need."""

    staff_id: str
    role: Role
    council: Council
    active: bool
    teams: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role.value, "council": self.council.value, "active": self.active,
                "teams": sorted(self.teams)}

    @property
    def facts(self) -> StaffFacts:
        return StaffFacts(staff_id=self.staff_id, role=self.role, teams=self.teams,
                          council=self.council)


def known_staff(directory: Mapping[str, Any]) -> dict[str, KnownStaff]:
    """`directory` (staff id → {"role", "council", "active", "teams"}, as a command carries it)
    as `KnownStaff`; a malformed entry raises RuleViolation (`directory_entry_shape`)."""
    known: dict[str, KnownStaff] = {}
    if not isinstance(directory, Mapping):
        raise RuleViolation("directory_entry_shape", "the directory is a mapping",
                            field="directory")
    for staff_id, entry in directory.items():
        try:
            known[staff_id] = KnownStaff(
                staff_id=staff_id, role=Role(entry["role"]), council=Council(entry["council"]),
                active=entry["active"] is True, teams=frozenset(entry.get("teams", ())))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise RuleViolation("directory_entry_shape", "a directory entry is malformed",
                                field="directory") from None
    return known


def _is_active_of(staff_id: str | None, known: Mapping[str, KnownStaff], council: Council,
                  roles: frozenset[Role]) -> bool:
    entry = known.get(staff_id) if staff_id else None
    return (entry is not None and entry.active and entry.council is council
            and entry.role in roles)


def check_works_cases(staff_id: str | None, known: Mapping[str, KnownStaff], council: Council,
                      field: str) -> None:
    """`staff_id` is an active member of staff of `council` in a role that works cases (not an
    administrator, an auditor or an id nobody holds). One rule and one message for every
    failure, so the answer does not tell whether the id exists, nor in which council."""
    if not _is_active_of(staff_id, known, council, CASE_STAFF_ROLES):
        raise RuleViolation("named_staff_works_cases_of_council",
                            "name an active caseworker, DSO or line manager of the case's "
                            "council", field=field, section=SECTION)


def check_may_see_cases(staff_id: str, known: Mapping[str, KnownStaff], council: Council,
                        field: str) -> None:
    """`staff_id` is an active member of staff of `council` in a role of `MAY_SEE_CASES`;
    one rule and one message for every failure, as in `check_works_cases`."""
    if not _is_active_of(staff_id, known, council, MAY_SEE_CASES):
        raise RuleViolation("named_staff_may_see_cases_of_council",
                            "name an active caseworker, DSO, line manager or auditor of the "
                            "case's council", field=field, section=SECTION)


def check_team_is_routed(team: str, routed: Iterable[str]) -> None:
    """A case goes only to a team its council's policy routes cases to: under any other name
    nobody is in its team, and its tasks reach nobody."""
    if team not in set(routed):
        raise RuleViolation("team_is_routed_by_policy",
                            "name a team the council's policy routes cases to", field="team",
                            section=SECTION)


def check_not_by_break_glass(actor_id: str, known: Mapping[str, KnownStaff],
                             case: CaseAccessFacts, now: datetime) -> None:
    """Who may see a case is changed only by someone who needs to know it without
    break-glass. Break-glass (an emergency read, logged and told) would otherwise let a line
    manager lift a restriction and take the case. Facts about the actor missing while their
    break-glass is open count as access by break-glass (fail closed)."""
    glass = case.break_glass_until.get(actor_id)
    if glass is None or now >= glass:
        return  # their access (checked at the edge) does not rest on break-glass
    entry = known.get(actor_id)
    without_glass = replace(case, break_glass_until={})
    if entry is None or not need_to_know(entry.facts, without_glass, now).allowed:
        raise Forbidden("break_glass_does_not_change_access",
                        "break-glass lets you read the case and record work, not change who "
                        "may see it", section=SECTION)


def told_of_lift(case: CaseAccessFacts, actor_id: str) -> list[str]:
    """Lifting a restriction tells the people who were named on it (the case is open to
    more people now), except whoever lifts it and anyone who declared a conflict."""
    named = case.restricted_to or frozenset()
    return sorted(s for s in named if s != actor_id and s not in case.conflicted)


def told_of_reassignment(case: CaseAccessFacts, new_officer: str | None,
                         actor_id: str) -> list[str]:
    """Reassigning tells the previous officer (they lose the case), unless they are whoever
    reassigns it, they stay its officer, or they declared a conflict."""
    before = case.officer_id
    if before is None or before in (new_officer, actor_id) or before in case.conflicted:
        return []
    return [before]

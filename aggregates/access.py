"""Who may do what, and who needs to know a case (D 8.27: perpetrators may try to reach the
victim's records through staff they know; records are shared on a need-to-know basis).

Two rules, both pure and both here so there is one place to read them:
- `ROLE_PERMISSIONS`: which roles may use each command or query at all (else 403);
- `need_to_know`: whether this member of staff may see this case (else the same 404 as a case
  that does not exist, so a restricted case's existence leaks nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from aggregates.errors import RuleViolation
from aggregates.report import Council, Role

# How long a break-glass opening lasts before it must be asked for again (configured default:
# long enough for a working day, short enough that access does not quietly become permanent).
BREAK_GLASS_PERIOD = timedelta(hours=8)


class Permission(StrEnum):
    OPEN_CASE = "open_case"
    READ_CASE = "read_case"
    COMPLETE_TASK = "complete_task"
    RECORD_CASE_WORK = "record_case_work"  # DASH, MARAC, incidents, household, consent, contacts
    ASSIGN_CASE = "assign_case"
    RESTRICT_CASE = "restrict_case"
    DECLARE_CONFLICT = "declare_conflict"
    BREAK_GLASS = "break_glass"
    READ_ACCESS_LOG = "read_access_log"
    READ_OWN_NOTIFICATIONS = "read_own_notifications"
    MANAGE_STAFF = "manage_staff"


_CASE_STAFF = {Permission.OPEN_CASE, Permission.READ_CASE, Permission.COMPLETE_TASK,
               Permission.RECORD_CASE_WORK, Permission.DECLARE_CONFLICT,
               Permission.READ_OWN_NOTIFICATIONS}
_SAFEGUARDING_LEADS = _CASE_STAFF | {Permission.ASSIGN_CASE, Permission.RESTRICT_CASE,
                                     Permission.BREAK_GLASS}

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.CASEWORKER: frozenset(_CASE_STAFF),
    Role.DSO: frozenset(_SAFEGUARDING_LEADS),
    Role.LINE_MANAGER: frozenset(_SAFEGUARDING_LEADS),
    # Auditors read everything and change nothing.
    Role.AUDITOR: frozenset({Permission.READ_CASE, Permission.READ_ACCESS_LOG,
                             Permission.DECLARE_CONFLICT, Permission.READ_OWN_NOTIFICATIONS}),
    # Administrators manage accounts; they have no need to know any case.
    Role.ADMINISTRATOR: frozenset({Permission.MANAGE_STAFF, Permission.READ_OWN_NOTIFICATIONS}),
    Role.SYSTEM: frozenset(),
}


class Forbidden(RuleViolation):
    """The role may not use this command or query at all."""


def check_permission(role: Role, permission: Permission) -> None:
    """Raise `Forbidden` unless `role` may use `permission`."""
    if permission not in ROLE_PERMISSIONS[role]:
        raise Forbidden("role_may_use_action",
                        f"the role {role.value!r} may not {permission.value.replace('_', ' ')}")


@dataclass(frozen=True)
class StaffFacts:
    """What the need-to-know rule needs of a member of staff."""

    staff_id: str
    role: Role
    teams: frozenset[str]
    council: Council


@dataclass(frozen=True)
class CaseAccessFacts:
    """What the need-to-know rule needs of a case (no personal data)."""

    council: Council
    team: str
    officer_id: str | None
    escalated: bool
    restricted_to: frozenset[str] | None = None
    conflicted: frozenset[str] = frozenset()
    break_glass_until: Mapping[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    rule: str


def need_to_know(staff: StaffFacts, case: CaseAccessFacts, now: datetime) -> AccessDecision:
    """Whether `staff` may see `case` now, and the rule that decided it."""
    if staff.staff_id in case.conflicted:
        return AccessDecision(False, "conflict_of_interest_removes_access")
    until = case.break_glass_until.get(staff.staff_id)
    if until is not None and now < until:
        return AccessDecision(True, "break_glass")
    if case.restricted_to is not None:
        if staff.staff_id in case.restricted_to:
            return AccessDecision(True, "named_on_restricted_case")
        return AccessDecision(False, "restricted_case")
    if staff.role is Role.AUDITOR:
        return AccessDecision(True, "auditor_reads_all")
    if staff.role in (Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER):
        if case.officer_id == staff.staff_id:
            return AccessDecision(True, "assigned_officer")
        if case.team in staff.teams and case.council is staff.council:
            return AccessDecision(True, "assigned_team")
    if (staff.role in (Role.DSO, Role.LINE_MANAGER) and case.escalated
            and case.council is staff.council):
        return AccessDecision(True, "escalated_to_dso")
    return AccessDecision(False, "no_need_to_know")


def check_break_glass(staff: StaffFacts, case: CaseAccessFacts, reason: str) -> None:
    """A DSO may open a case outside their need to know, giving a reason (never past a
    conflict of interest they declared)."""
    check_permission(staff.role, Permission.BREAK_GLASS)
    if staff.staff_id in case.conflicted:
        raise Forbidden("conflict_of_interest_removes_access",
                        "you declared a conflict of interest on this case")
    if len(reason.strip()) < 10:
        raise RuleViolation("break_glass_needs_reason",
                            "give the reason for opening the case (at least 10 characters)",
                            field="reason")

"""Who may do what, and who needs to know a case (D 8.27: perpetrators may try to reach the
victim's records through staff they know; records are shared on a need-to-know basis).

Need to know has three axes, and all of them are here so there is one place to read them:
- who: `ROLE_PERMISSIONS` (which roles may use each command or query at all, else 403) and
  `need_to_know` (role, team, officer, reporter, named on a restriction, break-glass);
- where: the council boundary, crossed only under a recorded `CrossCouncilArrangement`
  (none by default);
- what: the data categories each role may read (`aggregates/data_categories.py`).
A refusal is the same 404 as a case that does not exist, so a hidden case's existence leaks
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from aggregates.errors import RuleViolation
from aggregates.report import Council, Role

# How long a break-glass opening lasts before it must be asked for again (configured default:
# long enough for a working day, short enough that access does not quietly become permanent).
BREAK_GLASS_PERIOD = timedelta(hours=8)
BREAK_GLASS_MIN_REASON = 10

# Who may break glass past a restriction (D 8.27: a restriction exists because the perpetrator
# may reach the case through staff; configured default). A DSO may not: the restriction names
# who may see the case, and a DSO not named was left out on purpose. A line manager (senior to
# the DSOs) may, with a reason, and the people named on the restriction are told.
BREAK_GLASS_PAST_RESTRICTION: frozenset[Role] = frozenset({Role.LINE_MANAGER})


class Permission(StrEnum):
    OPEN_CASE = "open_case"
    READ_CASE = "read_case"
    COMPLETE_TASK = "complete_task"
    # DASH, MARAC, incidents, household, consent, contacts, case notes
    RECORD_CASE_WORK = "record_case_work"
    ASSIGN_CASE = "assign_case"
    RESTRICT_CASE = "restrict_case"
    DECLARE_CONFLICT = "declare_conflict"
    BREAK_GLASS = "break_glass"
    READ_ACCESS_LOG = "read_access_log"
    READ_TRANSPARENCY_LOG = "read_transparency_log"  # checkpoints and proofs: hashes only
    READ_OWN_NOTIFICATIONS = "read_own_notifications"
    MANAGE_STAFF = "manage_staff"
    # A partner's verified, signed message applied to a case (the system acts on it).
    RECORD_PARTNER_MESSAGE = "record_partner_message"
    # The pattern of repairs (DBC 7.2): the repairs system feeds jobs; the housing team reads
    # the reviews they open and decides on each.
    FEED_REPAIR_JOBS = "feed_repair_jobs"
    REVIEW_REPAIR_PATTERN = "review_repair_pattern"
    # An evidence bundle for the police, a court or the Ombudsman (D 8.24-8.28), under a
    # recorded decision to share: safeguarding leads and auditors, never every caseworker.
    EXPORT_EVIDENCE = "export_evidence"


_CASE_STAFF = {Permission.OPEN_CASE, Permission.READ_CASE, Permission.COMPLETE_TASK,
               Permission.RECORD_CASE_WORK, Permission.DECLARE_CONFLICT,
               Permission.READ_OWN_NOTIFICATIONS, Permission.REVIEW_REPAIR_PATTERN}
_SAFEGUARDING_LEADS = _CASE_STAFF | {Permission.ASSIGN_CASE, Permission.RESTRICT_CASE,
                                     Permission.BREAK_GLASS, Permission.EXPORT_EVIDENCE}
CASE_STAFF_ROLES = frozenset({Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER})

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.CASEWORKER: frozenset(_CASE_STAFF),
    Role.DSO: frozenset(_SAFEGUARDING_LEADS),
    Role.LINE_MANAGER: frozenset(_SAFEGUARDING_LEADS),
    # Auditors read every case of their council (what they read: data_categories.py) and
    # change nothing.
    Role.AUDITOR: frozenset({Permission.READ_CASE, Permission.READ_ACCESS_LOG,
                             Permission.READ_TRANSPARENCY_LOG, Permission.DECLARE_CONFLICT,
                             Permission.READ_OWN_NOTIFICATIONS,
                             Permission.EXPORT_EVIDENCE}),
    # Administrators manage accounts; they have no need to know any case.
    Role.ADMINISTRATOR: frozenset({Permission.MANAGE_STAFF, Permission.READ_OWN_NOTIFICATIONS}),
    Role.SYSTEM: frozenset({Permission.RECORD_PARTNER_MESSAGE}),
    # Only jobs in: it reads no case, no review, nothing of anyone.
    Role.REPAIRS_SYSTEM: frozenset({Permission.FEED_REPAIR_JOBS}),
}


def sees_repair_review(staff: StaffFacts, council: Council, team: str) -> bool:
    """Whether `staff` reads a review of the pattern of repairs (DBC 7.2) opened for `team`
    of `council`: case staff of that team; DSOs and line managers of the council (they
    supervise the team). No arrangement crosses councils for these: no case exists yet."""
    if staff.council is not council or Permission.REVIEW_REPAIR_PATTERN not in (
            ROLE_PERMISSIONS[staff.role]):
        return False
    return team in staff.teams or staff.role in (Role.DSO, Role.LINE_MANAGER)


class Forbidden(RuleViolation):
    """The role may not use this command or query at all."""


def check_permission(role: Role, permission: Permission) -> None:
    """Raise `Forbidden` unless `role` may use `permission`."""
    if permission not in ROLE_PERMISSIONS[role]:
        raise Forbidden("role_may_use_action",
                        f"the role {role.value!r} may not {permission.value.replace('_', ' ')}")


@dataclass(frozen=True)
class CrossCouncilArrangement:
    """A recorded agreement that staff of `staff_council` in one of `roles` may see cases of
    `case_council` (e.g. a joint audit). `reference` says where it is recorded."""

    staff_council: Council
    case_council: Council
    roles: frozenset[Role]
    reference: str


# Policy data: nobody crosses the council boundary unless an arrangement is recorded here.
CROSS_COUNCIL_ARRANGEMENTS: tuple[CrossCouncilArrangement, ...] = ()


@dataclass(frozen=True)
class StaffFacts:
    """What the need-to-know rule needs of a member of staff."""

    staff_id: str
    role: Role
    teams: frozenset[str]
    council: Council


@dataclass(frozen=True)
class CaseAccessFacts:
    """What the need-to-know rule needs of a case (no personal data). `reported_by` is the
    staff id of whoever recorded the report (None where not known)."""

    council: Council
    team: str
    officer_id: str | None
    escalated: bool
    restricted_to: frozenset[str] | None = None
    conflicted: frozenset[str] = frozenset()
    break_glass_until: Mapping[str, datetime] = field(default_factory=dict)
    reported_by: str | None = None


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    rule: str


def within_council(staff: StaffFacts, case: CaseAccessFacts,
                   arrangements: Iterable[CrossCouncilArrangement] = CROSS_COUNCIL_ARRANGEMENTS,
                   ) -> bool:
    """The case is of the member of staff's council, or a recorded arrangement lets their
    role cross to it."""
    if staff.council is case.council:
        return True
    return any(a.staff_council is staff.council and a.case_council is case.council
               and staff.role in a.roles for a in arrangements)


def need_to_know(staff: StaffFacts, case: CaseAccessFacts, now: datetime,
                 arrangements: Iterable[CrossCouncilArrangement] = CROSS_COUNCIL_ARRANGEMENTS,
                 ) -> AccessDecision:
    """Whether `staff` may see `case` now, and the rule that decided it."""
    if staff.staff_id in case.conflicted:
        return AccessDecision(False, "conflict_of_interest_removes_access")
    if not within_council(staff, case, arrangements):
        return AccessDecision(False, "council_boundary")
    until = case.break_glass_until.get(staff.staff_id)
    glass = until is not None and now < until
    if case.restricted_to is not None:
        if staff.staff_id in case.restricted_to:
            return AccessDecision(True, "named_on_restricted_case")
        if glass and staff.role in BREAK_GLASS_PAST_RESTRICTION:
            return AccessDecision(True, "break_glass_past_restriction")
        return AccessDecision(False, "restricted_case")
    if glass:
        return AccessDecision(True, "break_glass")
    if staff.role is Role.AUDITOR:
        return AccessDecision(True, "auditor_reads_council")
    if staff.role in CASE_STAFF_ROLES:
        if case.officer_id == staff.staff_id:
            return AccessDecision(True, "assigned_officer")
        if case.reported_by == staff.staff_id:
            return AccessDecision(True, "recorded_the_report")
        # Team names are a council's own: a team of the same name elsewhere is another team.
        if case.team in staff.teams and case.council is staff.council:
            return AccessDecision(True, "assigned_team")
    if (staff.role in (Role.DSO, Role.LINE_MANAGER) and case.escalated
            and case.council is staff.council):
        return AccessDecision(True, "escalated_to_dso")
    return AccessDecision(False, "no_need_to_know")


def break_glass_refusal(staff: StaffFacts, case: CaseAccessFacts,
                        arrangements: Iterable[CrossCouncilArrangement] = (
                            CROSS_COUNCIL_ARRANGEMENTS)) -> str | None:
    """The rule that keeps `staff` from breaking glass into `case` without their knowing the
    case exists (the edge answers it as a case that does not exist), or None."""
    if not within_council(staff, case, arrangements):
        return "council_boundary"
    if (case.restricted_to is not None and staff.staff_id not in case.restricted_to
            and staff.role not in BREAK_GLASS_PAST_RESTRICTION):
        return "restriction_bars_break_glass"
    return None


def check_break_glass(staff: StaffFacts, case: CaseAccessFacts, reason: str) -> None:
    """A DSO or line manager may open a case of their council outside their need to know,
    giving a reason: never past a conflict of interest they declared, and past a restriction
    only in a role of `BREAK_GLASS_PAST_RESTRICTION`."""
    check_permission(staff.role, Permission.BREAK_GLASS)
    if staff.staff_id in case.conflicted:
        raise Forbidden("conflict_of_interest_removes_access",
                        "you declared a conflict of interest on this case")
    refusal = break_glass_refusal(staff, case)
    if refusal is not None:
        raise Forbidden(refusal, "break-glass cannot open this case", section="D 8.27")
    if len(reason.strip()) < BREAK_GLASS_MIN_REASON:
        raise RuleViolation("break_glass_needs_reason",
                            "give the reason for opening the case "
                            f"(at least {BREAK_GLASS_MIN_REASON} characters)", field="reason")


def told_of_break_glass(case: CaseAccessFacts, breaker_id: str,
                        manager_id: str | None) -> list[str]:
    """Who is told that `breaker_id` broke glass: only people entitled to know the case
    exists. On a restricted case, the people named on it (the breaker's manager only if
    named); otherwise the case's officer and the breaker's manager. Never anyone who declared
    a conflict of interest, nor the breaker."""
    if case.restricted_to is not None:
        candidates: set[str | None] = set(case.restricted_to)
    else:
        candidates = {case.officer_id, manager_id}
    return sorted(s for s in candidates
                  if s and s != breaker_id and s not in case.conflicted)

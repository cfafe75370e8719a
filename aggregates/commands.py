"""Commands on a case after intake, other than completing tasks: one dataclass and one handler
each, listed in `COMMANDS`. The case's workflow applies them in order (it is the single
writer); `parse_command` lets its update validator refuse a bad one before history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from aggregates.access import StaffFacts
from aggregates.access_changes import check_works_cases, known_staff
from aggregates.case import Case
from aggregates.errors import RuleViolation
from aggregates.report import Actor, Child, Council, Role
from aggregates.sharing import check_recipient

# `directory` on a command: what the staff directory says of each staff id the command names
# and of whoever gives it (staff id -> {"role", "council", "active", "teams"}), looked up by
# the edge (aggregates/access_changes.py). An id missing from it is not a member of staff.
Directory = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class AssignCase:
    team: str
    reason: str
    officer_id: str | None = None
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class RestrictCase:
    named_staff: list[str]
    reason: str
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class LiftRestriction:
    reason: str
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class DeclareConflict:
    reason: str


@dataclass(frozen=True)
class UseBreakGlass:
    """`teams`, `council` and `manager_id` are the DSO's, from the staff directory."""

    reason: str
    teams: list[str]
    council: str
    manager_id: str | None = None


@dataclass(frozen=True)
class SaveDash:
    """`answers`: question number → [answer, comment] (answer yes / no / not_known)."""

    answers: dict[str, list[str]]
    police_callouts_12_months: int = 0
    victim_present: bool = True


@dataclass(frozen=True)
class CompleteDash:
    answers: dict[str, list[str]]
    police_callouts_12_months: int = 0
    victim_present: bool = True
    professional_judgement: bool = False
    judgement_reason: str = ""


@dataclass(frozen=True)
class RecordMaracHearing:
    referral_id: str
    heard_on: str  # ISO date


@dataclass(frozen=True)
class AddMaracActions:
    """`actions`: [{"description", "owner_id", "due_on" (ISO date)}]."""

    referral_id: str
    actions: list[dict[str, str]]
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class ReportIncident:
    occurred_on: str  # ISO date
    summary: str


@dataclass(frozen=True)
class AddChild:
    age: int
    name: str | None = None


@dataclass(frozen=True)
class RecordSupportConsent:
    given: bool
    reason: str


@dataclass(frozen=True)
class RecordContact:
    party: str
    purpose: str
    channel: str
    note: str = ""


@dataclass(frozen=True)
class RecordSharingDecision:
    """D 12.5: every decision to share or not, with its basis and reasons; `partner` is a
    registered partner's id, checked as the command is built (so before history)."""

    partner: str
    purpose: str
    shared: bool
    categories: list[str]
    lawful_basis: str | None = None
    justification: str = ""
    reasons: str = ""
    under_isa: bool = True

    def __post_init__(self) -> None:
        check_recipient(self.partner)


@dataclass(frozen=True)
class RecordConsent:
    purpose: str
    given: bool
    reason: str


@dataclass(frozen=True)
class CommandContext:
    actor: Actor
    at: datetime
    command_id: str


Handler = Callable[[Case, Any, CommandContext], None]


def _assign(case: Case, cmd: AssignCase, ctx: CommandContext) -> None:
    case.assign(team=cmd.team, officer_id=cmd.officer_id, actor=ctx.actor, reason=cmd.reason,
                command_id=ctx.command_id, known=known_staff(cmd.directory), at=ctx.at)


def _restrict(case: Case, cmd: RestrictCase, ctx: CommandContext) -> None:
    case.restrict(named_staff=cmd.named_staff, actor=ctx.actor, reason=cmd.reason,
                  command_id=ctx.command_id, known=known_staff(cmd.directory), at=ctx.at)


def _lift(case: Case, cmd: LiftRestriction, ctx: CommandContext) -> None:
    case.lift_restriction(actor=ctx.actor, reason=cmd.reason, command_id=ctx.command_id,
                          known=known_staff(cmd.directory), at=ctx.at)


def _declare_conflict(case: Case, cmd: DeclareConflict, ctx: CommandContext) -> None:
    case.declare_conflict(actor=ctx.actor, reason=cmd.reason, at=ctx.at,
                          command_id=ctx.command_id)


def _break_glass(case: Case, cmd: UseBreakGlass, ctx: CommandContext) -> None:
    staff = StaffFacts(staff_id=ctx.actor.staff_id, role=ctx.actor.role,
                       teams=frozenset(cmd.teams), council=Council(cmd.council))
    case.break_glass(staff=staff, manager_id=cmd.manager_id, actor=ctx.actor, reason=cmd.reason,
                     at=ctx.at, command_id=ctx.command_id)


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RuleViolation("date_is_iso", "give the date as YYYY-MM-DD", field=field) from None


def parse_answers(answers: dict[str, list[str]]) -> dict[int, tuple[str, str]]:
    parsed: dict[int, tuple[str, str]] = {}
    for key, value in answers.items():
        if not str(key).isdigit() or not isinstance(value, list) or not 1 <= len(value) <= 2:
            raise RuleViolation("dash_answer_shape", "each answer is [answer, comment]",
                                field=f"answers.{key}")
        parsed[int(key)] = (str(value[0]), str(value[1]) if len(value) == 2 else "")
    return parsed


def _save_dash(case: Case, cmd: SaveDash, ctx: CommandContext) -> None:
    case.save_dash(answers=parse_answers(cmd.answers),
                   police_callouts_12_months=cmd.police_callouts_12_months,
                   victim_present=cmd.victim_present, actor=ctx.actor, at=ctx.at,
                   command_id=ctx.command_id)


def _complete_dash(case: Case, cmd: CompleteDash, ctx: CommandContext) -> None:
    case.complete_dash(answers=parse_answers(cmd.answers),
                       police_callouts_12_months=cmd.police_callouts_12_months,
                       victim_present=cmd.victim_present,
                       professional_judgement=cmd.professional_judgement,
                       judgement_reason=cmd.judgement_reason, actor=ctx.actor, at=ctx.at,
                       command_id=ctx.command_id)


def _record_marac_hearing(case: Case, cmd: RecordMaracHearing, ctx: CommandContext) -> None:
    case.record_marac_hearing(referral_id=cmd.referral_id,
                              heard_on=parse_date(cmd.heard_on, "heard_on"), actor=ctx.actor,
                              at=ctx.at, command_id=ctx.command_id)


def _add_marac_actions(case: Case, cmd: AddMaracActions, ctx: CommandContext) -> None:
    actions = []
    known = known_staff(cmd.directory)
    for index, action in enumerate(cmd.actions):
        if not isinstance(action, dict):
            raise RuleViolation("marac_action_shape", "each action is an object",
                                field=f"actions.{index}")
        actions.append({**action, "due_on": parse_date(action.get("due_on", ""),
                                                       f"actions.{index}.due_on")})
        # D 8.27: the owner learns of the case through their task, so is a member of staff of
        # the case's council who works cases (none at all: `marac_action_has_owner`).
        if action.get("owner_id"):
            check_works_cases(action["owner_id"], known, case.council,
                              f"actions.{index}.owner_id")
    case.add_marac_actions(referral_id=cmd.referral_id, actions=actions, actor=ctx.actor,
                           at=ctx.at, command_id=ctx.command_id)


def _report_incident(case: Case, cmd: ReportIncident, ctx: CommandContext) -> None:
    case.report_incident(occurred_on=parse_date(cmd.occurred_on, "occurred_on"),
                         summary=cmd.summary, actor=ctx.actor, at=ctx.at,
                         command_id=ctx.command_id)


def _add_child(case: Case, cmd: AddChild, ctx: CommandContext) -> None:
    case.add_child(child=Child(age=cmd.age, name=cmd.name), actor=ctx.actor, at=ctx.at,
                   command_id=ctx.command_id)


def _record_support_consent(case: Case, cmd: RecordSupportConsent, ctx: CommandContext) -> None:
    case.record_support_consent(given=cmd.given, actor=ctx.actor, reason=cmd.reason, at=ctx.at,
                                command_id=ctx.command_id)


def _record_contact(case: Case, cmd: RecordContact, ctx: CommandContext) -> None:
    case.record_contact(party=cmd.party, purpose=cmd.purpose, channel=cmd.channel,
                        note=cmd.note, actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


def _record_sharing_decision(case: Case, cmd: RecordSharingDecision,
                             ctx: CommandContext) -> None:
    case.decide_sharing(partner=cmd.partner, purpose=cmd.purpose, categories=cmd.categories,
                        shared=cmd.shared, lawful_basis=cmd.lawful_basis,
                        justification=cmd.justification, reasons=cmd.reasons,
                        under_isa=cmd.under_isa, actor=ctx.actor, at=ctx.at,
                        command_id=ctx.command_id)


def _record_consent(case: Case, cmd: RecordConsent, ctx: CommandContext) -> None:
    case.change_consent(purpose=cmd.purpose, given=cmd.given, actor=ctx.actor,
                        reason=cmd.reason, at=ctx.at, command_id=ctx.command_id)


COMMANDS: dict[str, tuple[type, Handler]] = {
    "assign_case": (AssignCase, _assign),
    "restrict_case": (RestrictCase, _restrict),
    "lift_restriction": (LiftRestriction, _lift),
    "declare_conflict": (DeclareConflict, _declare_conflict),
    "break_glass": (UseBreakGlass, _break_glass),
    "save_dash": (SaveDash, _save_dash),
    "complete_dash": (CompleteDash, _complete_dash),
    "record_marac_hearing": (RecordMaracHearing, _record_marac_hearing),
    "add_marac_actions": (AddMaracActions, _add_marac_actions),
    "report_incident": (ReportIncident, _report_incident),
    "add_child": (AddChild, _add_child),
    "record_support_consent": (RecordSupportConsent, _record_support_consent),
    "record_contact": (RecordContact, _record_contact),
    "record_sharing_decision": (RecordSharingDecision, _record_sharing_decision),
    "record_consent": (RecordConsent, _record_consent),
}

_CASE_STAFF = frozenset({Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER})

# Roles that may give each command (the web edge checks permissions too; this is the domain's
# own line, so a command reaching the workflow by another route is still refused).
COMMAND_ROLES: dict[str, frozenset[Role]] = {
    "assign_case": frozenset({Role.DSO, Role.LINE_MANAGER}),
    "restrict_case": frozenset({Role.DSO, Role.LINE_MANAGER}),
    "lift_restriction": frozenset({Role.DSO, Role.LINE_MANAGER}),
    "declare_conflict": frozenset({Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER, Role.AUDITOR}),
    "break_glass": frozenset({Role.DSO, Role.LINE_MANAGER}),
    **{name: _CASE_STAFF for name in (
        "save_dash", "complete_dash", "record_marac_hearing", "add_marac_actions",
        "report_incident", "add_child", "record_support_consent", "record_contact",
        "record_sharing_decision", "record_consent")},
}


def parse_command(name: str, args: dict[str, Any], role: str) -> Any:
    """Build the command named `name` from `args`, or raise a RuleViolation naming the problem."""
    if name not in COMMANDS:
        raise RuleViolation("command_is_known", f"unknown command {name!r}", field="command")
    if role not in {r.value for r in COMMAND_ROLES[name]}:
        raise RuleViolation("role_may_give_command",
                            f"the role {role!r} may not give {name!r}", field="role")
    command_type, _ = COMMANDS[name]
    known = {f.name for f in fields(command_type)}
    unknown = set(args) - known
    if unknown:
        raise RuleViolation("command_fields_known", f"unexpected fields {sorted(unknown)}",
                            field=sorted(unknown)[0])
    try:
        return command_type(**args)
    except TypeError:
        raise RuleViolation("command_fields_complete", f"{name!r} is missing a field",
                            field="command") from None


def apply_command(case: Case, name: str, args: dict[str, Any], ctx: CommandContext) -> None:
    """Apply a command to the case (the aggregate checks its own rules)."""
    command = parse_command(name, args, ctx.actor.role.value)
    _, handler = COMMANDS[name]
    handler(case, command, ctx)

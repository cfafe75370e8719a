"""Commands on a case after intake, other than completing tasks: one dataclass and one handler
each, listed in `COMMANDS`. The case's workflow applies them in order (it is the single
writer); `parse_command` lets its update validator refuse a bad one before history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from aggregates.access import StaffFacts
from aggregates.case import Case
from aggregates.errors import RuleViolation
from aggregates.report import Actor, Council, Role


@dataclass(frozen=True)
class AssignCase:
    team: str
    reason: str
    officer_id: str | None = None


@dataclass(frozen=True)
class RestrictCase:
    named_staff: list[str]
    reason: str


@dataclass(frozen=True)
class LiftRestriction:
    reason: str


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
class CommandContext:
    actor: Actor
    at: datetime
    command_id: str


Handler = Callable[[Case, Any, CommandContext], None]


def _assign(case: Case, cmd: AssignCase, ctx: CommandContext) -> None:
    case.assign(team=cmd.team, officer_id=cmd.officer_id, actor=ctx.actor, reason=cmd.reason,
                command_id=ctx.command_id)


def _restrict(case: Case, cmd: RestrictCase, ctx: CommandContext) -> None:
    case.restrict(named_staff=cmd.named_staff, actor=ctx.actor, reason=cmd.reason,
                  command_id=ctx.command_id)


def _lift(case: Case, cmd: LiftRestriction, ctx: CommandContext) -> None:
    case.lift_restriction(actor=ctx.actor, reason=cmd.reason, command_id=ctx.command_id)


def _declare_conflict(case: Case, cmd: DeclareConflict, ctx: CommandContext) -> None:
    case.declare_conflict(actor=ctx.actor, reason=cmd.reason, command_id=ctx.command_id)


def _break_glass(case: Case, cmd: UseBreakGlass, ctx: CommandContext) -> None:
    staff = StaffFacts(staff_id=ctx.actor.staff_id, role=ctx.actor.role,
                       teams=frozenset(cmd.teams), council=Council(cmd.council))
    case.break_glass(staff=staff, manager_id=cmd.manager_id, actor=ctx.actor, reason=cmd.reason,
                     at=ctx.at, command_id=ctx.command_id)


COMMANDS: dict[str, tuple[type, Handler]] = {
    "assign_case": (AssignCase, _assign),
    "restrict_case": (RestrictCase, _restrict),
    "lift_restriction": (LiftRestriction, _lift),
    "declare_conflict": (DeclareConflict, _declare_conflict),
    "break_glass": (UseBreakGlass, _break_glass),
}

# Roles that may give each command (the web edge checks permissions too; this is the domain's
# own line, so a command reaching the workflow by another route is still refused).
COMMAND_ROLES: dict[str, frozenset[Role]] = {
    "assign_case": frozenset({Role.DSO, Role.LINE_MANAGER}),
    "restrict_case": frozenset({Role.DSO, Role.LINE_MANAGER}),
    "lift_restriction": frozenset({Role.DSO, Role.LINE_MANAGER}),
    "declare_conflict": frozenset({Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER, Role.AUDITOR}),
    "break_glass": frozenset({Role.DSO, Role.LINE_MANAGER}),
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

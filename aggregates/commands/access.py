"""Access commands (D 8.27): assign, restrict, lift a restriction, declare a conflict of
interest, break glass. The rules are the case's (aggregates/case_access.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from aggregates.access import Permission, StaffFacts
from aggregates.access_changes import known_staff
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, Directory, handles
from aggregates.report import Council


@dataclass(frozen=True)
class AssignCase(Command):
    command_name: ClassVar[str] = "assign_case"
    permission: ClassVar[Permission] = Permission.ASSIGN_CASE
    team: str
    reason: str
    officer_id: str | None = None
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class RestrictCase(Command):
    command_name: ClassVar[str] = "restrict_case"
    permission: ClassVar[Permission] = Permission.RESTRICT_CASE
    named_staff: list[str]
    reason: str
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class LiftRestriction(Command):
    command_name: ClassVar[str] = "lift_restriction"
    permission: ClassVar[Permission] = Permission.RESTRICT_CASE
    reason: str
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class DeclareConflict(Command):
    command_name: ClassVar[str] = "declare_conflict"
    permission: ClassVar[Permission] = Permission.DECLARE_CONFLICT
    reason: str


@dataclass(frozen=True)
class UseBreakGlass(Command):
    """`teams`, `council` and `manager_id` are the DSO's, from the staff directory."""

    command_name: ClassVar[str] = "break_glass"
    permission: ClassVar[Permission] = Permission.BREAK_GLASS
    reason: str
    teams: list[str]
    council: str
    manager_id: str | None = None


@handles(AssignCase)
def _assign(case: Case, cmd: AssignCase, ctx: CommandContext) -> None:
    case.assign(team=cmd.team, officer_id=cmd.officer_id, actor=ctx.actor, reason=cmd.reason,
                command_id=ctx.command_id, known=known_staff(cmd.directory), at=ctx.at)


@handles(RestrictCase)
def _restrict(case: Case, cmd: RestrictCase, ctx: CommandContext) -> None:
    case.restrict(named_staff=cmd.named_staff, actor=ctx.actor, reason=cmd.reason,
                  command_id=ctx.command_id, known=known_staff(cmd.directory), at=ctx.at)


@handles(LiftRestriction)
def _lift(case: Case, cmd: LiftRestriction, ctx: CommandContext) -> None:
    case.lift_restriction(actor=ctx.actor, reason=cmd.reason, command_id=ctx.command_id,
                          known=known_staff(cmd.directory), at=ctx.at)


@handles(DeclareConflict)
def _declare_conflict(case: Case, cmd: DeclareConflict, ctx: CommandContext) -> None:
    case.declare_conflict(actor=ctx.actor, reason=cmd.reason, at=ctx.at,
                          command_id=ctx.command_id)


@handles(UseBreakGlass)
def _break_glass(case: Case, cmd: UseBreakGlass, ctx: CommandContext) -> None:
    staff = StaffFacts(staff_id=ctx.actor.staff_id, role=ctx.actor.role,
                       teams=frozenset(cmd.teams), council=Council(cmd.council))
    case.break_glass(staff=staff, manager_id=cmd.manager_id, actor=ctx.actor, reason=cmd.reason,
                     at=ctx.at, command_id=ctx.command_id)

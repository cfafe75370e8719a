"""One table of the commands on a case after intake: each command is a frozen dataclass that
names itself and the permission it needs, and `@handles(Command)` puts it and its handler in
`COMMANDS`. The case's workflow applies them in order (it is the single writer);
`parse_command` lets its update validator refuse a bad one before history.

Who may give a command is the role table of aggregates/access.py (`ROLE_PERMISSIONS`): the web
edge checks the same permission before it builds the command, and `parse_command` checks it
again, so a command reaching the workflow by another route is still refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any, ClassVar, NamedTuple, TypeVar

from aggregates.access import ROLE_PERMISSIONS, Permission
from aggregates.case import Case
from aggregates.errors import RuleViolation
from aggregates.report import Actor, Role

# `directory` on a command: what the staff directory says of each staff id the command names
# and of whoever gives it (staff id -> {"role", "council", "active", "teams"}), looked up by
# the edge (aggregates/access_changes.py). An id missing from it is not a member of staff.
Directory = dict[str, dict[str, Any]]


class Command:
    """A command on a case. Subclasses are frozen dataclasses whose fields are its arguments
    (JSON values: they cross Temporal as `CaseCommandInput.args`)."""

    command_name: ClassVar[str]  # what the workflow's update carries, e.g. "assign_case"
    permission: ClassVar[Permission]  # the roles whose ROLE_PERMISSIONS hold it may give it

    @classmethod
    def roles(cls) -> frozenset[Role]:
        return frozenset(role for role, held in ROLE_PERMISSIONS.items()
                         if cls.permission in held)

    def args(self) -> dict[str, Any]:
        """The command's arguments as the workflow's update carries them."""
        return asdict(self)  # type: ignore[call-overload, no-any-return]


@dataclass(frozen=True)
class CommandContext:
    actor: Actor
    at: datetime
    command_id: str


C = TypeVar("C", bound=Command)
Handler = Callable[[Case, Any, CommandContext], None]


class Registered(NamedTuple):
    command_type: type[Command]
    handler: Handler


COMMANDS: dict[str, Registered] = {}


def handles(command_type: type[C]) -> Callable[[Callable[[Case, C, CommandContext], None]],
                                               Callable[[Case, C, CommandContext], None]]:
    """Register `command_type` and the decorated function as its one handler."""

    def register(handler: Callable[[Case, C, CommandContext], None]) -> Callable[
            [Case, C, CommandContext], None]:
        if command_type.command_name in COMMANDS:
            raise ValueError(f"two commands are named {command_type.command_name!r}")
        COMMANDS[command_type.command_name] = Registered(command_type, handler)
        return handler

    return register


def parse_command(name: str, args: dict[str, Any], role: str) -> Command:
    """Build the command named `name` from `args`, or raise a RuleViolation naming the problem."""
    if name not in COMMANDS:
        raise RuleViolation("command_is_known", f"unknown command {name!r}", field="command")
    command_type, _ = COMMANDS[name]
    if role not in {r.value for r in command_type.roles()}:
        raise RuleViolation("role_may_give_command",
                            f"the role {role!r} may not give {name!r}", field="role")
    known = {f.name for f in fields(command_type)}  # type: ignore[arg-type]
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
    COMMANDS[name].handler(case, command, ctx)

"""A command's route, declared once for the API and the pages: the command it sends, the
pydantic body that validates both the API's JSON and the page's form (a page turns its fields
into this body first), and how a valid body becomes the command (looking up the staff it
names, the break-glass facts of the caller, ...). Who may use it is the command's permission.

`send_command` is the one path both doors take: may the caller reach the case, build the
command, dispatch it (web/dispatch.py)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Request
from pydantic import BaseModel

from aggregates.access import Permission
from aggregates.case import Case
from aggregates.commands import Command
from aggregates.data_categories import redact_view
from temporal_contracts.payloads import CaseTasks, OpenTask
from web.auth import AccessCheck, Principal, breakable_case, require, visible_case
from web.dispatch import dispatch
from web.schemas import TaskOut, TasksOut

IdempotencyKey = Annotated[str | None, Header(max_length=200)]

# body, request, principal → the command (it may look things up, hence awaitable).
Build = Callable[[Any, Request, Principal], Awaitable[Command]]


async def from_body(command: type[Command], body: BaseModel) -> Command:
    """The command whose arguments are the body's fields as JSON values."""
    return command(**body.model_dump(mode="json"))


@dataclass(frozen=True)
class CommandRoute:
    """`command` built from a valid `body` by `build` (default: the body's fields as they
    are). `breaks_glass`: the caller reaches the case by break-glass, not need to know."""

    command: type[Command]
    body: type[BaseModel]
    build: Build | None = None
    breaks_glass: bool = False

    @property
    def permission(self) -> Permission:
        return self.command.permission

    def access(self) -> AccessCheck:
        """The API route's dependency: a signed-in member of staff who may give the command."""
        return require(self.permission)

    async def command_from(self, body: BaseModel, request: Request,
                           principal: Principal) -> Command:
        if self.build is None:
            return await from_body(self.command, body)
        return await self.build(body, request, principal)


async def reach(route: CommandRoute, request: Request, principal: Principal,
                case_id: uuid.UUID) -> Case:
    """The case, if the caller may reach it for this command (the attempt is logged either
    way); else `CaseNotFound`, the same as for a case that does not exist."""
    store = request.app.state.intake.store
    if route.breaks_glass:
        return await breakable_case(store, case_id, principal)
    return await visible_case(store, case_id, principal, route.command.command_name)


async def send_reached(route: CommandRoute, request: Request, principal: Principal,
                       case_id: uuid.UUID, body: BaseModel, key: str | None) -> CaseTasks:
    """Build the command from `body` and dispatch it once per `key`, on a case `reach` let
    the caller reach. Every refusal is mapped to HTTP by web/dispatch.py."""
    command = await route.command_from(body, request, principal)
    tasks = await dispatch(request, principal, case_id, command, key)
    if route.breaks_glass:  # the opening itself is a read of the case, logged with its reason
        await visible_case(request.app.state.intake.store, case_id, principal,
                           route.command.command_name, why=getattr(command, "reason", ""))
    return tasks


async def send_command(route: CommandRoute, request: Request, principal: Principal,
                       case_id: uuid.UUID, body: BaseModel, key: str | None) -> CaseTasks:
    """The one path of a command, for the API and the pages: reach the case, build the
    command, dispatch it."""
    await reach(route, request, principal, case_id)
    return await send_reached(route, request, principal, case_id, body, key)


def tasks_out(case_id: uuid.UUID, triage_done: bool, tasks: list[OpenTask],
              principal: Principal) -> TasksOut:
    """The open tasks as the principal's role may read them."""
    role = principal.staff.role
    return TasksOut(case_id=str(case_id), triage_done=triage_done,
                    tasks=[TaskOut(**redact_view("task", vars(t), role)) for t in tasks])


async def api_command(route: CommandRoute, request: Request, principal: Principal,
                      case_id: uuid.UUID, body: BaseModel, key: str | None) -> TasksOut:
    """An API route's whole work: send the command, answer the open tasks that follow."""
    tasks = await send_command(route, request, principal, case_id, body, key)
    return tasks_out(case_id, tasks.triage_done, tasks.open_tasks, principal)

"""Who may see a case, over HTTP: assign, restrict, lift a restriction, declare a conflict of
interest, break glass (D 8.27). Each is a command the case's workflow applies; its route
(body → command) is declared here once and used by the pages too."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from aggregates.commands.access import (
    AssignCase,
    DeclareConflict,
    LiftRestriction,
    RestrictCase,
    UseBreakGlass,
)
from aggregates.commands.registry import Command
from web.auth import Principal
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.input_types import Line, Text
from web.schemas import TasksOut
from web.staff_lookup import directory_for

router = APIRouter()
STAFF_ID = r"^[A-Za-z0-9._-]{1,64}$"


class ReasonIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000)


class AssignIn(ReasonIn):
    team: Line = Field(min_length=1, max_length=200)
    officer_id: str | None = Field(default=None, pattern=STAFF_ID)


class RestrictIn(ReasonIn):
    named_staff: list[Annotated[str, Field(pattern=STAFF_ID)]] = Field(
        min_length=1, max_length=50)


async def _assign(body: AssignIn, request: Request, principal: Principal) -> Command:
    named = [body.officer_id] if body.officer_id else []
    return AssignCase(**body.model_dump(),
                      directory=await directory_for(request, principal, named))


async def _restrict(body: RestrictIn, request: Request, principal: Principal) -> Command:
    return RestrictCase(**body.model_dump(),
                        directory=await directory_for(request, principal, body.named_staff))


async def _lift(body: ReasonIn, request: Request, principal: Principal) -> Command:
    return LiftRestriction(reason=body.reason,
                           directory=await directory_for(request, principal, []))


async def _break_glass(body: ReasonIn, _: Request, principal: Principal) -> Command:
    """The caller's teams, council and manager, from the staff directory (never the body)."""
    staff = principal.staff
    return UseBreakGlass(reason=body.reason, teams=sorted(staff.teams),
                         council=staff.council.value, manager_id=staff.manager_id)


ASSIGN = CommandRoute(AssignCase, AssignIn, _assign)
RESTRICT = CommandRoute(RestrictCase, RestrictIn, _restrict)
LIFT = CommandRoute(LiftRestriction, ReasonIn, _lift)
CONFLICT = CommandRoute(DeclareConflict, ReasonIn)
BREAK_GLASS = CommandRoute(UseBreakGlass, ReasonIn, _break_glass, breaks_glass=True)


@router.post("/cases/{case_id}/assign", response_model=TasksOut)
async def assign_case(
    case_id: uuid.UUID, body: AssignIn, request: Request,
    principal: Annotated[Principal, Depends(ASSIGN.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Give the case to a team the council's policy routes to and, optionally, a named officer
    of the case's council (422 `team_is_routed_by_policy`, `named_staff_works_cases_of_council`).
    Not on access that rests on break-glass (403 `break_glass_does_not_change_access`). The
    previous officer is told (`GET /me/notifications`)."""
    return await api_command(ASSIGN, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/restrict", response_model=TasksOut)
async def restrict_case(
    case_id: uuid.UUID, body: RestrictIn, request: Request,
    principal: Annotated[Principal, Depends(RESTRICT.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Only the named people, staff of the case's council who may see cases (not
    administrators), may see the case from now on (D 8.27; 422
    `named_staff_may_see_cases_of_council`). Not on access that rests on
    break-glass (403 `break_glass_does_not_change_access`)."""
    return await api_command(RESTRICT, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/lift-restriction", response_model=TasksOut)
async def lift_restriction(
    case_id: uuid.UUID, body: ReasonIn, request: Request,
    principal: Annotated[Principal, Depends(LIFT.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """End a restriction: the case's ordinary need-to-know applies again, and the people named
    on it are told. Not on access that rests on break-glass (403
    `break_glass_does_not_change_access`)."""
    return await api_command(LIFT, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/conflict-of-interest", status_code=202)
async def declare_conflict(
    case_id: uuid.UUID, body: ReasonIn, request: Request,
    principal: Annotated[Principal, Depends(CONFLICT.access())],
    idempotency_key: IdempotencyKey = None,
) -> dict[str, str]:
    """Declare a conflict of interest on a case you can see: you lose access to it. A case
    you cannot see answers as one that does not exist, and nothing is written to it."""
    await api_command(CONFLICT, request, principal, case_id, body, idempotency_key)
    return {"status": "recorded"}


@router.post("/cases/{case_id}/break-glass", response_model=TasksOut)
async def break_glass(
    case_id: uuid.UUID, body: ReasonIn, request: Request,
    principal: Annotated[Principal, Depends(BREAK_GLASS.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Open a case of your council outside your need to know, giving the reason. The access
    is recorded and those entitled to know the case are told. Past a restriction only a line
    manager may; otherwise the case answers as one that does not exist."""
    return await api_command(BREAK_GLASS, request, principal, case_id, body, idempotency_key)

"""Case routes: open a case, read it, its tasks, events and access log, complete tasks, and the
access commands (assign, restrict, conflict of interest, break-glass)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, Field

from aggregates.access import Permission
from aggregates.data_categories import redact_event, redact_view
from aggregates.errors import RuleViolation
from application.intake import Intake
from temporal_contracts.payloads import CaseCommandInput, CompleteTaskInput
from web.auth import Principal, breakable_case, require, services, visible_case
from web.input_types import Line, Text
from web.resubmission import send_once
from web.schemas import (
    CaseOpenedOut,
    CaseSummaryOut,
    CompleteTaskIn,
    EventOut,
    ReportIn,
    TaskOut,
    TasksOut,
)
from web.staff_lookup import with_directory
from workflows.client import WorkflowNotRunning

IDEMPOTENCY_NAMESPACE = uuid.UUID("5b7e1c1e-2f4a-4d8e-9a51-3c1f0d6b7a10")
IdempotencyKey = Annotated[str | None, Header(max_length=200)]

router = APIRouter()


def intake_of(request: Request) -> Intake:
    return request.app.state.intake  # type: ignore[no-any-return]


def fingerprint(body: ReportIn, without: frozenset[str] = frozenset()) -> str:
    """SHA-256 hex of the report as sent, less the fields in `without` (a page's report is
    dated when it is sent, so its time says nothing about which form it came from)."""
    canonical = json.dumps(body.model_dump(mode="json", exclude=set(without)), sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ReasonIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000)


class AssignIn(ReasonIn):
    team: Line = Field(min_length=1, max_length=200)
    officer_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._-]{1,64}$")


class RestrictIn(ReasonIn):
    named_staff: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")]] = Field(
        min_length=1, max_length=50)


class AccessEntryOut(BaseModel):
    staff_id: str
    role: str
    action: str
    outcome: str
    rule: str
    reason: str
    at: str
    entry_hash: str


class AccessLogOut(BaseModel):
    case_id: str
    chain_intact: bool
    first_broken_entry: int | None
    entries: list[AccessEntryOut]


def tasks_out(case_id: uuid.UUID, triage_done: bool, tasks: list[Any],
              principal: Principal) -> TasksOut:
    """The open tasks as the principal's role may read them."""
    role = principal.staff.role
    return TasksOut(case_id=str(case_id), triage_done=triage_done,
                    tasks=[TaskOut(**redact_view("task", vars(t), role)) for t in tasks])


@router.post("/cases", status_code=201, response_model=CaseOpenedOut)
async def open_case(
    body: ReportIn, request: Request, response: Response,
    principal: Annotated[Principal, Depends(require(Permission.OPEN_CASE))],
    idempotency_key: IdempotencyKey = None,
) -> CaseOpenedOut:
    """Record a report of domestic abuse: opens the case and starts its triage."""
    if body.council is not principal.staff.council:
        raise RuleViolation("staff_council_matches_case",
                            "you can open cases only for your own council", field="council")
    actor = principal.actor
    case_id = (uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{actor.staff_id}:{idempotency_key}")
               if idempotency_key else uuid.uuid4())
    await intake_of(request).open_case(
        case_id=case_id, report=body.to_report(), actor=actor,
        reason=f"Report received by {body.channel.value.replace('_', ' ')}.",
        request_fingerprint=fingerprint(body),
    )
    response.headers["Location"] = f"/cases/{case_id}"
    return CaseOpenedOut(case_id=str(case_id), links={
        "self": f"/cases/{case_id}", "tasks": f"/cases/{case_id}/tasks",
        "events": f"/cases/{case_id}/events"})


@router.get("/cases/{case_id}", response_model=CaseSummaryOut)
async def case_summary(
    case_id: uuid.UUID, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ_CASE))],
) -> CaseSummaryOut:
    """Where a case stands: council, policy version, open tasks and escalations."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_summary")
    return CaseSummaryOut(**redact_view("case_summary", dict(
        case_id=str(case_id), council=case.council.value, policy_version=case.policy_version,
        opened_at=case.created_on, triaged=case.triaged, open_tasks=len(case.open_tasks),
        escalations=len(case.escalated)), principal.staff.role))


@router.get("/cases/{case_id}/tasks", response_model=TasksOut)
async def open_tasks(
    case_id: uuid.UUID, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ_CASE))],
) -> TasksOut:
    """The case's open tasks, soonest deadline first (from its workflow)."""
    intake = intake_of(request)
    await visible_case(intake.store, case_id, principal, "read_tasks")
    try:
        view = await intake.orchestrator.open_tasks(str(case_id))
    except WorkflowNotRunning:
        return tasks_out(case_id, False, [], principal)
    return tasks_out(case_id, view.triage_done, view.open_tasks, principal)


@router.post("/cases/{case_id}/tasks/{task_id}/complete", response_model=TasksOut)
async def complete_task(
    case_id: uuid.UUID, task_id: str, body: CompleteTaskIn, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.COMPLETE_TASK))],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Complete one of the case's tasks; returns the open tasks that follow."""
    intake = intake_of(request)
    await visible_case(intake.store, case_id, principal, "complete_task")
    result = await send_once(
        request, principal, case_id, idempotency_key,
        {"command": "complete_task", "args": {"task_id": task_id, **body.model_dump()}},
        lambda command_id: intake.orchestrator.complete_task(str(case_id), CompleteTaskInput(
            task_id=task_id, outcome=body.outcome, note=body.note,
            staff_id=principal.staff.staff_id, role=principal.staff.role.value,
            request_id=command_id)))
    return tasks_out(case_id, True, result.open_tasks, principal)


@router.get("/cases/{case_id}/events", response_model=list[EventOut])
async def case_events(
    case_id: uuid.UUID, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ_CASE))],
) -> list[EventOut]:
    """Every event of the case in order, with who, when and why (what the role may read)."""
    store = intake_of(request).store
    await visible_case(store, case_id, principal, "read_events")
    events = await asyncio.to_thread(store.events_of, case_id)
    role = principal.staff.role
    return [EventOut(version=e.version, type=e.type, recorded_at=e.recorded_at,
                     data=redact_event(e.type, e.data, role)) for e in events]


@router.get("/cases/{case_id}/access-log", response_model=AccessLogOut)
async def access_log(
    case_id: uuid.UUID, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ_ACCESS_LOG))],
) -> AccessLogOut:
    """Who has seen the case (or tried to), when, what and why; and whether the log is intact."""
    store = intake_of(request).store
    await visible_case(store, case_id, principal, "read_access_log")
    entries, broken = await asyncio.to_thread(store.access_log, case_id)
    return AccessLogOut(case_id=str(case_id), chain_intact=broken is None,
                        first_broken_entry=broken,
                        entries=[AccessEntryOut(**e) for e in entries])


async def case_command(request: Request, case_id: uuid.UUID, principal: Principal,
                       command: str, args: dict[str, Any],
                       idempotency_key: str | None) -> TasksOut:
    """A command on a case the principal needs to know (the attempt is logged either way)."""
    await visible_case(intake_of(request).store, case_id, principal, command)
    return await _command(request, case_id, principal, command, args, idempotency_key)


async def _command(request: Request, case_id: uuid.UUID, principal: Principal, command: str,
                   args: dict[str, Any], idempotency_key: str | None) -> TasksOut:
    """Apply the command once per idempotency key and request (web/resubmission.py)."""
    orchestrator = intake_of(request).orchestrator
    tasks = await send_once(
        request, principal, case_id, idempotency_key, {"command": command, "args": args},
        lambda command_id: orchestrator.apply_command(str(case_id), CaseCommandInput(
            command=command, args=args, staff_id=principal.staff.staff_id,
            role=principal.staff.role.value, request_id=command_id)))
    return tasks_out(case_id, tasks.triage_done, tasks.open_tasks, principal)


@router.post("/cases/{case_id}/assign", response_model=TasksOut)
async def assign_case(
    case_id: uuid.UUID, body: AssignIn, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.ASSIGN_CASE))],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Give the case to a team the council's policy routes to and, optionally, a named officer
    of the case's council (422 `team_is_routed_by_policy`, `named_staff_works_cases_of_council`).
    Not on access that rests on break-glass (403 `break_glass_does_not_change_access`). The
    previous officer is told (`GET /me/notifications`)."""
    args = await with_directory(request, principal, body.model_dump(),
                                [body.officer_id] if body.officer_id else [])
    return await case_command(request, case_id, principal, "assign_case", args,
                          idempotency_key)


@router.post("/cases/{case_id}/restrict", response_model=TasksOut)
async def restrict_case(
    case_id: uuid.UUID, body: RestrictIn, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.RESTRICT_CASE))],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Only the named people, staff of the case's council who may see cases (not
    administrators), may see the case from now on (D 8.27; 422
    `named_staff_may_see_cases_of_council`). Not on access that rests on
    break-glass (403 `break_glass_does_not_change_access`)."""
    args = await with_directory(request, principal, body.model_dump(), body.named_staff)
    return await case_command(request, case_id, principal, "restrict_case", args,
                          idempotency_key)


@router.post("/cases/{case_id}/lift-restriction", response_model=TasksOut)
async def lift_restriction(
    case_id: uuid.UUID, body: ReasonIn, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.RESTRICT_CASE))],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """End a restriction: the case's ordinary need-to-know applies again, and the people named
    on it are told. Not on access that rests on break-glass (403
    `break_glass_does_not_change_access`)."""
    args = await with_directory(request, principal, body.model_dump(), [])
    return await case_command(request, case_id, principal, "lift_restriction", args,
                          idempotency_key)


@router.post("/cases/{case_id}/conflict-of-interest", status_code=202)
async def declare_conflict(
    case_id: uuid.UUID, body: ReasonIn, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.DECLARE_CONFLICT))],
    idempotency_key: IdempotencyKey = None,
) -> dict[str, str]:
    """Declare a conflict of interest on a case you can see: you lose access to it. A case
    you cannot see answers as one that does not exist, and nothing is written to it."""
    await case_command(request, case_id, principal, "declare_conflict", body.model_dump(),
                       idempotency_key)
    return {"status": "recorded"}


@router.post("/cases/{case_id}/break-glass", response_model=TasksOut)
async def break_glass(
    case_id: uuid.UUID, body: ReasonIn, request: Request,
    principal: Annotated[Principal, Depends(require(Permission.BREAK_GLASS))],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Open a case of your council outside your need to know, giving the reason. The access
    is recorded and those entitled to know the case are told. Past a restriction only a line
    manager may; otherwise the case answers as one that does not exist."""
    intake = intake_of(request)
    await breakable_case(intake.store, case_id, principal)
    staff = principal.staff
    result = await _command(request, case_id, principal, "break_glass", {
        "reason": body.reason, "teams": sorted(staff.teams), "council": staff.council.value,
        "manager_id": staff.manager_id}, idempotency_key)
    await visible_case(intake.store, case_id, principal, "break_glass", why=body.reason)
    return result


__all__ = ["router", "services"]

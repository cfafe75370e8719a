"""Case routes: open a case, read it, its tasks, events and access log, and complete tasks.
The commands on a case have their routes by concern (routes_access.py, routes_safeguarding.py,
routes_partners.py)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from aggregates.access import Permission
from aggregates.corrections import corrections_of
from aggregates.data_categories import redact_event, redact_view
from aggregates.errors import RuleViolation
from application.intake import Intake
from web.auth import Principal, require, services, visible_case
from web.command_routes import IdempotencyKey, tasks_out
from web.dispatch import dispatch_completion
from web.schemas import (
    CaseOpenedOut,
    CaseSummaryOut,
    CompleteTaskIn,
    EventOut,
    ReportIn,
    TasksOut,
)
from workflows.client import WorkflowNotRunning

IDEMPOTENCY_NAMESPACE = uuid.UUID("5b7e1c1e-2f4a-4d8e-9a51-3c1f0d6b7a10")

router = APIRouter()


def intake_of(request: Request) -> Intake:
    return request.app.state.intake  # type: ignore[no-any-return]


async def open_reported_case(request: Request, principal: Principal, body: ReportIn,
                             key: str | None, *, sent_at_varies: bool = False) -> uuid.UUID:
    """Open the case `body` reports, for the API and the report page alike: only for the
    caller's own council; the same key again is the same case (a different report under it
    is `DuplicateRequest`). `sent_at_varies`: the report is dated when it is sent (a page), so
    its time is left out of the comparison."""
    if body.council is not principal.staff.council:
        raise RuleViolation("staff_council_matches_case",
                            "you can open cases only for your own council", field="council")
    actor = principal.actor
    case_id = (uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{actor.staff_id}:{key}")
               if key else uuid.uuid4())
    await intake_of(request).open_case(
        case_id=case_id, report=body.to_report(), actor=actor,
        reason=f"Report received by {body.channel.value.replace('_', ' ')}.",
        request_fingerprint=fingerprint(body, without=SENT_AT if sent_at_varies else NOTHING))
    return case_id


# A page's report is dated when it is sent: the same form sent twice differs only in this.
SENT_AT = frozenset({"reported_at"})
NOTHING: frozenset[str] = frozenset()


def fingerprint(body: ReportIn, without: frozenset[str] = frozenset()) -> str:
    """SHA-256 hex of the report as sent, less the fields in `without` (a page's report is
    dated when it is sent, so its time says nothing about which form it came from)."""
    canonical = json.dumps(body.model_dump(mode="json", exclude=set(without)), sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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


@router.post("/cases", status_code=201, response_model=CaseOpenedOut)
async def open_case(
    body: ReportIn, request: Request, response: Response,
    principal: Annotated[Principal, Depends(require(Permission.OPEN_CASE))],
    idempotency_key: IdempotencyKey = None,
) -> CaseOpenedOut:
    """Record a report of domestic abuse: opens the case and starts its triage."""
    case_id = await open_reported_case(request, principal, body, idempotency_key)
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
    await visible_case(intake_of(request).store, case_id, principal, "complete_task")
    result = await dispatch_completion(request, principal, case_id, task_id, body.outcome,
                                       body.note, idempotency_key)
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
    corrected = corrections_of(events)
    return [EventOut(version=e.version, type=e.type, recorded_at=e.recorded_at,
                     data=redact_event(e.type, e.data, role),
                     corrected_by=corrected.get(e.version, [])) for e in events]


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


__all__ = ["router", "services"]

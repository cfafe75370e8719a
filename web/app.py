"""The caseworkers' HTTP API: open a case, list its open tasks, complete a task, read its events.

Until staff sign-in lands, the acting member of staff is named by the `X-Staff-Id` and
`X-Staff-Role` headers (see `current_actor`): one dependency to replace.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Response
from fastapi.responses import JSONResponse

from aggregates.report import Actor, Role
from web.errors import error_body, install_error_handlers
from web.schemas import (
    CaseOpenedOut,
    CaseSummaryOut,
    CompleteTaskIn,
    EventOut,
    ReportIn,
    TaskOut,
    TasksOut,
)
from workflows.client import WorkflowNotRunning
from workflows.contracts import CompleteTaskInput
from workflows.intake import Intake

IDEMPOTENCY_NAMESPACE = uuid.UUID("5b7e1c1e-2f4a-4d8e-9a51-3c1f0d6b7a10")
STAFF_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
ACTING_ROLES = [r.value for r in Role if r is not Role.SYSTEM]


class ActorError(Exception):
    def __init__(self, field: str, rule: str, message: str) -> None:
        self.field, self.rule, self.message = field, rule, message


def current_actor(
    x_staff_id: Annotated[str, Header(pattern=STAFF_ID_PATTERN)],
    x_staff_role: Annotated[str, Header()],
) -> Actor:
    """Who is acting. Staff ids are identifiers, never names."""
    if x_staff_role not in ACTING_ROLES:
        raise ActorError("X-Staff-Role", "role_is_known", f"role must be one of {ACTING_ROLES}")
    return Actor(staff_id=x_staff_id, role=Role(x_staff_role))


def fingerprint(body: ReportIn) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_app(intake: Intake) -> FastAPI:
    """The web app over an intake service (its store and its workflow client)."""
    app = FastAPI(title="Domestic abuse referrals", version="0.1.0")
    install_error_handlers(app)
    store = intake.store
    orchestrator = intake.orchestrator

    @app.exception_handler(ActorError)
    async def bad_actor(_: object, exc: ActorError) -> JSONResponse:
        return JSONResponse(error_body(exc.field, exc.rule, exc.message), status_code=422)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    @app.post("/cases", status_code=201, response_model=CaseOpenedOut)
    async def open_case(
        body: ReportIn, actor: Annotated[Actor, Depends(current_actor)], response: Response,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> CaseOpenedOut:
        """Record a report of domestic abuse: opens the case and starts its triage."""
        case_id = (uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{actor.staff_id}:{idempotency_key}")
                   if idempotency_key else uuid.uuid4())
        await intake.open_case(
            case_id=case_id, report=body.to_report(), actor=actor,
            reason=f"Report received by {body.channel.value.replace('_', ' ')}.",
            request_fingerprint=fingerprint(body),
        )
        response.headers["Location"] = f"/cases/{case_id}"
        return CaseOpenedOut(case_id=str(case_id), links={
            "self": f"/cases/{case_id}", "tasks": f"/cases/{case_id}/tasks",
            "events": f"/cases/{case_id}/events"})

    @app.get("/cases/{case_id}", response_model=CaseSummaryOut)
    async def case_summary(case_id: uuid.UUID) -> CaseSummaryOut:
        """Where a case stands: council, policy version, open tasks and escalations."""
        case = await asyncio.to_thread(store.get_case, case_id)
        return CaseSummaryOut(
            case_id=str(case_id), council=case.council.value,
            policy_version=case.policy_version, opened_at=case.created_on,
            triaged=case.triaged, open_tasks=len(case.open_tasks),
            escalations=len(case.escalated))

    @app.get("/cases/{case_id}/tasks", response_model=TasksOut)
    async def open_tasks(case_id: uuid.UUID) -> TasksOut:
        """The case's open tasks, soonest deadline first (from its workflow)."""
        if not await asyncio.to_thread(store.exists, case_id):
            await asyncio.to_thread(store.get_case, case_id)  # raises CaseNotFound
        try:
            view = await orchestrator.open_tasks(str(case_id))
        except WorkflowNotRunning:
            return TasksOut(case_id=str(case_id), triage_done=False, tasks=[])
        return TasksOut(case_id=str(case_id), triage_done=view.triage_done, tasks=[
            TaskOut(**vars(t)) for t in view.open_tasks])

    @app.post("/cases/{case_id}/tasks/{task_id}/complete")
    async def complete_task(
        case_id: uuid.UUID, task_id: Annotated[str, ...], body: CompleteTaskIn,
        actor: Annotated[Actor, Depends(current_actor)],
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> TasksOut:
        """Complete one of the case's tasks; returns the open tasks that follow."""
        if not await asyncio.to_thread(store.exists, case_id):
            await asyncio.to_thread(store.get_case, case_id)
        result = await orchestrator.complete_task(str(case_id), CompleteTaskInput(
            task_id=task_id, outcome=body.outcome, note=body.note, staff_id=actor.staff_id,
            role=actor.role.value, request_id=idempotency_key or str(uuid.uuid4()),
        ))
        return TasksOut(case_id=str(case_id), triage_done=True,
                        tasks=[TaskOut(**vars(t)) for t in result.open_tasks])

    @app.get("/cases/{case_id}/events", response_model=list[EventOut])
    async def case_events(case_id: uuid.UUID) -> list[EventOut]:
        """Every event of the case in order, with who, when and why."""
        events = await asyncio.to_thread(store.events_of, case_id)
        return [EventOut(version=e.version, type=e.type, recorded_at=e.recorded_at, data=e.data)
                for e in events]

    return app

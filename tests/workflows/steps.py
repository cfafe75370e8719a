"""Steps shared by the workflow tests on the time-skipping test server."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Actor, Role
from temporal_contracts.payloads import CaseCommandInput, CaseTasks, CompleteTaskInput, OpenTask
from tests.support import eventually, make_report
from workflows.client import CaseOrchestrator

CASEWORKER = Actor(staff_id="cw-17", role=Role.CASEWORKER)
STARTED: list[str] = []


async def open_case(env: WorkflowEnvironment, store: CaseStore, **report: object) -> str:
    """Record a case reported 'now' on the test server's clock (tests before may have skipped
    days ahead of the real one); its workflow is the caller's to start."""
    now = await env.get_current_time()
    store.clock = lambda: now
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(reported_at=now, **report),
                    actor=CASEWORKER,
                    reason="Report received.", request_fingerprint="f")
    STARTED.append(str(case_id))
    return str(case_id)


async def start_case(env: WorkflowEnvironment, store: CaseStore, task_queue: str,
                     **report: object) -> tuple[str, CaseOrchestrator]:
    """Open a case (see `open_case`) and start its workflow."""
    case_id = await open_case(env, store, **report)
    orchestrator = CaseOrchestrator(env.client, task_queue)
    await orchestrator.ensure_workflow(case_id)
    return case_id, orchestrator


async def triaged_tasks(orchestrator: CaseOrchestrator, case_id: str) -> CaseTasks:
    async def probe() -> CaseTasks | None:
        view = await orchestrator.open_tasks(case_id)
        return view if view.triage_done else None
    return await eventually(probe)


def task_of(view: CaseTasks, kind: str) -> OpenTask:
    return next(t for t in view.open_tasks if t.kind == kind)


def completion(task_id: str, outcome: str, request_id: str = "r1",
               role: str = "caseworker") -> CompleteTaskInput:
    return CompleteTaskInput(task_id=task_id, outcome=outcome, staff_id="cw-17", role=role,
                             request_id=request_id)


async def skip_until_after(env: WorkflowEnvironment, moment: datetime) -> None:
    now = await env.get_current_time()
    await env.sleep(moment - now + timedelta(minutes=1))




def command(name: str, request_id: str | None = None, role: str = "caseworker",
            **args: Any) -> CaseCommandInput:
    return CaseCommandInput(command=name, args=args, staff_id="cw-17", role=role,
                            request_id=request_id or str(uuid.uuid4()))

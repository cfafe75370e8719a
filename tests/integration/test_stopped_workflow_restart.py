"""A case whose workflow stopped is never silent: the worker's reconciler notices (Temporal
visibility), restarts it with its deadline timers rebuilt from the event store, and alerts
(the dev server, a real worker, a real SQLite event store)."""

from __future__ import annotations

import logging
import uuid

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Actor, Role
from application.intake import IntakeReconciler
from temporal_contracts.payloads import CaseTasks, case_workflow_id
from tests.conftest import running_worker
from tests.support import PERSONAL_STRINGS, eventually, make_report
from workflows.client import CaseOrchestrator


async def test_terminated_case_workflow_is_restarted_with_its_deadline_timers_and_an_alert(
        dev_env: WorkflowEnvironment, sqlite_store: CaseStore,
        caplog: pytest.LogCaptureFixture) -> None:
    case_id = uuid.uuid4()
    sqlite_store.open_case(case_id=case_id, report=make_report(),
                           actor=Actor("cw-1", Role.CASEWORKER), reason="Report.",
                           request_fingerprint="f")
    workflow_id = case_workflow_id(str(case_id))
    handle = dev_env.client.get_workflow_handle(workflow_id)
    async with running_worker(dev_env.client, sqlite_store) as tq:
        orchestrator = CaseOrchestrator(dev_env.client, tq)
        await orchestrator.ensure_workflow(str(case_id))

        async def triaged() -> CaseTasks | None:
            view = await orchestrator.open_tasks(str(case_id))
            return view if view.triage_done else None
        before = await eventually(triaged)
        first_run = (await handle.describe()).run_id
        await handle.terminate(reason="terminated by an operator")

        reconciler = IntakeReconciler(sqlite_store, orchestrator)
        with caplog.at_level(logging.ERROR, logger="application.intake"):
            async def restarted() -> list[str]:
                await reconciler.run_once()
                return [r.getMessage() for r in caplog.records if workflow_id in r.getMessage()]
            alerts = await eventually(restarted)  # visibility may lag a moment
            after = await eventually(triaged)
            description = await handle.describe()
            await reconciler.run_once()  # running again: nothing more to do
            again = (await handle.describe()).run_id
        history = await dev_env.client.get_workflow_handle(
            workflow_id, run_id=description.run_id).fetch_history()

    assert description.run_id != first_run
    assert description.status is WorkflowExecutionStatus.RUNNING
    assert again == description.run_id
    # The same open tasks and deadlines, from the event store, each timed again.
    deadlines = {t.task_id: t.due_at for t in after.open_tasks if t.due_at and not t.escalated}
    assert deadlines == {t.task_id: t.due_at for t in before.open_tasks
                         if t.due_at and not t.escalated}
    assert deadlines, "the case should have tasks with deadlines"
    timers = [e for e in history.events if e.HasField("timer_started_event_attributes")]
    assert len(timers) == len(deadlines)
    assert len(alerts) == 1 and "TERMINATED" in alerts[0]
    for personal in PERSONAL_STRINGS:
        assert personal not in caplog.text

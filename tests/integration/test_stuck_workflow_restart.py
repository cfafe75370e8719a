"""A case whose workflow still shows Running while its workflow task fails for good is never
silent: the reconciler finds it through Temporal visibility (`TemporalReportedProblems`),
terminates that run, starts a fresh one with our codec (deadline timers rebuilt from the
event store) and alerts once (the dev server, a real worker, a real SQLite event store)."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Actor, Role
from application.intake import IntakeReconciler
from temporal_contracts.payloads import CaseTasks, CompleteTaskInput, case_workflow_id
from tests.conftest import running_worker
from tests.support import PERSONAL_STRINGS, eventually, make_report
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter

# The server flags a run after this many consecutive failed workflow tasks (its default, 5,
# takes about a minute of backoff); the reconciler restarts from the attempt after that.
FLAG_AFTER = 2
UPDATE_TIMEOUT_S = 30


@pytest.fixture(scope="module")
async def flagging_env(payload_key: bytes) -> AsyncIterator[WorkflowEnvironment]:
    """A dev server of its own that flags stuck runs after `FLAG_AFTER` failed tasks."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
        data_converter=encrypted_data_converter([payload_key]),
        dev_server_log_level="error",
        dev_server_extra_args=[
            "--dynamic-config-value",
            f"system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute={FLAG_AFTER}"],
    )
    yield env
    await env.shutdown()


async def test_case_workflow_restarted_in_plaintext_is_restarted_with_our_codec_and_alerts(
        flagging_env: WorkflowEnvironment, sqlite_store: CaseStore,
        caplog: pytest.LogCaptureFixture) -> None:
    env = flagging_env
    case_id = uuid.uuid4()
    sqlite_store.open_case(case_id=case_id, report=make_report(),
                           actor=Actor("cw-1", Role.CASEWORKER), reason="Report.",
                           request_fingerprint="f")
    workflow_id = case_workflow_id(str(case_id))
    handle = env.client.get_workflow_handle(workflow_id)
    async with running_worker(env.client, sqlite_store) as tq:
        orchestrator = CaseOrchestrator(env.client, tq)
        await orchestrator.ensure_workflow(str(case_id))

        async def triaged() -> CaseTasks | None:
            view = await orchestrator.open_tasks(str(case_id))
            return view if view.triage_done else None
        before = await eventually(triaged)

        # The reviewer's reproduction: terminate, then start again with a plaintext input
        # (`temporal workflow start --input '{"case_id": ...}'`, no codec).
        await handle.terminate(reason="terminated by an operator")
        outsider = await Client.connect(env.client.service_client.config.target_host,
                                        namespace=env.client.namespace)
        stuck = await outsider.start_workflow("CaseWorkflow", {"case_id": str(case_id)},
                                              id=workflow_id, task_queue=tq)

        async def failing_again() -> bool:
            pending = (await handle.describe()).raw_description.pending_workflow_task
            return pending.attempt >= 2
        await eventually(failing_again)  # the plaintext run is Running, its task failing
        assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING

        reconciler = IntakeReconciler(sqlite_store, orchestrator, stuck_attempts=FLAG_AFTER + 1)
        with caplog.at_level(logging.ERROR, logger="application.intake"):
            def alerts() -> list[str]:  # the worker's own errors name the workflow too
                return [r.getMessage() for r in caplog.records
                        if r.name == "application.intake" and workflow_id in r.getMessage()]

            async def restarted() -> list[str]:
                await reconciler.run_once()
                return alerts()
            await eventually(restarted, timeout=60)  # flag and visibility may lag a moment
            after = await eventually(triaged)
            description = await handle.describe()
            history = await env.client.get_workflow_handle(
                workflow_id, run_id=description.run_id).fetch_history()
            # The case works again: a completion is accepted by the new run.
            completion = CompleteTaskInput(
                task_id="t1", outcome="discussion_offered", staff_id="cw-1", role="caseworker",
                request_id="r1", note="Offered.")
            done = await asyncio.wait_for(orchestrator.complete_task(str(case_id), completion),
                                          UPDATE_TIMEOUT_S)
            await reconciler.run_once()  # running and healthy: nothing more to do
            await asyncio.sleep(1)
            await reconciler.run_once()
            again = (await handle.describe()).run_id
            alerted = alerts()
        stuck_status = (await env.client.get_workflow_handle(
            workflow_id, run_id=stuck.result_run_id).describe()).status

    assert stuck_status is WorkflowExecutionStatus.TERMINATED
    assert description.run_id != stuck.result_run_id
    assert description.status is WorkflowExecutionStatus.RUNNING
    assert again == description.run_id
    assert done.task_id == "t1"
    # The same open tasks and deadlines, from the event store, each timed again.
    deadlines = {t.task_id: t.due_at for t in after.open_tasks if t.due_at and not t.escalated}
    assert deadlines == {t.task_id: t.due_at for t in before.open_tasks
                         if t.due_at and not t.escalated}
    assert deadlines, "the case should have tasks with deadlines"
    timers = [e for e in history.events if e.HasField("timer_started_event_attributes")]
    assert len(timers) == len(deadlines)
    assert len(alerted) == 1, alerted
    assert "stuck" in alerted[0] and "category=WorkflowTaskFailed" in alerted[0]
    for personal in PERSONAL_STRINGS:
        assert personal not in caplog.text

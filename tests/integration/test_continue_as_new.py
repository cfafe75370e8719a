"""A case survives continue-as-new under concurrent updates (issue "Nothing dropped", finding 1),
and an update handled before its workflow's `run` starts waits for triage.

The dev server is told to suggest continue-as-new after 60 history events, so a case starts
a new run every few commands. Two DSOs assign the case at the same time, in waves: an update
in flight when a run ends is carried by the server to the new run and delivered in its first
workflow task, before `run` has started. Before the fix that update wrote to case id "",
was retried for ever holding the case's write lock, and the new run never triaged: no
deadlines, no open tasks, every later update timing out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Actor, Role
from temporal_contracts.payloads import (
    CaseCommandInput,
    CaseTasks,
    CaseWorkflowInput,
    CompleteTaskInput,
    case_workflow_id,
)
from tests.conftest import BIN, running_worker
from tests.support import eventually, make_report
from workflows.case_workflow import CaseWorkflow
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter

WAVES = 8
UPDATE_TIMEOUT = 30.0  # seconds; a healthy update on a loaded machine takes well under one


@pytest.fixture(scope="module")
async def early_continue_as_new_env(payload_key: bytes) -> AsyncIterator[WorkflowEnvironment]:
    """A dev server of its own that suggests continue-as-new after 60 history events."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=encrypted_data_converter([payload_key]),
        dev_server_log_level="error",
        dev_server_extra_args=["--dynamic-config-value",
                               "limit.historyCount.suggestContinueAsNew=60"],
    )
    yield env
    await env.shutdown()


def assignment(officer: str) -> CaseCommandInput:
    return CaseCommandInput(command="assign_case", staff_id="dso-1", role="dso",
                            request_id=str(uuid.uuid4()),
                            args={"team": "Tenancy Support Team", "officer_id": officer,
                                  "reason": "Caseload balanced.",
                                  # what the web edge looks up in the staff directory
                                  "directory": {officer: {
                                      "role": "caseworker", "council": "dover",
                                      "active": True}}})


async def test_case_stays_triaged_and_answering_across_continue_as_new_under_concurrent_updates(
        early_continue_as_new_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    env = early_continue_as_new_env
    case_id = uuid.uuid4()
    sqlite_store.open_case(case_id=case_id, report=make_report(),
                           actor=Actor("cw-1", Role.CASEWORKER), reason="Report.",
                           request_fingerprint="f")
    async with running_worker(env.client, sqlite_store) as tq:
        orchestrator = CaseOrchestrator(env.client, tq)
        await orchestrator.ensure_workflow(str(case_id))
        handle = env.client.get_workflow_handle(case_workflow_id(str(case_id)))

        async def triaged() -> bool:
            return (await orchestrator.open_tasks(str(case_id))).triage_done
        await eventually(triaged)
        runs = [(await handle.describe()).run_id]
        for wave in range(WAVES):
            await asyncio.wait_for(asyncio.gather(
                orchestrator.apply_command(str(case_id), assignment(f"officer-{wave}-a")),
                orchestrator.apply_command(str(case_id), assignment(f"officer-{wave}-b"))),
                UPDATE_TIMEOUT)
            run_id = (await handle.describe()).run_id
            if run_id != runs[-1]:
                runs.append(run_id)

        async def triaged_view() -> CaseTasks | None:
            view = await orchestrator.open_tasks(str(case_id))
            return view if view.triage_done else None
        # The last wave may have just started a run: it triages (from the store) in a moment.
        view = await eventually(triaged_view)
        assert view.open_tasks, "the new run has no open tasks: its deadlines are gone"
        assert all(t.due_at is not None for t in view.open_tasks if t.kind == "contact_victim")
        done = await asyncio.wait_for(orchestrator.complete_task(str(case_id), CompleteTaskInput(
            task_id="t2", outcome="done", staff_id="cw-1", role="caseworker",
            request_id="after-continue-as-new")), UPDATE_TIMEOUT)
        run_id = (await handle.describe()).run_id
    assert len(set([*runs, run_id])) >= 3, f"expected several runs, saw {runs}"
    # D 8.28: the safeguarding report follows the talk with the line manager.
    assert "log_safeguarding_report" in {t.kind for t in done.open_tasks}
    officers = [e.data["officer_id"] for e in sqlite_store.events_of(case_id)
                if e.type == "Assigned" and e.data["command_id"] != "intake"]
    assert len(officers) == 2 * WAVES  # every assignment applied, none lost or doubled


async def test_update_in_the_first_task_of_a_run_waits_for_triage_and_is_applied(
        early_continue_as_new_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """The update comes with the start (update-with-start), so, like one carried over a
    continue-as-new, it is in the run's first task and its handler runs before `run`: it
    waits for triage instead of writing to a case it cannot name, and both land on the case."""
    client = early_continue_as_new_env.client
    case_id = uuid.uuid4()
    sqlite_store.open_case(case_id=case_id, report=make_report(),
                           actor=Actor("cw-1", Role.CASEWORKER), reason="Report.",
                           request_fingerprint="f")
    async with running_worker(client, sqlite_store) as tq:
        start = WithStartWorkflowOperation(
            CaseWorkflow.run, CaseWorkflowInput(case_id=str(case_id)),
            id=case_workflow_id(str(case_id)), task_queue=tq,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL)
        reassign = assignment("officer-first")
        tasks = await asyncio.wait_for(client.execute_update_with_start_workflow(
            CaseWorkflow.apply_command, reassign, start_workflow_operation=start),
            UPDATE_TIMEOUT)
    assert tasks.triage_done and tasks.open_tasks
    events = sqlite_store.events_of(case_id)
    # Triage first, then the assignment (intake's own assignment precedes both).
    order = [e.type if e.type != "Assigned" else e.data["command_id"] for e in events]
    assert order.index("TriageDecided") < order.index(reassign.request_id)
    assert events[order.index(reassign.request_id)].data["officer_id"] == "officer-first"

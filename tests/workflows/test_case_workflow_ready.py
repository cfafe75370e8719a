"""A case's deadlines survive continue-as-new, and errors no retry can fix are final
(time-skipping test server). Updates handled before `run` starts are tested on the dev server
in tests/integration/test_continue_as_new.py: the test server stops skipping time after an
update-with-start, which would stall every later test sharing it."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from temporal_contracts.payloads import (
    CaseCommandInput,
    CaseTasks,
    CaseWorkflowInput,
    case_workflow_id,
)
from tests.conftest import running_worker
from tests.support import eventually
from tests.workflows.steps import (
    STARTED,
    command,
    skip_until_after,
    start_case,
    task_of,
    triaged_tasks,
)
from workflows.case_workflow import CaseWorkflow

# Without the fix the update below never completes (its activity is retried for ever).
PATIENCE = 60.0


def assign(team: str = "Tenancy Support Team") -> CaseCommandInput:
    return command("assign_case", role="dso", team=team, reason="Caseload balanced.")


async def test_a_deadline_still_escalates_after_continue_as_new(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """D 8.14 across runs: assignments come in pairs (as from two DSOs) until the server
    suggests continue-as-new and the case starts a new run; the new run times the contact
    deadline again and escalates it when it passes."""
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(time_skipping_env, sqlite_store, tq)
        contact = task_of(await triaged_tasks(orchestrator, case_id), "contact_victim")
        handle = client.get_workflow_handle(case_workflow_id(case_id))
        first_run = (await handle.describe()).run_id
        # The test server suggests continue-as-new at about 4,000 history events.
        for _ in range(400):
            await asyncio.wait_for(asyncio.gather(
                orchestrator.apply_command(case_id, assign()),
                orchestrator.apply_command(case_id, assign())), PATIENCE)
            if (await handle.describe()).run_id != first_run:
                break
        new_run = (await handle.describe()).run_id
        assert new_run != first_run, "the case never continued as new"
        # Updates still answer on the new run.
        await asyncio.wait_for(orchestrator.apply_command(case_id, assign()), PATIENCE)
        await skip_until_after(time_skipping_env, contact.due_at)

        async def escalated() -> CaseTasks | None:
            view = await orchestrator.open_tasks(case_id)
            return view if task_of(view, "contact_victim").escalated else None
        await eventually(escalated, timeout=PATIENCE)
        history = await client.get_workflow_handle(case_workflow_id(case_id),
                                                   run_id=new_run).fetch_history()
    scheduled = [e.activity_task_scheduled_event_attributes.activity_type.name
                 for e in history.events if e.HasField("activity_task_scheduled_event_attributes")]
    assert "escalate_missed_deadline" in scheduled  # by the new run's timer
    escalations = [e.data for e in sqlite_store.events_of(uuid.UUID(case_id))
                   if e.type == "DeadlineEscalated" and e.data["task_id"] == contact.task_id]
    assert len(escalations) == 1


@pytest.mark.parametrize(("case_id", "error_type"), [
    ("not-a-case-id", "UnusableInput"),       # malformed: UUID() raises ValueError
    (str(uuid.UUID(int=7)), "CaseNotFound"),  # well formed, but there is no such case
])
async def test_an_activity_given_an_unusable_case_id_fails_at_once(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore, case_id: str,
        error_type: str) -> None:
    """Errors no retry can fix are non-retryable: one attempt, then the workflow is told."""
    client = time_skipping_env.client
    STARTED.append(case_id)
    async with running_worker(client, sqlite_store) as tq:
        with pytest.raises(WorkflowFailureError) as failed:
            await asyncio.wait_for(client.execute_workflow(
                CaseWorkflow.run, CaseWorkflowInput(case_id=case_id),
                id=case_workflow_id(case_id), task_queue=tq), PATIENCE)
        history = await client.get_workflow_handle(case_workflow_id(case_id)).fetch_history()
    activity_error = failed.value.cause
    assert isinstance(activity_error, ActivityError)
    cause = activity_error.cause
    assert isinstance(cause, ApplicationError)
    assert (cause.type, cause.non_retryable) == (error_type, True)
    attempts = [e.activity_task_started_event_attributes.attempt for e in history.events
                if e.HasField("activity_task_started_event_attributes")]
    assert attempts == [1]

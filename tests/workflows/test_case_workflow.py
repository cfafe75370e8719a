"""The case workflow on the time-skipping test server: deadlines pass in milliseconds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Channel, Reporter, ReporterKind
from temporal_contracts.payloads import CaseTasks, case_workflow_id
from tests.conftest import running_worker
from tests.support import eventually
from tests.workflows.steps import (
    completion,
    open_case,
    skip_until_after,
    start_case,
    task_of,
    triaged_tasks,
)
from workflows.case_workflow import CaseWorkflow
from workflows.client import CaseOrchestrator, CommandRefused


async def test_missed_contact_deadline_escalates_to_dso_and_opens_fallback_tasks(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """D 8.14: contact not made within 2 working days → DSO escalation, next-working-day
    contact task and a referral to DA support services."""
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(time_skipping_env, sqlite_store, tq)
        contact = task_of(await triaged_tasks(orchestrator, case_id), "contact_victim")
        await skip_until_after(time_skipping_env, contact.due_at)

        async def fallback_opened() -> CaseTasks | None:
            view = await orchestrator.open_tasks(case_id)
            kinds = {t.kind for t in view.open_tasks}
            wanted = {"contact_victim_next_working_day", "refer_to_da_support"}
            return view if wanted <= kinds else None
        view = await eventually(fallback_opened)

    assert task_of(view, "contact_victim").escalated
    for kind in ("contact_victim_next_working_day", "refer_to_da_support"):
        task = task_of(view, kind)
        assert task.section == "D 8.14"
        assert task.due_at is not None and task.due_at > contact.due_at
    escalations = [e.data for e in sqlite_store.events_of(uuid.UUID(case_id))
                   if e.type == "DeadlineEscalated" and e.data["task_id"] == contact.task_id]
    assert len(escalations) == 1
    assert escalations[0]["escalated_to"] == "Designated Safeguarding Officer"


async def test_contact_made_in_time_is_never_escalated(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """D 8.14: contact within 2 working days closes the deadline; a discussion task follows."""
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(time_skipping_env, sqlite_store, tq)
        contact = task_of(await triaged_tasks(orchestrator, case_id), "contact_victim")
        result = await orchestrator.complete_task(
            case_id, completion(contact.task_id, "discussion_offered"))
        assert "hold_personal_discussion" in {t.kind for t in result.open_tasks}
        await skip_until_after(time_skipping_env, contact.due_at)
        await orchestrator.open_tasks(case_id)  # the workflow has run past the deadline
    escalated = [e.data["task_id"] for e in sqlite_store.events_of(uuid.UUID(case_id))
                 if e.type == "DeadlineEscalated"]
    assert contact.task_id not in escalated


async def test_third_party_report_gets_police_check_and_no_victim_contact(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """D 8.12: a neighbour's report → establish whether the police know; no victim contact."""
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(
            time_skipping_env, sqlite_store, tq, channel=Channel.THIRD_PARTY,
            reporter=Reporter(kind=ReporterKind.NEIGHBOUR))
        kinds = [t.kind for t in (await triaged_tasks(orchestrator, case_id)).open_tasks]
    assert "establish_police_awareness" in kinds
    assert "contact_victim" not in kinds


async def test_bad_completion_is_refused_before_it_enters_history(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """The update validator names the rule and nothing is written to history or the case."""
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(time_skipping_env, sqlite_store, tq)
        await triaged_tasks(orchestrator, case_id)
        with pytest.raises(CommandRefused) as bad_outcome:
            await orchestrator.complete_task(case_id, completion("t2", "teleported"))
        with pytest.raises(CommandRefused) as auditor:
            await orchestrator.complete_task(case_id, completion("t2", "done", role="auditor"))
        with pytest.raises(CommandRefused) as unknown:
            await orchestrator.complete_task(case_id, completion("t99", "done"))
        history = await client.get_workflow_handle(case_workflow_id(case_id)).fetch_history()
    assert (bad_outcome.value.kind, bad_outcome.value.rule, bad_outcome.value.field) == (
        "RuleViolation", "outcome_fits_task", "outcome")
    assert (auditor.value.rule, auditor.value.field) == ("role_may_complete_task", "role")
    assert (unknown.value.kind, unknown.value.rule) == ("TaskNotFound", "task_exists")
    event_types = {e.WhichOneof("attributes") for e in history.events}
    assert "workflow_execution_update_accepted_event_attributes" not in event_types
    assert "TaskCompleted" not in [e.type for e in sqlite_store.events_of(uuid.UUID(case_id))]


async def test_completing_a_task_twice_is_a_conflict(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(time_skipping_env, sqlite_store, tq)
        await triaged_tasks(orchestrator, case_id)
        first = await orchestrator.complete_task(case_id, completion("t2", "done", "a"))
        with pytest.raises(CommandRefused) as second:
            await orchestrator.complete_task(case_id, completion("t2", "done", "b"))
    # D 8.28: the safeguarding report follows the talk with the line manager.
    assert "log_safeguarding_report" in {t.kind for t in first.open_tasks}
    assert (second.value.kind, second.value.rule) == ("Conflict", "task_completed_once")


async def test_update_handler_failure_is_an_application_error_not_a_stuck_workflow(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """A refusal raised by the store reaches the caller; the workflow keeps serving."""
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(time_skipping_env, sqlite_store, tq)
        await triaged_tasks(orchestrator, case_id)
        handle = client.get_workflow_handle(case_workflow_id(case_id))
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await handle.execute_update(CaseWorkflow.complete_task,
                                        completion("t2", "done", request_id=""))
        assert isinstance(failed.value.cause, ApplicationError)
        assert (await orchestrator.open_tasks(case_id)).triage_done


async def test_a_new_run_still_knows_a_task_completed_in_an_earlier_run(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """A run after continue-as-new (or a restart) starts with an empty memory: what it knows of
    completed tasks comes from the store, so a second completion is still 409, not 404."""
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(time_skipping_env, sqlite_store, tq)
        await triaged_tasks(orchestrator, case_id)
        await orchestrator.complete_task(case_id, completion("t2", "done", "a"))
        # A fresh run of the same case, as continue-as-new or the reconciler's restart makes.
        await client.get_workflow_handle(case_workflow_id(case_id)).terminate("new run")
        await orchestrator.restart_if_stopped(case_id)
        await triaged_tasks(orchestrator, case_id)
        with pytest.raises(CommandRefused) as again:
            await orchestrator.complete_task(case_id, completion("t2", "done", "b"))
    assert (again.value.kind, again.value.rule) == ("Conflict", "task_completed_once")


async def test_triage_opens_tasks_at_the_workflows_time_not_the_wall_clocks(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """Time is a fact of the command: triage's tasks are opened at the time the case's
    workflow triaged it. The test server's clock is put days ahead of the wall clock, and the
    store's own clock (the fallback for inputs without a time) is the wall clock."""
    await time_skipping_env.sleep(timedelta(days=3))
    async with running_worker(time_skipping_env.client, sqlite_store) as tq:
        case_id = await open_case(time_skipping_env, sqlite_store)
        workflow_time = await time_skipping_env.get_current_time()
        sqlite_store.clock = lambda: datetime.now(UTC)
        orchestrator = CaseOrchestrator(time_skipping_env.client, tq)
        await orchestrator.ensure_workflow(case_id)
        await triaged_tasks(orchestrator, case_id)
    case = sqlite_store.get_case(uuid.UUID(case_id))
    wall = datetime.now(UTC)
    assert case.tasks
    for task in case.tasks.values():
        assert abs(task.opened_at - workflow_time) < timedelta(hours=1), task
        assert task.opened_at - wall > timedelta(days=2), task
    triage = [e for e in sqlite_store.events_of(case.id) if e.type == "TriageDecided"]
    assert triage[0].data["at"] == next(iter(case.tasks.values())).opened_at.isoformat()

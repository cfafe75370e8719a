"""Client-side access to case workflows (used by the web app, the worker's reconciler and
tests). Nothing here runs inside a workflow."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from temporal_contracts.payloads import (
    AcknowledgementInput,
    CaseCommandInput,
    CaseTasks,
    CaseWorkflowInput,
    CompleteTaskInput,
    CompleteTaskResult,
    case_workflow_id,
)
from workflows.case_workflow import CaseWorkflow

QUERY_TIMEOUT = timedelta(seconds=10)
# How a case's workflow can end while its case is open: every one of them loses its timers.
STOPPED = (WorkflowExecutionStatus.FAILED, WorkflowExecutionStatus.TERMINATED,
           WorkflowExecutionStatus.TIMED_OUT, WorkflowExecutionStatus.CANCELED)


@dataclass
class CommandRefused(Exception):
    """The workflow refused a command: `kind` is Conflict, RuleViolation, Forbidden
    or TaskNotFound."""

    kind: str
    rule: str
    field: str
    message: str
    section: str = ""


class WorkflowNotRunning(Exception):
    """The case's workflow has not started yet (intake still settling) or cannot be reached."""


class CaseOrchestrator:
    """Starts, queries and updates the workflow of each case."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue

    async def ensure_workflow(self, case_id: str) -> None:
        """Start the case's workflow unless it already runs (safe to call any number of times)."""
        # Intake never gives a closed workflow a second life; `restart_if_stopped` does, for
        # a run that stopped while its case is open.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self.client.start_workflow(
                CaseWorkflow.run, CaseWorkflowInput(case_id=case_id),
                id=case_workflow_id(case_id), task_queue=self.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )

    async def restart_if_stopped(self, case_id: str) -> WorkflowExecutionStatus | None:
        """Start a new run of the case's workflow if its latest run failed, was terminated,
        timed out or was cancelled; returns how that run ended, or None if nothing was done.
        The new run rebuilds its state, deadline timers included, from the event store."""
        handle = self.client.get_workflow_handle(case_workflow_id(case_id))
        status = (await handle.describe()).status
        if status not in STOPPED:
            return None
        await self.client.start_workflow(
            CaseWorkflow.run, CaseWorkflowInput(case_id=case_id),
            id=case_workflow_id(case_id), task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
        return status

    async def restart_if_stuck(self, case_id: str, run_id: str, min_attempts: int) -> int | None:
        """Terminate run `run_id` of the case's workflow if it is running and its pending
        workflow task is at attempt `min_attempts` or later (it keeps failing or timing out),
        then start a new run as `restart_if_stopped` does. Returns the attempt reached, or
        None if the run was not stuck (recovered, replaced or closed since it was listed)."""
        handle = self.client.get_workflow_handle(case_workflow_id(case_id), run_id=run_id)
        description = await handle.describe()
        pending = description.raw_description.pending_workflow_task
        if (description.status is not WorkflowExecutionStatus.RUNNING
                or not description.raw_description.HasField("pending_workflow_task")
                or pending.attempt < min_attempts):
            return None
        try:
            # The run id pins this run: a run started meanwhile is never terminated here.
            await handle.terminate(reason=f"workflow task failing at attempt {pending.attempt}: "
                                          "restarted by the reconciler")
        except RPCError as e:
            if e.status is RPCStatusCode.NOT_FOUND:  # closed in the meantime
                return None
            raise
        await self.restart_if_stopped(case_id)
        return pending.attempt

    async def open_tasks(self, case_id: str) -> CaseTasks:
        """The case's open tasks, read from its workflow through a query."""
        handle = self.client.get_workflow_handle(case_workflow_id(case_id))
        try:
            return await handle.query(CaseWorkflow.open_tasks, rpc_timeout=QUERY_TIMEOUT)
        except RPCError as e:
            if e.status is RPCStatusCode.NOT_FOUND:
                raise WorkflowNotRunning() from None
            raise

    async def complete_task(self, case_id: str, command: CompleteTaskInput) -> CompleteTaskResult:
        """Complete a task through the workflow's update; refusals raise `CommandRefused`."""
        return await self._update(case_id, CaseWorkflow.complete_task, command)

    async def apply_command(self, case_id: str, command: CaseCommandInput) -> CaseTasks:
        """Apply a command (aggregates/commands/) through the workflow's update; refusals:
        `CommandRefused`."""
        return await self._update(case_id, CaseWorkflow.apply_command, command)

    async def record_acknowledgement(self, case_id: str, ack: AcknowledgementInput) -> CaseTasks:
        """Hand a partner's verified acknowledgement to the case's workflow."""
        return await self._update(case_id, CaseWorkflow.record_acknowledgement, ack)

    async def _update(self, case_id: str, update: Any, arg: Any) -> Any:
        handle = self.client.get_workflow_handle(case_workflow_id(case_id))
        try:
            return await handle.execute_update(update, arg)
        except WorkflowUpdateFailedError as e:
            cause = e.cause
            if isinstance(cause, ApplicationError) and cause.type:
                details = [*list(cause.details), "", "", ""]
                raise CommandRefused(kind=cause.type, rule=str(details[0]), field=str(details[1]),
                                     message=cause.message, section=str(details[2])) from None
            raise
        except RPCError as e:
            if e.status is RPCStatusCode.NOT_FOUND:
                raise WorkflowNotRunning() from None
            raise

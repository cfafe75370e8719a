"""One workflow per case: the single writer of the case after intake.

It triages the case, holds its open tasks (read through the `open_tasks` query), takes task
completions through the `complete_task` update (whose validator refuses bad input before it
enters history) and runs a durable timer per deadline: a missed deadline escalates, it is
never dropped. All state worth keeping is in the event store; the workflow's own state is a
view of it, refreshed from every activity result, so `continue_as_new` only needs the case id.

Ready before it answers: the case id comes from the input in `@workflow.init`, before any
handler runs, and every update that writes waits until triage is done. This matters on the
first workflow task of a run: an update the server carried over a continue-as-new (or one
that arrived before a worker took the run) is handled *before* `run` starts. Errors no retry
can fix fail their activity at once (`temporal_contracts.retry_policies`); a run that fails or is
terminated anyway is noticed and restarted by the worker's reconciler (`application.intake`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from activities.case_activities import CaseActivities
    from aggregates.commands import parse_command
    from aggregates.errors import RuleViolation
    from aggregates.tasks import TaskKind, check_completion, check_task_open
    from temporal_contracts.payloads import (
        ApplyCommandInput,
        CaseCommandInput,
        CaseTasks,
        CaseWorkflowInput,
        CompleteTaskInput,
        CompleteTaskResult,
        EscalateInput,
        OpenTask,
        PendingReferral,
        RecordCompletionInput,
        RecordDeliveryInput,
        RecordFailureInput,
        ReferralInput,
        TriageInput,
    )
    from temporal_contracts.refusals import as_application_error
    from temporal_contracts.retry_policies import COMMAND_RETRY, STORE_RETRY, STORE_TIMEOUT
    from workflows.case_acknowledgements import CaseAcknowledgements
    from workflows.case_transfers import CaseTransfers
    from workflows.referral_workflow import ReferralWorkflow, referral_workflow_id
    from workflows.refusals import (
        CONFLICT,
        RULE_VIOLATION,
        refusal,
    )

# A store-writing activity, by method reference: its name and result type come with it.
StoreActivity = Callable[[CaseActivities, Any], CaseTasks]


@workflow.defn
class CaseWorkflow(CaseTransfers, CaseAcknowledgements):
    @workflow.init
    def __init__(self, input: CaseWorkflowInput) -> None:
        # Set before any handler runs: handlers may run before `run` on a run's first task.
        self._case_id = input.case_id
        self._triage_done = False
        self._open: dict[str, OpenTask] = {}
        self._known: set[str] = set()
        self._completing: set[str] = set()
        self._watchers: dict[str, asyncio.Task[None]] = {}
        self._deliveries: dict[str, asyncio.Task[None]] = {}
        # One write to the case at a time, in order: deadlines falling due together and
        # completions arriving together would otherwise race on the case's version.
        self._writing = asyncio.Lock()

    @workflow.run
    async def run(self, input: CaseWorkflowInput) -> None:
        # Idempotent: on a new run (after continue-as-new, or a restart by the reconciler) it
        # just returns the open tasks, whose deadlines `_refresh` times again.
        tasks = await self._write(CaseActivities.triage_case, TriageInput(
            case_id=input.case_id, at=workflow.now()))
        self._triage_done = True
        self._refresh(tasks)
        # The case stays open; keep history short by starting afresh when Temporal suggests it.
        # One condition, checked again with no await before starting afresh: an update
        # arriving after the transfers were quiet (a caseworker ending a transfer, say) must
        # be told to the transfer's workflow first, or the next run sees it ended, tells
        # nobody, and the transfer waits for its own six-hourly read of the case.
        while not self._may_start_afresh():
            await workflow.wait_condition(self._may_start_afresh)
        workflow.continue_as_new(input)

    def _may_start_afresh(self) -> bool:
        """Temporal suggests it, and nothing of this run is under way or untold: no handler,
        completion or delivery in progress, every transfer told the case's latest status."""
        return (workflow.info().is_continue_as_new_suggested() and not self._completing
                and all(d.done() for d in self._deliveries.values())
                and self._transfers_quiet() and workflow.all_handlers_finished())

    @workflow.query
    def open_tasks(self) -> CaseTasks:
        """The case's open tasks, soonest deadline first."""
        tasks = sorted(self._open.values(),
                       key=lambda t: (t.due_at is None, t.due_at or workflow.now()))
        return CaseTasks(open_tasks=tasks, triage_done=self._triage_done)

    @workflow.update
    async def complete_task(self, input: CompleteTaskInput) -> CompleteTaskResult:
        """Record a task as completed and open whatever follows from it."""
        await workflow.wait_condition(lambda: self._triage_done)
        # Re-checked here: another update for the same task may have started since validation.
        self._open_task(input.task_id)
        self._completing.add(input.task_id)
        try:
            tasks = await self._write(
                CaseActivities.record_task_completed, RecordCompletionInput(
                    case_id=self._case_id, completion=input, at=workflow.now()), COMMAND_RETRY)
        except ActivityError as err:
            # Not completed after all: the task's deadline must be timed again.
            self._completing.discard(input.task_id)
            self._watchers.pop(input.task_id, None)
            self._refresh(CaseTasks(open_tasks=list(self._open.values())))
            raise refusal(err) from None
        self._completing.discard(input.task_id)
        self._refresh(tasks)
        return CompleteTaskResult(task_id=input.task_id, open_tasks=tasks.open_tasks)

    @complete_task.validator
    def validate_complete_task(self, input: CompleteTaskInput) -> None:
        """Refuse bad completions before anything is written to history."""
        if not self._triage_done:
            raise ApplicationError("triage_first: the case is still being triaged",
                                   "triage_first", "task_id", type=CONFLICT)
        task = self._open_task(input.task_id)
        if not input.request_id:
            raise ApplicationError("request_has_id: a request id is required",
                                   "request_has_id", "request_id", type=RULE_VIOLATION)
        try:
            check_completion(TaskKind(task.kind), input.outcome, input.role)
        except RuleViolation as e:
            raise as_application_error(e, non_retryable=False) from None

    def _open_task(self, task_id: str) -> OpenTask:
        """The open task, refused by the case's own rule (aggregates/tasks.py
        `check_task_open`) on the workflow's view of the case: a task this run saw open and no
        longer holds open, or one being completed, counts as completed."""
        completed = task_id in self._completing or (
            task_id in self._known and task_id not in self._open)
        try:
            return check_task_open(task_id, self._open.get(task_id), completed=completed)
        except RuleViolation as e:
            raise as_application_error(e, non_retryable=False) from None

    @workflow.update
    async def apply_command(self, input: CaseCommandInput) -> CaseTasks:
        """Apply a command on the case other than a completion (aggregates/commands/)."""
        await workflow.wait_condition(lambda: self._triage_done)
        try:
            tasks = await self._write(CaseActivities.apply_case_command, ApplyCommandInput(
                case_id=self._case_id, command=input, at=workflow.now()), COMMAND_RETRY)
        except ActivityError as err:
            raise refusal(err) from None
        self._refresh(tasks)
        return tasks

    @apply_command.validator
    def validate_apply_command(self, input: CaseCommandInput) -> None:
        """Refuse an unknown or malformed command before anything is written to history."""
        if not input.request_id:
            raise ApplicationError("request_has_id: a request id is required",
                                   "request_has_id", "request_id", type=RULE_VIOLATION)
        try:
            parse_command(input.command, input.args, input.role)
        except RuleViolation as e:
            raise as_application_error(e, non_retryable=False) from None

    def _refresh(self, tasks: CaseTasks) -> None:
        """Adopt the store's view of the open tasks, time every new deadline and start
        delivering every new referral."""
        self._follow_transfers(tasks)
        for referral in tasks.pending_referrals:
            if referral.referral_id not in self._deliveries:
                self._deliveries[referral.referral_id] = asyncio.create_task(
                    self._deliver(referral))
        self._open = {t.task_id: t for t in tasks.open_tasks}
        self._known.update(self._open, tasks.completed_task_ids)
        for task in tasks.open_tasks:
            watched = task.task_id in self._watchers
            if task.due_at is not None and not task.escalated and not watched:
                self._watchers[task.task_id] = asyncio.create_task(self._watch_deadline(task))

    async def _watch_deadline(self, task: OpenTask) -> None:
        """A durable timer: escalate when the task is still open at its deadline."""
        if task.due_at is None:
            return

        def settled() -> bool:
            return task.task_id not in self._open or task.task_id in self._completing

        remaining = task.due_at - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(settled, timeout=remaining)
                return
            except TimeoutError:
                pass
        if settled():
            return
        async with self._writing:
            if settled():  # completed while this escalation waited its turn
                return
            try:
                tasks = await self._write_unlocked(
                    CaseActivities.escalate_missed_deadline, EscalateInput(
                        case_id=self._case_id, task_id=task.task_id, at=workflow.now()))
            except ActivityError as err:
                # Only a final failure gets here (the store's retries have no maximum): a
                # missed deadline that cannot be escalated must not vanish unnoticed.
                cause = err.cause
                kind = cause.type if isinstance(cause, ApplicationError) else type(cause).__name__
                workflow.logger.error("ALERT task %s missed its deadline and could not be "
                                      "escalated (%s)", task.task_id, kind)
                return
        self._refresh(tasks)

    async def _deliver(self, referral: PendingReferral) -> None:
        """Deliver through a child workflow, then record the receipt on the case; a delivery
        given up is recorded too, and gives a DSO a task."""
        try:
            receipt = await workflow.execute_child_workflow(
                ReferralWorkflow.run,
                ReferralInput(case_id=self._case_id, referral_id=referral.referral_id,
                              partner=referral.partner),
                id=referral_workflow_id(self._case_id, referral.referral_id),
            )
        except ChildWorkflowError as err:
            cause = err.cause
            failure = (str(cause.details[0]) if isinstance(cause, ApplicationError)
                       and cause.details else "delivery_failed")
            tasks = await self._write(CaseActivities.record_referral_failed, RecordFailureInput(
                case_id=self._case_id, referral_id=referral.referral_id, failure=failure,
                at=workflow.now()))
        else:
            tasks = await self._write(
                CaseActivities.record_referral_delivered, RecordDeliveryInput(
                    case_id=self._case_id, referral_id=referral.referral_id, receipt=receipt,
                    at=workflow.now()))
        self._refresh(tasks)

    async def _write(self, activity: StoreActivity, arg: object,
                     retry: RetryPolicy = STORE_RETRY) -> CaseTasks:
        """Run a store-writing activity, one at a time. `retry`: `STORE_RETRY` (no maximum)
        for what the case's deadlines depend on, `COMMAND_RETRY` for a caller's command."""
        async with self._writing:
            return await self._write_unlocked(activity, arg, retry)

    async def _write_unlocked(self, activity: StoreActivity, arg: object,
                              retry: RetryPolicy = STORE_RETRY) -> CaseTasks:
        return await workflow.execute_activity_method(
            activity, arg, start_to_close_timeout=STORE_TIMEOUT, retry_policy=retry)

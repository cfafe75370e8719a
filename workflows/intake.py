"""Intake: record the case, then make sure its workflow runs. Client-side, not a workflow.

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
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from uuid import UUID

from activities.case_store import CaseStore, DuplicateRequest
from aggregates.report import Actor, Report
from temporal_contracts.payloads import case_workflow_id
from workflows.client import STOPPED, CaseOrchestrator

log = logging.getLogger(__name__)

# Visibility is updated a little after a workflow closes: look back this far past the last pass.
VISIBILITY_LAG = timedelta(minutes=10)
CASE_WORKFLOW_PREFIX = case_workflow_id("")


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
    workflow of every case whose workflow stopped (see the module's docstring)."""

    def __init__(self, store: CaseStore, orchestrator: CaseOrchestrator) -> None:
        self.store = store
        self.orchestrator = orchestrator
        self.position = 0
        self.awaiting: set[UUID] = set()
        self.stopped_since: datetime | None = None

    async def run_once(self) -> int:
        """One pass; returns how many cases still await triage after it."""
        await self.restart_stopped_workflows()
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

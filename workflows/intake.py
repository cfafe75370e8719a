"""Intake: record the case, then make sure its workflow runs. Client-side, not a workflow.

The event store is written first and is the commit point: a report is never lost. If the
process dies before the workflow starts, the case is found by `IntakeReconciler` (it reads the
notification log for cases opened but not yet triaged) and by a retry of the same request
(same idempotency key), and either starts the workflow. A workflow never exists without its
case, because nothing starts one before the case is stored.
"""

from __future__ import annotations

import asyncio
import logging
from uuid import UUID

from activities.case_store import CaseStore, DuplicateRequest
from aggregates.report import Actor, Report
from workflows.client import CaseOrchestrator

log = logging.getLogger(__name__)


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
    """Starts the workflow of every case that was stored but never triaged."""

    def __init__(self, store: CaseStore, orchestrator: CaseOrchestrator) -> None:
        self.store = store
        self.orchestrator = orchestrator
        self.position = 0
        self.awaiting: set[UUID] = set()

    async def run_once(self) -> int:
        """One pass; returns how many cases still await triage after it."""
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

    async def run_forever(self, interval: float) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # keep reconciling; the next pass retries
                log.exception("intake reconciliation pass failed")
            await asyncio.sleep(interval)

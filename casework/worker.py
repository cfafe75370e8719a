"""The worker process: runs case workflows and activities, the intake reconciler, and the task
board's projection (its one writer: web processes only read the board)."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from activities.board_projector import BoardProjector
from activities.case_activities import CaseActivities
from activities.case_store import CaseStore
from gateways.base import PartnerGateway
from gateways.stand_in import RecordingGateway
from workflows.case_workflow import CaseWorkflow
from workflows.client import CaseOrchestrator
from workflows.intake import IntakeReconciler
from workflows.referral_workflow import ReferralWorkflow

ACTIVITY_THREADS = 8
# On shutdown the worker stops taking tasks and gives the activities it is running this long
# to finish (as long as their own start-to-close timeouts), so a delivery or a write in flight
# is completed and reported rather than abandoned and retried. Whatever stops the process must
# wait longer than this (docker-compose.yml `stop_grace_period`, casework/devstack.py).
GRACEFUL_SHUTDOWN = timedelta(seconds=30)


def build_worker(client: Client, store: CaseStore, task_queue: str,
                 executor: ThreadPoolExecutor, gateway: PartnerGateway | None = None) -> Worker:
    """A worker for case and referral workflows on `task_queue`, with activities bound to
    `store` and to the partner `gateway` (the recorded stand-in until signed gateways exist)."""
    return Worker(
        client, task_queue=task_queue, workflows=[CaseWorkflow, ReferralWorkflow],
        activities=CaseActivities(store, gateway or RecordingGateway()).all(),
        activity_executor=executor, graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


async def run_worker(client: Client, store: CaseStore, task_queue: str,
                     reconcile_interval: float, gateway: PartnerGateway,
                     stop: asyncio.Event | None = None) -> None:
    """Run the Temporal worker, the intake reconciler and the task board's projection side by
    side until `stop` is set (or the worker fails); then shut down gracefully: no new tasks,
    in-flight activities finish (up to `GRACEFUL_SHUTDOWN`) and report their results before
    this returns."""
    reconciler = IntakeReconciler(store, CaseOrchestrator(client, task_queue))
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor, BoardProjector(store):
        worker = build_worker(client, store, task_queue, executor, gateway)
        reconciling = asyncio.create_task(reconciler.run_forever(reconcile_interval))
        running = asyncio.create_task(worker.run())
        stopping = asyncio.create_task((stop or asyncio.Event()).wait())
        try:
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            reconciling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reconciling
            if not running.done():
                await worker.shutdown()
            await running  # a worker failure is raised here

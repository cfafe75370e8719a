"""The worker process: runs case workflows and activities, the intake reconciler, and the
projections (casework/projection_admin.py: the task board's and any other; the worker is their
one writer, web processes only read them)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from temporalio.client import Client
from temporalio.worker import PollerBehaviorSimpleMaximum, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.case_store import CaseStore
from activities.projection_lease import LeaseTerms
from activities.transfer_activities import TransferActivities
from application.intake import IntakeReconciler
from application.log_self_check import LogSelfCheck
from application.transparency import CheckpointSchedule, TransparencyLog
from application.witnessing import witnessing_for
from casework.projection_admin import lease_terms, projecting
from casework.settings import Settings
from gateways.base import PartnerGateway
from gateways.landlord_gateway import LandlordExchange, landlords_for
from gateways.registry import PartnerRegistry
from gateways.stand_in import RecordingGateway
from transparency.note import Signer
from workflows.case_workflow import CaseWorkflow
from workflows.client import CaseOrchestrator
from workflows.referral_workflow import ReferralWorkflow
from workflows.transfer_workflow import InboundReplyWorkflow, ReciprocalTransferWorkflow

# On shutdown the worker stops taking tasks and gives the activities it is running this long
# to finish (as long as their own start-to-close timeouts), so a delivery or a write in flight
# is completed and reported rather than abandoned and retried. Whatever stops the process must
# wait longer than this (docker-compose.yml `stop_grace_period`, casework/stack.py).
GRACEFUL_SHUTDOWN = timedelta(seconds=30)

# Pure modules (no I/O, clock or randomness) that workflows import: loaded once per process
# and shared by every workflow run, instead of being imported again in each run's sandbox.
PASSTHROUGH_MODULES = ("aggregates", "temporal_contracts")


@dataclass(frozen=True)
class WorkerTuning:
    """How much one worker process takes on at once (see the `worker_*` settings)."""

    workflow_task_slots: int = 8
    activity_slots: int = 8
    cached_workflows: int = 2000
    workflow_task_pollers: int = 2
    activity_task_pollers: int = 2
    # One worker at a time runs each projection (activities/projection_lease.py).
    projection_lease: LeaseTerms = field(default_factory=LeaseTerms)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerTuning:
        return cls(
            workflow_task_slots=settings.worker_workflow_task_slots,
            activity_slots=settings.worker_activity_slots,
            cached_workflows=settings.worker_cached_workflows,
            workflow_task_pollers=settings.worker_workflow_task_pollers,
            activity_task_pollers=settings.worker_activity_task_pollers,
            projection_lease=lease_terms(settings),
        )


def workflow_runner() -> SandboxedWorkflowRunner:
    """The default sandbox, with our pure modules passed through (see PASSTHROUGH_MODULES)."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    return SandboxedWorkflowRunner(restrictions=restrictions)


def build_worker(client: Client, store: CaseStore, task_queue: str,
                 executor: ThreadPoolExecutor, gateway: PartnerGateway | None = None,
                 tuning: WorkerTuning | None = None,
                 landlords: LandlordExchange | None = None) -> Worker:
    """A worker for case and referral workflows on `task_queue`, with activities bound to
    `store` and to the partner `gateway` (the recorded stand-in until signed gateways exist).
    `executor` runs the activities: give it `tuning.activity_slots` threads. `landlords`:
    how transfer messages reach landlords (by default, as `gateway` reaches partners)."""
    tuning = tuning or WorkerTuning()
    gateway = gateway or RecordingGateway()
    return Worker(
        client, task_queue=task_queue,
        workflows=[CaseWorkflow, ReferralWorkflow, ReciprocalTransferWorkflow,
                   InboundReplyWorkflow],
        activities=TransferActivities(store, gateway,
                                      landlords or landlords_for(gateway)).all(),
        activity_executor=executor, graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        workflow_runner=workflow_runner(),
        max_concurrent_workflow_tasks=tuning.workflow_task_slots,
        max_concurrent_activities=tuning.activity_slots,
        max_cached_workflows=tuning.cached_workflows,
        workflow_task_poller_behavior=PollerBehaviorSimpleMaximum(tuning.workflow_task_pollers),
        activity_task_poller_behavior=PollerBehaviorSimpleMaximum(tuning.activity_task_pollers),
    )


async def run_worker(client: Client, store: CaseStore, task_queue: str,
                     reconcile_interval: float, gateway: PartnerGateway,
                     tuning: WorkerTuning | None = None,
                     stop: asyncio.Event | None = None,
                     checkpoints: tuple[Signer, float] | None = None,
                     self_check_seconds: float | None = None,
                     witnesses: tuple[PartnerRegistry | None,
                                      Sequence[Ed25519PrivateKey]] | None = None) -> None:
    """Run the Temporal worker, the intake reconciler, the projections and (given
    `checkpoints`: the log key and the interval in seconds) the transparency log's signed
    checkpoints and (given also `self_check_seconds`) its self-check against the latest
    checkpoint (application/log_self_check.py), and after each checkpoint (given
    `witnesses`: the partner registry and our signing keys) a witnessing round
    (application/witnessing.py), side by side until `stop` is set (or the
    worker fails); then shut down gracefully: no new tasks, in-flight activities finish (up
    to `GRACEFUL_SHUTDOWN`) and report their results before this returns."""
    tuning = tuning or WorkerTuning()
    reconciler = IntakeReconciler(store, CaseOrchestrator(client, task_queue))
    with (ThreadPoolExecutor(max_workers=tuning.activity_slots) as executor,
          projecting(store, tuning.projection_lease)):
        worker = build_worker(client, store, task_queue, executor, gateway, tuning)
        reconciling = asyncio.create_task(reconciler.run_forever(reconcile_interval))
        background: list[asyncio.Task[None]] = []
        if checkpoints is not None:
            the_log = TransparencyLog(store.recorder)  # type: ignore[arg-type]
            rounds = (None if witnesses is None else
                      witnessing_for(the_log, checkpoints[0].verifier, *witnesses))
            schedule = CheckpointSchedule(
                the_log, checkpoints[0], after=None if rounds is None else rounds.round_logged)
            background.append(asyncio.create_task(schedule.run_forever(checkpoints[1])))
            if self_check_seconds is not None:
                check = LogSelfCheck(the_log, checkpoints[0].verifier, the_log.alerts())
                background.append(asyncio.create_task(check.run_forever(self_check_seconds)))
        running = asyncio.create_task(worker.run())
        stopping = asyncio.create_task((stop or asyncio.Event()).wait())
        try:
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            reconciling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reconciling
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if not running.done():
                await worker.shutdown()
            await running  # a worker failure is raised here

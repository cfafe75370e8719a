"""The case workflow's side of a Kent reciprocal transfer (a mixin of `CaseWorkflow`): start a
transfer's workflow when the case records a request, tell it each time the case moves the
transfer on, and record on the case what the transfer's workflow learnt from the landlord
(signal `record_transfer_step`), so the case workflow stays the case's single writer.

Transfer workflows are abandoned, not ended, when the case workflow continues as new (they
last months); the next run finds them by id (`WorkflowAlreadyStartedError`) and tells them
again. Histories recorded before transfers existed replay unchanged: a case without a
transfer schedules nothing here.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    FailureError,
    WorkflowAlreadyStartedError,
)
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.case_activities import CaseActivities
    from temporal_contracts.payloads import ApplyCommandInput, CaseCommandInput, CaseTasks
    from temporal_contracts.retry_policies import COMMAND_RETRY
    from temporal_contracts.transfer_payloads import (
        InboundReplyInput,
        TransferChanged,
        TransferProgress,
        TransferWorkflowInput,
        inbound_reply_workflow_id,
        transfer_workflow_id,
    )
    from workflows.transfer_workflow import (
        ENDED,
        InboundReplyWorkflow,
        ReciprocalTransferWorkflow,
    )

# The system commands a transfer's workflow may have recorded (what the landlord said).
TRANSFER_COMMANDS = frozenset({"record_transfer_request_sent", "record_transfer_offer",
                               "record_transfer_refusal"})


class CaseTransfers:
    """Needs the case workflow's `_case_id`, `_triage_done`, `_write` and `_refresh`."""

    _case_id: str
    _triage_done: bool
    if TYPE_CHECKING:
        async def _write(self, activity: Any, arg: object, retry: RetryPolicy = ...
                         ) -> CaseTasks: ...

        def _refresh(self, tasks: CaseTasks) -> None: ...

    def _transfer_statuses(self) -> dict[str, str]:
        if not hasattr(self, "_transfers_seen"):
            self._transfers_seen: dict[str, str] = {}
        return self._transfers_seen

    def _liaisons(self) -> list[asyncio.Task[None]]:
        if not hasattr(self, "_transfer_liaisons"):
            self._transfer_liaisons: list[asyncio.Task[None]] = []
        return self._transfer_liaisons

    def _transfers_told(self) -> dict[str, str]:
        if not hasattr(self, "_transfers_told_to"):
            self._transfers_told_to: dict[str, str] = {}
        return self._transfers_told_to

    def _transfers_quiet(self) -> bool:
        """Every transfer's workflow has been told the case's latest status (so a continue-
        as-new never drops the news: the next run would see an ended transfer as ended and
        tell nobody)."""
        told = self._transfers_told()
        return all(told.get(tid) == status for tid, status in self._transfer_statuses().items()
                   if not tid.startswith("inbound:"))

    def _follow_transfers(self, tasks: CaseTasks) -> None:
        """Start a liaison with each transfer's workflow the first time this run sees the
        transfer (starting the workflow itself only for a transfer just requested: one seen
        further on already has its workflow); a change of status wakes the liaison."""
        seen = self._transfer_statuses()
        for inbound in tasks.inbound_transfers:
            key = f"inbound:{inbound.transfer_id}"
            if inbound.status != "received" and key not in seen:
                seen[key] = inbound.status
                self._liaisons().append(asyncio.create_task(self._reply(inbound)))
        for transfer in tasks.transfers:
            first = transfer.transfer_id not in seen
            seen[transfer.transfer_id] = transfer.status
            if first and transfer.status in ENDED:
                self._transfers_told()[transfer.transfer_id] = transfer.status  # told before
            elif first:
                self._liaisons().append(asyncio.create_task(self._liaise(transfer)))

    async def _liaise(self, transfer: TransferProgress) -> None:
        """Start (or find) the transfer's workflow, then tell it every status the case
        records for the transfer, until it ends."""
        workflow_id = transfer_workflow_id(self._case_id, transfer.transfer_id)
        with contextlib.suppress(WorkflowAlreadyStartedError):  # started by an earlier run
            await workflow.start_child_workflow(
                ReciprocalTransferWorkflow.run,
                TransferWorkflowInput(case_id=self._case_id, transfer_id=transfer.transfer_id,
                                      landlord=transfer.landlord),
                id=workflow_id, parent_close_policy=ParentClosePolicy.ABANDON)
        handle = workflow.get_external_workflow_handle(workflow_id)
        seen, told = self._transfer_statuses(), self._transfers_told()
        while told.get(transfer.transfer_id) not in ENDED:
            await workflow.wait_condition(
                lambda: seen[transfer.transfer_id] != told.get(transfer.transfer_id))
            status = seen[transfer.transfer_id]
            try:
                await handle.signal(ReciprocalTransferWorkflow.case_changed,
                                    TransferChanged(status=status))
            except FailureError:  # it has finished: nothing left to tell
                told[transfer.transfer_id] = status
                return
            told[transfer.transfer_id] = status

    async def _reply(self, inbound: TransferProgress) -> None:
        """Send our answer to the landlord whose request opened the case: once, whichever run
        of the case's workflow first sees it (the id is never reused)."""
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(
                InboundReplyWorkflow.run,
                InboundReplyInput(case_id=self._case_id, request_id=inbound.transfer_id,
                                  landlord=inbound.landlord),
                id=inbound_reply_workflow_id(self._case_id, inbound.transfer_id),
                parent_close_policy=ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)

    @workflow.signal
    async def record_transfer_step(self, input: CaseCommandInput) -> None:
        """What a transfer's workflow learnt from the landlord, recorded as a system command
        (idempotent by its request id). A refusal by the case is logged (ids and the rule);
        the transfer's workflow sees the case unchanged and asks again later."""
        if input.command not in TRANSFER_COMMANDS or input.role != "system":
            workflow.logger.error("ALERT refused a transfer step that is not the landlord's")
            return
        await workflow.wait_condition(lambda: self._triage_done)
        try:
            tasks = await self._write(CaseActivities.apply_case_command, ApplyCommandInput(
                case_id=self._case_id, command=input, at=workflow.now()), COMMAND_RETRY)
        except ActivityError as err:
            cause = err.cause
            rule = (str(cause.details[0]) if isinstance(cause, ApplicationError)
                    and cause.details else type(cause).__name__)
            workflow.logger.error("ALERT transfer step %s was not recorded (%s)",
                                  input.command, rule)
            return
        self._refresh(tasks)

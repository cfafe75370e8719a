"""One Kent reciprocal transfer between two landlords (D 8.22, D 8.35; DBC 4.2), a child of
the case's workflow with a life of its own (the receiving landlord may be down for days; the
victim may take weeks to decide):

    request -> the landlord's offer or refusal -> the victim accepts or declines ->
    move date -> the old tenancy ended -> the new tenancy granted (recorded by the caseworker)

It never writes the case: the case workflow is its single writer. What the landlord says is
sent to the case workflow as a system command (signal `record_transfer_step`, idempotent by
its request id, one per step); what the caseworker records reaches this workflow from the case
workflow (signal `case_changed`), and every `RECHECK` it reads the case itself, so a lost
signal (the parent continuing as new) delays a step, never loses it. Each step's message is
sent once per step id (`gateways/transfer_messages.py`), retried with the referral's backoff
for up to `GIVE_UP_AFTER`; a landlord that never takes the request ends the transfer as
refused for that reason, which gives the caseworker a task ("choose next step"). Its input
holds ids only; the activity reads the area and the packet from the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, RetryState
from temporalio.exceptions import TimeoutError as ActivityTimeout

with workflow.unsafe.imports_passed_through():
    from activities.transfer_activities import TransferActivities
    from temporal_contracts.payloads import CaseCommandInput, case_workflow_id
    from temporal_contracts.retry_policies import (
        DELIVERY_RETRY,
        GIVE_UP_AFTER,
        STORE_RETRY,
        STORE_TIMEOUT,
    )
    from temporal_contracts.transfer_payloads import (
        InboundReplyInput,
        StepAnswer,
        TransferChanged,
        TransferStatusInput,
        TransferStepInput,
        TransferWorkflowInput,
    )

# The case's transfer statuses in order (aggregates/transfer_rules.py TransferStatus).
ORDER = ("requested", "sent", "offered", "accepted", "move_date_agreed", "old_tenancy_ended",
         "completed")
ENDED = frozenset({"refused", "declined", "completed"})
RECHECK = timedelta(hours=6)           # read the case anyway, this often, while waiting
FIRST_ENQUIRY = timedelta(hours=1)     # ask the landlord where its decision stands...
LAST_ENQUIRY = timedelta(hours=24)     # ...less often as days pass
AFTER_ALERT = timedelta(days=1)        # a later step not delivered is tried again after this
SYSTEM = {"staff_id": "system", "role": "system"}


def reached(status: str, wanted: str) -> bool:
    """Whether the case's `status` is `wanted` or past it (an ended transfer is past all)."""
    if status in ENDED:
        return True
    return status in ORDER and ORDER.index(status) >= ORDER.index(wanted)


@workflow.defn
class ReciprocalTransferWorkflow:
    @workflow.init
    def __init__(self, input: TransferWorkflowInput) -> None:
        self._input = input
        self._status = ""  # the case's status of the transfer, as last told or read
        self._sent = list(input.sent)  # the case's steps told to the landlord, in order

    @workflow.signal
    def case_changed(self, change: TransferChanged) -> None:
        """The case workflow: the case moved the transfer on (a caseworker's step)."""
        self._status = change.status

    @workflow.query
    def status(self) -> str:
        return self._status

    @workflow.run
    async def run(self, input: TransferWorkflowInput) -> str:
        """The transfer's outcome: "completed", "refused" or "declined"."""
        await self._read_case()
        if not reached(self._status, "sent"):
            answer = await self._send_or_refuse("transfer_request")
            if answer is not None:
                await self._tell_case("record_transfer_request_sent",
                                      {"message_id": answer.message_id}, until="sent")
        if not reached(self._status, "offered"):
            decision = await self._landlords_decision(("offer", "refusal"))
            if decision.status == "offer":
                await self._tell_case("record_transfer_offer", {
                    "offer_ref": decision.offer_ref, "new_address": decision.new_address,
                    "tenancy_type": decision.tenancy_type}, until="offered")
            else:
                await self._tell_case("record_transfer_refusal", {"reason": decision.reason},
                                      until="offered")
        if self._status == "refused":
            return self._status
        # The case's steps, each told to the landlord once (a new run knows what the last
        # one sent from its input; a step the case is past is still sent if it never was).
        for wanted, step in (("accepted", "victim_decision"), ("move_date_agreed", "move_date"),
                             ("old_tenancy_ended", "old_tenancy_ended")):
            await self._until(self._reached(wanted))
            if step not in self._sent:
                await self._send_until_taken(step)
                self._sent.append(step)
            if self._status == "declined":
                return self._status
        # The caseworker records the new tenancy (its security is checked against the old
        # one: D 8.35, DBC 4.1.2); the landlord's own word is on its `granted` answer.
        await self._until(self._reached("completed"))
        return self._status

    def _reached(self, wanted: str) -> Callable[[], bool]:
        return lambda: reached(self._status, wanted)

    async def _send(self, step: str, poll: int = 0) -> StepAnswer:
        """One message to the landlord, retried with backoff for up to `GIVE_UP_AFTER`."""
        return await workflow.execute_activity_method(
            TransferActivities.send_transfer_step,
            TransferStepInput(case_id=self._input.case_id, transfer_id=self._input.transfer_id,
                              landlord=self._input.landlord, step=step, poll=poll),
            start_to_close_timeout=timedelta(seconds=30), schedule_to_close_timeout=GIVE_UP_AFTER,
            retry_policy=DELIVERY_RETRY)

    async def _send_until_taken(self, step: str) -> StepAnswer:
        """A later step: the move is under way, so it is never given up. Each four days
        without delivery (or a refusal by the gate, say a decision withdrawn) is an ALERT,
        then it is tried again a day later."""
        while True:
            try:
                return await self._send(step)
            except ActivityError as err:
                cause = err.cause
                kind = (str(cause.details[0]) if isinstance(cause, ApplicationError)
                        and cause.details else type(cause).__name__)
                workflow.logger.error("ALERT transfer %s: %s not delivered (%s); trying "
                                      "again in a day", self._input.transfer_id, step, kind)
                await workflow.sleep(AFTER_ALERT)
                self._continue_as_new_if_suggested()

    async def _send_or_refuse(self, step: str) -> StepAnswer | None:
        """Send the request; if it cannot be delivered (given up, refused by the landlord or
        by the sharing gate), end the transfer as refused with the reason code."""
        try:
            return await self._send(step)
        except ActivityError as err:
            cause = err.cause
            if err.retry_state is RetryState.TIMEOUT or isinstance(cause, ActivityTimeout):
                reason = "landlord_unreachable_for_days"  # tried until GIVE_UP_AFTER
            elif isinstance(cause, ApplicationError) and cause.details:
                reason = str(cause.details[0])  # the rule or reason code, never contents
            else:
                reason = "delivery_failed"
            workflow.logger.error("ALERT transfer %s: request not delivered (%s)",
                                  self._input.transfer_id, reason)
            await self._tell_case("record_transfer_refusal", {"reason": reason},
                                  until="offered")
            return None

    async def _landlords_decision(self, wanted: tuple[str, ...]) -> StepAnswer:
        """Ask the landlord where its decision stands until it is one of `wanted`: hourly at
        first, then less often, up to daily (each enquiry numbered by the workflow's clock)."""
        wait = FIRST_ENQUIRY
        while True:
            poll = int(workflow.now().timestamp())
            answer = await self._send("transfer_enquiry", poll=poll)
            if answer.status in wanted:
                return answer
            await workflow.sleep(wait)
            wait = min(wait * 2, LAST_ENQUIRY)
            self._continue_as_new_if_suggested()

    async def _tell_case(self, command: str, args: dict[str, Any], *, until: str) -> None:
        """Have the case workflow record the landlord's answer, then wait until the case
        shows it (the command's request id makes a repeat a no-op)."""
        payload = CaseCommandInput(
            command=command, args={"transfer_id": self._input.transfer_id, **args},
            request_id=f"transfer:{self._input.transfer_id}:{command}", **SYSTEM)
        case = workflow.get_external_workflow_handle(case_workflow_id(self._input.case_id))
        while True:
            await case.signal("record_transfer_step", payload)
            if await self._until(lambda: reached(self._status, until), once=True):
                return

    async def _until(self, done: Callable[[], bool], *, once: bool = False) -> bool:
        """Wait until `done()`, reading the case every `RECHECK`; with `once`, give up after
        one read (the caller signals again)."""
        while not done():
            try:
                await workflow.wait_condition(done, timeout=RECHECK)
            except TimeoutError:
                await self._read_case()
                if once and not done():
                    return False
            self._continue_as_new_if_suggested()
        return True

    async def _read_case(self) -> None:
        now = await workflow.execute_activity_method(
            TransferActivities.transfer_status,
            TransferStatusInput(case_id=self._input.case_id,
                                transfer_id=self._input.transfer_id),
            start_to_close_timeout=STORE_TIMEOUT, retry_policy=STORE_RETRY)
        if now.status:
            self._status = now.status

    def _continue_as_new_if_suggested(self) -> None:
        """A transfer can wait months for people: start afresh (it resumes from the case)."""
        if workflow.info().is_continue_as_new_suggested():
            workflow.continue_as_new(replace(self._input, sent=list(self._sent)))


@workflow.defn
class InboundReplyWorkflow:
    """Our answer to another landlord's request (we are the receiving landlord), sent once,
    signed, retried for up to `GIVE_UP_AFTER` while they are down; then an alert names the
    request (the case shows the answer recorded either way)."""

    @workflow.run
    async def run(self, input: InboundReplyInput) -> str:
        try:
            answer = await workflow.execute_activity_method(
                TransferActivities.send_inbound_reply, input,
                start_to_close_timeout=timedelta(seconds=30),
                schedule_to_close_timeout=GIVE_UP_AFTER, retry_policy=DELIVERY_RETRY)
        except ActivityError:
            workflow.logger.error("ALERT our answer to transfer request %s was not delivered",
                                  input.request_id)
            return "given_up"
        return answer.status

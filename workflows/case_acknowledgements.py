"""The case workflow's side of partners' acknowledgements (a mixin of `CaseWorkflow`): an
acknowledgement can overtake our record of the delivery it acknowledges (the partner answers
at once, web/routes_partners.py), so it waits, up to `ACK_PATIENCE`, until the delivery is
recorded and no other write to the case is under way; else the partner is told to retry
(`RetryLater`, a 503 at the web edge) and nothing is lost."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.case_activities import CaseActivities
    from temporal_contracts.payloads import (
        AcknowledgementInput,
        CaseTasks,
        RecordAcknowledgementInput,
    )
    from temporal_contracts.retry_policies import STORE_RETRY, STORE_TIMEOUT
    from workflows.refusals import ACK_PATIENCE, RETRY_LATER, acknowledgement_refusal


class CaseAcknowledgements:
    """Needs the case workflow's `_case_id`, `_triage_done`, `_deliveries`, `_writing` and
    `_refresh`."""

    _case_id: str
    _triage_done: bool
    _deliveries: dict[str, asyncio.Task[None]]
    _writing: asyncio.Lock
    if TYPE_CHECKING:
        def _refresh(self, tasks: CaseTasks) -> None: ...

    @workflow.update
    async def record_acknowledgement(self, input: AcknowledgementInput) -> CaseTasks:
        """A partner's verified acknowledgement of a referral (checked by the web edge); kept
        until the referral's delivery is recorded, or refused with `RetryLater`."""
        await self._until_acknowledgement_can_be_taken(input.referral_id)
        async with self._writing:
            try:
                tasks = await workflow.execute_activity_method(
                    CaseActivities.record_referral_acknowledged,
                    RecordAcknowledgementInput(case_id=self._case_id, ack=input,
                                               at=workflow.now()),
                    start_to_close_timeout=STORE_TIMEOUT,
                    schedule_to_close_timeout=ACK_PATIENCE, retry_policy=STORE_RETRY)
            except ActivityError as err:
                raise acknowledgement_refusal(err) from None
        self._refresh(tasks)
        return tasks

    def _acknowledgement_can_be_taken(self, referral_id: str) -> bool:
        """Triaged, the referral's delivery (if one is under way) recorded, and no other
        write to the case in progress."""
        delivery = self._deliveries.get(referral_id)
        return (self._triage_done and (delivery is None or delivery.done())
                and not self._writing.locked())

    async def _until_acknowledgement_can_be_taken(self, referral_id: str) -> None:
        """Wait up to `ACK_PATIENCE` for the acknowledgement to be takeable; raise
        `RetryLater` otherwise (the web edge answers 503 and the partner retries)."""
        if self._acknowledgement_can_be_taken(referral_id):
            return  # no timer: histories recorded before this wait replay unchanged
        try:
            await workflow.wait_condition(
                lambda: self._acknowledgement_can_be_taken(referral_id), timeout=ACK_PATIENCE)
        except TimeoutError:
            raise ApplicationError(
                "delivery_recorded_first: the delivery is not recorded yet; retry shortly",
                "delivery_recorded_first", "message_id", type=RETRY_LATER) from None

"""The activities of a Kent reciprocal transfer (workflows/transfer_workflow.py): a message to
the receiving landlord, and where the case says the transfer stands.

`send_transfer_step` builds the step's message from the store (the destination area and the
packet never cross Temporal: the workflow names the step, this reads the case), sends it
signed under a message id stable per step, and returns the landlord's verified answer. A
retry sends the same id, so the landlord records the step once and answers with its first
answer. Failures follow `CaseActivities.deliver_referral`: the sharing gate's refusal, an
unregistered landlord or a landlord's refusal for good are final (`DeliveryRefused`); a
landlord down is retried with backoff and alerts after `DELIVERY_ALERT_AFTER` attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.case_activities import (
    DELIVERY_REFUSED,
    PARTNER_UNAVAILABLE,
    CaseActivities,
    domain_errors_as_application_errors,
    final_or_alerting,
)
from activities.case_store import CaseStore
from activities.transfer_packet import PURPOSE, transfer_packet
from activities.transfer_progress import transfer_record
from aggregates.case import Case
from aggregates.sharing import covering_decision
from aggregates.transfer_records import InboundStatus
from gateways.base import PartnerGateway
from gateways.http_gateway import DeliveryRefused, PartnerUnavailable
from gateways.landlord_gateway import LandlordExchange
from gateways.registry import UnknownPartner
from gateways.transfer_messages import AnswerStatus, LandlordAnswer, TransferStep, message_id
from temporal_contracts.retry_policies import DELIVERY_ALERT_AFTER, STORE_ALERT_AFTER
from temporal_contracts.transfer_payloads import (
    InboundReplyInput,
    StepAnswer,
    TransferStatusInput,
    TransferStatusNow,
    TransferStepInput,
)


def step_message(case: Case, transfer: dict[str, Any], step: TransferStep,
                 profile: frozenset[str]) -> dict[str, Any]:
    """The message of `step`, from what the case records (see gateways/transfer_messages)."""
    base = {"type": step.value, "transfer_id": transfer["transfer_id"],
            "council": case.council.value}
    if step is not TransferStep.REQUEST:  # each step only under the decision still standing
        covering_decision([d.to_dict() for d in case.sharing_decisions],
                          partner=transfer["receiving_landlord"], purpose=PURPOSE,
                          consents=case.consents)
    if step is TransferStep.REQUEST:
        return {**base, "packet": transfer_packet(
            case, transfer_id=transfer["transfer_id"], landlord=transfer["receiving_landlord"],
            destination_area=transfer["destination_area"], profile=profile)}
    if step is TransferStep.VICTIM_DECISION:
        return {**base, "accepted": transfer["status"] != "declined"}
    if step is TransferStep.MOVE_DATE:
        return {**base, "move_date": transfer["move_date"]}
    if step is TransferStep.OLD_TENANCY_ENDED:
        return {**base, "ended_on": transfer["old_tenancy_ended_on"]}
    return base


class TransferActivities(CaseActivities):
    """The case activities and a transfer's, bound to the store, the partner gateway and the
    landlords' exchange."""

    def __init__(self, store: CaseStore, gateway: PartnerGateway,
                 landlords: LandlordExchange) -> None:
        super().__init__(store, gateway)
        self._landlords = landlords

    @activity.defn(name="send_transfer_step")
    @final_or_alerting(DELIVERY_ALERT_AFTER)
    def send_transfer_step(self, input: TransferStepInput) -> StepAnswer:
        """Send one step of the transfer to its landlord; its verified answer."""
        step = TransferStep(input.step)
        with domain_errors_as_application_errors():
            case = self._store.get_case(UUID(input.case_id))
            transfer = transfer_record(case, input.transfer_id)
            if transfer is None:
                raise ApplicationError("the case has no such transfer", "transfer_exists",
                                       type=DELIVERY_REFUSED, non_retryable=True)
            try:
                profile = self._gateway.profile(input.landlord)
            except (UnknownPartner, KeyError, ValueError):
                raise ApplicationError("the landlord is not registered",
                                       "partner_not_registered", type=DELIVERY_REFUSED,
                                       non_retryable=True) from None
            message = step_message(case, transfer, step, profile)
        return self._exchange(input.landlord, message,
                              message_id(input.case_id, input.transfer_id, step, input.poll))

    def _exchange(self, landlord: str, message: dict[str, Any], mid: str) -> StepAnswer:
        """Send a message to a landlord; its verified answer, or a typed, final or retried
        failure."""
        try:
            answer = self._landlords.exchange(landlord=landlord, message=message,
                                              message_id=mid)
        except DeliveryRefused as refused:
            raise ApplicationError(f"landlord refused the message ({refused.status})",
                                   refused.reason, type=DELIVERY_REFUSED,
                                   non_retryable=True) from None
        except PartnerUnavailable as down:
            raise ApplicationError(f"landlord unavailable ({down.status})",
                                   "partner_unavailable", type=PARTNER_UNAVAILABLE) from None
        return StepAnswer(status=answer.status.value, message_id=mid,
                          offer_ref=answer.offer_ref, new_address=answer.new_address,
                          tenancy_type=answer.tenancy_type, reason=answer.reason,
                          granted_on=answer.granted_on,
                          security_of_tenure=answer.security_of_tenure)

    @activity.defn(name="transfer_status")
    @final_or_alerting(STORE_ALERT_AFTER)
    def transfer_status(self, input: TransferStatusInput) -> TransferStatusNow:
        """Where the case says the transfer stands ("" if it has none by that id)."""
        with domain_errors_as_application_errors():
            found = transfer_record(self._store.get_case(UUID(input.case_id)),
                                    input.transfer_id)
        return TransferStatusNow(status=found["status"] if found else "")

    @activity.defn(name="send_inbound_reply")
    @final_or_alerting(DELIVERY_ALERT_AFTER)
    def send_inbound_reply(self, input: InboundReplyInput) -> StepAnswer:
        """Send our recorded answer (offer or refusal) to the landlord whose request opened
        the case; once per request id, as `send_transfer_step` sends a step."""
        with domain_errors_as_application_errors():
            case = self._store.get_case(UUID(input.case_id))
            inbound = case.transfer.inbound
            if inbound is None or inbound.request_id != input.request_id or (
                    inbound.status == InboundStatus.RECEIVED):
                raise ApplicationError("the case holds no answer to this request",
                                       "inbound_transfer_answered", type=DELIVERY_REFUSED,
                                       non_retryable=True)
            offered = inbound.status == InboundStatus.OFFERED
            answer = LandlordAnswer(
                status=AnswerStatus.OFFER if offered else AnswerStatus.REFUSAL,
                in_reply_to=inbound.message_id, offer_ref=inbound.offer_ref or "",
                new_address=inbound.new_address or "",
                tenancy_type=inbound.tenancy_type.value if inbound.tenancy_type else "",
                reason="" if offered else "refused_by_receiving_landlord")
            message = {**answer.to_message(inbound.request_id), "council": case.council.value}
            if not offered and inbound.answer_reason:
                message["reason_text"] = inbound.answer_reason  # their tenant: why not here
        return self._exchange(input.landlord, message,
                              message_id(input.case_id, input.request_id, TransferStep.ANSWER))

    def all(self) -> list[Callable[..., object]]:
        return [*super().all(), self.send_transfer_step, self.transfer_status,
                self.send_inbound_reply]


"""Temporal activities over the case store. Each is idempotent: running it twice changes nothing
more than running it once (steps are keyed on task ids and command ids).

Failures (see `temporal_contracts.retry_policies`): a domain refusal or an unusable input (a
malformed case id, a missing field) is raised as a non-retryable `ApplicationError`, so it fails
at once; anything else is retried by Temporal, and every failed attempt from a threshold on logs
an ERROR alert naming the workflow, the activity and the attempt (never the input or message).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TypeVar
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.case_store import CaseStore
from activities.transfer_progress import inbound_progress, transfer_progress
from aggregates.case import Case
from aggregates.errors import CaseError
from aggregates.referral_content import outbound_message
from aggregates.report import Actor, Role
from gateways.base import PartnerGateway
from gateways.http_gateway import DeliveryRefused, PartnerUnavailable
from gateways.registry import UnknownPartner
from temporal_contracts.payloads import (
    ApplyCommandInput,
    CaseTasks,
    DeliveryReceipt,
    EscalateInput,
    OpenTask,
    PendingReferral,
    RecordAcknowledgementInput,
    RecordCompletionInput,
    RecordDeliveryInput,
    RecordFailureInput,
    ReferralInput,
    TriageInput,
)
from temporal_contracts.refusals import as_application_error
from temporal_contracts.retry_policies import (
    DELIVERY_ALERT_AFTER,
    DELIVERY_RETRY,
    STORE_ALERT_AFTER,
    UNUSABLE_INPUT,
)

DELIVERY_REFUSED = "DeliveryRefused"
PARTNER_UNAVAILABLE = "PartnerUnavailable"

log = logging.getLogger(__name__)
In = TypeVar("In")
Out = TypeVar("Out")
Acts = TypeVar("Acts", bound="CaseActivities")  # this class or one extending it


def to_case_tasks(case: Case) -> CaseTasks:
    """The case's open tasks and undelivered referrals, as the workflow tracks them."""
    return CaseTasks(
        open_tasks=[
            OpenTask(task_id=t.task_id, kind=t.kind.value, title=t.title, assignee=t.assignee,
                     due_at=t.due_at, rule=t.rule, section=t.section,
                     escalated=t.task_id in case.escalated, requirements=list(t.requirements))
            for t in case.open_tasks
        ],
        pending_referrals=[
            PendingReferral(referral_id=r.referral_id, kind=r.kind.value, partner=r.partner)
            for r in case.pending_referrals
        ],
        completed_task_ids=sorted(case.completed),
        transfers=transfer_progress(case),
        inbound_transfers=inbound_progress(case),
    )


@contextmanager
def domain_errors_as_application_errors() -> Iterator[None]:
    """Domain refusals are final (non-retryable) and keep the rule's name, never personal data
    (typed as temporal_contracts/refusals.py says, as the workflows' validators are)."""
    try:
        yield
    except CaseError as e:
        raise as_application_error(e) from None


def final_or_alerting(alert_after: int) -> Callable[
        [Callable[[Acts, In], Out]], Callable[[Acts, In], Out]]:
    """Make an activity's shape errors final, and alert on a failure Temporal will retry.

    `ValueError`, `TypeError`, `KeyError` and `AttributeError` from our code mean the input
    cannot be used (no retry changes that): raised as a non-retryable `UnusableInput`. Any
    other failure is retried; from attempt `alert_after` on, each one logs an ERROR naming the
    workflow id, the activity and the attempt (only ids and the error's class: no personal
    data). Domain refusals are already final and are not alerts: they are answers.
    """
    def decorate(method: Callable[[Acts, In], Out]) -> Callable[[Acts, In], Out]:
        @functools.wraps(method)
        def guarded(self: Acts, input: In) -> Out:
            try:
                return method(self, input)
            except ApplicationError as e:
                if not e.non_retryable:
                    alert_if_persistent(e, alert_after)
                raise
            except (ValueError, TypeError, KeyError, AttributeError) as e:
                info = activity.info()
                log.error("activity %s of workflow %s: unusable input (%s), not retried",
                          info.activity_type, info.workflow_id, type(e).__name__)
                raise ApplicationError(f"unusable input ({type(e).__name__})", "input_usable",
                                       type=UNUSABLE_INPUT, non_retryable=True) from None
            except Exception as e:
                alert_if_persistent(e, alert_after)
                raise
        return guarded
    return decorate


def alert_if_persistent(error: Exception, alert_after: int) -> None:
    """Log an ERROR alert when an activity is still failing after `alert_after` attempts."""
    info = activity.info()
    if info.attempt >= alert_after:
        kind = (error.type if isinstance(error, ApplicationError) and error.type
                else type(error).__name__)
        log.error("ALERT activity %s of workflow %s failed on attempt %d (%s); retrying",
                  info.activity_type, info.workflow_id, info.attempt, kind)


class CaseActivities:
    """The activities a case workflow calls, bound to one case store and one partner gateway."""

    def __init__(self, store: CaseStore, gateway: PartnerGateway) -> None:
        self._store = store
        self._gateway = gateway

    @activity.defn(name="triage_case")
    @final_or_alerting(STORE_ALERT_AFTER)
    def triage_case(self, input: TriageInput) -> CaseTasks:
        """Run the council's triage rules on a new case and open its first tasks."""
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.triage(UUID(input.case_id), at=input.at))

    @activity.defn(name="record_task_completed")
    @final_or_alerting(STORE_ALERT_AFTER)
    def record_task_completed(self, input: RecordCompletionInput) -> CaseTasks:
        """Record a completed task and open the tasks that follow from it."""
        c = input.completion
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.complete_task(
                case_id=UUID(input.case_id), task_id=c.task_id, outcome=c.outcome, note=c.note,
                actor=Actor(staff_id=c.staff_id, role=Role(c.role)), command_id=c.request_id,
                at=input.at,
            ))

    @activity.defn(name="escalate_missed_deadline")
    @final_or_alerting(STORE_ALERT_AFTER)
    def escalate_missed_deadline(self, input: EscalateInput) -> CaseTasks:
        """Escalate a task whose deadline passed to a DSO and open the policy's fallback tasks."""
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.escalate_missed_deadline(
                case_id=UUID(input.case_id), task_id=input.task_id, at=input.at))

    @activity.defn(name="apply_case_command")
    @final_or_alerting(STORE_ALERT_AFTER)
    def apply_case_command(self, input: ApplyCommandInput) -> CaseTasks:
        """Apply a command of the registry (aggregates/commands/) to the case, once."""
        c = input.command
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.apply_command(
                case_id=UUID(input.case_id), name=c.command, args=c.args,
                actor=Actor(staff_id=c.staff_id, role=Role(c.role)), command_id=c.request_id,
                at=input.at))

    @activity.defn(name="deliver_referral")
    @final_or_alerting(DELIVERY_ALERT_AFTER)
    def deliver_referral(self, input: ReferralInput) -> DeliveryReceipt:
        """Send a referral to its partner through the gateway, once per referral (the
        idempotency key is the case and referral id, the same on every retry). The message is
        only what the sharing gate lets through; a refusal is final."""
        with domain_errors_as_application_errors():
            case = self._store.get_case(UUID(input.case_id))
            try:
                profile = self._gateway.profile(input.partner)
            except UnknownPartner:
                raise ApplicationError("the partner is not registered", "partner_not_registered",
                                       type=DELIVERY_REFUSED, non_retryable=True) from None
            message = outbound_message(case, input.referral_id, profile)
        try:
            receipt = self._gateway.deliver(
                partner=input.partner, message=message,
                idempotency_key=delivery_key(input.case_id, input.referral_id))
        except DeliveryRefused as refused:
            raise ApplicationError(f"partner refused the message ({refused.status})",
                                   "partner_refused", type=DELIVERY_REFUSED,
                                   non_retryable=True) from None
        except PartnerUnavailable as down:
            # Retried by Temporal with backoff; a partner's Retry-After may lengthen the wait,
            # never shorten it below the backoff (a "try again in 1 s" from a partner that is
            # down for days would otherwise mean a try every second).
            delay = None
            if down.retry_after_seconds:
                backoff = delivery_backoff(activity.info().attempt)
                delay = max(timedelta(seconds=down.retry_after_seconds), backoff)
            raise ApplicationError(f"partner unavailable ({down.status})", "partner_unavailable",
                                   type=PARTNER_UNAVAILABLE, next_retry_delay=delay) from None
        return DeliveryReceipt(delivery_id=receipt.delivery_id, digest=receipt.digest,
                               via=receipt.via)

    @activity.defn(name="record_referral_failed")
    @final_or_alerting(STORE_ALERT_AFTER)
    def record_referral_failed(self, input: RecordFailureInput) -> CaseTasks:
        """Record that a referral's delivery was given up; a DSO gets a task."""
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.record_referral_failed(
                case_id=UUID(input.case_id), referral_id=input.referral_id,
                failure=input.failure, at=input.at))

    @activity.defn(name="record_referral_acknowledged")
    @final_or_alerting(STORE_ALERT_AFTER)
    def record_referral_acknowledged(self, input: RecordAcknowledgementInput) -> CaseTasks:
        """Record a partner's verified, signed acknowledgement on the case."""
        with domain_errors_as_application_errors():
            ack = input.ack
            return to_case_tasks(self._store.record_referral_acknowledged(
                case_id=UUID(input.case_id), referral_id=ack.referral_id,
                ack_message_id=ack.ack_message_id, digest=ack.digest,
                signed_body=ack.signed_body, signature=ack.signature, at=input.at))

    @activity.defn(name="record_referral_delivered")
    @final_or_alerting(STORE_ALERT_AFTER)
    def record_referral_delivered(self, input: RecordDeliveryInput) -> CaseTasks:
        """Record on the case that the partner has the referral."""
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.record_referral_delivered(
                case_id=UUID(input.case_id), referral_id=input.referral_id,
                delivery_id=input.receipt.delivery_id, digest=input.receipt.digest,
                via=input.receipt.via, at=input.at))

    def all(self) -> list[Callable[..., object]]:
        return [self.triage_case, self.record_task_completed, self.escalate_missed_deadline,
                self.apply_case_command, self.deliver_referral, self.record_referral_delivered,
                self.record_referral_failed, self.record_referral_acknowledged]


def delivery_key(case_id: str, referral_id: str) -> str:
    """The idempotency key (and message id) of a referral: the same on every try."""
    return f"{case_id}:{referral_id}"


def delivery_backoff(attempt: int) -> timedelta:
    """The wait the delivery retry policy gives after `attempt` (see ReferralWorkflow)."""
    policy = DELIVERY_RETRY
    seconds = policy.initial_interval.total_seconds() * policy.backoff_coefficient ** (attempt - 1)
    ceiling = policy.maximum_interval.total_seconds() if policy.maximum_interval else seconds
    return timedelta(seconds=min(seconds, ceiling))

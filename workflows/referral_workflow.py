"""One referral's delivery to its partner: a child workflow of the case, with a life of its
own (a partner may be down for days; the case's workflow carries on meanwhile).

Retries follow the spirit of Standard Webhooks' schedule (seconds, then minutes, then hours,
for about three days): exponential backoff capped at one try an hour, every try with the same
idempotency key. After `GIVE_UP_AFTER` the delivery is given up and the workflow fails with
`DeliveryGivenUp`, so the case records it and a DSO gets a task. A partner's permanent
refusal, or the sharing gate's, is given up at once.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, RetryState, TimeoutError

with workflow.unsafe.imports_passed_through():
    from activities.case_activities import CaseActivities
    from temporal_contracts.payloads import DeliveryReceipt, ReferralInput
    from temporal_contracts.retry_policies import DELIVERY_RETRY, GIVE_UP_AFTER

DELIVERY_GIVEN_UP = "DeliveryGivenUp"


def referral_workflow_id(case_id: str, referral_id: str) -> str:
    return f"referral-{case_id}-{referral_id}"


@workflow.defn
class ReferralWorkflow:
    @workflow.run
    async def run(self, input: ReferralInput) -> DeliveryReceipt:
        try:
            return await workflow.execute_activity_method(
                CaseActivities.deliver_referral, input,
                start_to_close_timeout=timedelta(seconds=30),
                schedule_to_close_timeout=GIVE_UP_AFTER, retry_policy=DELIVERY_RETRY,
            )
        except ActivityError as err:
            cause = err.cause
            if err.retry_state is RetryState.TIMEOUT or isinstance(cause, TimeoutError):
                reason = "partner_unreachable_for_days"  # tried until GIVE_UP_AFTER
            elif isinstance(cause, ApplicationError) and cause.details:
                reason = str(cause.details[0])  # the rule or reason code, never contents
            else:
                reason = "delivery_failed"
            raise ApplicationError(f"delivery given up: {reason}", reason,
                                   type=DELIVERY_GIVEN_UP, non_retryable=True) from None

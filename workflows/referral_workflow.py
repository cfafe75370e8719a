"""One referral's delivery to its partner: a child workflow of the case, with a life of its
own (a partner may be down for days; the case's workflow carries on meanwhile)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.contracts import DeliveryReceipt, ReferralInput

# Keep trying: backing off to one try an hour, for as long as the partner is down. (Giving up
# and telling a DSO comes with the signed gateways.)
DELIVERY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), backoff_coefficient=2.0,
                             maximum_interval=timedelta(hours=1))


def referral_workflow_id(case_id: str, referral_id: str) -> str:
    return f"referral-{case_id}-{referral_id}"


@workflow.defn
class ReferralWorkflow:
    @workflow.run
    async def run(self, input: ReferralInput) -> DeliveryReceipt:
        return await workflow.execute_activity(
            "deliver_referral", input, result_type=DeliveryReceipt,
            start_to_close_timeout=timedelta(seconds=30), retry_policy=DELIVERY_RETRY,
        )

"""We are the receiving landlord (D 8.22: we support and facilitate moves; DBC 4.2.1): another
Kent landlord's request opened a case here; the caseworker's answer goes back to that landlord
signed, once, even when it is down for a day (time-skipping server, real landlord server on
loopback that verifies our signature)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from temporal_contracts.payloads import CaseCommandInput
from tests.conftest import running_worker
from tests.support import eventually
from tests.workflows.steps import command, start_case, triaged_tasks
from tests.workflows.transfer_steps import partners

SENDER = "landlord_folkestone_hythe_district_council"
OUR_HOME = "2 Lighthouse Row, Deal"


async def test_our_answer_reaches_the_requesting_landlord_once_after_a_day_down(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    env, store = time_skipping_env, sqlite_store
    with partners() as the:
        async with running_worker(env.client, store, the.gateway) as tq:
            case_id, orch = await start_case(env, store, tq)
            await triaged_tasks(orch, case_id)
            request_id = uuid.uuid4().hex
            await orch.apply_command(case_id, CaseCommandInput(
                command="record_inbound_transfer_request", staff_id="system", role="system",
                request_id=str(uuid.uuid4()), args={
                    "request_id": request_id, "from_landlord": SENDER,
                    "message_id": f"fhdc:{request_id}", "current_tenancy": "secure",
                    "signed_body": "{}", "signature": "v1a,test"}))
            the.landlord.set(down=True)
            await orch.apply_command(case_id, command(
                "answer_inbound_transfer", offered=True, offer_ref="DV-2027-14",
                new_address=OUR_HOME, tenancy_type="secure",
                reason="A two-bedroom flat away from the area she is fleeing."))
            await env.sleep(timedelta(days=1))
            assert not the.landlord.received()["messages"]
            the.landlord.set(down=False)
            await env.sleep(timedelta(hours=1, minutes=5))

            async def answered() -> list | None:
                return the.landlord.received()["messages"] or None
            [reply] = await eventually(answered)
            await env.sleep(timedelta(days=2))
            got = the.landlord.received()
    mid = f"transfer:{case_id}:{request_id}:transfer_answer"
    assert reply["message_id"] == mid and got["arrivals"] == {mid: 1}
    message = reply["message"]
    assert (message["status"], message["transfer_id"], message["in_reply_to"]) == (
        "offer", request_id, f"fhdc:{request_id}")
    assert (message["new_address"], message["tenancy_type"]) == (OUR_HOME, "secure")

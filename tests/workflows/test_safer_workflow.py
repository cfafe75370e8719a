"""A SAFER referral (DBC 7.4.3, D 8.37) driven by the case workflow on the time-skipping
server, to KCC's server on loopback that is down for a day: it keeps trying, backing off, and
KCC gets the signed referral exactly once when it is back, under the recorded decision."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Adult, Household
from gateways.default_partners import registry_document
from gateways.http_gateway import SignedHttpGateway
from gateways.partner_standin import RunningPartner
from gateways.registry import PartnerRegistry
from gateways.signing_keys import generate_private_key
from tests.conftest import running_worker
from tests.support import VICTIM_NAME, eventually
from tests.workflows.steps import command, start_case, triaged_tasks

KCC = "kcc_safer"
COUNCIL_KEY = generate_private_key()
NO_OTHER_REFERRALS = Household(adults=(Adult(name=VICTIM_NAME),), children=())


@pytest.fixture
def kcc() -> Iterator[RunningPartner]:
    with RunningPartner(KCC, [COUNCIL_KEY.public_key()]) as running:
        yield running


@pytest.fixture
def gateway(kcc: RunningPartner) -> Iterator[SignedHttpGateway]:
    registry = PartnerRegistry.from_dict(registry_document(
        {KCC: kcc.inbox_url}, {KCC: [kcc.public_key]}))
    with SignedHttpGateway(registry, [COUNCIL_KEY], timeout_seconds=5) as running:
        yield running


def safer_referral(store: CaseStore, case_id: str) -> dict:
    [found] = [r.to_dict() for r in store.get_case(uuid.UUID(case_id)).referrals.values()
               if r.kind.value == "safer"]
    return found


async def test_a_safer_referral_reaches_kcc_down_for_a_day_exactly_once(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore,
        kcc: RunningPartner, gateway: SignedHttpGateway) -> None:
    env = time_skipping_env
    kcc.set(down=True)
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        case_id, orch = await start_case(env, sqlite_store, tq, household=NO_OTHER_REFERRALS)
        await triaged_tasks(orch, case_id)
        await orch.apply_command(case_id, command(
            "refer_to_safer", reason="Wants door and window locks; agreed at the visit"))
        await env.sleep(timedelta(days=1))
        assert safer_referral(sqlite_store, case_id)["status"] == "queued"
        assert kcc.received()["down_refusals"] >= 5  # it kept trying, backing off
        kcc.set(down=False)
        await env.sleep(timedelta(hours=1, minutes=5))  # the next try, at most an hour later

        async def delivered() -> dict | None:
            found = safer_referral(sqlite_store, case_id)
            return found if found["status"] in ("delivered", "acknowledged") else None
        referral = await eventually(delivered, timeout=60)
        await env.sleep(timedelta(days=2))  # nothing is sent again
        got = kcc.received()
    assert got["accepted"] == 1 and len(got["messages"]) == 1
    assert got["messages"][0]["message_id"] == f"{case_id}:{referral['referral_id']}"
    case = sqlite_store.get_case(uuid.UUID(case_id))
    decision = next(d for d in case.sharing_decisions if d.partner == KCC)
    assert (decision.purpose, decision.lawful_basis) == ("security_measures", "consent")

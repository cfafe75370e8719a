"""Delivery to a real partner server on loopback, driven by the case workflow on the
time-skipping server: a partner down for days, a delivery given up, and a message the recorded
sharing decisions no longer cover (D 12.5, DBC 12)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Household
from gateways.default_partners import registry_document
from gateways.http_gateway import SignedHttpGateway
from gateways.partner_standin import RunningPartner
from gateways.registry import PartnerRegistry
from gateways.signing_keys import generate_private_key
from tests.conftest import running_worker
from tests.support import eventually
from tests.workflows.steps import command, start_case, triaged_tasks

CHILDRENS = "childrens_services"
COUNCIL_KEY = generate_private_key()


@pytest.fixture
def partner() -> Iterator[RunningPartner]:
    with RunningPartner(CHILDRENS, [COUNCIL_KEY.public_key()]) as running:
        yield running


@pytest.fixture
def gateway(partner: RunningPartner) -> Iterator[SignedHttpGateway]:
    registry = PartnerRegistry.from_dict(registry_document(
        {CHILDRENS: partner.inbox_url}, {CHILDRENS: [partner.public_key]}))
    with SignedHttpGateway(registry, [COUNCIL_KEY], timeout_seconds=5) as running:
        yield running


def referral(store: CaseStore, case_id: str) -> dict:
    [found] = store.get_case(uuid.UUID(case_id)).referrals.values()
    return found.to_dict()


async def status_becomes(store: CaseStore, case_id: str, status: str) -> dict:
    async def probe() -> dict | None:
        found = referral(store, case_id)
        return found if found["status"] == status else None
    return await eventually(probe, timeout=60)


async def test_partner_down_for_three_days_gets_the_message_exactly_once_after(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore,
        partner: RunningPartner, gateway: SignedHttpGateway) -> None:
    """D 8.23 referral to Children's Services while their server is down for three days."""
    env = time_skipping_env
    partner.set(down=True)
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        case_id, orch = await start_case(env, sqlite_store, tq)
        await triaged_tasks(orch, case_id)
        await env.sleep(timedelta(days=3))
        assert referral(sqlite_store, case_id)["status"] == "queued"
        assert partner.received()["down_refusals"] >= 10  # it kept trying, backing off
        partner.set(down=False)
        await env.sleep(timedelta(hours=1, minutes=5))  # the next try, at most an hour later
        delivered = await status_becomes(sqlite_store, case_id, "delivered")
    got = partner.received()
    assert got["accepted"] == 1 and len(got["messages"]) == 1
    assert got["messages"][0]["message_id"] == f"{case_id}:{delivered['referral_id']}"
    assert got["messages"][0]["digest"] == delivered["digest"]
    # Recorded at the workflow's time of the delivery, three days on, not at the store's
    # clock (held at the time the case was opened).
    at = {e.type: datetime.fromisoformat(e.data["at"])
          for e in sqlite_store.events_of(uuid.UUID(case_id))}
    assert at["ReferralDelivered"] - at["TriageDecided"] > timedelta(days=3)


async def test_delivery_given_up_after_days_gives_a_dso_a_task(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore,
        partner: RunningPartner, gateway: SignedHttpGateway) -> None:
    env = time_skipping_env
    partner.set(down=True)
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        case_id, orch = await start_case(env, sqlite_store, tq)
        await triaged_tasks(orch, case_id)
        await env.sleep(timedelta(days=5))
        failed = await status_becomes(sqlite_store, case_id, "failed")
        view = await orch.open_tasks(case_id)
    assert failed["failure"] == "partner_unreachable_for_days"
    task = next(t for t in view.open_tasks if t.kind == "resolve_referral")
    assert task.assignee == "Designated Safeguarding Officer"
    assert partner.received()["accepted"] == 0


async def test_a_category_no_longer_covered_is_never_sent(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore,
        partner: RunningPartner, gateway: SignedHttpGateway) -> None:
    """D 12.5: while the referral waits, a new decision covers less than it needs; nothing is
    sent and the refusal names what is missing."""
    env = time_skipping_env
    partner.set(down=True)
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        case_id, orch = await start_case(env, sqlite_store, tq)
        await triaged_tasks(orch, case_id)
        await orch.apply_command(case_id, command(
            "record_sharing_decision", partner=CHILDRENS, purpose="child_safeguarding",
            shared=True, categories=["case_reference", "victim_identity"],
            lawful_basis="safeguarding_obligation",
            justification="Only confirm that we hold a case, pending a strategy meeting"))
        partner.set(down=False)
        await env.sleep(timedelta(hours=2))
        failed = await status_becomes(sqlite_store, case_id, "failed")
    assert failed["failure"] == "sharing_decision_covers_every_category"
    assert partner.received()["accepted"] == 0
    assert partner.received()["messages"] == []


async def test_no_children_no_referral_and_nothing_sent(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore,
        partner: RunningPartner, gateway: SignedHttpGateway) -> None:
    env = time_skipping_env
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        case_id, orch = await start_case(env, sqlite_store, tq, household=Household())
        await triaged_tasks(orch, case_id)
    assert sqlite_store.get_case(uuid.UUID(case_id)).referrals == {}
    assert partner.received()["accepted"] == 0

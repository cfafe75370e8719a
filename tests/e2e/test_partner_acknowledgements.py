"""Partners over real HTTP on loopback: a referral is signed, delivered, and acknowledged with
a signed receipt that lands on the case; forged, altered, stale and replayed acknowledgements
are refused with 401 and leave the case unchanged. An acknowledgement that overtakes our
record of the delivery is kept, or refused with 503 so that the partner retries; message ids
are unique per partner. Sharing decisions are listed for auditors, and the perpetrator is
never a recipient (D 12.5, D 12.6, DBC 12, DAHA)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from gateways.default_partners import registry_document
from gateways.http_gateway import SignedHttpGateway
from gateways.partner_standin import RunningPartner
from gateways.registry import PartnerRegistry
from gateways.signing import sign_message
from gateways.signing_keys import generate_private_key
from temporal_contracts.payloads import case_workflow_id
from tests.support import eventually, free_port
from tests.web_harness import WebSystem, web_system

CHILDRENS = "childrens_services"
ADULTS = "adult_social_care"
CW, AUD = "cw-1", "aud-1"


@pytest.fixture
async def setup(tmp_path: Path, dev_env: WorkflowEnvironment
                ) -> AsyncIterator[tuple[WebSystem, RunningPartner]]:
    council_key = generate_private_key()
    port = free_port()
    ack_url = f"http://127.0.0.1:{port}/partners/{CHILDRENS}/messages"
    with RunningPartner(CHILDRENS, [council_key.public_key()], ack_url=ack_url) as partner:
        registry = PartnerRegistry.from_dict(registry_document(
            {CHILDRENS: partner.inbox_url}, {CHILDRENS: [partner.public_key]}))
        with SignedHttpGateway(registry, [council_key]) as gateway:
            async with web_system(tmp_path, dev_env, port=port, gateway=gateway,
                                  partners=registry) as system:
                system.add_staff(CW, Role.CASEWORKER)
                system.add_staff(AUD, Role.AUDITOR, teams=())
                yield system, partner


@pytest.fixture
async def two_partners(tmp_path: Path, dev_env: WorkflowEnvironment
                       ) -> AsyncIterator[tuple[WebSystem, RunningPartner, RunningPartner]]:
    """Children's services and adult social care, neither acknowledging by itself."""
    council_key = generate_private_key()
    with RunningPartner(CHILDRENS, [council_key.public_key()]) as children, \
            RunningPartner(ADULTS, [council_key.public_key()]) as adults:
        registry = PartnerRegistry.from_dict(registry_document(
            {CHILDRENS: children.inbox_url, ADULTS: adults.inbox_url},
            {CHILDRENS: [children.public_key], ADULTS: [adults.public_key]}))
        with SignedHttpGateway(registry, [council_key]) as gateway:
            async with web_system(tmp_path, dev_env, gateway=gateway,
                                  partners=registry) as system:
                system.add_staff(CW, Role.CASEWORKER)
                yield system, children, adults


async def referral_of(system: WebSystem, case_id: str, status: str) -> dict:
    async with system.client(CW) as http:
        async def probe() -> dict | None:
            found = [r for r in (await http.get(f"/cases/{case_id}/referrals")).json()
                     if r["status"] == status]
            return found[0] if found else None
        return await eventually(probe)


def signed_ack(partner: RunningPartner, acknowledged: str, digest: str, *,
               timestamp: int | None = None, message_id: str | None = None
               ) -> tuple[bytes, dict[str, str]]:
    signed = sign_message(
        {"type": "acknowledgement", "partner": partner.partner, "message_id": acknowledged,
         "digest": digest, "received_at": "2026-11-23T10:00:00Z"},
        keys=[partner.signing_key], message_id=message_id or f"ack-{uuid.uuid4()}",
        timestamp=timestamp or int(time.time()))
    return signed.body, signed.headers


async def test_referral_is_signed_delivered_and_acknowledged_on_the_case(
        setup: tuple[WebSystem, RunningPartner]) -> None:
    system, partner = setup
    case_id = await system.open_case(CW)
    acknowledged = await referral_of(system, case_id, "acknowledged")
    got = partner.received()
    assert got["accepted"] == 1 and got["messages"][0]["digest"] == acknowledged["digest"]
    # The partner verified our signature; the case keeps the partner's signed receipt.
    events = system.store.events_of(uuid.UUID(case_id))
    [ack] = [e for e in events if e.type == "ReferralAcknowledged"]
    assert ack.data["digest"] == acknowledged["digest"]
    assert ack.data["signature"].startswith("v1a,")
    assert f'"message_id":"{case_id}:' in ack.data["signed_body"]


@pytest.mark.parametrize("attack", ["forged", "altered", "stale", "replayed", "unknown"])
async def test_bad_acknowledgements_are_refused_and_change_nothing(
        setup: tuple[WebSystem, RunningPartner], attack: str) -> None:
    system, partner = setup
    partner.set(send_acks=False)  # we send the acknowledgements ourselves
    case_id = await system.open_case(CW)
    delivered = await referral_of(system, case_id, "delivered")
    acknowledged = f"{case_id}:{delivered['referral_id']}"
    before = len(system.store.events_of(uuid.UUID(case_id)))
    body, headers = signed_ack(partner, acknowledged, delivered["digest"])
    url = f"/partners/{CHILDRENS}/messages"
    async with httpx.AsyncClient(base_url=system.base_url) as http:
        if attack == "forged":  # signed by someone else's key
            forger = RunningPartner.__new__(RunningPartner)
            forger.signing_key, forger.partner = generate_private_key(), CHILDRENS
            body, headers = signed_ack(forger, acknowledged, delivered["digest"])
        elif attack == "altered":  # one byte changed after signing
            body = body.replace(b"2026-11-23T10", b"2026-11-23T11")
        elif attack == "stale":  # signed ten minutes ago
            body, headers = signed_ack(partner, acknowledged, delivered["digest"],
                                       timestamp=int(time.time()) - 600)
        elif attack == "replayed":  # a genuine acknowledgement, sent a second time
            first = await http.post(url, content=body, headers=headers)
            assert first.status_code == 202
            before = len(system.store.events_of(uuid.UUID(case_id)))
        elif attack == "unknown":
            url = "/partners/someone_else/messages"
        response = await http.post(url, content=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["errors"][0]["rule"] == "partner_signature_valid"
    assert len(system.store.events_of(uuid.UUID(case_id))) == before


async def test_an_acknowledgement_of_a_different_message_is_refused(
        setup: tuple[WebSystem, RunningPartner]) -> None:
    system, partner = setup
    partner.set(send_acks=False)
    case_id = await system.open_case(CW)
    delivered = await referral_of(system, case_id, "delivered")
    body, headers = signed_ack(partner, f"{case_id}:{delivered['referral_id']}", "0" * 64)
    async with httpx.AsyncClient(base_url=system.base_url) as http:
        response = await http.post(f"/partners/{CHILDRENS}/messages", content=body,
                                   headers=headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["rule"] == "acknowledgement_matches_delivery"
        # A final refusal keeps the id spent: the same message again is a replay.
        again = await http.post(f"/partners/{CHILDRENS}/messages", content=body,
                                headers=headers)
    assert again.status_code == 401
    assert again.json()["errors"][0]["message"] == "replayed"
    assert (await referral_of(system, case_id, "delivered"))["status"] == "delivered"


async def test_an_acknowledgement_that_overtakes_the_delivery_is_kept_until_it_is_recorded(
        setup: tuple[WebSystem, RunningPartner]) -> None:
    """The issue's case: the partner acknowledges before answering our POST, so before the
    case records `ReferralDelivered`. It is kept, not refused: taken at the first try."""
    system, partner = setup
    partner.set(answer_delay_seconds=1.5)
    case_id = await system.open_case(CW)
    acknowledged = await referral_of(system, case_id, "acknowledged")

    async def answered() -> dict | None:  # the case records it before the partner hears 202
        got = partner.received()
        return got if got["ack_statuses"] else None
    got = await eventually(answered)
    assert got["messages"][0]["digest"] == acknowledged["digest"]
    assert got["ack_statuses"] == [202] and got["ack_failures"] == 0


async def test_an_acknowledgement_refused_with_503_is_taken_when_sent_again_with_its_id(
        setup: tuple[WebSystem, RunningPartner]) -> None:
    """Not yet delivered after the workflow's wait: 503 with Retry-After, and the id is
    released, so the partner's retry with the same id is accepted (Standard Webhooks)."""
    system, partner = setup
    partner.set(send_acks=False, answer_delay_seconds=7)  # longer than ACK_PATIENCE (5 s)
    case_id = await system.open_case(CW)

    async def digest() -> str | None:
        messages = partner.received()["messages"]
        return messages[0]["digest"] if messages else None
    sent_digest = await eventually(digest)
    [referral] = (await http_get(system, f"/cases/{case_id}/referrals"))
    assert referral["status"] == "queued"  # the partner has it; our record does not yet
    body, headers = signed_ack(partner, f"{case_id}:{referral['referral_id']}", sent_digest,
                               message_id="ack-early")
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as http:
        early = await http.post(f"/partners/{CHILDRENS}/messages", content=body,
                                headers=headers)
        assert early.status_code == 503, early.text
        assert early.headers["retry-after"] == "2"
        assert early.json()["errors"][0]["rule"] == "delivery_recorded_first"
        await referral_of(system, case_id, "delivered")
        body, headers = signed_ack(partner, f"{case_id}:{referral['referral_id']}",
                                   sent_digest, message_id="ack-early")
        again = await http.post(f"/partners/{CHILDRENS}/messages", content=body,
                                headers=headers)
    assert again.status_code == 202, again.text
    acknowledged = await referral_of(system, case_id, "acknowledged")
    assert acknowledged["digest"] == sent_digest


async def test_two_partners_may_use_the_same_acknowledgement_id(
        two_partners: tuple[WebSystem, RunningPartner, RunningPartner]) -> None:
    """Message ids are unique per sender: one partner's `ack-1` is no replay of another's."""
    system, children, adults = two_partners
    case_id = await system.open_case(CW, household={
        "adults": [{"name": "A", "care_and_support_needs": True}], "children": [{"age": 6}]})

    async def both_delivered() -> list[dict] | None:
        referrals = await http_get(system, f"/cases/{case_id}/referrals")
        return referrals if [r["status"] for r in referrals] == ["delivered"] * 2 else None
    referrals = await eventually(both_delivered)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as http:
        for partner in (children, adults):
            [referral] = [r for r in referrals if r["partner"] == partner.partner]
            body, headers = signed_ack(partner, f"{case_id}:{referral['referral_id']}",
                                       referral["digest"], message_id="ack-1")
            response = await http.post(f"/partners/{partner.partner}/messages", content=body,
                                       headers=headers)
            assert response.status_code == 202, (partner.partner, response.text)
    referrals = await http_get(system, f"/cases/{case_id}/referrals")
    assert {r["partner"]: r["status"] for r in referrals} == {
        CHILDRENS: "acknowledged", ADULTS: "acknowledged"}


async def test_an_acknowledgement_the_case_workflow_cannot_take_is_503_and_its_id_released(
        setup: tuple[WebSystem, RunningPartner], dev_env: WorkflowEnvironment) -> None:
    """Our side unavailable (here the case's workflow is gone): 503 with Retry-After, never a
    500, and the id is released, so each retry is answered the same way, not as a replay."""
    system, partner = setup
    partner.set(send_acks=False)
    case_id = await system.open_case(CW)
    delivered = await referral_of(system, case_id, "delivered")
    await dev_env.client.get_workflow_handle(case_workflow_id(case_id)).terminate("test")
    body, headers = signed_ack(partner, f"{case_id}:{delivered['referral_id']}",
                               delivered["digest"])
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as http:
        for _ in range(2):
            response = await http.post(f"/partners/{CHILDRENS}/messages", content=body,
                                       headers=headers)
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "10"
            assert response.json()["errors"][0]["rule"] == "service_available"
    assert (await referral_of(system, case_id, "delivered"))["status"] == "delivered"


async def http_get(system: WebSystem, path: str) -> list[dict]:
    async with system.client(CW) as http:
        response = await http.get(path)
        assert response.status_code == 200, response.text
        result: list[dict] = response.json()
        return result


async def test_the_perpetrator_is_refused_as_a_recipient_and_auditors_see_every_decision(
        setup: tuple[WebSystem, RunningPartner]) -> None:
    system, _ = setup
    case_id = await system.open_case(CW)
    async with system.client(CW) as http:
        refused = await http.post(f"/cases/{case_id}/sharing-decisions", json={
            "partner": "perpetrator", "purpose": "housing_transfer", "shared": True,
            "categories": ["victim_address"], "lawful_basis": "public_task",
            "justification": "He asked where she has moved to"})
        declined = await http.post(f"/cases/{case_id}/sharing-decisions", json={
            "partner": "police", "purpose": "police_notification", "shared": False,
            "categories": ["victim_identity"],
            "reasons": "No immediate risk and the victim asked us not to"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["rule"] == "never_share_with_perpetrator"
    assert declined.status_code == 200
    async with system.client(AUD) as auditor:
        decisions = (await auditor.get(f"/cases/{case_id}/sharing-decisions")).json()
    assert [(d["partner"], d["shared"]) for d in decisions] == [
        (CHILDRENS, True), ("police", False)]
    assert decisions[0]["lawful_basis"] == "safeguarding_obligation"
    assert "children_referred_in_all_cases (D 8.23)" in decisions[0]["justification"]
    assert decisions[1]["reasons"].startswith("No immediate risk")
    assert all(d["decided_by"]["staff_id"] and d["decided_at"] for d in decisions)
    assert "perpetrator" not in {d["partner"] for d in decisions}

"""An emergency repair over real HTTP on loopback (D 8.36): reported by a caseworker, signed
and delivered to the repairs contractor with the address, the job and "priority safety
repair" only (the contractor verifies our signature as a partner would), and confirmed by the
contractor's signed message, which closes the job's task on the case."""

from __future__ import annotations

import json
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
from tests.support import VICTIM_NAME, eventually
from tests.web_harness import WebSystem, web_system

CONTRACTOR = "repairs_contractor"
CW = "cw-1"
NO_REFERRALS = {"adults": [{"name": VICTIM_NAME}], "children": []}


@pytest.fixture
async def setup(tmp_path: Path, dev_env: WorkflowEnvironment
                ) -> AsyncIterator[tuple[WebSystem, RunningPartner]]:
    council_key = generate_private_key()
    with RunningPartner(CONTRACTOR, [council_key.public_key()]) as contractor:
        registry = PartnerRegistry.from_dict(registry_document(
            {CONTRACTOR: contractor.inbox_url}, {CONTRACTOR: [contractor.public_key]}))
        with SignedHttpGateway(registry, [council_key]) as gateway:
            async with web_system(tmp_path, dev_env, gateway=gateway,
                                  partners=registry) as system:
                system.add_staff(CW, Role.CASEWORKER)
                yield system, contractor


async def test_the_contractor_gets_only_the_job_and_its_signed_confirmation_closes_it(
        setup: tuple[WebSystem, RunningPartner]) -> None:
    system, contractor = setup
    contractor.set(send_acks=False)  # it confirms when the work is done, below
    case_id = await system.open_case(CW, household=NO_REFERRALS)
    async with system.client(CW) as http:
        reported = await http.post(f"/cases/{case_id}/repairs/emergency",
                                   json={"job_type": "broken_door"})
        assert reported.status_code == 200, reported.text
        assert "emergency_repair" in {t["kind"] for t in reported.json()["tasks"]}

        async def delivered() -> dict | None:
            jobs = (await http.get(f"/cases/{case_id}/repairs")).json()
            referrals = {r["referral_id"]: r for r in
                         (await http.get(f"/cases/{case_id}/referrals")).json()}
            referral = referrals.get(jobs[0]["referral_id"]) if jobs else None
            return referral if referral and referral["status"] == "delivered" else None
        referral = await eventually(delivered)

    got = contractor.received()
    assert got["accepted"] == 1
    sent = json.dumps(got["messages"][0])
    assert "priority safety repair" in sent and "Repair or replace a broken door" in sent
    for never in (VICTIM_NAME, "07700", "abuse", "D 8.36", "emergency_repair_within"):
        assert never not in sent, never

    signed = sign_message(
        {"type": "acknowledgement", "partner": CONTRACTOR,
         "message_id": f"{case_id}:{referral['referral_id']}", "digest": referral["digest"],
         "received_at": "2026-11-23T10:00:00Z"},
        keys=[contractor.signing_key], message_id=f"done-{uuid.uuid4()}",
        timestamp=int(time.time()))
    async with httpx.AsyncClient(base_url=system.base_url) as partner_http:
        confirmed = await partner_http.post(f"/partners/{CONTRACTOR}/messages",
                                            content=signed.body, headers=signed.headers)
    assert confirmed.status_code == 202, confirmed.text
    async with system.client(CW) as http:
        job = (await http.get(f"/cases/{case_id}/repairs")).json()[0]
        tasks = (await http.get(f"/cases/{case_id}/tasks")).json()["tasks"]
    assert job["status"] == "confirmed" and job["confirmed_at"]
    assert "emergency_repair" not in {t["kind"] for t in tasks}

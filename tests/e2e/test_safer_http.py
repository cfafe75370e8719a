"""KCC SAFER over real HTTP on loopback (DBC 7.4.3, D 8.37): a caseworker refers; KCC gets the
signed referral; KCC's signed works message is recorded on the case once (a retry is 202 and
records nothing more); a forged one is 401 and one about no referral of ours 422, and neither
changes the case."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

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

KCC = "kcc_safer"
CW = "cw-1"
NO_REFERRALS = {"adults": [{"name": VICTIM_NAME}], "children": []}


@pytest.fixture
async def setup(tmp_path: Path, dev_env: WorkflowEnvironment
                ) -> AsyncIterator[tuple[WebSystem, RunningPartner]]:
    council_key = generate_private_key()
    with RunningPartner(KCC, [council_key.public_key()]) as kcc:
        registry = PartnerRegistry.from_dict(registry_document(
            {KCC: kcc.inbox_url}, {KCC: [kcc.public_key]}))
        with SignedHttpGateway(registry, [council_key]) as gateway:
            async with web_system(tmp_path, dev_env, gateway=gateway,
                                  partners=registry) as system:
                system.add_staff(CW, Role.CASEWORKER)
                yield system, kcc


def works_message(signer: Any, about: str, *, message_id: str | None = None
                  ) -> tuple[bytes, dict[str, str]]:
    signed = sign_message(
        {"type": "works_completed", "message_id": about, "measures": ["door_locks"],
         "completed_on": time.strftime("%Y-%m-%d", time.gmtime())},
        keys=[signer], message_id=message_id or f"works-{uuid.uuid4()}",
        timestamp=int(time.time()))
    return signed.body, signed.headers


async def test_kccs_signed_works_message_is_recorded_once_and_forgeries_change_nothing(
        setup: tuple[WebSystem, RunningPartner]) -> None:
    system, kcc = setup
    case_id = await system.open_case(CW, household=NO_REFERRALS)
    async with system.client(CW) as http:
        referred = await http.post(f"/cases/{case_id}/safer/referral",
                                   json={"reason": "Wants locks; agreed on the phone"})
        assert referred.status_code == 200, referred.text

        async def delivered() -> dict | None:
            found = (await http.get(f"/cases/{case_id}/safer")).json()["referrals"]
            return found[0] if found and found[0]["status"] != "queued" else None
        referral = await eventually(delivered)
    assert kcc.received()["accepted"] == 1
    about = f"{case_id}:{referral['referral_id']}"
    url = f"/partners/{KCC}/works"
    async with httpx.AsyncClient(base_url=system.base_url) as partner_http:
        body, headers = works_message(generate_private_key(), about)  # not KCC's key
        forged = await partner_http.post(url, content=body, headers=headers)
        assert forged.status_code == 401
        body, headers = works_message(kcc.signing_key, f"{case_id}:r99")
        unknown = await partner_http.post(url, content=body, headers=headers)
        assert unknown.status_code == 422, unknown.text
        assert unknown.json()["errors"][0]["rule"] == "works_of_our_referral"
        body, headers = works_message(kcc.signing_key, about)
        first = await partner_http.post(url, content=body, headers=headers)
        assert first.status_code == 202, first.text
        body, headers = works_message(kcc.signing_key, about)  # KCC sends it again
        again = await partner_http.post(url, content=body, headers=headers)
        assert again.status_code == 202, again.text
    async with system.client(CW) as http:
        safer = (await http.get(f"/cases/{case_id}/safer")).json()
    assert [w["measures"] for w in safer["works"]] == [["door_locks"]]
    events = system.store.events_of(uuid.UUID(case_id))
    [recorded] = [e for e in events if e.type == "SaferWorksRecorded"]
    assert recorded.data["signature"].startswith("v1a,")


async def test_a_safer_referral_retried_with_its_idempotency_key_is_answered_as_the_first(
        setup: tuple[WebSystem, RunningPartner]) -> None:
    # A client that lost the first answer retries with the same key: it gets the same
    # answer, and KCC gets one referral (the page sends its form's request id the same way).
    system, kcc = setup
    case_id = await system.open_case(CW, household=NO_REFERRALS)
    async with system.client(CW) as http:
        answers = [await http.post(f"/cases/{case_id}/safer/referral",
                                   headers={"Idempotency-Key": "safer-once"},
                                   json={"reason": "Wants locks; agreed on the phone"})
                   for _ in range(2)]
        assert [a.status_code for a in answers] == [200, 200], answers[1].text
        assert answers[0].json() == answers[1].json()

        async def delivered() -> list[dict] | None:
            found = (await http.get(f"/cases/{case_id}/safer")).json()["referrals"]
            return found if found and found[0]["status"] != "queued" else None
        assert len(await eventually(delivered)) == 1
    assert kcc.received()["accepted"] == 1

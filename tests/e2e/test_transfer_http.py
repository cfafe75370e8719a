"""Kent reciprocal transfers over real HTTP on loopback (D 8.22, D 8.35; DBC 4.1.2, 4.2.1),
with a real worker and Temporal: a caseworker asks another landlord for a transfer under a
recorded decision to share; the landlord's answers are the system's commands (given here as
the transfer's workflow gives them); the victim's choice, the move and the new tenancy keeping
tenancy rights; a refusal ends in a task, not a stuck transfer; the destination is read only
by the staff named on the transfer and auditors; another landlord's signed request opens a
case of our own, once, and forgeries change nothing."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.data_categories import WITHHELD
from aggregates.report import Role
from aggregates.working_days import local_date
from gateways.registry import PartnerEntry, PartnerRegistry
from gateways.signing import sign_message
from gateways.signing_keys import generate_private_key
from temporal_contracts.payloads import CaseCommandInput
from tests.support import VICTIM_NAME, eventually
from tests.web_harness import WebSystem, web_system

CW, DSO, LM, AUD = "cw-1", "dso-1", "lm-1", "aud-1"
MOAT = "landlord_moat_homes"
AREA = "Tunbridge Wells district"
HOME = "Flat 4, 12 Quiet Close, Tunbridge Wells"
NO_REFERRALS = {"adults": [{"name": VICTIM_NAME}], "children": []}


@pytest.fixture
async def setup(tmp_path: Path, dev_env: WorkflowEnvironment
                ) -> AsyncIterator[tuple[WebSystem, Any]]:
    landlord_key = generate_private_key()
    registry = PartnerRegistry([PartnerEntry(
        partner=MOAT, name="Moat Homes", endpoint="http://127.0.0.1:9/transfers",
        public_keys=(landlord_key.public_key(),), profile=frozenset({"case_reference"}),
        failure_contact="DSO on duty")])
    async with web_system(tmp_path, dev_env, partners=registry) as system:
        system.add_staff(CW, Role.CASEWORKER)
        system.add_staff(LM, Role.LINE_MANAGER)
        system.add_staff(DSO, Role.DSO, manager_id=LM)
        system.add_staff(AUD, Role.AUDITOR, teams=())
        yield system, landlord_key


async def system_says(system: WebSystem, case_id: str, command: str, **args: Any) -> None:
    """The landlord's verified answer, applied as the transfer's workflow applies it."""
    assert system.app is not None
    await system.app.state.intake.orchestrator.apply_command(case_id, CaseCommandInput(
        command=command, args=args, staff_id="system", role="system",
        request_id=f"{command}-{uuid.uuid4()}"))


async def requested(system: WebSystem, http: httpx.AsyncClient, case_id: str,
                    transfer_id: str) -> None:
    shared = await http.post(f"/cases/{case_id}/sharing-decisions", json={
        "partner": MOAT, "purpose": "reciprocal_transfer", "shared": True,
        "categories": ["case_reference", "victim_identity", "transfer_destination"],
        "lawful_basis": "vital_interests", "justification": "A safe move (D 8.22)"})
    assert shared.status_code == 200, shared.text
    asked = await http.post(f"/cases/{case_id}/transfer/request", json={
        "transfer_id": transfer_id, "receiving_landlord": MOAT, "destination_area": AREA,
        "reason": "The perpetrator knows the street; she asks to move", "dso_id": DSO})
    assert asked.status_code == 200, asked.text


async def test_a_transfer_from_request_to_a_new_tenancy_keeping_tenancy_rights(
        setup: tuple[WebSystem, Any]) -> None:
    system, _ = setup
    case_id = await system.open_case(CW, household=NO_REFERRALS)
    transfer_id = uuid.uuid4().hex
    today = local_date(datetime.now(UTC)).isoformat()
    async with system.client(CW) as http:
        early = await http.post(f"/cases/{case_id}/transfer/request", json={
            "transfer_id": transfer_id, "receiving_landlord": MOAT,
            "destination_area": AREA, "reason": "Wants to move"})
        assert early.status_code == 422  # D 12.5: no decision to share with Moat yet
        error = early.json()["errors"][0]
        assert (error["rule"], error["field"]) == ("transfer_needs_sharing_decision",
                                                   "receiving_landlord")
        assert AREA not in early.text
        await requested(system, http, case_id, transfer_id)
    await system_says(system, case_id, "record_transfer_request_sent", transfer_id=transfer_id,
                      message_id="moat-ack-1")
    await system_says(system, case_id, "record_transfer_offer", transfer_id=transfer_id,
                      offer_ref="MOAT-77", new_address=HOME, tenancy_type="assured")
    async with system.client(CW) as http:
        base = f"/cases/{case_id}/transfer"
        for step, body in (("victim-decision", {"accepted": True, "reason": "She wants it"}),
                           ("move-date", {"move_date": today}),
                           ("old-tenancy-ended", {"ended_on": today})):
            answer = await http.post(f"{base}/{step}", json={"transfer_id": transfer_id,
                                                             **body})
            assert answer.status_code == 200, (step, answer.text)
        weaker = await http.post(f"{base}/new-tenancy", json={
            "transfer_id": transfer_id, "granted_on": today,
            "security_of_tenure": "fixed_term_assured_shorthold"})
        assert weaker.status_code == 422
        assert weaker.json()["errors"][0]["rule"] == "transfer_keeps_tenancy_rights"
        assert weaker.json()["errors"][0]["section"] == "D 8.22, D 8.35"
        granted = await http.post(f"{base}/new-tenancy", json={
            "transfer_id": transfer_id, "granted_on": today, "security_of_tenure": "assured"})
        assert granted.status_code == 200, granted.text
        mine = (await http.get(base)).json()
    assert mine["transfer"]["status"] == "completed"
    assert (mine["transfer"]["destination_area"], mine["transfer"]["new_address"]) == (
        AREA, HOME)
    views = {}
    for who in (DSO, LM, AUD):
        async with system.client(who) as http:
            views[who] = (await http.get(f"/cases/{case_id}/transfer")).json()["transfer"]
    assert views[DSO]["new_address"] == HOME  # named on the transfer
    assert views[AUD]["new_address"] == HOME  # auditors check what was done
    assert (views[LM]["destination_area"], views[LM]["new_address"]) == (WITHHELD, WITHHELD)
    async with system.client(LM) as http:
        events = (await http.get(f"/cases/{case_id}/events")).text
    assert AREA not in events and HOME not in events


async def test_a_landlord_refusal_ends_the_transfer_with_a_task_for_the_officer(
        setup: tuple[WebSystem, Any]) -> None:
    system, _ = setup
    case_id = await system.open_case(CW, household=NO_REFERRALS)
    transfer_id = uuid.uuid4().hex
    async with system.client(CW) as http:
        await requested(system, http, case_id, transfer_id)
    await system_says(system, case_id, "record_transfer_refusal", transfer_id=transfer_id,
                      reason="No suitable homes in that district")
    async with system.client(CW) as http:
        tasks = (await http.get(f"/cases/{case_id}/tasks")).json()["tasks"]
        view = (await http.get(f"/cases/{case_id}/transfer")).json()
    [task] = [t for t in tasks if t["kind"] == "choose_transfer_next_step"]
    assert task["title"] == "Transfer refused: choose next step"
    assert task["assignee"] == CW
    assert view["transfer"]["status"] == "refused"
    assert view["transfer"]["outcome_reason"] == "No suitable homes in that district"


def transfer_request(key: Any, request_id: str, *, message_id: str | None = None,
                     tenancy: str = "assured") -> tuple[bytes, dict[str, str]]:
    signed = sign_message(
        {"type": "transfer_request", "request_id": request_id,
         "to": "landlord_dover_district_council", "current_tenancy": tenancy,
         "tenant": {"name": "Made-up Tenant", "phone": "07700 900123"},
         "household": {"children": []}},
        keys=[key], message_id=message_id or f"req-{uuid.uuid4()}",
        timestamp=int(time.time()))
    return signed.body, signed.headers


async def test_another_landlords_signed_request_opens_one_case_of_ours_to_answer(
        setup: tuple[WebSystem, Any]) -> None:
    system, landlord_key = setup
    url = f"/partners/{MOAT}/transfers"
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as landlord:
        body, headers = transfer_request(generate_private_key(), "moat-1")  # not Moat's key
        assert (await landlord.post(url, content=body, headers=headers)).status_code == 401
        bad, bad_headers = transfer_request(landlord_key, "moat-1", tenancy="castle")
        refused = await landlord.post(url, content=bad, headers=bad_headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "current_tenancy"
        body, headers = transfer_request(landlord_key, "moat-1", message_id="req-moat-1")
        first = await landlord.post(url, content=body, headers=headers)
        assert first.status_code == 202, first.text
        # The same signed message retried (its id kept) is answered as the first was.
        retried = await landlord.post(url, content=body, headers=headers)
        assert retried.status_code == 202, retried.text
        body, headers = transfer_request(landlord_key, "moat-1", message_id="req-moat-1b")
        again = await landlord.post(url, content=body, headers=headers)  # sent once more
        assert again.status_code == 202, again.text
        # Another request under a request id already used is refused naming it.
        other, other_headers = transfer_request(landlord_key, "moat-1", tenancy="secure")
        reused = await landlord.post(url, content=other, headers=other_headers)
        assert reused.status_code == 422, reused.text
        assert (reused.json()["errors"][0]["field"], reused.json()["errors"][0]["rule"]) == (
            "request_id", "transfer_request_id_used_once")
    from aggregates.landlords import KentLandlord
    from application.inbound_transfers import inbound_case_id
    case_id = str(inbound_case_id(KentLandlord(MOAT), "moat-1"))
    events = [e.type for e in system.store.events_of(uuid.UUID(case_id))]
    assert events.count("InboundTransferRequestReceived") == 1
    async with system.client(CW) as http:

        async def answer_task() -> dict[str, Any] | None:
            tasks = (await http.get(f"/cases/{case_id}/tasks")).json()["tasks"]
            return next((t for t in tasks if t["kind"] == "answer_inbound_transfer"), None)
        await eventually(answer_task)
        flexible = await http.post(f"/cases/{case_id}/transfer/inbound-answer", json={
            "offered": True, "offer_ref": "DDC-9", "new_address": HOME,
            "tenancy_type": "flexible", "reason": "A flat is free"})
        assert flexible.status_code == 422  # an assured tenant keeps a lifetime tenancy
        offered = await http.post(f"/cases/{case_id}/transfer/inbound-answer", json={
            "offered": True, "offer_ref": "DDC-9", "new_address": HOME,
            "tenancy_type": "secure", "reason": "A flat is free"})
        assert offered.status_code == 200, offered.text
        assert not [t for t in offered.json()["tasks"]
                    if t["kind"] == "answer_inbound_transfer"]
        view = (await http.get(f"/cases/{case_id}/transfer")).json()
    assert view["inbound"]["status"] == "offered"
    assert view["inbound"]["new_address"] == HOME  # the officer who answered is named

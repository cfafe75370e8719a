"""The "Safe move" page (GOV.UK forms over the same routes as the API; D 8.22, D 8.35): a
request refused in plain words until a decision to share with the landlord is recorded; the
landlord's offer shown to the officer named on the transfer and withheld from a line manager
who is not; the victim's decision, the move date, the old tenancy ended and a new tenancy that
must keep the tenant's rights, each refused beside its field in plain words when wrong; a
Dartford case cites Dartford's sections; a private renter is told to explore other options."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.data_categories import WITHHELD
from aggregates.report import Council, Role
from aggregates.working_days import local_date
from temporal_contracts.payloads import CaseCommandInput
from tests.e2e.test_command_doors import assert_plain, error_summary
from tests.support import VICTIM_NAME
from tests.web_harness import WebSystem, web_system

CW, LM, DF_CW = "cw-1", "lm-1", "cw-dbc"
MOAT = "landlord_moat_homes"
AREA = "Ashford borough"
HOME = "7 Orchard Row, Ashford"
NO_REFERRALS = {"adults": [{"name": VICTIM_NAME}], "children": []}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(LM, Role.LINE_MANAGER)
        running.add_staff(DF_CW, Role.CASEWORKER, teams=("Tenancy Services Team",),
                          council=Council.DARTFORD)
        yield running


async def post(http: httpx.AsyncClient, case_id: str, step: str, **data: Any
               ) -> httpx.Response:
    return await http.post(f"/work/cases/{case_id}/safe-move/{step}",
                           data={"request_id": str(uuid.uuid4()), **data})


def day_fields(name: str) -> dict[str, str]:
    today = local_date(datetime.now(UTC))
    return {f"{name}-day": str(today.day), f"{name}-month": str(today.month),
            f"{name}-year": str(today.year)}


TRANSFER_NEEDS = ["case_reference", "victim_identity", "transfer_destination"]


async def share_with_moat(http: httpx.AsyncClient, case_id: str,
                          categories: list[str] = TRANSFER_NEEDS) -> None:
    shared = await http.post(f"/work/cases/{case_id}/sharing", data={
        "request_id": str(uuid.uuid4()), "partner": MOAT, "purpose": "reciprocal_transfer",
        "shared": "yes", "categories": categories,
        "lawful_basis": "vital_interests", "justification": "A safe move for the victim"})
    assert shared.status_code == 303, shared.text[:500]


async def test_a_transfer_from_the_safe_move_page(system: WebSystem) -> None:
    case_id = await system.open_case(CW, household=NO_REFERRALS)
    transfer_id = uuid.uuid4().hex
    request = {"transfer_id": transfer_id, "receiving_landlord": MOAT,
               "destination_area": AREA, "risk_from": "domestic_abuse",
               "reason": "The perpetrator found the flat"}
    async with system.client(CW) as http:
        page = await http.get(f"/work/cases/{case_id}/safe-move")
        assert page.status_code == 200 and "Ask another landlord for a transfer" in page.text
        assert "D 8.22, D 8.35" in page.text
        refused = await post(http, case_id, "request", **request)
        assert refused.status_code == 422
        summary = error_summary(refused.text)
        assert "Record a decision to share with this landlord" in summary
        assert_plain(summary, "transfer_needs_sharing_decision")
        assert AREA in refused.text  # what was typed is kept
        # A decision that leaves out who moves would only have the landlord's packet
        # refused when sent: the request is refused now, in plain words.
        await share_with_moat(http, case_id, ["case_reference", "transfer_destination"])
        refused = await post(http, case_id, "request", **request)
        assert refused.status_code == 422
        summary = error_summary(refused.text)
        assert "must cover the case reference" in summary
        assert_plain(summary, "transfer_sharing_covers_what_it_needs")
        await share_with_moat(http, case_id)
        asked = await post(http, case_id, "request", **request)
        assert asked.status_code == 303, asked.text[:500]
    assert system.app is not None
    orchestrator = system.app.state.intake.orchestrator
    for command, args in (("record_transfer_request_sent", {"message_id": "ack-1"}),
                          ("record_transfer_offer", {"offer_ref": "MOAT-1", "new_address": HOME,
                                                     "tenancy_type": "assured"})):
        await orchestrator.apply_command(case_id, CaseCommandInput(
            command=command, args={"transfer_id": transfer_id, **args}, staff_id="system",
            role="system", request_id=f"{command}-1"))
    async with system.client(LM) as http:  # not named on the transfer
        seen = (await http.get(f"/work/cases/{case_id}/safe-move")).text
    assert AREA not in seen and HOME not in seen and WITHHELD in seen
    async with system.client(CW) as http:
        page = (await http.get(f"/work/cases/{case_id}/safe-move")).text
        assert AREA in page and HOME in page and "Offered" in page
        steps = [
            await post(http, case_id, "victim-decision", transfer_id=transfer_id,
                       accepted="yes", reason="She wants the flat"),
            await post(http, case_id, "move-date", transfer_id=transfer_id,
                       **day_fields("move_date")),
            await post(http, case_id, "old-tenancy-ended", transfer_id=transfer_id,
                       **day_fields("ended_on")),
        ]
        assert [s.status_code for s in steps] == [303] * 3, [s.text[:300] for s in steps]
        weaker = await post(http, case_id, "new-tenancy", transfer_id=transfer_id,
                            security_of_tenure="starter", **day_fields("granted_on"))
        assert weaker.status_code == 422
        summary = error_summary(weaker.text)
        assert "at least as secure as the one the tenant leaves" in summary
        assert_plain(summary, "transfer_keeps_tenancy_rights")
        granted = await post(http, case_id, "new-tenancy", transfer_id=transfer_id,
                             security_of_tenure="assured", **day_fields("granted_on"))
        assert granted.status_code == 303
        page = (await http.get(f"/work/cases/{case_id}/safe-move")).text
    assert "The move is complete" in page and "Completed" in page
    async with system.client(CW) as http:
        history = await http.get(f"/work/cases/{case_id}/history")
    assert history.status_code == 200


async def test_a_dartford_case_cites_dartfords_sections_and_a_private_renter_is_told_why(
        system: WebSystem) -> None:
    dartford = await system.open_case(DF_CW, council="dartford", household=NO_REFERRALS)
    private = await system.open_case(CW, household=NO_REFERRALS, tenure="private_rented")
    async with system.client(DF_CW) as http:
        page = (await http.get(f"/work/cases/{dartford}/safe-move")).text
    assert "DBC 4.2.1" in page and "D 8.22, D 8.35" not in page
    assert "Dartford Borough Council" not in page.split("Receiving landlord")[1][:2000]
    async with system.client(CW) as http:
        page = (await http.get(f"/work/cases/{private}/safe-move")).text
        assert "Only a social tenant can move" in page
        assert "Ask another landlord for a transfer" not in page
        refused = await post(http, private, "request", transfer_id=uuid.uuid4().hex,
                             receiving_landlord=MOAT, destination_area=AREA,
                             risk_from="domestic_abuse", reason="Wants to move")
    assert refused.status_code == 422
    assert "Only a social tenant at risk can move" in error_summary(refused.text)

"""Sharing recipients are an allow-list, over HTTP: a decision names a registered partner,
never free text, and the perpetrator or anyone acting for them is refused however it is
written (D 12.4, D 12.5, D 8.42). A decision recorded with a free-text recipient by the
previous version still loads and displays."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.referrals import Partner
from aggregates.report import Actor, Role
from aggregates.sharing_decisions import SharingDecided
from tests.support import VICTIM_NAME
from tests.web_harness import WebSystem, web_system

CW = "cw-1"
NO_CHILDREN = {"adults": [{"name": VICTIM_NAME}], "children": []}  # no referral at triage


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        yield running


def decision_to(partner: str) -> dict:
    return {"partner": partner, "purpose": "housing_transfer", "shared": True,
            "categories": ["victim_address"], "lawful_basis": "public_task",
            "justification": "Asked where the victim has moved to"}


@pytest.mark.parametrize(("recipient", "rule", "section"), [
    ("Perpetrator", "never_share_with_perpetrator", "D 12.4, D 8.42"),
    ("perpetrator_solicitor", "never_share_with_perpetrator", "D 12.4, D 8.42"),
    ("PERPETRATOR", "never_share_with_perpetrator", "D 12.4, D 8.42"),
    ("Mr Hale's lettings agent", "recipient_is_registered_partner", "D 12.4, D 12.5"),
])
async def test_an_unregistered_or_perpetrator_recipient_is_refused_and_nothing_is_recorded(
        system: WebSystem, recipient: str, rule: str, section: str) -> None:
    """D 12.4, D 12.5, D 8.42: 422 naming the field, the rule and the section; the value
    given is not repeated, and the case records no decision."""
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    async with system.client(CW) as http:
        refused = await http.post(f"/cases/{case_id}/sharing-decisions",
                                  json=decision_to(recipient))
        accepted = await http.post(f"/cases/{case_id}/sharing-decisions",
                                   json=decision_to("kent_housing_providers"))
        decisions = (await http.get(f"/cases/{case_id}/sharing-decisions")).json()
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert (error["field"], error["rule"], error["section"]) == ("partner", rule, section)
    assert recipient not in refused.text
    assert accepted.status_code == 200, accepted.text
    assert [d["partner"] for d in decisions] == ["kent_housing_providers"]


async def test_a_free_text_decision_recorded_by_the_previous_version_still_loads_and_displays(
        system: WebSystem) -> None:
    """Stored events never change: the previous version recorded a decision to share with
    "Perpetrator" (with 200); it is still listed as JSON and on the case page."""
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    # Written as the previous version wrote it: the same event, without today's check.
    case = system.store.get_case(uuid.UUID(case_id))
    case.trigger_event(SharingDecided, decision_id=str(uuid.uuid4()), partner="Perpetrator",
                       purpose="housing_transfer", categories=["victim_address"], shared=True,
                       lawful_basis="public_task", justification="Asked where she lives",
                       reasons="", under_isa=False, command_id=str(uuid.uuid4()),
                       actor=Actor(CW, Role.CASEWORKER), at=case.modified_on,
                       reason="Decided to share with Perpetrator for housing_transfer.")
    system.store.save(case)
    async with system.client(CW) as http:
        listed = await http.get(f"/cases/{case_id}/sharing-decisions")
        page = await http.get(f"/work/cases/{case_id}")
    assert listed.status_code == 200, listed.text
    assert [(d["partner"], d["shared"]) for d in listed.json()] == [("Perpetrator", True)]
    assert page.status_code == 200
    assert "Shared with Perpetrator for housing transfer" in page.text


async def test_the_page_form_offers_only_registered_partners_and_refuses_anything_else(
        system: WebSystem) -> None:
    """D 12.4, D 8.42: the form is a choice of registered partners; a value sent around it
    is refused by the same rule as in the API, in plain words."""
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    async with system.client(CW) as http:
        form = await http.get(f"/work/cases/{case_id}/sharing")
        posted = await http.post(f"/work/cases/{case_id}/sharing", data={
            "request_id": str(uuid.uuid4()), "partner": "PERPETRATOR",
            "purpose": "housing_transfer", "shared": "yes", "categories": "victim_address",
            "lawful_basis": "public_task", "justification": "Asked", "under_isa": "yes"})
        decisions = (await http.get(f"/cases/{case_id}/sharing-decisions")).json()
    assert form.status_code == 200
    offered = set(re.findall(r'<option value="([a-z_]+)"', form.text))
    assert {p.value for p in Partner} <= offered
    assert not offered & {"perpetrator", "perpetrator_representative"}
    assert posted.status_code == 422, posted.text[:300]
    assert ("Information about the victim is never shared with the perpetrator or anyone "
            "acting for them") in posted.text
    assert "never_share_with_perpetrator" not in posted.text  # the rule is for the JSON
    assert decisions == []

"""Nothing a user sends is silently lost. The same request sent again (a retry, a double
click) changes nothing more; the same key with a different request (the browser's back button,
the form changed and sent again; a client reusing an `Idempotency-Key`) is refused 409
`idempotency_key_used_once` with a link to what the first one made, never taken for a retry."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.support import VICTIM_NAME
from tests.web_harness import WebSystem, web_system

CW, CW2, DSO = "cw-1", "cw-2", "dso-1"
NO_CHILDREN = {"adults": [{"name": VICTIM_NAME}], "children": []}  # no referral at triage
TST = "Tenancy Support Team"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(CW2, Role.CASEWORKER)
        running.add_staff(DSO, Role.DSO)
        yield running


def report_form(request_id: str | None, **overrides: str) -> dict[str, str]:
    """The report form as a browser posts it (`request_id` None: the hidden field is gone)."""
    form = {"council": "dover", "channel": "telephone", "reporter_kind": "victim",
            "victim_name": "Imogen Treadwell-Fane", "victim_address": "4 Lydden Hill, Dover",
            "immediate_risk": "no", "tenure": "council_general_needs",
            "perpetrator_lives_at_address": "no", "summary": "Threats by text message"}
    if request_id is not None:
        form["request_id"] = request_id
    return {**form, **overrides}


def sharing_form(request_id: str | None, **overrides: str) -> dict[str, str]:
    form = {"partner": "police", "purpose": "police_notification", "shared": "no",
            "categories": "victim_identity", "reasons": "The victim asked us not to",
            "under_isa": "yes"}
    if request_id is not None:
        form["request_id"] = request_id
    return {**form, **overrides}


def hidden_request_id(page: str) -> str:
    found = re.search(r'name="request_id" value="([^"]*)"', page)
    assert found, "the form has no request_id"
    return found.group(1)


async def event_types(system: WebSystem, case_id: str) -> list[str]:
    return [e.type for e in system.store.events_of(uuid.UUID(case_id))]


def case_of(response: httpx.Response) -> str:
    found = re.fullmatch(r"/work/cases/([0-9a-f-]{36})(\?opened=1)?",
                         response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


# ---- the report form ---------------------------------------------------------------------------

async def test_a_report_changed_and_sent_again_from_the_same_form_is_not_dropped(
        system: WebSystem) -> None:
    """Back in the browser, change the victim, address and immediate risk, send again: the
    page says the form was sent already, links to the case the first one opened, keeps what
    was typed and gives the form a new request id, so sending it again opens the second case.
    """
    async with system.client(CW) as http:
        form = await http.get("/work/cases/new")
        request_id = hidden_request_id(form.text)
        first = await http.post("/work/cases/new", data=report_form(request_id))
        assert first.status_code == 303, first.text[:500]
        case_a = case_of(first)

        changed = report_form(request_id, victim_name="Odette Marchbank",
                              victim_address="9 Castle Hill, Dover", immediate_risk="yes")
        again = await http.post("/work/cases/new", data=changed)
        assert again.status_code == 409, again.text[:500]
        assert "You have already sent this form" in again.text
        assert "idempotency_key_used_once" not in again.text  # plain words, no rule code
        assert f'href="/work/cases/{case_a}"' in again.text
        assert 'value="Odette Marchbank"' in again.text  # nothing typed is lost
        fresh_id = hidden_request_id(again.text)
        assert fresh_id and fresh_id != request_id

        resent = await http.post("/work/cases/new", data={**changed, "request_id": fresh_id})
        assert resent.status_code == 303, resent.text[:500]
        case_b = case_of(resent)
    assert case_b != case_a
    assert system.store.get_case(uuid.UUID(case_a)).report.victim.name == "Imogen Treadwell-Fane"
    b = system.store.get_case(uuid.UUID(case_b)).report
    assert (b.victim.name, b.immediate_risk) == ("Odette Marchbank", True)


async def test_the_same_report_form_sent_twice_shows_the_one_case_it_opened(
        system: WebSystem) -> None:
    """A double click: the second post goes to the case the first opened, and no other case
    is opened (the report's time is when it was sent, so it is not part of the comparison)."""
    async with system.client(CW) as http:
        request_id = str(uuid.uuid4())
        first = await http.post("/work/cases/new", data=report_form(request_id))
        second = await http.post("/work/cases/new", data=report_form(request_id))
    assert (first.status_code, second.status_code) == (303, 303), second.text[:500]
    assert case_of(second) == case_of(first)


@pytest.mark.parametrize("request_id", [None, "", "   "])
async def test_a_report_form_without_its_request_id_is_refused_not_defaulted(
        system: WebSystem, request_id: str | None) -> None:
    """Without a request id every such report of one member of staff would be the same
    case: 422 with a GOV.UK message, and nothing is opened."""
    async with system.client(CW) as http:
        refused = await http.post("/work/cases/new", data=report_form(request_id))
        again = await http.post("/work/cases/new",
                                data=report_form(request_id, victim_name="Odette Marchbank"))
    for response in (refused, again):
        assert response.status_code == 422, response.text[:500]
        assert "Open the form again and send it from there" in response.text
        assert "request_has_id" not in response.text  # plain words, no rule code
    assert list(system.store.intake_progress(0)) == []


# ---- the sharing-decision form -----------------------------------------------------------------

async def test_a_sharing_decision_changed_and_sent_again_is_not_dropped(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    async with system.client(CW) as http:
        form = await http.get(f"/work/cases/{case_id}/sharing")
        request_id = hidden_request_id(form.text)
        first = await http.post(f"/work/cases/{case_id}/sharing", data=sharing_form(request_id))
        assert first.status_code == 303, first.text[:500]
        changed = sharing_form(request_id, partner="childrens_services",
                               purpose="child_safeguarding")
        again = await http.post(f"/work/cases/{case_id}/sharing", data=changed)
        assert again.status_code == 409, again.text[:500]
        assert "You have already sent this form" in again.text
        assert f'href="/work/cases/{case_id}"' in again.text
        decisions = (await http.get(f"/cases/{case_id}/sharing-decisions")).json()
        assert [d["partner"] for d in decisions] == ["police"]

        fresh_id = hidden_request_id(again.text)
        assert fresh_id != request_id
        resent = await http.post(f"/work/cases/{case_id}/sharing",
                                 data={**changed, "request_id": fresh_id})
        assert resent.status_code == 303, resent.text[:500]
        decisions = (await http.get(f"/cases/{case_id}/sharing-decisions")).json()
    assert [d["partner"] for d in decisions] == ["police", "childrens_services"]


async def test_the_same_sharing_form_sent_twice_records_one_decision(system: WebSystem) -> None:
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    request_id = str(uuid.uuid4())
    async with system.client(CW) as http:
        for _ in range(2):
            sent = await http.post(f"/work/cases/{case_id}/sharing",
                                   data=sharing_form(request_id))
            assert sent.status_code == 303, sent.text[:500]
    assert (await event_types(system, case_id)).count("SharingDecided") == 1


async def test_a_corrected_form_is_taken_with_its_same_request_id(system: WebSystem) -> None:
    """A refused form is shown again with its request id; the corrected one is recorded (the
    refused one made nothing, so its key is free)."""
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    request_id = str(uuid.uuid4())
    async with system.client(CW) as http:
        refused = await http.post(f"/work/cases/{case_id}/sharing",
                                  data=sharing_form(request_id, partner="PERPETRATOR"))
        assert refused.status_code == 422, refused.text[:500]
        assert hidden_request_id(refused.text) == request_id
        corrected = await http.post(f"/work/cases/{case_id}/sharing",
                                    data=sharing_form(request_id))
        assert corrected.status_code == 303, corrected.text[:500]
        decisions = (await http.get(f"/cases/{case_id}/sharing-decisions")).json()
    assert [d["partner"] for d in decisions] == ["police"]


async def test_a_sharing_form_without_its_request_id_is_refused(system: WebSystem) -> None:
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    async with system.client(CW) as http:
        refused = await http.post(f"/work/cases/{case_id}/sharing", data=sharing_form(None))
        decisions = (await http.get(f"/cases/{case_id}/sharing-decisions")).json()
    assert refused.status_code == 422, refused.text[:500]
    assert "Open the form again and send it from there" in refused.text
    assert "request_has_id" not in refused.text
    assert decisions == []


# ---- the API -----------------------------------------------------------------------------------

def decision(partner: str) -> dict[str, Any]:
    return {"partner": partner, "purpose": "police_notification", "shared": False,
            "categories": ["victim_identity"], "reasons": "The victim asked us not to"}


def incident(summary: str) -> dict[str, Any]:
    return {"occurred_on": date.today().isoformat(), "summary": summary}


def assignment(officer: str) -> dict[str, Any]:
    return {"team": TST, "officer_id": officer, "reason": "Caseload balanced"}


@pytest.mark.parametrize(("staff", "path", "first", "changed"), [
    (CW, "sharing-decisions", decision("police"), decision("childrens_services")),
    (CW, "incidents", incident("Shouting heard"), incident("Door kicked in")),
    (DSO, "assign", assignment(CW), assignment(CW2)),
])
async def test_an_idempotency_key_reused_for_another_request_is_refused_and_writes_nothing(
        system: WebSystem, staff: str, path: str, first: dict[str, Any],
        changed: dict[str, Any]) -> None:
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    key = {"Idempotency-Key": f"key-{uuid.uuid4()}"}
    async with system.client(staff) as http:
        sent = await http.post(f"/cases/{case_id}/{path}", json=first, headers=key)
        assert sent.status_code == 200, sent.text
        before = await event_types(system, case_id)
        reused = await http.post(f"/cases/{case_id}/{path}", json=changed, headers=key)
        repeated = await http.post(f"/cases/{case_id}/{path}", json=first, headers=key)
    assert reused.status_code == 409, reused.text
    [error] = reused.json()["errors"]
    assert (error["field"], error["rule"]) == ("Idempotency-Key", "idempotency_key_used_once")
    assert reused.json()["case_id"] == case_id
    # The same request again is answered as the first was, and changes nothing either.
    assert repeated.status_code == 200, repeated.text
    assert await event_types(system, case_id) == before


async def test_one_key_on_another_case_is_another_request(system: WebSystem) -> None:
    cases = [await system.open_case(CW, household=NO_CHILDREN) for _ in range(2)]
    key = {"Idempotency-Key": "incident-1"}
    async with system.client(CW) as http:
        first = await http.post(f"/cases/{cases[0]}/incidents", json=incident("Shouting"),
                                headers=key)
        other = await http.post(f"/cases/{cases[1]}/incidents", json=incident("Shouting"),
                                headers=key)
    assert first.status_code == 200, first.text
    assert other.status_code == 409, other.text
    assert other.json()["case_id"] == cases[0]
    assert "IncidentReported" not in await event_types(system, cases[1])


async def test_two_people_using_the_same_key_each_have_their_request_recorded(
        system: WebSystem) -> None:
    """Keys are each caller's own: another caseworker's `incident-1` is not a retry of mine."""
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    key = {"Idempotency-Key": "incident-1"}
    for staff in (CW, CW2):
        async with system.client(staff) as http:
            sent = await http.post(f"/cases/{case_id}/incidents", json=incident("Shouting"),
                                   headers=key)
            assert sent.status_code == 200, sent.text
    assert (await event_types(system, case_id)).count("IncidentReported") == 2

"""Each risk and safeguarding step over HTTP, with its refusals: 422 names the field and the
rule, 409 when the case has moved on."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.support import eventually
from tests.web_harness import WebSystem, web_system

SOON = (date.today() + timedelta(days=60)).isoformat()  # a due date within its range

CW = "cw-1"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        yield running


def first_error(response: httpx.Response) -> tuple[int, str, str]:
    error = response.json()["errors"][0]
    return response.status_code, error["field"], error["rule"]


async def test_dash_saved_part_way_is_resumed_and_a_high_risk_goes_to_marac(
        system: WebSystem) -> None:
    """D 8.14 (DASH at the discussion), D 8.15 (high risk to MARAC), SafeLives guidance."""
    case_id = await system.open_case(CW)
    async with system.client(CW) as http:
        first = {str(n): {"answer": "yes"} for n in range(1, 11)}
        assert (await http.put(f"/cases/{case_id}/dash", json={"answers": first})).status_code \
            == 200
        draft = (await http.get(f"/cases/{case_id}/dash")).json()["draft"]
        assert sorted(int(n) for n in draft["answers"]) == list(range(1, 11))

        incomplete = await http.post(f"/cases/{case_id}/dash/complete",
                                     json={"answers": {"11": {"answer": "yes"}}})
        assert first_error(incomplete) == (422, "answers",
                                           "dash_complete_answers_every_question")
        rest = {str(n): {"answer": "yes" if n <= 14 else "not_known"} for n in range(11, 25)}
        done = await http.post(f"/cases/{case_id}/dash/complete", json={"answers": rest})
        assert done.status_code == 200, done.text
        assert "record_marac_hearing" in {t["kind"] for t in done.json()["tasks"]}
        dash = (await http.get(f"/cases/{case_id}/dash")).json()
        assert dash["risk_level"] == "high" and dash["draft"] is None
        assert dash["assessments"][0]["yes_count"] == 14

        async def marac_delivered() -> dict | None:
            found = [r for r in (await http.get(f"/cases/{case_id}/referrals")).json()
                     if r["kind"] == "marac" and r["status"] == "delivered"]
            return found[0] if found else None
        marac = await eventually(marac_delivered)
        assert marac["partner"] == "kent_medway_marac" and marac["section"] == "D 8.15"

        early = await http.post(f"/cases/{case_id}/marac/actions", json={
            "referral_id": marac["referral_id"], "actions": [
                {"description": "Fit a door chain", "owner_id": CW, "due_on": SOON}]})
        assert first_error(early) == (422, "referral_id", "marac_actions_follow_hearing")
        future = await http.post(f"/cases/{case_id}/marac/hearing", json={
            "referral_id": marac["referral_id"], "heard_on": "2099-01-01"})
        assert first_error(future) == (422, "heard_on", "hearing_not_in_future")


async def test_bad_dash_input_names_the_field(system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    async with system.client(CW) as http:
        bad_answer = await http.put(f"/cases/{case_id}/dash",
                                    json={"answers": {"3": {"answer": "maybe"}}})
        unknown = await http.put(f"/cases/{case_id}/dash",
                                 json={"answers": {"31": {"answer": "yes"}}})
        no_reason = await http.post(f"/cases/{case_id}/dash/complete", json={
            "answers": {str(n): {"answer": "no"} for n in range(1, 25)},
            "professional_judgement": True})
    assert first_error(bad_answer)[:2] == (422, "answers.3.answer")
    # The key sent is not repeated back: the field is the answers, the rule says which.
    assert first_error(unknown) == (422, "answers.*", "dash_question_exists")
    assert first_error(no_reason) == (422, "judgement_reason",
                                      "professional_judgement_has_reason")


async def test_consent_to_support_referral_is_recorded_once(system: WebSystem) -> None:
    """D 8.19: a referral to support services only with the victim's consent."""
    case_id = await system.open_case(CW, additional_needs=["addiction"])
    async with system.client(CW) as http:
        tasks = (await http.get(f"/cases/{case_id}/tasks")).json()["tasks"]
        assert "seek_support_consent" in {t["kind"] for t in tasks}
        given = await http.post(f"/cases/{case_id}/support-consent",
                                json={"given": True, "reason": "Agreed by telephone"})
        again = await http.post(f"/cases/{case_id}/support-consent",
                                json={"given": False, "reason": "Changed her mind"})
        kinds = [r["kind"] for r in (await http.get(f"/cases/{case_id}/referrals")).json()]
    assert given.status_code == 200
    assert "seek_support_consent" not in {t["kind"] for t in given.json()["tasks"]}
    assert first_error(again) == (409, "given", "support_consent_recorded_once")
    assert "support_services" in kinds


async def test_contacting_the_perpetrator_about_the_abuse_is_refused(
        system: WebSystem) -> None:
    """D 8.42: staff do not contact the perpetrator about the abuse, reports or MARAC."""
    case_id = await system.open_case(CW, perpetrator={"name": "A. Person",
                                                      "relationship": "ex-partner"})
    async with system.client(CW) as http:
        refused = await http.post(f"/cases/{case_id}/contacts", json={
            "party": "perpetrator", "purpose": "about_abuse", "channel": "telephone"})
        marac = await http.post(f"/cases/{case_id}/contacts", json={
            "party": "perpetrator", "purpose": "marac", "channel": "letter"})
        tenancy = await http.post(f"/cases/{case_id}/contacts", json={
            "party": "perpetrator", "purpose": "tenancy_enforcement", "channel": "letter"})
    for response in (refused, marac):
        assert first_error(response) == (422, "purpose", "never_contact_perpetrator_about_abuse")
        assert response.json()["errors"][0]["section"] == "D 8.42"
    assert tenancy.status_code == 200


async def test_a_contact_channel_outside_the_closed_set_is_422_naming_the_field(
        system: WebSystem) -> None:
    """The channel is shown to auditors as a case fact, so free text is refused there."""
    case_id = await system.open_case(CW)
    async with system.client(CW) as http:
        typed = await http.post(f"/cases/{case_id}/contacts", json={
            "party": "victim", "purpose": "about_abuse", "channel": "CHANNELMARK 07700900999"})
        texted = await http.post(f"/cases/{case_id}/contacts", json={
            "party": "victim", "purpose": "about_abuse", "channel": "text_message"})
        events = (await http.get(f"/cases/{case_id}/events")).json()
    assert first_error(typed) == (422, "channel", "enum")
    assert "07700900999" not in typed.text
    assert texted.status_code == 200, texted.text
    assert [e["data"]["channel"] for e in events if e["type"] == "ContactRecorded"] == [
        "text_message"]


async def test_a_child_joining_the_household_is_referred(system: WebSystem) -> None:
    """D 8.23: Children's Services in all cases, including a child who joins later."""
    case_id = await system.open_case(CW, household={"adults": [], "children": []})
    async with system.client(CW) as http:
        assert (await http.get(f"/cases/{case_id}/referrals")).json() == []
        too_old = await http.post(f"/cases/{case_id}/household/children", json={"age": 18})
        added = await http.post(f"/cases/{case_id}/household/children", json={"age": 1})
        kinds = [r["kind"] for r in (await http.get(f"/cases/{case_id}/referrals")).json()]
    assert first_error(too_old) == (422, "age", "child_is_under_18")
    assert added.status_code == 200 and kinds == ["children"]


async def test_adjustments_are_carried_to_the_tasks(system: WebSystem) -> None:
    """D 8.16: a telephone-only victim gets no visit; an interpreter is on every contact."""
    case_id = await system.open_case(CW, reasonable_adjustments=["telephone_only",
                                                                 "interpreter"])
    async with system.client(CW) as http:
        tasks = (await http.get(f"/cases/{case_id}/tasks")).json()["tasks"]
        contact = next(t for t in tasks if t["kind"] == "contact_victim")
        assert contact["requirements"] == ["interpreter"]
        after = await http.post(f"/cases/{case_id}/tasks/{contact['task_id']}/complete",
                                json={"outcome": "discussion_offered"})
    meeting = next(t for t in after.json()["tasks"] if t["kind"] == "hold_personal_discussion")
    assert meeting["requirements"] == ["by telephone only: no home visit", "interpreter"]

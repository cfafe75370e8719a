"""Homelessness and housing options over HTTP with a real worker (D 8.38, D 3.6; DBC 5.1,
7.4.1, 7.4.4, 7.5.1, Appendix A): the application becomes a task for the council's
homelessness team, a local-connection refusal is refused 422 naming the rule and section, a
joint tenancy route walks its steps as tasks, enforcement waits for the victim's wishes and a
specialist; the page shows it in plain words and says a refusal beside its field; an auditor
reads the facts, never the victim's words."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.data_categories import WITHHELD
from aggregates.report import Council, Role
from tests.e2e.test_command_doors import assert_plain, error_summary
from tests.support import eventually
from tests.web_harness import WebSystem, web_system

CW, DARTFORD_CW, AUD = "cw-ho", "cw-dbc", "aud-ho"
APPLICATION = {"status": "homeless", "eligible": True, "because_of_abuse": True,
               "moving_because_of_abuse": True}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(DARTFORD_CW, Role.CASEWORKER, teams=("Tenancy Services Team",),
                          council=Council.DARTFORD)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


async def tasks_of(http: httpx.AsyncClient, case_id: str) -> list[dict[str, object]]:
    return (await http.get(f"/cases/{case_id}/tasks")).json()["tasks"]  # type: ignore[no-any-return]


async def test_dover_application_goes_to_housing_options_and_no_local_connection_test(
        system: WebSystem) -> None:
    """D 8.38: priority need and a task for Housing Options; D 3.6: the refusal is refused."""
    case_id = await system.open_case(CW)
    async with system.client(CW) as http:
        made = await http.post(f"/cases/{case_id}/homelessness/application", json=APPLICATION)
        assert made.status_code == 200, made.text
        task = next(t for t in await tasks_of(http, case_id)
                    if t["kind"] == "take_homelessness_application")
        assert (task["assignee"], task["section"]) == ("Housing Options Team", "D 8.38")
        refused = await http.post(f"/cases/{case_id}/homelessness/local-connection",
                                  json={"met": False})
        assert refused.status_code == 422
        error = refused.json()["errors"][0]
        assert error["rule"] == "no_local_connection_test_for_victim_moving_because_of_abuse"
        assert (error["field"], error["section"]) == ("met", "D 3.6, D 8.38")
        again = await http.post(f"/cases/{case_id}/homelessness/application", json=APPLICATION)
        assert again.status_code == 409
        view = (await http.get(f"/cases/{case_id}/housing-options")).json()
        assert view["homelessness"]["priority_need"] is True
        assert view["homelessness"]["local_connection_met"] is None


async def test_a_housing_body_with_a_key_it_does_not_name_is_refused_naming_the_key(
        system: WebSystem) -> None:
    """CAR Q3 HPI-15 counts outcomes once per application (D 8.38): an outcome sent with a
    key the body does not name (a misspelt field, say) is a 422 naming that key, and nothing
    is recorded; the same for the application itself."""
    case_id = await system.open_case(DARTFORD_CW, council="dartford")
    async with system.client(DARTFORD_CW) as http:
        extra_application = await http.post(
            f"/cases/{case_id}/homelessness/application",
            json={**APPLICATION, "status": "threatened_with_homelessness", "priority": True})
        made = await http.post(f"/cases/{case_id}/homelessness/application",
                               json={**APPLICATION, "status": "threatened_with_homelessness"})
        assert made.status_code == 200, made.text
        extra_outcome = await http.post(f"/cases/{case_id}/homelessness/outcome",
                                        json={"outcome": "contact_lost", "extra": 1})
        view = (await http.get(f"/cases/{case_id}/housing-options")).json()
    for refused, key in ((extra_application, "priority"), (extra_outcome, "extra")):
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == key
        assert refused.json()["errors"][0]["rule"] == "extra_forbidden"
    assert view["homelessness"]["outcome"] is None


async def test_dartford_tenancy_route_steps_and_enforcement_after_wishes(
        system: WebSystem) -> None:
    """DBC 7.4.4: a joint secure tenancy ended by one tenant's notice, a task per step;
    DBC 7.5.1: enforcement only after the victim's wishes; DBC 7.4.1: the panel."""
    case_id = await system.open_case(DARTFORD_CW, council="dartford")
    base = f"/cases/{case_id}/housing-options"
    async with system.client(DARTFORD_CW) as http:
        assert (await http.post(f"{base}/tenancy", json={
            "holding": "joint", "security": "secure", "victim_is_tenant": True,
            "perpetrator_is_tenant": True})).status_code == 200
        assert (await http.post(f"{base}/route", json={"route": "joint_notice_to_quit"})
                ).status_code == 200
        steps = (await http.get(base)).json()["tenancy"]["route"]["steps"]
        for step in steps:
            assert any(t["kind"] == "tenancy_route_step" for t in await tasks_of(http, case_id))
            done = await http.post(f"{base}/route/step", json={"step": step})
            assert done.status_code == 200, done.text
        assert not [t for t in await tasks_of(http, case_id)
                    if t["kind"] == "tenancy_route_step"]
        early = await http.post(f"{base}/enforcement", json={"ground": "ground_2a"})
        assert early.status_code == 422
        assert early.json()["errors"][0]["section"] == "DBC 7.5.1"
        assert (await http.post(f"{base}/victim-wishes", json={
            "wishes": "Afraid of what he will do if evicted"})).status_code == 200
        assert (await http.post(f"{base}/specialists", json={"specialist": "respect"})
                ).status_code == 200
        assert (await http.post(f"{base}/enforcement", json={"ground": "ground_2a"})
                ).status_code == 200
        assert (await http.post(f"{base}/complex-case-panel", json={
            "issues": ["domestic_abuse", "high_rent_arrears"]})).status_code == 200
        view = (await http.get(base)).json()
    assert view["tenancy"]["outcomes"] == ["tenancy_ended_for_both_joint_tenants"]
    assert view["tenancy"]["enforcement"] == ["ground_2a"]


async def test_the_page_records_an_application_and_says_a_refusal_in_plain_words(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    async with system.client(CW) as http:
        page = await http.get(f"/work/cases/{case_id}/housing-options")
        assert page.status_code == 200
        assert "Record a homelessness application" in page.text
        assert "Housing Options Team" in page.text
        assert "no Complex Case Panel" in page.text  # Dover's policy has none
        sent = await http.post(f"/work/cases/{case_id}/housing-options/application", data={
            "request_id": str(uuid.uuid4()), "status": "homeless", "eligible": "yes",
            "because_of_abuse": "yes", "moving_because_of_abuse": "yes"})
        assert sent.status_code == 303, sent.text[:400]

        async def shown() -> str | None:
            text = (await http.get(f"/work/cases/{case_id}/housing-options")).text
            return text if "Priority need" in text else None
        page_text = await eventually(shown)
        assert "Not applied: the victim is moving because of the abuse" in page_text
        refused = await http.post(f"/work/cases/{case_id}/housing-options/local-connection",
                                  data={"request_id": str(uuid.uuid4()), "met": "no"})
        assert refused.status_code == 422
        summary = error_summary(refused.text)
        assert "moving because of the abuse" in summary
        assert_plain(summary, "no_local_connection_test_for_victim_moving_because_of_abuse")
        empty = await http.post(f"/work/cases/{case_id}/housing-options/advice",
                                data={"request_id": str(uuid.uuid4())})
        assert empty.status_code == 422
        assert "Select the options advised" in error_summary(empty.text)


async def test_an_auditor_reads_the_decisions_but_not_the_victims_words(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    async with system.client(CW) as http:
        assert (await http.post(f"/cases/{case_id}/housing-options/victim-wishes", json={
            "wishes": "Do not tell him I asked"})).status_code == 200
        assert (await http.post(f"/cases/{case_id}/homelessness/application",
                                json=APPLICATION)).status_code == 200
    async with system.client(AUD) as auditor:
        view = (await auditor.get(f"/cases/{case_id}/housing-options")).json()
        events = (await auditor.get(f"/cases/{case_id}/events")).json()
    assert view["homelessness"]["priority_need"] is True
    wishes = [e for e in events if e["type"] == "VictimWishesRecorded"]
    assert wishes and wishes[0]["data"]["wishes"] == WITHHELD
    assert "Do not tell him" not in str(events)


async def test_a_tenancy_step_task_sends_the_officer_to_the_housing_options_page(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    base = f"/cases/{case_id}/housing-options"
    async with system.client(CW) as http:
        assert (await http.post(f"{base}/tenancy", json={
            "holding": "sole", "security": "secure", "victim_is_tenant": True,
            "perpetrator_is_tenant": False})).status_code == 200
        assert (await http.post(f"{base}/route", json={"route": "sole_tenant_leaves"})
                ).status_code == 200
        task = next(t for t in await tasks_of(http, case_id)
                    if t["kind"] == "tenancy_route_step")
        page = await http.get(f"/work/cases/{case_id}/tasks/{task['task_id']}")
    assert page.status_code == 200
    assert f'href="/work/cases/{case_id}/housing-options"' in page.text
    assert task["section"] == "configured default (DBC 7.4.4; Dover silent)"


async def test_the_page_records_a_prevention_once_and_refuses_one_for_a_homeless_household(
        system: WebSystem) -> None:
    """CAR Q3 HPI-15: a Dartford household threatened with homelessness stays in its home:
    the page records it and shows it in words; a second outcome is 409 (one per
    application). A household already homeless is owed relief, not prevention (Housing Act
    1996 s195): the page says so beside the field, in plain words."""
    threatened = await system.open_case(DARTFORD_CW, council="dartford")
    homeless = await system.open_case(DARTFORD_CW, council="dartford")
    async with system.client(DARTFORD_CW) as http:
        for case_id, status in ((threatened, "threatened_with_homelessness"),
                                (homeless, "homeless")):
            made = await http.post(f"/cases/{case_id}/homelessness/application",
                                   json={**APPLICATION, "status": status})
            assert made.status_code == 200, made.text
        page = await http.get(f"/work/cases/{threatened}/housing-options")
        assert "How did the duty end?" in page.text
        sent = await http.post(f"/work/cases/{threatened}/housing-options/outcome", data={
            "request_id": str(uuid.uuid4()), "outcome": "prevented_stayed_in_home"})
        assert sent.status_code == 303, sent.text[:400]

        async def shown() -> str | None:
            text = (await http.get(f"/work/cases/{threatened}/housing-options")).text
            return text if "Prevented: they stayed in their home" in text else None
        page_text = await eventually(shown)
        assert "How did the duty end?" not in page_text  # recorded once: no form now
        again = await http.post(f"/cases/{threatened}/homelessness/outcome",
                                json={"outcome": "contact_lost"})
        assert again.status_code == 409
        assert again.json()["errors"][0]["rule"] == "homelessness_outcome_recorded_once"
        view = (await http.get(f"/cases/{threatened}/housing-options")).json()
        assert view["homelessness"]["outcome"] == "prevented_stayed_in_home"
        refused = await http.post(f"/work/cases/{homeless}/housing-options/outcome", data={
            "request_id": str(uuid.uuid4()), "outcome": "prevented_stayed_in_home"})
        assert refused.status_code == 422
        summary = error_summary(refused.text)
        assert "can be prevented only for a household threatened with it" in summary
        assert_plain(summary, "homelessness_prevented_only_if_threatened")
        empty = await http.post(f"/work/cases/{homeless}/housing-options/outcome",
                                data={"request_id": str(uuid.uuid4())})
        assert empty.status_code == 422
        assert "Select how the duty ended" in error_summary(empty.text)

"""Safety at home from the pages (GOV.UK forms over the same routes as the API): a Dartford
Sanctuary referral taken to a decision and declined with a reason; a refused measure says what
to do in plain words beside its field; an emergency repair reported; a Dover case is told what
it gets instead of a Sanctuary Scheme."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from tests.e2e.test_command_doors import assert_plain, error_summary
from tests.web_harness import WebSystem, web_system

CW, DOVER_CW = "cw-dbc", "cw-ddc"
YES_NO = {"perpetrator_lives_at_property": "no", "safe_to_stay": "yes",
          "victim_chooses_to_stay": "yes", "perpetrator_associates_live_there": "no",
          "area_too_dangerous": "no", "household_can_operate_measures": "yes",
          "rent_arrears": "yes"}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER, teams=("Tenancy Services Team",),
                          council=Council.DARTFORD)
        running.add_staff(DOVER_CW, Role.CASEWORKER)
        yield running


def text_of(html: str) -> str:
    """The page's words without its tags (a code may stay in a form's values)."""
    return re.sub(r"<[^>]+>", " ", html)


async def post(http: httpx.AsyncClient, case_id: str, step: str, **data: str
               ) -> httpx.Response:
    return await http.post(f"/work/cases/{case_id}/home-safety/{step}",
                           data={"request_id": str(uuid.uuid4()), **data})


async def test_a_sanctuary_referral_declined_with_a_reason_from_the_pages(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW, council="dartford")
    async with system.client(CW) as http:
        page = await http.get(f"/work/cases/{case_id}/home-safety")
        assert page.status_code == 200 and "Refer to the Sanctuary Scheme" in page.text
        assert "Other household, adults only" in page.text and "Other adults" not in page.text
        steps = [
            await post(http, case_id, "sanctuary-referral", referrer_kind="agency",
                       referrer_name="Jo Officer", referrer_contact="01322 000000",
                       referring_agency="Kent Police", household_type="lone_parent"),
            await post(http, case_id, "risk-assessment", subject="case",
                       findings="Medium risk; no contact for a month."),
            await post(http, case_id, "risk-assessment", subject="property",
                       findings="Back door weak."),
            await post(http, case_id, "decision", **YES_NO),
        ]
        assert [s.status_code for s in steps] == [303] * 4, [s.text[:300] for s in steps]
        page = await http.get(f"/work/cases/{case_id}/home-safety")
        # SCAR Q15's household types and measures in words, not codes with a capital.
        assert "Lone parent" in page.text and "lone_parent" not in text_of(page.text)
        assert "The risk to the victim and the security of the property" in page.text
        assert "CCTV or doorbell camera" in page.text and "Cctv" not in page.text
        wrong = await post(http, case_id, "measure", measure_type="door_viewer",
                           installer="private_landlord", cost="12.50",
                           **{"installed_on-day": "1", "installed_on-month": "1",
                              "installed_on-year": "2026"})
        assert wrong.status_code == 422
        summary = error_summary(wrong.text)
        assert "Housing Maintenance Team" in summary
        assert_plain(summary, "sanctuary_installer_fits_tenure")
        unpicked = await post(http, case_id, "decline", reason="They would rather move.")
        assert unpicked.status_code == 422 and 'href="#reason_code"' in unpicked.text
        assert "Select why they chose not to have measures" in error_summary(unpicked.text)
        declined = await post(http, case_id, "decline", reason_code="chose_another_option",
                              reason="They would rather move.")
        assert declined.status_code == 303
        page = await http.get(f"/work/cases/{case_id}/home-safety")
        assert "Declined" in page.text and "They would rather move." in page.text
        assert "Chose another option (for example, a transfer or a refuge)" in page.text
        assert "Tell the referrer the outcome" in page.text

        repair = await post(http, case_id, "repair", job_type="change_door_locks")
        assert repair.status_code == 303
        page = await http.get(f"/work/cases/{case_id}/home-safety")
        # The deadline in words in London time, as on every task list (not an ISO stamp).
        assert re.search(r"Change door locks: due \d{1,2} [A-Z][a-z]+ \d{4}, \d{1,2}:\d\d[ap]m, "
                         r"requested", page.text), page.text


async def test_a_second_sanctuary_referral_under_way_is_refused_in_words(
        system: WebSystem) -> None:
    """DBC 7.4.2: one Sanctuary referral at a time; a second sent while the first is under
    way (another tab, say) is refused in plain words, not "Check referral"."""
    case_id = await system.open_case(CW, council="dartford")
    form = {"referrer_kind": "victim", "referrer_name": "A. Resident",
            "referrer_contact": "01322 111111", "household_type": "lone_adult"}
    async with system.client(CW) as http:
        first = await post(http, case_id, "sanctuary-referral", **form)
        second = await post(http, case_id, "sanctuary-referral", **form)
    assert first.status_code == 303
    assert second.status_code == 409
    summary = error_summary(second.text)
    assert "The case already has a Sanctuary referral under way" in summary
    assert "Check" not in summary
    assert_plain(summary, "sanctuary_one_referral_at_a_time")


@pytest.mark.parametrize("cost", ["Infinity", "-Infinity", "sNaN", "NaN", "1e999999",
                                  "1e99999", "100000.01", "-5", "12.345", "abc"])
async def test_a_cost_that_is_no_amount_of_pounds_is_refused_beside_the_cost(
        system: WebSystem, cost: str) -> None:
    """DBC 5.1, SCAR Q15 (the cost of each measure is returned): a cost typed as infinity,
    not-a-number, a number of a million digits or out of range is refused in plain words
    naming the cost, never a server error, and nothing is recorded."""
    from tests.e2e.test_sanctuary_http import referred_and_accepted

    case_id = await system.open_case(CW, council="dartford")
    async with system.client(CW) as http:
        await referred_and_accepted(http, case_id)
        refused = await post(http, case_id, "measure", measure_type="door_viewer",
                             installer="housing_maintenance_team", cost=cost,
                             **{"installed_on-day": "1", "installed_on-month": "1",
                                "installed_on-year": "2026"})
        measures = (await http.get(f"/cases/{case_id}/sanctuary")).json()["measures"]
    assert refused.status_code == 422
    assert 'href="#cost_pence"' in refused.text
    assert ("Enter the cost in pounds as an amount from 0 to 100,000, like 125.50"
            in error_summary(refused.text))
    assert measures == []


async def test_a_dover_case_page_says_what_dover_offers_instead(system: WebSystem) -> None:
    case_id = await system.open_case(DOVER_CW)
    async with system.client(DOVER_CW) as http:
        page = await http.get(f"/work/cases/{case_id}/home-safety")
    assert page.status_code == 200
    assert "no Sanctuary Scheme (D 8.36, D 8.37" in page.text
    assert "Refer to the Sanctuary Scheme" not in page.text
    assert "Report an emergency repair" in page.text


async def test_equality_answers_picked_on_the_referral_form_are_recorded_and_shown_in_words(
        system: WebSystem) -> None:
    """SCAR Q7 recommends asking; CAR monitors the answers: each question is optional radios
    (ONS 2021 categories and "Prefer not to say"), communication needs are checkboxes; only
    the answers picked are recorded, as codes, and the page shows them in words. An answer
    not on a question's list is refused beside that question."""
    case_id = await system.open_case(CW, council="dartford")
    form = {"referrer_kind": "victim", "referrer_name": "A. Resident",
            "referrer_contact": "01322 111111", "household_type": "lone_adult"}
    async with system.client(CW) as http:
        page = await http.get(f"/work/cases/{case_id}/home-safety")
        assert 'type="radio" value="prefer_not_to_say"' in page.text
        assert 'name="pc_religion_or_belief"' in page.text and "Protected characteristics" \
            in page.text
        assert 'name="communication_needs" type="checkbox" value="relay_uk"' in page.text
        wrong = await post(http, case_id, "sanctuary-referral", **form, pc_age="forty")
        assert wrong.status_code == 422
        assert 'href="#pc_age"' in wrong.text
        given = await http.post(f"/work/cases/{case_id}/home-safety/sanctuary-referral", data={
            **form, "request_id": str(uuid.uuid4()), "pc_age": "45_54",
            "pc_religion_or_belief": "sikh", "pc_sex": "prefer_not_to_say",
            "communication_needs": ["braille", "relay_uk"]})
        assert given.status_code == 303, given.text[:300]
        referral = (await http.get(f"/cases/{case_id}/sanctuary")).json()["referral"]
        page = await http.get(f"/work/cases/{case_id}/home-safety")
    assert referral["protected_characteristics"] == {
        "age": "45_54", "religion_or_belief": "sikh", "sex": "prefer_not_to_say"}
    assert referral["communication_needs"] == ["braille", "relay_uk"]
    assert "Age: 45 to 54; Religion or belief: Sikh; Sex: Prefer not to say" in page.text
    assert "Braille, Relay UK" in page.text


async def test_a_safer_referral_from_the_page_then_no_second_form(system: WebSystem) -> None:
    """DBC 7.4.3 / D 8.37: the page refers to KCC SAFER (a reason is needed, shown beside its
    own box, not the decline form's); once referred it shows the referral and offers no
    second one while the first stands."""
    case_id = await system.open_case(DOVER_CW)
    async with system.client(DOVER_CW) as http:
        page = await http.get(f"/work/cases/{case_id}/home-safety")
        assert "Refer to KCC SAFER" in page.text and "D 8.37" in page.text
        empty = await post(http, case_id, "safer-referral", safer_reason="")
        assert empty.status_code == 422 and 'href="#safer_reason"' in empty.text
        sent = await post(http, case_id, "safer-referral",
                          safer_reason="Wants security advice; agreed on the phone")
        assert sent.status_code == 303, sent.text[:300]
        page = await http.get(f"/work/cases/{case_id}/home-safety")
        assert re.search(r"Referred \d{4}-\d\d-\d\d: (queued|delivered)", page.text)
        assert "Refer to KCC SAFER" not in page.text

"""The Sanctuary Scheme over HTTP with a real worker: a Dartford referral declined by the
household with a reason, another installed and the referrer told; an auditor reads the
monitoring facts but not the victim's protected characteristics; a Dover case is refused
naming what Dover offers instead."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from aggregates.working_days import local_date
from tests.e2e.home_safety_matrix import SANCTUARY_BODIES
from tests.web_harness import WebSystem, web_system

CW, AUD, DOVER_CW = "cw-dbc", "aud-dbc", "cw-ddc"
TENANCY_SERVICES = "Tenancy Services Team"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER, teams=(TENANCY_SERVICES,),
                          council=Council.DARTFORD)
        running.add_staff(AUD, Role.AUDITOR, teams=(), council=Council.DARTFORD)
        running.add_staff(DOVER_CW, Role.CASEWORKER)
        yield running


async def step(http: httpx.AsyncClient, case_id: str, name: str, body: dict) -> httpx.Response:
    response = await http.post(f"/cases/{case_id}/sanctuary/{name}", json=body)
    assert response.status_code == 200, response.text
    return response


async def referred_and_accepted(http: httpx.AsyncClient, case_id: str) -> None:
    await step(http, case_id, "referral", {
        **SANCTUARY_BODIES["referral"], "protected_characteristics": {"age": "25_34"},
        "communication_needs": ["large_print"]})
    for subject in ("case", "property"):
        await step(http, case_id, "risk-assessments",
                   {"subject": subject, "findings": f"The {subject} was assessed."})
    await step(http, case_id, "decision", {**SANCTUARY_BODIES["decision"], "rent_arrears": True})


async def test_a_dartford_referral_declined_with_a_reason_then_the_referrer_told(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW, council="dartford")
    async with system.client(CW) as http:
        await referred_and_accepted(http, case_id)
        await step(http, case_id, "decline", {"reason_code": "moving_elsewhere",
                                              "reason": "The family would rather move."})
        await step(http, case_id, "referrer-told", {"channel": "email"})
        view = (await http.get(f"/cases/{case_id}/sanctuary")).json()
    referral = view["referral"]
    assert view["offered"] is True and view["section"] == "DBC 7.4.2; SCAR"
    assert referral["status"] == "declined"
    assert referral["outcome_reason"] == "The family would rather move."
    assert referral["decline_reason"] == "moving_elsewhere"
    assert referral["referrer_told_at"] is not None
    assert referral["protected_characteristics"] == {"age": "25_34"}
    async with system.client(AUD) as audit:
        seen = (await audit.get(f"/cases/{case_id}/sanctuary")).json()["referral"]
    assert seen["protected_characteristics"] == {"age": "Withheld: not needed for your role"}
    assert seen["referrer_contact"].startswith("Withheld")
    assert (seen["tenure"], seen["household_type"], seen["status"]) == (
        "council_general_needs", "lone_adult", "declined")
    # Why they declined is a rationale (auditors read rationales); the need reads as before.
    assert (seen["decline_reason"], seen["communication_needs"]) == (
        "moving_elsewhere", ["large_print"])


async def test_measures_installed_are_recorded_by_type_installer_and_cost(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW, council="dartford")
    today = local_date(datetime.now(UTC)).isoformat()
    async with system.client(CW) as http:
        await referred_and_accepted(http, case_id)
        wrong = await http.post(f"/cases/{case_id}/sanctuary/measures", json={
            **SANCTUARY_BODIES["measures"], "installed_on": today,
            "installer": "private_landlord"})
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["rule"] == "sanctuary_installer_fits_tenure"
        await step(http, case_id, "measures", {**SANCTUARY_BODIES["measures"],
                                               "installed_on": today})
        view = (await http.get(f"/cases/{case_id}/sanctuary")).json()
    assert view["referral"]["status"] == "installed"
    assert view["measures"] == [{"measure_type": "door_viewer", "installed_on": today,
                                 "installer": "housing_maintenance_team", "cost_pence": 1500}]


async def test_a_cost_that_is_no_whole_number_of_pence_is_refused_naming_the_cost(
        system: WebSystem) -> None:
    """DBC 5.1, SCAR Q15: the JSON cost is whole pence from 0 to 10,000,000; infinity,
    not-a-number, a fraction and a number too big are a 422 naming `cost_pence`, never a 500."""
    case_id = await system.open_case(CW, council="dartford")
    async with system.client(CW) as http:
        await referred_and_accepted(http, case_id)
        for cost in ("Infinity", "-Infinity", "NaN", "1e999999", "10000001", "12.5"):
            body = ('{"measure_type": "door_viewer", "installed_on": "2026-01-01", '
                    '"installer": "housing_maintenance_team", "cost_pence": ' + cost + "}")
            refused = await http.post(f"/cases/{case_id}/sanctuary/measures", content=body,
                                      headers={"content-type": "application/json"})
            assert refused.status_code == 422, (cost[:20], refused.text[:300])
            fields = [e.get("field", "") for e in refused.json()["errors"]]
            assert fields == ["cost_pence"], fields
        view = (await http.get(f"/cases/{case_id}/sanctuary")).json()
    assert view["measures"] == []


async def test_an_answer_or_reason_not_on_its_list_is_refused_naming_field_and_codes(
        system: WebSystem) -> None:
    """CAR; SCAR Q7, Q15: a 422 names the field and the codes it allows; nothing is
    recorded."""
    case_id = await system.open_case(CW, council="dartford")
    async with system.client(CW) as http:
        words = await http.post(f"/cases/{case_id}/sanctuary/referral", json={
            **SANCTUARY_BODIES["referral"], "protected_characteristics": {"age": "34"}})
        unasked = await http.post(f"/cases/{case_id}/sanctuary/referral", json={
            **SANCTUARY_BODIES["referral"], "protected_characteristics": {"nationality": "x"}})
        misspelt = await http.post(f"/cases/{case_id}/sanctuary/referral", json={
            **SANCTUARY_BODIES["referral"], "household": "lone_adult"})
        need = await http.post(f"/cases/{case_id}/sanctuary/referral", json={
            **SANCTUARY_BODIES["referral"], "communication_needs": ["Polish"]})
        await referred_and_accepted(http, case_id)
        reason = await http.post(f"/cases/{case_id}/sanctuary/decline",
                                 json={"reason_code": "not_recorded", "reason": "No."})
        view = (await http.get(f"/cases/{case_id}/sanctuary")).json()
    assert [r.status_code for r in (words, need, reason, unasked, misspelt)] == [422] * 5
    # CAR asks the nine protected characteristics only: another is named, not "*".
    assert unasked.json()["errors"][0]["field"] == "protected_characteristics.nationality"
    assert misspelt.json()["errors"][0]["field"] == "household"
    assert "protected_characteristics.age" in words.text and "35_44" in words.text
    assert "communication_needs" in need.text and "relay_uk" in need.text
    assert "reason_code" in reason.text and "feels_safe_now" in reason.text
    assert view["referral"]["status"] == "accepted"


async def test_a_dover_case_is_told_what_dover_offers_instead_of_a_sanctuary_scheme(
        system: WebSystem) -> None:
    case_id = await system.open_case(DOVER_CW)
    async with system.client(DOVER_CW) as http:
        refused = await http.post(f"/cases/{case_id}/sanctuary/referral",
                                  json=SANCTUARY_BODIES["referral"])
        view = (await http.get(f"/cases/{case_id}/sanctuary")).json()
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["rule"] == (
        "no_sanctuary_scheme_offer_improved_security_or_safer")
    assert view["offered"] is False and view["referral"] is None
    assert view["section"] == "D 8.36, D 8.37; Dover has no Sanctuary Scheme"


async def test_an_auditor_reads_no_protected_characteristic_referrer_or_findings_anywhere(
        system: WebSystem) -> None:
    """Data category × role on every read of the Sanctuary record: the view, the events and
    the history pages show a caseworker each planted value, an auditor none of them."""
    case_id = await system.open_case(CW, council="dartford")
    planted = {"religion": "buddhist", "referrer": "Referrer-Quillfeather",
               "contact": "quill@example.org", "findings": "Findings-Hawthornmere"}
    async with system.client(CW) as http:
        await step(http, case_id, "referral", {
            **SANCTUARY_BODIES["referral"], "referrer_name": planted["referrer"],
            "referrer_contact": planted["contact"],
            "protected_characteristics": {"religion_or_belief": planted["religion"]}})
        await step(http, case_id, "risk-assessments",
                   {"subject": "case", "findings": planted["findings"]})
    for who, shown in ((CW, True), (AUD, False)):
        async with system.client(who) as http:
            total = len((await http.get(f"/cases/{case_id}/events")).json())
            pages = [await http.get(f"/cases/{case_id}/sanctuary"),
                     await http.get(f"/cases/{case_id}/events")]
            pages += [await http.get(f"/work/cases/{case_id}/history", params={"step": n})
                      for n in range(1, total + 1)]
        assert all(p.status_code == 200 for p in pages)
        text = "\n".join(p.text for p in pages)
        for name, value in planted.items():
            # The view carries no findings; the events and history carry all four.
            assert (value in text) is shown, (who, name)

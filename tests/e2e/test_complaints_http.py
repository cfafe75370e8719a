"""Complaints over HTTP as staff use them (D 10, DBC 11): a complaint taken by telephone
about a case, answered, escalated, answered again and taken to the Housing Ombudsman; bad
input is a 422 naming the field and the rule, never echoing the value; a stage answered
twice 409; another council's complaint 404; auditors read without the complainant or free
text; the monitoring figures count it (SCAR Q15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.redaction import WITHHELD
from aggregates.report import Council, Role
from aggregates.working_days import local_date
from monitoring.periods import financial_year_of
from monitoring.reports import REPORTS
from tests.web_harness import WebSystem, web_system

SUMMARY = "Nobody called back about the broken lock"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("cw-1", Role.CASEWORKER)
        running.add_staff("lm-1", Role.LINE_MANAGER)
        running.add_staff("aud-1", Role.AUDITOR, teams=())
        running.add_staff("lm-2", Role.LINE_MANAGER, council=Council.DARTFORD)
        yield running


def body(**changes: Any) -> dict[str, Any]:
    return {"channel": "telephone", "subject": "officer", "area": "landlord",
            "received_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
            "complainant": "Ms A. Resident", "summary": SUMMARY,
            "adjustments": ["Calls in the morning only"], **changes}


async def test_a_complaint_goes_through_both_stages_to_the_housing_ombudsman(
        system: WebSystem) -> None:
    """D 10.2 (by telephone), D 10.3 (adjustments), D 10.4 (answered), DBC 11.2-11.3."""
    case_id = await system.open_case("cw-1")
    async with system.client("cw-1") as cw:
        made = await cw.post("/complaints", json=body(case_id=case_id),
                             headers={"Idempotency-Key": "complaint-1"})
        assert made.status_code == 201, made.text
        again = await cw.post("/complaints", json=body(case_id=case_id),
                              headers={"Idempotency-Key": "complaint-1"})
        assert again.status_code == 409
        assert again.json()["errors"][0]["rule"] == "idempotency_key_used_once"
        assert (await cw.get("/complaints")).status_code == 403  # may be about them
    complaint = made.headers["location"]
    async with system.client("lm-1") as lm:
        early = await lm.post(f"{complaint}/ombudsman", json={"ombudsman": "housing_ombudsman"})
        assert early.status_code == 422
        assert early.json()["errors"][0]["rule"] == "ombudsman_after_council_process"
        answer = {"outcome": "not_upheld", "reason": "The call was made on the day"}
        assert (await lm.post(f"{complaint}/answers", json=answer)).status_code == 200
        twice = await lm.post(f"{complaint}/answers", json=answer)
        assert twice.status_code == 409
        assert twice.json()["errors"][0]["rule"] == "complaint_stage_answered_once"
        assert (await lm.post(f"{complaint}/escalation",
                              json={"reason": "Not satisfied"})).status_code == 200
        assert (await lm.post(f"{complaint}/answers", json={
            "outcome": "partly_upheld", "reason": "The letter went out late"})).status_code == 200
        wrong = await lm.post(f"{complaint}/ombudsman", json={
            "ombudsman": "local_government_and_social_care_ombudsman"})
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["section"] == "DBC 11.3"
        taken = await lm.post(f"{complaint}/ombudsman", json={"ombudsman": "housing_ombudsman"})
        assert taken.status_code == 200
        seen = (await lm.get(complaint)).json()
    assert (seen["status"], seen["case_id"], seen["summary"]) == ("with_ombudsman", case_id,
                                                                  SUMMARY)
    assert [(r["stage"], r["outcome"]) for r in seen["responses"]] == [
        (1, "not_upheld"), (2, "partly_upheld")]
    async with system.client("aud-1") as auditor:
        audited = (await auditor.get(complaint)).json()
    assert audited["complainant"] == audited["summary"] == WITHHELD
    assert audited["responses"][1]["reason"] == "The letter went out late"  # a rationale
    assert audited["channel"] == "telephone"
    async with system.client("lm-2") as dartford:
        assert (await dartford.get(complaint)).status_code == 404
        assert (await dartford.post(f"{complaint}/withdrawal",
                                    json={"reason": "Asked to"})).status_code == 404
        assert (await dartford.get("/complaints")).json() == []


async def test_bad_input_names_the_field_and_rule_and_never_echoes_it(
        system: WebSystem) -> None:
    """422 naming the field (D 10.2 channels; the council boundary for the case)."""
    other_council_case = await system.open_case("lm-2", council="dartford")
    async with system.client("cw-1") as cw:
        pigeon = await cw.post("/complaints", json=body(channel="carrier-pigeon-xyz"))
        late = await cw.post("/complaints", json=body(
            received_at=(datetime.now(UTC) + timedelta(hours=2)).isoformat()))
        crossing = await cw.post("/complaints", json=body(case_id=other_council_case))
    assert pigeon.status_code == late.status_code == crossing.status_code == 422
    assert "carrier-pigeon-xyz" not in pigeon.text
    assert pigeon.json()["errors"][0]["field"].endswith("channel")
    assert late.json()["errors"][0]["rule"] == "complaint_received_not_in_future"
    assert crossing.json()["errors"][0] == {
        "field": "case_id", "rule": "complaint_case_is_the_councils",
        "message": "name a case of your council, or none"}


async def test_the_monitoring_source_counts_the_complaint_in_its_month(
        system: WebSystem) -> None:
    """SCAR Q15: complaints data is monitored; the page's source offers both reports."""
    async with system.client("cw-1") as cw:
        assert (await cw.post("/complaints", json=body(channel="email"))).status_code == 201
    assert system.app is not None
    source = system.app.state.monitoring.source
    channel = REPORTS["complaints-channel"]
    assert source.offers(channel) and source.offers(REPORTS["complaints-outcome"])
    today = local_date(datetime.now(UTC))  # counted in the London month recorded
    month = (today.month - 4) % 12
    counts = source.monthly_counts(channel, Council.DOVER, financial_year_of(today), [month])
    assert [row[0] for row in counts[month]] == [0, 1, 0, 0, 0, 0, 0]  # the email row


async def test_feedback_a_victim_chose_to_give_is_read_by_the_leads_and_auditors(
        system: WebSystem) -> None:
    """D 8.62: recorded when given; the victim's words are for the council's own staff (and
    a review, if they agreed), never an auditor; a rating alone or words alone will do."""
    case_id = await system.open_case("cw-1")
    given_at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    async with system.client("cw-1") as cw:
        words = await cw.post("/feedback", json={
            "channel": "telephone", "satisfaction": "not_said", "given_at": given_at,
            "case_id": case_id, "comments": "The lock was changed the same day",
            "may_quote": True})
        rating = await cw.post("/feedback", json={
            "channel": "survey", "satisfaction": "dissatisfied", "given_at": given_at})
        empty = await cw.post("/feedback", json={
            "channel": "survey", "satisfaction": "not_said", "given_at": given_at})
        assert (await cw.get("/feedback")).status_code == 403
    assert words.status_code == rating.status_code == 201, (words.text, rating.text)
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["rule"] == "feedback_says_something"
    async with system.client("lm-1") as lm, system.client("aud-1") as auditor, \
            system.client("lm-2") as dartford:
        led, audited = (await lm.get("/feedback")).json(), (await auditor.get("/feedback")).json()
        assert (await dartford.get("/feedback")).json() == []
    assert {f["satisfaction"] for f in led} == {"not_said", "dissatisfied"}
    quoted = next(f for f in led if f["may_quote"])
    assert (quoted["comments"], quoted["case_id"]) == ("The lock was changed the same day",
                                                       case_id)
    assert {f["comments"] for f in audited} == {WITHHELD}
    assert {f["satisfaction"] for f in audited} == {"not_said", "dissatisfied"}


async def test_the_monitoring_page_shows_the_complaints_and_feedback_reports(
        system: WebSystem) -> None:
    """SCAR Q15, D 8.62: the managers' page offers them beside the board's, as tables of
    every row (a quarter long ended: all nought, nothing hidden)."""
    async with system.client("lm-1") as lm:
        for report, label in (("complaints-channel", "In person, by appointment"),
                              ("complaints-outcome", "Taken to an Ombudsman"),
                              ("feedback-satisfaction", "Did not say")):
            page = await lm.get("/work/monitoring", params={
                "report": report, "council": "dover", "period": "2025-26-Q1"})
            assert page.status_code == 200, page.text
            assert REPORTS[report].title in page.text and label in page.text
            assert "not available yet" not in page.text  # the register's figures, shown
            assert 'role="img"' in page.text

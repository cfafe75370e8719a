"""When a report was received, through the API and the report form (issue 16): a call typed
up later is dated when it came in, with the reason it is entered late, and its deadlines count
from then; refusals name the field and the rule (JSON) or say it in words (the page)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from aggregates.working_days import LONDON
from tests.e2e.test_resubmission import case_of, hidden_request_id, report_form
from tests.support import report_body
from tests.web_harness import WebSystem, web_system

CW = "cw-1"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        yield running


async def test_the_api_refuses_a_late_report_without_its_reason_naming_field_and_rule(
        system: WebSystem) -> None:
    received = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    async with system.client(CW) as http:
        refused = await http.post("/cases", json=report_body(reported_at=received))
        opened = await http.post("/cases", json=report_body(
            reported_at=received, late_entry_reason="Voicemail heard on return from leave"))
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["field"], error["rule"]) == ("late_entry_reason", "late_entry_has_reason")
    assert error["section"] == "D 8.25, configured default"
    assert opened.status_code == 201, opened.text
    report = system.store.get_case(uuid.UUID(opened.json()["case_id"])).report
    assert report.reported_at == datetime.fromisoformat(received)
    assert report.late_entry_reason == "Voicemail heard on return from leave"


async def test_the_api_refuses_a_report_older_than_the_backdating_limit(
        system: WebSystem) -> None:
    received = (datetime.now(UTC) - timedelta(days=31)).isoformat()
    async with system.client(CW) as http:
        refused = await http.post("/cases", json=report_body(
            reported_at=received, late_entry_reason="Found in a drawer"))
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["field"], error["rule"]) == ("reported_at",
                                               "report_received_within_backdating_limit")


def received_fields(moment: datetime) -> dict[str, str]:
    local = moment.astimezone(LONDON)
    return {"reported_at-day": str(local.day), "reported_at-month": str(local.month),
            "reported_at-year": str(local.year), "reported_time": local.strftime("%H:%M")}


async def test_the_form_dates_a_report_typed_up_later_and_asks_why_in_words(
        system: WebSystem) -> None:
    received = (datetime.now(UTC) - timedelta(days=3)).replace(second=0, microsecond=0)
    async with system.client(CW) as http:
        form = await http.get("/work/cases/new")
        assert "When was the report received?" in form.text
        request_id = hidden_request_id(form.text)
        asked = await http.post("/work/cases/new",
                                data=report_form(request_id, **received_fields(received)))
        assert asked.status_code == 422
        assert "Enter why the report is entered now and not when it was received" in asked.text
        assert "late_entry_has_reason" not in asked.text and "D 8.25" not in asked.text
        assert f'value="{received.astimezone(LONDON).strftime("%H:%M")}"' in asked.text
        opened = await http.post("/work/cases/new", data=report_form(
            hidden_request_id(asked.text), **received_fields(received),
            late_entry_reason="Call came in after the office closed"))
    assert opened.status_code == 303, opened.text[:500]
    report = system.store.get_case(uuid.UUID(case_of(opened))).report
    assert report.reported_at == received
    assert report.late_entry_reason == "Call came in after the office closed"


@pytest.mark.parametrize(("typed", "message"), [
    ({"reported_at-day": "31", "reported_at-month": "2", "reported_at-year": "2026",
      "reported_time": "10:00"},
     "Enter when the report was received as a real date and a time like 14:30"),
    ({**received_fields(datetime.now(UTC) + timedelta(days=1))},
     "The time the report was received must be now or in the past"),
])
async def test_the_form_refuses_a_time_that_cannot_be_the_reports_in_words(
        system: WebSystem, typed: dict[str, str], message: str) -> None:
    async with system.client(CW) as http:
        form = await http.get("/work/cases/new")
        refused = await http.post("/work/cases/new",
                                  data=report_form(hidden_request_id(form.text), **typed))
    assert refused.status_code == 422
    assert message in refused.text
    assert "datetime" not in refused.text and "report_time_not_in_future" not in refused.text


async def test_the_form_says_in_words_how_long_a_typed_answer_may_be_and_refuses_odd_digits(
        system: WebSystem) -> None:
    """An optional text field that is too long was read back as "Choose at most 40 for the
    victim's phone number" (pydantic's list error), and a child's age typed as "²" was a 500."""
    async with system.client(CW) as http:
        form = await http.get("/work/cases/new")
        long_phone = await http.post("/work/cases/new", data=report_form(
            hidden_request_id(form.text), victim_phone="0" * 41))
        odd_age = await http.post("/work/cases/new", data=report_form(
            hidden_request_id(form.text), children_ages="²"))
        api = await http.post("/cases", json=report_body(
            reported_at=(datetime.now(UTC) - timedelta(days=2)).isoformat(),
            late_entry_reason="x" * 2001))
    assert long_phone.status_code == 422
    assert "must be 40 characters or fewer" in long_phone.text
    assert "Choose at most" not in long_phone.text
    assert odd_age.status_code == 422 and "Sorry" not in odd_age.text
    [error] = api.json()["errors"]
    assert (error["field"], error["rule"]) == ("late_entry_reason", "string_too_long")

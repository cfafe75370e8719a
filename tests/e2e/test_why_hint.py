"""The rationale of a decision and the reason for a correction are read by auditors and go
in evidence bundles as written (README, "Evidence bundles"; issue 15: "every decision with
its rationale"): every form and API field that takes one says so, in the GOV.UK hint style,
and the correction page records a correction the history then shows."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.web_harness import WebSystem, web_system

CW, DSO, AUD = "cw-1", "dso-1", "aud-1"
HINT = "Say why, without names, addresses or phone numbers: auditors and courts read this"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(DSO, Role.DSO)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


def hinted(page: str, field: str) -> bool:
    """The hint is the field's own: shown above it and announced with it."""
    text = html.unescape(page)
    return (f'<div id="{field}-hint" class="govuk-hint">{HINT}</div>' in text
            and f'aria-describedby="{field}-hint' in text)


async def test_the_sharing_and_correction_forms_say_auditors_and_courts_read_the_why(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    async with system.client(DSO) as dso:
        sharing = await dso.get(f"/work/cases/{case_id}/sharing")
        correction = await dso.get(f"/work/cases/{case_id}/corrections", params={"step": 1})
        schema = (await dso.get("/openapi.json")).json()["components"]["schemas"]
    assert sharing.status_code == correction.status_code == 200
    assert hinted(sharing.text, "justification") and hinted(sharing.text, "reasons")
    assert hinted(correction.text, "reason")
    assert 'name="corrects_version" type="text" value="1"' in correction.text
    # The API's callers read the same hint in the field's description.
    assert schema["CorrectionIn"]["properties"]["reason"]["description"] == HINT
    decision = next(s for name, s in schema.items() if "justification" in s.get(
        "properties", {}) and name.startswith("SharingDecision"))
    assert decision["properties"]["justification"]["description"] == HINT


async def test_a_correction_sent_from_its_page_is_in_the_history_with_its_reason(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    async with system.client(CW) as caseworker:
        form = await caseworker.get(f"/work/cases/{case_id}/corrections", params={"step": 1})
        request_id = form.text.split('name="request_id" value="')[1].split('"')[0]
        fields = {"request_id": request_id, "corrects_version": "1",
                  "what_was_wrong": "Channel recorded as telephone",
                  "correction": "It came by email", "reason": "Misread the intake form"}
        empty = await caseworker.post(f"/work/cases/{case_id}/corrections",
                                      data={**fields, "reason": ""})
        sent = await caseworker.post(f"/work/cases/{case_id}/corrections",
                                     data=fields)
        history = (await caseworker.get(f"/cases/{case_id}/events")).json()
    assert empty.status_code == 422
    assert "Enter why it is corrected" in html.unescape(empty.text)
    assert sent.status_code == 303, sent.text
    [fix] = [e for e in history if e["type"] == "EntryCorrected"]
    assert fix["data"]["corrects_version"] == 1
    assert fix["data"]["reason"] == "Misread the intake form"
    assert [e["version"] for e in history if e["corrected_by"]] == [1]

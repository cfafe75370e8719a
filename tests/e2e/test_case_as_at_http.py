"""The case as it stood at a moment, over HTTP and as a page: an auditor sees the case before
a later change, the page says what changed in words, and each view is in the access log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.data_categories import WITHHELD
from aggregates.report import Role
from tests.web_harness import WebSystem, web_system

CW, AUD, ADM = "cw-1", "aud-1", "adm-1"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        running.add_staff(ADM, Role.ADMINISTRATOR, teams=())
        yield running


async def test_an_auditor_sees_the_case_as_it_stood_before_a_later_decision(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW, victim={
        "name": "Ada Quill", "address": "1 Hidden Row, Dover", "phone": "07700 900123",
        "email": "ada@example.org"})
    async with system.client(CW) as caseworker:
        decided = await caseworker.post(f"/cases/{case_id}/sharing-decisions", json={
            "partner": "police", "purpose": "police_notification", "shared": False,
            "categories": ["victim_identity"], "reasons": "Victim declined for now."})
        assert decided.status_code == 200, decided.text
        events = (await caseworker.get(f"/cases/{case_id}/events")).json()
    # Triage made decisions of its own; ours is the last, and the workflow may add more after.
    ours = max(e["version"] for e in events if e["type"] == "SharingDecided")
    async with system.client(AUD) as auditor:
        then = (await auditor.get(f"/cases/{case_id}/as-at",
                                  params={"version": ours - 1})).json()
        now = (await auditor.get(f"/cases/{case_id}/as-at", params={"version": ours})).json()
        page = await auditor.get(f"/work/cases/{case_id}/as-at",
                                 params={"version": now["version"]})
        both = await auditor.get(f"/cases/{case_id}/as-at",
                                 params={"version": 1, "at": now["recorded_at"]})
        log = (await auditor.get(f"/cases/{case_id}/access-log")).json()
    async with system.client(ADM) as admin:
        refused = await admin.get(f"/cases/{case_id}/as-at")

    assert then["version"] == ours - 1
    assert set(now["case"]["sharing_decisions"]) - set(then["case"]["sharing_decisions"])
    assert then["case"]["facts"]["report"]["victim"]["name"] == "Ada Quill"
    assert then["case"]["facts"]["report"]["victim"]["address"] == WITHHELD
    assert now["event_type"] == "SharingDecided"
    assert [(c["kind"], c["path"][0]) for c in now["changes"]] == [
        ("added", "sharing_decisions")]
    assert page.status_code == 200
    assert "added: Kent Police, police notification: not shared" in page.text
    assert "1 Hidden Row" not in page.text
    assert both.status_code == 422 and both.json()["errors"][0]["rule"] == "one_moment"
    assert refused.status_code == 403
    reads = [e for e in log["entries"] if e["action"] == "read_as_at"]
    assert len(reads) == 4 and {e["staff_id"] for e in reads} == {AUD}


async def test_a_time_not_yet_come_is_refused_in_words_not_shown_as_the_case_then(
        system: WebSystem) -> None:
    """"At 31 December 9999, 11:59pm -14:00" was a 500 on the page (past the last date
    London time can show) and, on the API, today's case labelled as a time nobody has seen."""
    case_id = await system.open_case(CW)
    async with system.client(AUD) as auditor:
        page = await auditor.get(f"/work/cases/{case_id}/as-at",
                                 params={"at": "9999-12-31T23:59:59-14:00"})
        api = await auditor.get(f"/cases/{case_id}/as-at",
                                params={"at": "2999-01-01T00:00:00Z"})
    assert page.status_code == 422
    assert "The time must be now or in the past" in page.text
    assert api.status_code == 422
    assert (api.json()["errors"][0]["field"], api.json()["errors"][0]["rule"]) == (
        "at", "moment_not_in_future")

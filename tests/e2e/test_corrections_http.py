"""Correcting a wrong entry over HTTP: the entry stays as it was; the case's history marks it
with the version of the entry that corrects it, which says what was wrong, what is right and
why. Auditors see that and why an entry was corrected, not the corrector's free text."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.data_categories import WITHHELD
from aggregates.report import Role
from tests.web_harness import WebSystem, web_system

CW, AUD = "cw-1", "aud-1"
NOTE = "Spoke to the victim's sister on the landline"
FIX = {"what_was_wrong": "It says the sister", "correction": "It was the victim's neighbour",
       "reason": "Misheard the caller's relationship on a bad line"}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


async def test_a_wrong_entry_is_corrected_by_a_new_one_and_marked_in_the_history(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    key = {"Idempotency-Key": "fix-the-note"}
    async with system.client(CW) as caseworker:
        noted = await caseworker.post(f"/cases/{case_id}/notes", json={"note": NOTE})
        assert noted.status_code == 200, noted.text
        before = (await caseworker.get(f"/cases/{case_id}/events")).json()
        [note] = [e for e in before if e["type"] == "CaseNoteRecorded"]
        body = {"corrects_version": note["version"], **FIX}
        first = await caseworker.post(f"/cases/{case_id}/corrections", json=body, headers=key)
        again = await caseworker.post(f"/cases/{case_id}/corrections", json=body, headers=key)
        nowhere = await caseworker.post(f"/cases/{case_id}/corrections", json={
            **body, "corrects_version": 9999})
        history = (await caseworker.get(f"/cases/{case_id}/events")).json()
    async with system.client(AUD) as auditor:
        refused = await auditor.post(f"/cases/{case_id}/corrections", json=body)
        audited = (await auditor.get(f"/cases/{case_id}/events")).json()

    assert first.status_code == 200, first.text
    assert again.status_code == 200, again.text  # the same request: recorded once
    assert nowhere.status_code == 422
    assert nowhere.json()["errors"][0]["field"] == "corrects_version"
    assert nowhere.json()["errors"][0]["rule"] == "corrected_entry_exists"
    assert refused.status_code == 403
    [fix] = [e for e in history if e["type"] == "EntryCorrected"]
    # The wrong entry is still there, word for word, pointing at its correction.
    [still] = [e for e in history if e["version"] == note["version"]]
    assert still["data"] == note["data"] and still["data"]["note"] == NOTE
    assert still["corrected_by"] == [fix["version"]]
    assert fix["version"] > note["version"]
    assert fix["data"]["corrects_version"] == note["version"]
    assert {k: fix["data"][k] for k in FIX} == FIX
    assert fix["data"]["actor"] == {"staff_id": CW, "role": "caseworker"}
    assert [e["version"] for e in history if e["corrected_by"]] == [note["version"]]
    # History is only added to: every entry before the correction is unchanged.
    assert [{k: v for k, v in e.items() if k != "corrected_by"} for e in history
            if e["version"] < fix["version"]][:len(before)] == [
        {k: v for k, v in e.items() if k != "corrected_by"} for e in before]

    [fix_audited] = [e for e in audited if e["type"] == "EntryCorrected"]
    [note_audited] = [e for e in audited if e["version"] == note["version"]]
    assert note_audited["corrected_by"] == [fix["version"]]
    assert fix_audited["data"]["reason"] == FIX["reason"]
    assert fix_audited["data"]["correction"] == WITHHELD
    stored = [e for e in system.store.events_of(uuid.UUID(case_id))
              if e.type == "EntryCorrected"]
    assert len(stored) == 1


async def test_the_history_page_of_a_corrected_entry_says_so_and_links_its_correction(
        system: WebSystem) -> None:
    # An auditor stepping through the pages must not read the wrong entry as standing: the
    # page says it was corrected and where, as `corrected_by` does in the JSON.
    case_id = await system.open_case(CW)
    async with system.client(CW) as caseworker:
        await caseworker.post(f"/cases/{case_id}/notes", json={"note": NOTE})
        events = (await caseworker.get(f"/cases/{case_id}/events")).json()
        [note] = [e for e in events if e["type"] == "CaseNoteRecorded"]
        fixed = await caseworker.post(f"/cases/{case_id}/corrections",
                                      json={"corrects_version": note["version"], **FIX})
        assert fixed.status_code == 200, fixed.text
        [fix] = [e for e in (await caseworker.get(f"/cases/{case_id}/events")).json()
                 if e["type"] == "EntryCorrected"]
    async with system.client(AUD) as auditor:
        wrong = await auditor.get(f"/work/cases/{case_id}/history?step={note['version']}")
        other = await auditor.get(f"/work/cases/{case_id}/history?step=1")
    assert wrong.status_code == 200
    assert "This entry was corrected" in wrong.text
    assert f'href="?step={fix["version"]}"' in wrong.text
    assert "This entry was corrected" not in other.text

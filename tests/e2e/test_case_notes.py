"""A note on the case over HTTP, through both doors (the API and the case page's "Add a
note" form): case staff write and read it, auditors read that a note was written, never what
it says."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.data_categories import WITHHELD
from aggregates.report import Role
from tests.web_harness import WebSystem, web_system

CW, DSO, AUD = "cw-1", "dso-1", "aud-1"
NOTE = "Victim asked us to call only after six; a neighbour holds a spare key"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(DSO, Role.DSO)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


async def test_a_note_is_recorded_once_and_read_by_case_staff_not_auditors(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    key = {"Idempotency-Key": "note-after-call"}
    async with system.client(CW) as caseworker:
        first = await caseworker.post(f"/cases/{case_id}/notes", json={"note": NOTE},
                                      headers=key)
        again = await caseworker.post(f"/cases/{case_id}/notes", json={"note": NOTE},
                                      headers=key)
        empty = await caseworker.post(f"/cases/{case_id}/notes", json={"note": ""})
    async with system.client(DSO) as dso:
        dso_events = (await dso.get(f"/cases/{case_id}/events")).json()
        dso_page = await dso.get(f"/work/cases/{case_id}")
    async with system.client(AUD) as auditor:
        refused = await auditor.post(f"/cases/{case_id}/notes", json={"note": NOTE})
        auditor_events = (await auditor.get(f"/cases/{case_id}/events")).json()
        auditor_page = await auditor.get(f"/work/cases/{case_id}")

    assert first.status_code == 200, first.text
    assert again.status_code == 200, again.text  # the same request: nothing more recorded
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "note"
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["rule"] == "role_may_use_action"
    notes = [e for e in system.store.events_of(uuid.UUID(case_id))
             if e.type == "CaseNoteRecorded"]
    assert len(notes) == 1
    assert notes[0].data["note"] == NOTE
    assert notes[0].data["actor"] == {"staff_id": CW, "role": "caseworker"}

    [for_dso] = [e["data"] for e in dso_events if e["type"] == "CaseNoteRecorded"]
    [for_auditor] = [e["data"] for e in auditor_events if e["type"] == "CaseNoteRecorded"]
    assert for_dso["note"] == NOTE
    assert for_auditor["note"] == WITHHELD
    assert for_auditor["reason"] == "A note on the case."
    assert f"Case note recorded. A note on the case. Note: {NOTE}" in dso_page.text
    assert "Case note recorded. A note on the case." in auditor_page.text
    assert NOTE not in auditor_page.text


async def test_the_case_pages_note_form_adds_the_note_or_says_what_to_do(
        system: WebSystem) -> None:
    """The page sends the same command as the API: the note is on the case's timeline; an
    empty form is shown again with a GOV.UK message and no rule code."""
    case_id = await system.open_case(CW)
    async with system.client(CW) as caseworker:
        case_page = await caseworker.get(f"/work/cases/{case_id}")
        form = await caseworker.get(f"/work/cases/{case_id}/notes")
        added = await caseworker.post(f"/work/cases/{case_id}/notes", data={
            "note": NOTE, "request_id": str(uuid.uuid4())})
        empty = await caseworker.post(f"/work/cases/{case_id}/notes", data={
            "note": "  ", "request_id": str(uuid.uuid4())})
        after = await caseworker.get(f"/work/cases/{case_id}")

    assert f'href="/work/cases/{case_id}/notes"' in case_page.text
    assert form.status_code == 200 and 'name="note"' in form.text
    assert added.status_code == 303
    assert added.headers["location"] == f"/work/cases/{case_id}"
    assert f"Note: {NOTE}" in after.text
    assert empty.status_code == 422
    assert "Enter the note" in empty.text
    assert "string_too_short" not in empty.text and "case_note_has_text" not in empty.text
    notes = [e for e in system.store.events_of(uuid.UUID(case_id))
             if e.type == "CaseNoteRecorded"]
    assert [n.data["note"] for n in notes] == [NOTE]

"""The case as it stood, and its history, read in words by an auditor: no codes, no Python
values, no machine hashes, times to the second, and a correction shown as the change it is
(issue 15 scope 1: "every event in the history page reads in plain language for its type
(who, when, why, what), not as raw JSON"). Bad input on the page is a 422 naming the field."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.web_harness import WebSystem, web_system
from web.field_wording import FREE_TEXT, LABELS

CW, DSO, AUD = "cw-1", "dso-1", "aud-1"
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
HEX = re.compile(r"\b[0-9a-f]{40,}\b")
ROW = re.compile(r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*'
                 r'<dd class="govuk-summary-list__value">(.*?)</dd>', re.S)
# Rows whose value is free text, shown as written (a rule's own justification cites its
# code): every other row must read in words.
FREE_LABELS = tuple(LABELS.get(k, k.replace("_", " ")) for k in FREE_TEXT)


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(DSO, Role.DSO)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


def rows(page: str) -> list[tuple[str, str]]:
    return [(html.unescape(k).strip(), html.unescape(v).strip()) for k, v in ROW.findall(page)]


def coded(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The rows that show a code, a hash or a Python value instead of words."""
    return [(label, value) for label, value in found
            if not label.lower().endswith(FREE_LABELS)
            and (SNAKE.search(label + " " + value) or HEX.search(value)
                 or value in ("()", "[]", "{}") or re.match(r"[A-Z][0-9a-f]{7}-", label))]


async def test_the_case_as_it_stood_reads_in_words_and_a_correction_is_its_change(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    async with system.client(DSO) as dso:
        decided = await dso.post(f"/cases/{case_id}/sharing-decisions", json={
            "partner": "police", "purpose": "police_notification", "shared": True,
            "categories": ["case_reference", "risk_assessment"],
            "lawful_basis": "public_task", "justification": "The police asked for it"})
        assert decided.status_code == 200, decided.text
        corrected = await dso.post(f"/cases/{case_id}/corrections", json={
            "corrects_version": 1, "what_was_wrong": "Channel recorded as telephone",
            "correction": "It came by email", "reason": "Misread the intake form"})
        assert corrected.status_code == 200, corrected.text
        events = (await dso.get(f"/cases/{case_id}/events")).json()
    correction = next(e["version"] for e in events if e["type"] == "EntryCorrected")
    async with system.client(AUD) as auditor:
        page = await auditor.get(f"/work/cases/{case_id}/as-at",
                                 params={"version": correction})
        history = await auditor.get(f"/work/cases/{case_id}/history", params={"step": 1})
        every_step = [await auditor.get(f"/work/cases/{case_id}/history", params={"step": n})
                      for n in range(1, correction + 1)]
    async with system.client(DSO) as dso:
        by_dso = await dso.get(f"/work/cases/{case_id}/as-at", params={"version": correction})
    assert page.status_code == history.status_code == 200

    facts = rows(page.text)
    assert coded(facts) == []
    values = dict(facts)
    assert values["Report › tenure"] == "council general needs"
    assert values["Report › reasonable adjustments"] == "none"
    assert values["Task t1 › kind"] == "contact victim"
    assert "Kent Police" in [v for k, v in facts if k.endswith("› partner")]
    assert "public task" in [v for k, v in facts if k.endswith("› lawful basis")]
    assert "police notification" in [v for k, v in facts if k.endswith("› purpose")]
    assert not any("digest" in k.lower() for k, _ in facts)
    # Recorded to the second ("30 November 2026, 5:20:03pm"), so one minute's events order.
    assert re.search(r"\d{1,2}:\d\d:\d\d[ap]m", values["Recorded"])
    # The correction changes no part of the case's view: the change is the correction.
    assert "Nothing you may read changed" not in page.text
    assert ("The entry at step 1 was corrected (it stays as it was recorded). What was "
            "wrong: Withheld" in html.unescape(page.text))  # a narrative: not an auditor's
    assert values["Why"] == "Misread the intake form"
    assert ("The entry at step 1 was corrected (it stays as it was recorded). What was "
            "wrong: Channel recorded as telephone. The correction: It came by email."
            in html.unescape(by_dso.text))

    steps = rows(history.text)
    assert coded(steps) == []
    assert dict(steps)["Report › tenure"] == "council general needs"
    assert not any("fingerprint" in k.lower() for k, _ in steps)
    assert dict(steps)["Event"] == "Opened, version 1"
    for n, step in enumerate(every_step, 1):  # every event type this case recorded
        assert coded(rows(step.text)) == [], n


@pytest.mark.parametrize("params, field_words", [
    ({"version": "0"}, "The case has versions 1 to"),
    ({"version": "-1"}, "The case has versions 1 to"),
    ({"version": str(2**70)}, "The case has versions 1 to"),
    ({"version": "x"}, "The version must be a whole number"),
    ({"version": ""}, "The version must be a whole number"),
    ({"at": "garbage"}, "Enter the time as a date and a time with its time zone"),
    ({"at": ""}, "Enter the time as a date and a time with its time zone"),
    ({"at": "2026-11-30T10:00:00"}, "Enter the time with its time zone"),
    ({"at": "1900-01-01T00:00:00Z"}, "The case was not yet opened then"),
])
async def test_a_moment_that_cannot_be_shown_is_a_422_naming_the_field_not_a_missing_page(
        system: WebSystem, params: dict[str, str], field_words: str) -> None:
    """Was 404 "Page not found" for version 0, -1, 2**70, x and a time that is no time."""
    case_id = await system.open_case(CW)
    async with system.client(AUD) as auditor:
        page = await auditor.get(f"/work/cases/{case_id}/as-at", params=params)
    assert page.status_code == 422
    assert "Page not found" not in page.text
    assert field_words in html.unescape(page.text)


async def test_a_time_typed_with_a_plus_in_the_address_is_read_as_its_offset(
        system: WebSystem) -> None:
    """"+01:00" typed into the address arrives as " 01:00" (a "+" in a query is a space)."""
    case_id = await system.open_case(CW)
    async with system.client(AUD) as auditor:
        latest = (await auditor.get(f"/cases/{case_id}/as-at")).json()
        page = await auditor.get(f"/work/cases/{case_id}/as-at?at=2999-01-01T00:00:00+01:00")
        now = await auditor.get(f"/work/cases/{case_id}/as-at",
                                params={"at": latest["recorded_at"]})
    assert page.status_code == 422
    assert "The time must be now or in the past" in page.text
    assert now.status_code == 200

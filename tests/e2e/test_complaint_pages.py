"""Complaints from pages (D 10, DBC 11): a caseworker records one from the menu in Chromium,
a line manager finds it in the register and answers stage 1; an empty or wrong form shows
a GOV.UK error summary in plain words beside each field, keeping what was typed; axe-core
finds no serious or critical failure on any of the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from tests.browser_support import ARTEFACTS, check_accessibility, chromium_page, screenshot
from tests.e2e.test_browser_journey import PASSWORD, sign_in, sign_out
from tests.web_harness import WebSystem, web_system

OUT = ARTEFACTS / "complaints"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("cw-1", Role.CASEWORKER, password=PASSWORD)
        running.add_staff("lm-1", Role.LINE_MANAGER, password=PASSWORD)
        running.add_staff("lm-2", Role.LINE_MANAGER, council=Council.DARTFORD)
        yield running


async def test_an_empty_form_names_each_missing_answer_in_plain_words(
        system: WebSystem) -> None:
    """Nothing is recorded; each field says what to do, the value typed is kept."""
    async with system.client("cw-1") as cw:
        page = await cw.post("/work/complaints/new", data={"complainant": "Ms A. Resident",
                                                           "received_at-day": "31",
                                                           "received_at-month": "2",
                                                           "received_at-year": "2026"})
    assert page.status_code == 422
    text = page.text
    assert "There is a problem" in text
    for message in ("Select how the complaint was made", "Select what the complaint is about",
                    "Select the area of service"):
        assert message in text
    assert 'value="Ms A. Resident"' in text
    async with system.client("lm-1") as lm:
        assert "There are no complaints" in (await lm.get("/work/complaints")).text


async def test_a_complaint_recorded_and_answered_from_the_pages_and_axe_passes(
        system: WebSystem) -> None:
    """D 10.2 (by telephone), D 10.3 (adjustments), D 10.4 (each stage answered once),
    DBC 11.2-11.3 (the Ombudsman once the process has finished, the one for the area)."""
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "cw-1")
        await page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Record a complaint").click()
        await expect(page.get_by_role("heading", name="Record a complaint")).to_be_visible()
        assert await check_accessibility(page, "complaint-new", OUT) == []
        await page.get_by_role("button", name="Record the complaint").click()
        await expect(page.locator(".govuk-error-summary")).to_be_focused()
        assert await check_accessibility(page, "complaint-new-errors", OUT) == []
        await page.get_by_label("Telephone").check()
        await page.get_by_label("An officer").check()
        await page.get_by_label("The council as landlord").check()
        await page.get_by_label("Complainant's name").fill("Ms A. Resident")
        await page.get_by_label("What the complaint is about").fill(
            "Nobody called back about the broken lock")
        await page.get_by_label("Adjustments the complainant needs").fill("Large print letters")
        await page.get_by_role("button", name="Record the complaint").click()
        await expect(page.get_by_text("The complaint is recorded.")).to_be_visible()
        await sign_out(page)

        await sign_in(page, "lm-1")
        await page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Complaints").click()
        await expect(page.get_by_role("table")).to_contain_text("Stage 1: waiting for an answer")
        assert await check_accessibility(page, "complaints", OUT) == []
        await page.get_by_role("table").get_by_role("link").first.click()
        await expect(page.get_by_text("Large print letters")).to_be_visible()
        await page.get_by_role("button", name="Record the answer").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text("Select the outcome")
        assert await check_accessibility(page, "complaint-errors", OUT) == []
        await page.get_by_label("Not upheld").check()
        await page.get_by_label("Why", exact=True).fill("The call was made on the day")
        await page.get_by_role("button", name="Record the answer").click()
        await expect(page.get_by_text("Stage 1: answered")).to_be_visible()
        await expect(page.get_by_role("button", name="Record the answer")).to_have_count(0)
        await screenshot(page, OUT, "complaint-answered")
        assert await check_accessibility(page, "complaint-answered", OUT) == []
        # Not satisfied: stage 2 opens, is answered, and the council's process has finished.
        await page.get_by_label("Why they want stage 2").fill("Still no call back")
        await page.get_by_role("button", name="Open stage 2").click()
        await page.get_by_label("Partly upheld").check()
        await page.get_by_label("Why", exact=True).fill("The letter went out late")
        await page.get_by_role("button", name="Record the answer").click()
        await expect(page.get_by_text("Council's process finished")).to_be_visible()
        # DBC 11.3: a tenant's complaint goes to the Housing Ombudsman, not the other.
        await page.get_by_label("Local Government and Social Care Ombudsman").check()
        await page.get_by_role("button", name="Record the Ombudsman").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text(
            "This area of service goes to the housing ombudsman")
        assert await check_accessibility(page, "complaint-ombudsman-error", OUT) == []
        await page.get_by_label("Housing Ombudsman", exact=True).check()
        await page.get_by_role("button", name="Record the Ombudsman").click()
        await expect(page.get_by_text("With the Ombudsman")).to_be_visible()
        await expect(page.get_by_role("button")).to_have_count(1)  # sign out: nothing to do
        await screenshot(page, OUT, "complaint-with-ombudsman")
        address = page.url
    async with system.client("lm-2") as dartford:  # another council: as if none
        assert (await dartford.get(address.removeprefix(system.base_url))).status_code == 404


async def test_feedback_is_recorded_from_its_form_and_read_by_role(system: WebSystem) -> None:
    """D 8.62: nothing is asked for; what the victim chose to give is kept, their words for
    the council's own staff, the rating for auditors; the form's errors are plain words."""
    system.add_staff("aud-1", Role.AUDITOR, teams=())
    async with system.client("cw-1") as cw:
        empty = await cw.post("/work/feedback/new", data={"may_quote": "yes"})
        assert empty.status_code == 422
        assert "Select how the feedback was given" in empty.text
        assert "Select how satisfied they said they were" in empty.text
        assert 'value="yes" checked' in empty.text  # what was chosen is kept
        done = await cw.post("/work/feedback/new", data={
            "channel": "telephone", "satisfaction": "very_satisfied",
            "comments": "The lock was changed the same day", "may_quote": "yes"})
        assert done.status_code == 303
        assert done.headers["location"] == "/work/feedback/new?recorded=1"
    async with system.client("lm-1") as lm, system.client("aud-1") as auditor:
        led, audited = (await lm.get("/work/feedback")).text, (
            await auditor.get("/work/feedback")).text
    assert "The lock was changed the same day" in led and "Very satisfied" in led
    assert "The lock was changed the same day" not in audited and "Very satisfied" in audited
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "cw-1")
        await page.goto("/work/feedback/new")
        await page.get_by_role("button", name="Record the feedback").click()
        await expect(page.locator(".govuk-error-summary")).to_be_focused()
        assert await check_accessibility(page, "feedback-new-errors", OUT) == []

"""The pattern of repairs in a real browser (Chromium driven by Playwright): the repairs
system's feed opens a review; a Tenancy Support Team caseworker finds it, opens the report
form prefilled with the address, then goes back and records no further action (first without
a reason: the error beside the field). axe-core checks each page; screenshots are saved in
test-artifacts/repair-reviews/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.browser_support import ARTEFACTS, check_accessibility, chromium_page, screenshot
from tests.e2e.test_browser_journey import PASSWORD, sign_in
from tests.web_harness import WebSystem, web_system

OUT = ARTEFACTS / "repair-reviews"
CW, FEEDER = "cw-tst", "dv-repairs"
ADDRESS = "8 Biggin Street, Dover CT16 1BB"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER, password=PASSWORD)
        running.add_staff(FEEDER, Role.REPAIRS_SYSTEM, teams=())
        yield running


async def checked(page: Page, name: str) -> None:
    assert await check_accessibility(page, name, OUT) == [], name
    await screenshot(page, OUT, name)


async def test_a_review_found_the_report_form_prefilled_then_no_further_action(
        system: WebSystem) -> None:
    async with system.client(FEEDER) as feeder:
        fed = await feeder.post("/repairs/jobs", json={"jobs": [
            {"job_reference": f"B{n}", "address": ADDRESS, "job_type": job,
             "raised_on": day, "council": "dover"} for n, (job, day) in enumerate((
                 ("external_door_lock_change", "2026-10-01"), ("damaged_internal_door",
                                                               "2026-10-10"),
                 ("broken_window", "2026-10-12")))]})
        assert fed.json()["reviews_opened"] == 1, fed.text
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, CW)
        await page.goto("/work/repair-reviews")
        await expect(page.get_by_text(ADDRESS)).to_be_visible()
        await expect(page.get_by_role("cell", name="Damaged internal door")).to_be_visible()
        await checked(page, "01-reviews")
        await page.get_by_role("link", name="Open a case").click()
        await expect(page.get_by_label("Victim's address")).to_have_value(ADDRESS)
        await checked(page, "02-report-prefilled")
        await page.go_back()
        await page.get_by_role("link", name="record no further action").click()
        await page.get_by_role("button", name="Record no further action").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text("reason")
        await checked(page, "03-reason-missing")
        await page.get_by_label("Why no further action is needed").fill(
            "Visited: the tenant's teenager broke the door playing; no concerns raised")
        await page.get_by_role("button", name="Record no further action").click()
        await expect(page.get_by_text("There are no repair patterns to review.")).to_be_visible()
        await checked(page, "04-none-left")

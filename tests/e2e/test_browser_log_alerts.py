"""The information-governance lead's alerts page in a real browser (Chromium driven by
Playwright): after the self-check finds a rewritten event, the lead signs in, finds "Alerts
about the record" in the menu, reads the alert naming the event and acknowledges it. axe-core
checks each page; screenshots are saved in test-artifacts/log-alerts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.browser_support import ARTEFACTS, check_accessibility, chromium_page, screenshot
from tests.e2e.test_browser_journey import PASSWORD, sign_in
from tests.e2e.test_log_alerts_http import tampered
from tests.web_harness import WebSystem, web_system

OUT = ARTEFACTS / "log-alerts"
IG, CW = "ig-1", "cw-1"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(IG, Role.INFORMATION_GOVERNANCE_LEAD, teams=(), password=PASSWORD)
        running.add_staff(CW, Role.CASEWORKER)
        yield running


async def checked(page: Page, name: str) -> None:
    assert await check_accessibility(page, name, OUT) == [], name
    await screenshot(page, OUT, name)


async def test_the_lead_reads_an_alert_and_acknowledges_it(system: WebSystem) -> None:
    case_id, _ = await tampered(system)
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, IG)
        await page.get_by_role("link", name="Alerts about the record").first.click()
        await expect(page.get_by_role("heading", name="Alerts about the record")).to_be_visible()
        await expect(page.get_by_text(f"stream {case_id} version 1").first).to_be_visible()
        await expect(page.get_by_text("Open", exact=True)).to_be_visible()
        await checked(page, "01-open-alert")
        await page.get_by_role("button", name="Acknowledge alert 1").click()
        await expect(page.get_by_text(f"Acknowledged by {IG}", exact=False)).to_be_visible()
        await expect(page.get_by_role("button", name="Acknowledge alert 1")).to_have_count(0)
        await checked(page, "02-acknowledged")

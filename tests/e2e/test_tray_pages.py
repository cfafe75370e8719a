"""The work trays and the case search in a real browser (Debian's Chromium, Playwright):
a DSO reaches an escalated task from the tray in two clicks; a caseworker opens "overdue" and
pages through it; a search narrows the cases. axe-core checks every tray and search page."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.browser_support import ARTEFACTS, chromium_page
from tests.e2e.test_browser_journey import PASSWORD, checked, reload_until, sign_in
from tests.support import eventually, report_body
from tests.web_harness import WebSystem, web_system

OUT = ARTEFACTS / "trays"
CASES = 10  # 3 overdue tasks each (contact, tell the manager and DSO, tell the team): 30


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("cw-1", Role.CASEWORKER, password=PASSWORD)
        running.add_staff("dso-1", Role.DSO, password=PASSWORD)
        yield running


async def open_late_cases(system: WebSystem, count: int) -> list[str]:
    """Cases reported 6 days ago, typed up now: their deadlines have passed, so they
    escalate to a DSO as soon as they are triaged."""
    received = (datetime.now(UTC) - timedelta(days=6)).isoformat()
    async with system.client("cw-1") as http:
        answers = await asyncio.gather(*(http.post("/cases", json=report_body(
            reported_at=received, late_entry_reason="Voicemail heard after leave"))
            for _ in range(count)))
        assert [a.status_code for a in answers] == [201] * count
        case_ids = [a.json()["case_id"] for a in answers]

        async def escalated() -> bool:
            for case_id in case_ids:
                tasks = (await http.get(f"/cases/{case_id}/tasks")).json()
                if not any(t.get("escalated") for t in tasks["tasks"]):
                    return False
            return True
        await eventually(escalated, timeout=60)
    return case_ids


async def test_a_dso_reaches_an_escalated_task_in_two_clicks(system: WebSystem) -> None:
    [case_id] = await open_late_cases(system, 1)
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "dso-1")
        await page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Escalations").click()  # one
        await reload_until(page, f"Case {case_id[:8]}")
        await expect(page.get_by_role("link", name=re.compile("^Escalated"))).to_have_attribute(
            "aria-current", "page")
        await checked(page, "dso-escalated-tray")
        task = page.locator("tbody tr").first.locator("td").nth(1).get_by_role("link")
        title = await task.inner_text()
        await task.click()  # two
        await expect(page).to_have_url(re.compile(rf"/work/cases/{case_id}/tasks/t\d+$"))
        await expect(page.get_by_role("heading", name=title)).to_be_visible()
        await checked(page, "dso-escalated-task")


async def test_a_caseworker_opens_overdue_and_pages_through_it(system: WebSystem) -> None:
    case_ids = await open_late_cases(system, CASES)
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "cw-1")
        await page.goto("/work/tasks")
        await checked(page, "caseworker-assigned-tray")
        overdue = page.get_by_role("link", name=re.compile(r"^Overdue \d+"))
        count = int(re.findall(r"\d+", await overdue.inner_text())[0])
        assert 25 < count <= 50  # two pages: same-day tasks, contacts, and what missing opens
        await overdue.click()
        rows = page.locator("tbody tr")
        await expect(rows).to_have_count(25)
        await checked(page, "caseworker-overdue-page-1")
        await page.get_by_role("link", name=re.compile("^Next")).click()
        await expect(rows).to_have_count(count - 25)
        await expect(page.get_by_text("Page 1 of 2")).to_be_visible()
        await checked(page, "caseworker-overdue-page-2")

        # Filters narrow the tray and keep it: only the contact tasks, one a case.
        await page.get_by_role("link", name=re.compile("^Overdue")).click()
        await page.get_by_text("Filter the tasks").click()
        await page.get_by_label("Task").select_option("contact_victim")
        await page.get_by_role("button", name="Apply filters").click()
        await expect(rows).to_have_count(CASES)
        await expect(page.get_by_text("Contact the victim to offer a personal discussion")
                     ).to_have_count(CASES)
        await checked(page, "caseworker-overdue-filtered")

        # Search: every case of mine, then one by the first characters of its reference.
        await page.get_by_role("navigation", name="Menu").get_by_role("link",
                                                                       name="Cases").click()
        await expect(page.get_by_text(f"{CASES} cases you need to know")).to_be_visible()
        await checked(page, "caseworker-search")
        await page.get_by_label("Case reference").fill(case_ids[0][:8])
        await page.get_by_role("button", name="Search").click()
        await expect(page.get_by_role("link", name=f"Case {case_ids[0][:8]}")).to_be_visible()
        await page.get_by_text("More ways to search").click()
        await page.get_by_label("Day").first.fill("31")
        await page.get_by_label("Month").first.fill("2")
        await page.get_by_label("Year").first.fill("2026")
        await page.get_by_role("button", name="Search").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter the first date as a real date")
        await checked(page, "caseworker-search-error")

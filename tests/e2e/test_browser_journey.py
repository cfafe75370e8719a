"""The journey in a real browser (Debian's Chromium driven by Playwright): sign in, report a
case, complete the contact task, complete a DASH that reaches high risk, see the MARAC
referral appear, and as an auditor step through the case's history. axe-core checks every
page for serious or critical violations; screenshots are saved in test-artifacts/journey/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.browser_support import ARTEFACTS, check_accessibility, chromium_page, screenshot
from tests.web_harness import WebSystem, web_system

PASSWORD = "correct horse battery staple"
OUT = ARTEFACTS / "journey"
VICTIM = "Rosalind Quennell-Ashdown"
ADDRESS = "17 Wyvern Close, Dover CT17 9QQ"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("cw-1", Role.CASEWORKER, password=PASSWORD)
        running.add_staff("aud-1", Role.AUDITOR, teams=(), password=PASSWORD)
        running.add_staff("dso-1", Role.DSO, password=PASSWORD)
        yield running


async def sign_in(page: Page, staff_id: str) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Staff id").fill(staff_id)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Signed in")).to_be_visible()


async def sign_out(page: Page) -> None:
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def checked(page: Page, name: str) -> None:
    """Every page: axe finds no serious or critical violation; a screenshot is kept."""
    assert await check_accessibility(page, name, OUT) == [], name
    await screenshot(page, OUT, name)


async def reload_until(page: Page, text: str, tries: int = 40) -> None:
    for _ in range(tries):
        if await page.get_by_text(text).count():
            return
        await page.wait_for_timeout(250)
        await page.reload()
    raise AssertionError(f"{text!r} never appeared on {page.url}")


async def test_caseworker_journey_to_marac_and_auditor_history(system: WebSystem) -> None:
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "cw-1")
        await checked(page, "01-home")

        # Report a case; a first attempt with nothing filled in shows the error summary and
        # keeps what was typed.
        await page.get_by_role("link", name="Report a case").first.click()
        await page.get_by_label("Victim's name").fill(VICTIM)
        await page.get_by_role("button", name="Record the report").click()
        summary = page.locator(".govuk-error-summary")
        await expect(summary).to_be_visible()
        # Plain GOV.UK messages; the rule codes stay in the JSON errors, never on a page.
        await expect(summary).to_contain_text("Enter the victim's address")
        await expect(summary).to_contain_text("Select how we heard of it")
        await expect(summary).not_to_contain_text("string_too_short")
        await expect(summary).not_to_contain_text("(")
        await expect(page.get_by_label("Victim's name")).to_have_value(VICTIM)
        await checked(page, "02-report-errors")

        await page.get_by_label("How did we hear of it?").select_option("telephone")
        await page.get_by_label("Who told us?").select_option("victim")
        await page.get_by_label("Victim's address").fill(ADDRESS)
        await page.get_by_role("group", name="Is anyone at immediate risk of harm?") \
            .get_by_label("No", exact=True).check()
        await page.get_by_label("Ages of children in the household").fill("4, 9")
        await page.get_by_label("Tenure").select_option("council_general_needs")
        await page.get_by_role("group", name="Does the perpetrator live at the address?") \
            .get_by_label("No", exact=True).check()
        await page.get_by_label("What was reported").fill(
            "Ex-partner threatened her at the door last night.")
        await checked(page, "03-report-filled")
        await page.get_by_role("button", name="Record the report").click()
        await expect(page.get_by_role("heading", name="Case opened")).to_be_visible()
        case_url = re.sub(r"\?.*$", "", page.url)

        # Triage: contact the victim within 2 working days (D 8.14).
        await reload_until(page, "Contact the victim to offer a personal discussion")
        await checked(page, "04-case-triaged")
        await page.get_by_role("link", name="Contact the victim to offer a personal discussion") \
            .click()
        await checked(page, "05-contact-task")
        await page.get_by_label("Discussion offered").check()
        await page.get_by_label("Note (optional)").fill("Spoke by phone; discussion on Friday.")
        await page.get_by_role("button", name="Complete the task").click()
        await reload_until(page, "Complete the DASH risk checklist at the personal discussion")

        # The DASH: 14 "yes" answers make the case high risk (SafeLives; D 8.15).
        await page.get_by_role("button", name="DASH risk checklist", exact=True).click()
        for number in range(1, 25):
            group = page.get_by_role("group", name=re.compile(rf"^\s*{number}\. "))
            await group.get_by_label("Yes" if number <= 14 else "No", exact=True).check()
        await checked(page, "06-dash")
        await page.get_by_role("button", name="Complete the checklist").click()
        await expect(page.get_by_text("High", exact=True)).to_be_visible()

        # The MARAC referral appears, and is delivered.
        await reload_until(page, "Kent & Medway MARAC")
        await checked(page, "07-case-high-risk-marac")
        await page.goto("/work/tasks")
        await checked(page, "08-my-tasks")
        await sign_out(page)

        # The DSO's escalations page.
        await sign_in(page, "dso-1")
        await page.goto("/work/escalations")
        await checked(page, "09-escalations")
        await sign_out(page)

        # The auditor steps through the history: who, when and why on each step, and the
        # victim's address withheld from a role with no need to know it.
        await sign_in(page, "aud-1")
        await page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").click()
        await checked(page, "10a-auditor-cases")
        await page.get_by_role("link", name=f"Case {case_url.rsplit('/', 1)[1][:8]}").click()
        await expect(page.get_by_text("Withheld: not needed for your role").first).to_be_visible()
        assert ADDRESS not in await page.content()
        await checked(page, "10-auditor-case")
        await page.goto(case_url + "/history")
        await expect(page.get_by_role("heading", name=re.compile("^Case opened"))).to_be_visible()
        await checked(page, "11-history-step-1")
        for step in range(2, 5):
            await page.get_by_role("link", name="Next step").click()
            await expect(page.get_by_text(f"step {step} of")).to_be_visible()
        await expect(page.get_by_text("Who")).to_be_visible()
        await checked(page, "12-history-step-4")
        # The case as it stood after that step, rebuilt from the record; still no address.
        await page.get_by_role("link", name="The case as it stood after this step").click()
        await expect(page.get_by_text("version 4 of")).to_be_visible()
        await expect(page.get_by_role("heading", name="What changed since the version before")
                     ).to_be_visible()
        assert ADDRESS not in await page.content()
        await checked(page, "12b-as-at-version-4")
        await page.goto(case_url + "/access-log")
        await expect(page.get_by_text("Chain intact")).to_be_visible()
        await checked(page, "13-access-log")


async def test_signing_in_returns_to_the_page_asked_for(system: WebSystem) -> None:
    """A newcomer opens the tasks link, signs in, and is on their tasks."""
    async with chromium_page(system.base_url, OUT) as page:
        await page.goto("/work/tasks")
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        await page.get_by_label("Staff id").fill("cw-1")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
        assert page.url.endswith("/work/tasks")

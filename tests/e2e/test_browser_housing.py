"""Housing options in a real browser (Chromium driven by Playwright): a Dartford caseworker
records a homelessness application (the page says it goes to Housing Solutions), the loss of
the last settled home, how the duty ended (a prevention refused for a household already
homeless, then relief owed), options advice, a joint secure tenancy and its route to the end, step
by step; a new tenancy that is not secure is refused beside its field; enforcement is refused
until the victim's wishes and a specialist are recorded. axe-core checks every page for
serious or critical violations; screenshots are saved in test-artifacts/housing/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from tests.browser_support import ARTEFACTS, check_accessibility, chromium_page, screenshot
from tests.e2e.test_browser_journey import PASSWORD, sign_in
from tests.web_harness import WebSystem, web_system

OUT = ARTEFACTS / "housing"
CW = "cw-dbc"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER, teams=("Tenancy Services Team",),
                          council=Council.DARTFORD, password=PASSWORD)
        yield running


async def checked(page: Page, name: str) -> None:
    assert await check_accessibility(page, name, OUT) == [], name
    await screenshot(page, OUT, name)


async def answer(page: Page, question: str, choice: str) -> None:
    await page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


async def test_homelessness_and_a_joint_tenancy_ended_step_by_step(system: WebSystem) -> None:
    case_id = await system.open_case(CW, council="dartford")
    address = f"/work/cases/{case_id}/housing-options"
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, CW)
        await page.goto(f"/work/cases/{case_id}")
        await page.get_by_role("button", name="Housing options").click()
        await expect(page.get_by_text("Housing Solutions & Private Sector Team")).to_be_visible()
        await checked(page, "01-housing-options")

        await answer(page, "Are they homeless or threatened with homelessness?", "Homeless")
        for question in ("Is the victim eligible for assistance?",
                         "Are they homeless because of the abuse?",
                         "Are they moving because of the abuse?"):
            await answer(page, question, "Yes")
        await page.get_by_role("button", name="Record the application").click()
        await page.goto(address)
        await expect(page.get_by_text("Not applied: the victim is moving because of the abuse")
                     ).to_be_visible()
        await answer(page, "Was domestic abuse the reason the last settled home was lost?",
                     "Yes")
        await page.get_by_role("group", name="Duties owed").get_by_label("Relief").check()
        await page.get_by_role("button", name="Record it").click()
        await page.goto(address)
        # CAR Q3 HPI-15: homelessness can be prevented only for a household threatened
        # with it (Housing Act 1996 s195); this one is already homeless: relief is owed.
        prevented = ("Prevented: they stayed in their home (for example with Sanctuary "
                     "measures)")
        await answer(page, "How did the duty end?", prevented)
        await page.get_by_role("button", name="Record the outcome").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Homelessness can be prevented only for a household threatened with it")
        await checked(page, "02a-prevention-refused")
        relief = "Not prevented: they became homeless and the relief duty is owed"
        await answer(page, "How did the duty end?", relief)
        await page.get_by_role("button", name="Record the outcome").click()
        await page.goto(address)
        await expect(page.get_by_text(relief)).to_be_visible()
        group = page.get_by_role("group", name="Options advised")
        await group.get_by_label("Temporary accommodation or refuge").check()
        await group.get_by_label("Legal advice").check()
        await page.get_by_role("button", name="Record the advice").click()
        await page.goto(address)
        await checked(page, "02-application-recorded")

        await answer(page, "Is it a sole or joint tenancy?", "Joint")
        await answer(page, "What kind of tenancy is it?", "Secure")
        await answer(page, "Is the victim a tenant?", "Yes")
        await answer(page, "Is the perpetrator a tenant?", "Yes")
        await page.get_by_role("button", name="Record the tenancy").click()
        await page.goto(address)
        await answer(page, "Which route?", "A joint tenant's notice to quit (ends it for both)")
        await page.get_by_role("button", name="Start the route").click()
        for _ in range(3):
            await page.goto(address)
            await page.get_by_role("button", name="Record this step as done").click()
        await page.goto(address)
        await expect(page.get_by_text("tenancy ended for both joint tenants", exact=False)
                     ).to_be_visible()

        await answer(page, "What kind of tenancy is granted?", "Flexible")
        await answer(page, "Did they leave their last tenancy because of the abuse?", "Yes")
        await page.get_by_role("button", name="Record the new tenancy").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text(
            "is granted a secure tenancy")
        await checked(page, "03-new-tenancy-refused")

        await page.goto(address)
        await answer(page, "On what ground?",
                     "Ground 2A: a partner left because of violence or threats")
        await page.get_by_role("button", name="Record that enforcement is considered").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Record the victim's wishes before enforcement is considered")
        await checked(page, "04-enforcement-refused")

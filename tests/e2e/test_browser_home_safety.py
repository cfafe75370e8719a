"""Safety at home in a real browser (Chromium driven by Playwright): a Dartford caseworker
refers a victim to the Sanctuary Scheme, records the two risk assessments and the decision,
records the household declining with its reason and the referrer told; on a second case
records a measure installed; and reports an emergency repair. axe-core checks every page for
serious or critical violations; screenshots are saved in test-artifacts/home-safety/."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from aggregates.working_days import local_date
from tests.browser_support import ARTEFACTS, check_accessibility, chromium_page, screenshot
from tests.e2e.home_safety_matrix import SANCTUARY_BODIES
from tests.e2e.test_browser_journey import PASSWORD, sign_in
from tests.web_harness import WebSystem, web_system

OUT = ARTEFACTS / "home-safety"
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


async def test_sanctuary_declined_then_installed_and_an_emergency_repair(
        system: WebSystem) -> None:
    declined_case = await system.open_case(CW, council="dartford")
    installed_case = await system.open_case(CW, council="dartford")
    async with system.client(CW) as http:  # the second case reaches "accepted" by the API
        base = f"/cases/{installed_case}/sanctuary"
        for step, body in (("referral", SANCTUARY_BODIES["referral"]),
                           ("risk-assessments", {"subject": "case", "findings": "Medium"}),
                           ("risk-assessments", {"subject": "property", "findings": "Weak"}),
                           ("decision", SANCTUARY_BODIES["decision"])):
            assert (await http.post(f"{base}/{step}", json=body)).status_code == 200
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, CW)
        await page.goto(f"/work/cases/{declined_case}")
        await page.get_by_role("button", name="Safety at home").click()
        await checked(page, "01-home-safety")

        await answer(page, "Who is referring", "Agency")
        await page.get_by_label("Referrer's name").fill("Jo Officer")
        await page.get_by_label("How to tell the referrer the outcome").fill("01322 000000")
        await page.get_by_label("Referring agency (if an agency)").fill("Kent Police")
        await page.get_by_label("Household type").select_option("lone_parent")
        await page.get_by_role("button", name="Refer", exact=True).click()
        await page.goto(f"/work/cases/{declined_case}/home-safety")
        for subject, findings in (("The risk to the victim", "Medium risk."),
                                  ("The security of the property", "Back door weak.")):
            await answer(page, "What was assessed", subject)
            await page.get_by_label("Findings").fill(findings)
            await page.get_by_role("button", name="Record the assessment").click()
            await page.goto(f"/work/cases/{declined_case}/home-safety")
        await checked(page, "02-decision-form")
        for question, choice in (
                ("Does the perpetrator live at the property?", "No"),
                ("Is it safe for the victim to stay?", "Yes"),
                ("Is staying the victim's own choice?", "Yes"),
                ("Do the perpetrator's friends or relatives live at the property?", "No"),
                ("Is the area itself too dangerous for the household?", "No"),
                ("Can the household operate the measures and follow safety procedures?", "Yes"),
                ("Are there rent arrears? (They never stop the scheme.)", "Yes")):
            await answer(page, question, choice)
        await page.get_by_role("button", name="Record the decision").click()
        await page.goto(f"/work/cases/{declined_case}/home-safety")
        await answer(page, "Why they chose not to have measures", "Moving elsewhere")
        await page.get_by_label("Their reason, in their words").fill(
            "They would rather move to family.")
        await page.get_by_role("button", name="Record that they declined").click()
        await page.goto(f"/work/cases/{declined_case}/home-safety")
        await expect(page.get_by_text("They would rather move to family.")).to_be_visible()
        await page.get_by_label("How they were told").select_option("email")
        await page.get_by_role("button", name="Record that the referrer was told").click()
        await page.goto(f"/work/cases/{declined_case}/home-safety")
        await checked(page, "03-declined-and-told")

        await page.goto(f"/work/cases/{installed_case}/home-safety")
        today = local_date(datetime.now(UTC))
        await page.get_by_label("Measure").select_option("door_viewer")
        await page.get_by_label("Day").fill(str(today.day))
        await page.get_by_label("Month").fill(str(today.month))
        await page.get_by_label("Year").fill(str(today.year))
        await page.get_by_label("Installed by").select_option("private_landlord")
        await page.get_by_label("Cost in pounds").fill("15.00")
        await page.get_by_role("button", name="Record the measure").click()
        summary = page.locator(".govuk-error-summary")
        await expect(summary).to_contain_text("Select the Housing Maintenance Team")
        await checked(page, "04-measure-error")
        await page.get_by_label("Installed by").select_option("housing_maintenance_team")
        await page.get_by_role("button", name="Record the measure").click()
        await page.goto(f"/work/cases/{installed_case}/home-safety")
        await expect(page.get_by_text("£15.00")).to_be_visible()

        await page.get_by_label("Damage that leaves the victim at risk") \
            .select_option("change_door_locks")
        await page.get_by_role("button", name="Report an emergency repair").click()
        await page.goto(f"/work/cases/{installed_case}/home-safety")
        await expect(page.get_by_text("Change door locks: due")).to_be_visible()
        await checked(page, "05-installed-and-repair")

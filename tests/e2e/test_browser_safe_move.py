"""A Kent reciprocal transfer in a real browser (Chromium driven by Playwright; D 8.22, D 8.35):
a Dover caseworker records the decision to share with the receiving landlord, asks for the
transfer on the "Safe move" page, records the victim's acceptance of the landlord's offer, the
move date, the old tenancy ended, is refused a weaker new tenancy in plain words and records
one that keeps the tenant's rights; on a second case the landlord's refusal shows as the
outcome with a task to choose the next step. The landlord's answers are recorded by the
system's command directly (the transfer's workflow gives them in production). axe-core checks
every page for serious or critical violations; screenshots are saved in
test-artifacts/safe-move/."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from aggregates.working_days import local_date
from temporal_contracts.payloads import CaseCommandInput
from tests.browser_support import ARTEFACTS, check_accessibility, chromium_page, screenshot
from tests.e2e.test_browser_journey import PASSWORD, sign_in
from tests.support import VICTIM_NAME, eventually
from tests.web_harness import WebSystem, web_system

OUT = ARTEFACTS / "safe-move"
CW = "cw-1"
MOAT = "landlord_moat_homes"
AREA = "Maidstone borough"
HOME = "21 Willow Walk, Maidstone"
NO_REFERRALS = {"adults": [{"name": VICTIM_NAME}], "children": []}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER, password=PASSWORD)
        yield running


async def checked(page: Page, name: str) -> None:
    assert await check_accessibility(page, name, OUT) == [], name
    await screenshot(page, OUT, name)


async def landlord_says(system: WebSystem, case_id: str, command: str, **args: Any) -> None:
    assert system.app is not None
    await system.app.state.intake.orchestrator.apply_command(case_id, CaseCommandInput(
        command=command, args=args, staff_id="system", role="system",
        request_id=f"{command}-{uuid.uuid4()}"))


async def transfer_id_of(system: WebSystem, case_id: str) -> str:
    async with system.client(CW) as http:
        return str((await http.get(f"/cases/{case_id}/transfer")).json()["transfer"]
                   ["transfer_id"])


async def sent_to_landlord(system: WebSystem, case_id: str) -> None:
    """The transfer's workflow has delivered the request (the landlord acknowledged it)."""
    async def sent() -> bool:
        async with system.client(CW) as http:
            view = (await http.get(f"/cases/{case_id}/transfer")).json()
        return bool(view.get("transfer")) and view["transfer"]["status"] == "sent"
    await eventually(sent)


async def fill_date(page: Page, name: str) -> None:
    today = local_date(datetime.now(UTC))
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        await page.locator(f"#{name}-{part}").fill(str(value))


async def test_a_reciprocal_transfer_from_request_to_new_tenancy_in_the_browser(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW, household=NO_REFERRALS)
    refused_case = await system.open_case(CW, household=NO_REFERRALS)
    # The landlord's decision stays pending, so this test gives its answers itself.
    from gateways.landlord_gateway import InMemoryLandlords
    from gateways.landlord_standin import LandlordDesk
    assert isinstance(system.landlords, InMemoryLandlords)
    desk = system.landlords.desks.setdefault(MOAT, LandlordDesk(MOAT))
    desk.decision = "pending"
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, CW)
        await page.goto(f"/work/cases/{case_id}")
        await page.get_by_role("button", name="Record a sharing decision").click()
        await page.get_by_label("With whom").select_option(MOAT)
        await page.get_by_label("For which purpose").select_option("reciprocal_transfer")
        await page.get_by_role("group", name="Decision").get_by_label("Share", exact=True) \
            .check()
        for category in ("Case reference", "Victim identity", "Transfer destination"):
            await page.get_by_label(category, exact=True).check()
        await page.get_by_label("Lawful basis (when sharing)").select_option("vital_interests")
        await page.get_by_label("Why it is shared").fill("A safe move away from the abuser's "
                                                         "area, under the agreement")
        await page.get_by_role("button", name="Record the decision").click()

        await page.goto(f"/work/cases/{case_id}")
        await page.get_by_role("button", name="Safe move").click()
        await expect(page.get_by_role("heading", name="Safe move")).to_be_visible()
        await checked(page, "01-safe-move")
        await page.get_by_label("Receiving landlord").select_option(MOAT)
        await page.get_by_label("Safe area").fill(AREA)
        await page.get_by_label("Why the tenant needs to move").fill(
            "The perpetrator found the flat; she asks to move out of the district")
        await page.get_by_role("button", name="Request the transfer").click()
        await page.goto(f"/work/cases/{case_id}/safe-move")
        await expect(page.get_by_text("Waiting for the receiving landlord's answer")) \
            .to_be_visible()
        await expect(page.get_by_text(AREA)).to_be_visible()
        await checked(page, "02-requested")

        transfer_id = await transfer_id_of(system, case_id)
        await sent_to_landlord(system, case_id)
        await landlord_says(system, case_id, "record_transfer_offer", transfer_id=transfer_id,
                            offer_ref="MOAT-12", new_address=HOME, tenancy_type="assured")
        await page.goto(f"/work/cases/{case_id}/safe-move")
        await expect(page.get_by_text(HOME)).to_be_visible()
        await checked(page, "03-offered")
        await page.get_by_role("group", name="Does the victim accept the offer?") \
            .get_by_label("Yes, they accept").check()
        await page.get_by_label("Their reason").fill("Near her sister; a school nearby")
        await page.get_by_role("button", name="Record the decision").click()

        await page.goto(f"/work/cases/{case_id}/safe-move")
        await fill_date(page, "move_date")
        await page.get_by_role("button", name="Record the move date").click()
        await page.goto(f"/work/cases/{case_id}/safe-move")
        await fill_date(page, "ended_on")
        await page.get_by_role("button", name="Record that the old tenancy ended").click()

        await page.goto(f"/work/cases/{case_id}/safe-move")
        await fill_date(page, "granted_on")
        await page.get_by_label("Tenancy granted").select_option("starter")
        await page.get_by_role("button", name="Record the new tenancy").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text(
            "at least as secure as the one the tenant leaves")
        await checked(page, "04-weaker-tenancy-refused")
        await page.get_by_label("Tenancy granted").select_option("assured")
        await page.get_by_role("button", name="Record the new tenancy").click()
        await page.goto(f"/work/cases/{case_id}/safe-move")
        await expect(page.get_by_text("The move is complete")).to_be_visible()
        await checked(page, "05-completed")

        async with system.client(CW) as http:
            shared = await http.post(f"/cases/{refused_case}/sharing-decisions", json={
                "partner": MOAT, "purpose": "reciprocal_transfer", "shared": True,
                "categories": ["case_reference", "victim_identity", "transfer_destination"],
                "lawful_basis": "vital_interests",
                "justification": "A safe move"})
            assert shared.status_code == 200, shared.text
            refused_id = uuid.uuid4().hex
            asked = await http.post(f"/cases/{refused_case}/transfer/request", json={
                "transfer_id": refused_id, "receiving_landlord": MOAT,
                "destination_area": AREA, "reason": "Needs to move"})
            assert asked.status_code == 200, asked.text
        await sent_to_landlord(system, refused_case)
        await landlord_says(system, refused_case, "record_transfer_refusal",
                            transfer_id=refused_id, reason="No homes free in that borough")
        await page.goto(f"/work/cases/{refused_case}/safe-move")
        await expect(page.get_by_text("No homes free in that borough")).to_be_visible()
        await expect(page.get_by_text("Ask another landlord for a transfer")).to_be_visible()
        await checked(page, "06-refused")
        await page.goto(f"/work/cases/{refused_case}")
        await expect(page.get_by_role("link", name="Transfer refused: choose next step")) \
            .to_be_visible()
        await checked(page, "07-case-with-next-step-task")

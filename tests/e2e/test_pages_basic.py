"""The pages in a real browser (Debian's Chromium through Playwright): GOV.UK Frontend styles
load, signing in works with and without JavaScript, axe-core finds no serious or critical
accessibility failures, printed pages carry the confidentiality marking, and pages stay out
of caches. Screenshots and axe results go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.browser_support import (
    ARTEFACTS,
    check_accessibility,
    chromium,
    chromium_page,
    new_context,
    screenshot,
)
from tests.web_harness import WebSystem, web_system

PASSWORD = "correct horse battery staple"
BANNER = ("OFFICIAL-SENSITIVE: domestic abuse case information. "
          "Do not share or leave on screen.")
OUT = ARTEFACTS / "pages_basic"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("cw-1", Role.CASEWORKER, password=PASSWORD)
        running.add_staff("dso-1", Role.DSO, password=PASSWORD)
        yield running


async def sign_in(page: Page, staff_id: str, password: str = PASSWORD) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Staff id").fill(staff_id)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


def problems(page: Page) -> list[str]:
    return list(page.context.problems)  # type: ignore[attr-defined]


async def test_sign_in_page_has_govuk_styles_and_scripts_and_no_serious_axe_failures(
        system: WebSystem) -> None:
    async with chromium_page(system.base_url, OUT) as page:
        css: list[int] = []
        page.on("response", lambda r: css.append(r.status)
                if r.url.endswith("/assets/govuk-frontend.min.css") else None)
        response = await page.goto("/sign-in")
        assert response is not None and response.status == 200
        await page.wait_for_load_state("networkidle")
        assert css == [200]
        # The stylesheet applies (GOV.UK type and layout), its fonts come from /assets, and
        # GOV.UK Frontend's script ran (the inline snippet is allowed by the CSP's hash).
        heading = page.get_by_role("heading", level=1, name="Sign in")
        assert "GDS Transport" in await heading.evaluate("h => getComputedStyle(h).fontFamily")
        body_classes = await page.evaluate("document.body.className")
        assert "js-enabled" in body_classes and "govuk-frontend-supported" in body_classes
        assert await page.evaluate("document.fonts.check('bold 16px \"GDS Transport\"')")
        await expect(page.locator("#confidentiality-banner")).to_have_text(BANNER)
        await expect(page.get_by_role("link", name="Skip to main content")).to_have_count(1)
        assert await page.get_by_role("navigation").count() == 0  # no menu before sign-in
        assert problems(page) == []  # no CSP refusals, no missing files, no script errors

        assert await check_accessibility(page, "sign-in", OUT) == []
        await screenshot(page, OUT, "sign-in")


async def test_signing_in_in_the_browser_reaches_home_and_signing_out_ends_it(
        system: WebSystem) -> None:
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "cw-1")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Signed in")
        assert page.url == f"{system.base_url}/"
        nav = page.get_by_role("navigation", name="Menu")
        await expect(nav.get_by_role("link")).to_have_text(
            ["My tasks", "Cases", "Report a case", "Repair reviews"])
        await expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
        assert problems(page) == []
        assert await check_accessibility(page, "home", OUT) == []
        await screenshot(page, OUT, "home")

        await nav.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        await page.goto("/")
        await expect(page).to_have_url(f"{system.base_url}/sign-in")


async def test_a_failed_sign_in_shows_an_accessible_error_summary(system: WebSystem) -> None:
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "cw-1", "not the password at all")
        summary = page.locator(".govuk-error-summary")
        await expect(summary).to_contain_text("Sign-in failed")
        await expect(summary).to_contain_text("Check your staff id and password")
        await expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
        assert (await page.title()).startswith("Error: ")
        assert await check_accessibility(page, "sign-in-failed", OUT) == []
        await screenshot(page, OUT, "sign-in-failed")


async def test_escalations_are_in_the_menu_of_safeguarding_leads_only(
        system: WebSystem) -> None:
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "dso-1")
        nav = page.get_by_role("navigation", name="Menu")
        await expect(nav.get_by_role("link")).to_have_text(
            ["My tasks", "Cases", "Report a case", "Escalations", "Repair reviews",
             "Monitoring"])


async def test_signing_in_works_without_javascript(system: WebSystem) -> None:
    async with chromium() as browser, \
            new_context(browser, system.base_url, OUT, java_script_enabled=False) as context:
        page = await context.new_page()
        await sign_in(page, "cw-1")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Signed in")
        assert "js-enabled" not in (await page.get_attribute("body", "class") or "")
        # The menu shows as a plain list (its toggle button stays hidden without script).
        nav = page.get_by_role("navigation", name="Menu")
        await expect(nav.get_by_role("link", name="My tasks")).to_be_visible()
        await screenshot(page, OUT, "home-without-javascript")
        await nav.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


async def test_printed_pages_carry_the_confidentiality_banner(system: WebSystem) -> None:
    async with chromium_page(system.base_url, OUT) as page:
        await sign_in(page, "cw-1")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Signed in")
        await page.emulate_media(media="print")
        banner = page.locator("#confidentiality-banner")
        await expect(banner).to_be_visible()
        await expect(banner).to_have_text(BANNER)
        box = await banner.bounding_box()
        assert box is not None and box["y"] < 5  # at the very top of the printed page
        await expect(page.get_by_role("navigation", name="Menu")).to_be_hidden()
        await screenshot(page, OUT, "home-print")
        OUT.mkdir(parents=True, exist_ok=True)
        await page.pdf(path=str(OUT / "home-print.pdf"), format="A4")


async def test_pages_are_not_cached_and_carry_a_content_security_policy(
        system: WebSystem) -> None:
    async with chromium_page(system.base_url, OUT) as page:
        for path in ("/sign-in", "/"):
            response = await page.goto(path)
            assert response is not None
            headers = await response.all_headers()
            assert headers["cache-control"] == "no-store"
            csp = headers["content-security-policy"]
            assert "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            if path == "/sign-in":
                await sign_in(page, "cw-1")
    async with httpx.AsyncClient(base_url=system.base_url) as http:
        for asset in ("/assets/govuk-frontend.min.css", "/assets/govuk-frontend.min.js",
                      "/assets/fonts/bold-b542beb274-v2.woff2", "/assets/manifest.json",
                      "/static/app.css", "/static/govuk-init.js"):
            assert (await http.get(asset)).status_code == 200, asset
        assert (await http.get("/assets/template.njk")).status_code == 404
        assert "javascript" in (await http.get("/static/govuk-init.js")).headers["content-type"]


GALLERY = """{% extends "layout.html" %}
{% from "macros.html" import error_summary, text_input, textarea, radios, checkboxes, select,
   date_input, summary_list, table, tag, button, button_link, notification_banner, inset,
   warning, back_link, csrf_field %}
{% block title %}Error: Every macro – Domestic abuse referrals{% endblock %}
{% block before_content %}{{ back_link("/") }}{% endblock %}
{% block content %}
{{ error_summary(errors) }}
{{ notification_banner(None, "Task t2 completed", success=True) }}
<h1 class="govuk-heading-l">Every macro</h1>
<form method="post" action="/nowhere" novalidate>
  {{ csrf_field(csrf_token) }}
  {{ text_input("victim.name", "Victim's name", "A <Resident>", error_for(errors, "victim.name"),
                hint="As they give it") }}
  {{ textarea("summary", "What was reported", "", error_for(errors, "summary")) }}
  {{ radios("immediate_risk", "Is anyone at immediate risk?", [("yes", "Yes"), ("no", "No")],
            "no", error_for(errors, "immediate_risk"), inline=True) }}
  {{ checkboxes("needs", "Additional needs", [{"value": "bsl", "text": "BSL interpreter",
                "hint": "Book two weeks ahead"}, ("large_print", "Large print")], ["bsl"],
                error_for(errors, "needs")) }}
  {{ select("council", "Council", [("", "Choose"), ("dover", "Dover"),
            ("dartford", "Dartford")], "dartford", error_for(errors, "council")) }}
  {{ date_input("reported_at", "When was it reported?", "2025-03-07",
                error_for(errors, "reported_at")) }}
  {{ button("Save") }} {{ button("Cancel", secondary=True) }}
  {{ button_link("Report a case", "/cases/new", secondary=True) }}
</form>
{{ summary_list([("Case", "DV-1"), {"key": "Risk", "value": tag("High", "red"),
                 "actions": [{"href": "/x", "text": "Change"}]}]) }}
{{ table("Tasks", ["Task", "Due", "Status"],
         [["Call the victim", "7 March 2025", tag("Overdue", "red")],
          ["Check tenancy", "10 March 2025", tag("Open")]], row_headers=True) }}
{{ inset("Recorded as a party to the case, never as a contact.") }}
{{ warning("Do not contact the perpetrator.") }}
{% endblock %}"""


async def test_every_macro_renders_accessible_govuk_markup(system: WebSystem) -> None:
    from web.pages import templates
    errors = [{"field": f, "message": m, "rule": r} for f, m, r in (
        ("victim.name", "Enter the victim's name", "victim_named"),
        ("summary", "Say what was reported", "summary_given"),
        ("immediate_risk", "Say whether anyone is at immediate risk", "risk_answered"),
        ("needs", "Choose the needs", "needs_known"),
        ("council", "Choose the council", "council_known"),
        ("reported_at", "Enter a real date", "date_valid"),
        (None, "The case changed while you were editing it", "no_conflict"))]
    html = templates.env.from_string(GALLERY).render(
        errors=errors, staff=None, csrf_token="t", navigation=[])
    assert 'id="victim-name"' in html and 'href="#victim-name"' in html
    assert 'value="A &lt;Resident&gt;"' in html
    # The summary shows the message alone: a rule code is for the JSON error, not a page.
    assert "Enter the victim&#39;s name</a>" in html and "victim_named" not in html
    assert 'name="reported_at-day"' in html and 'value="7"' in html and 'value="2025"' in html
    async with chromium_page(system.base_url, OUT) as page:
        await page.goto("/sign-in")
        await page.set_content(html)
        await page.wait_for_load_state("networkidle")
        await expect(page.locator(".govuk-form-group--error")).to_have_count(6)
        await page.get_by_role("link", name="Enter the victim's name", exact=True).click()
        await expect(page.get_by_label("Victim's name")).to_be_focused()
        assert await check_accessibility(page, "macros", OUT) == []
        await screenshot(page, OUT, "macros")
        assert problems(page) == []

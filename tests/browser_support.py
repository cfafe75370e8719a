"""Browser tests with Playwright driving Debian's Chromium (/usr/bin/chromium; Playwright's own
browser downloads are never used), with axe-core (from node_modules) for accessibility checks
and screenshots kept under test-artifacts/."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")



def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"


@contextlib.asynccontextmanager
async def chromium(headless: bool = True) -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, for one or more contexts."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=headless, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@contextlib.asynccontextmanager
async def new_context(browser: Browser, base_url: str, artefacts_dir: Path = ARTEFACTS,
                      **options: Any) -> AsyncIterator[BrowserContext]:
    """A fresh context (own cookies) on `base_url`; options go to Browser.new_context, e.g.
    java_script_enabled=False. Console errors, script errors, failed requests and 4xx/5xx
    answers to anything but a page are collected on `context.problems` (a list of strings)
    so that tests can assert there are none."""
    artefacts_dir.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(base_url=base_url, locale="en-GB", **options)
    problems: list[str] = []
    context.problems = problems  # type: ignore[attr-defined]

    def watch(page: Page) -> None:
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        # A page may answer 401 or 422 on purpose; a stylesheet, script or image may not.
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 and r.request.resource_type != "document" else None)

    context.on("page", watch)
    try:
        yield context
    finally:
        await context.close()


@contextlib.asynccontextmanager
async def chromium_page(base_url: str, artefacts_dir: Path = ARTEFACTS,
                        **options: Any) -> AsyncIterator[Page]:
    """One page in a fresh headless Chromium on `base_url` (relative URLs work in goto);
    options go to Browser.new_context. `page.context.problems` lists console errors, page
    errors and failed requests seen so far."""
    async with chromium() as browser, \
            new_context(browser, base_url, artefacts_dir, **options) as context:
        yield await context.new_page()


async def check_accessibility(page: Page, name: str,
                              artefacts_dir: Path = ARTEFACTS) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A and AA rules) on the page as it stands; write the whole result
    to <artefacts_dir>/axe-<name>.json and return the serious or critical violations, each
    reduced to {"id", "impact", "help", "nodes": [selectors]} for a readable assertion."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` (or `make install`)")
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Not page.add_script_tag: the page's CSP (rightly) refuses inline scripts, and DevTools
        # evaluation is not subject to it; the CSP itself stays in force for the page.
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = await page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']})""",
        WCAG_TAGS)
    artefacts_dir.mkdir(parents=True, exist_ok=True)
    (artefacts_dir / f"axe-{_safe(name)}.json").write_text(json.dumps(result, indent=2))
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]


async def screenshot(page: Page, artefacts_dir: Path = ARTEFACTS, name: str = "page") -> Path:
    """A full-page PNG at <artefacts_dir>/<name>.png."""
    artefacts_dir.mkdir(parents=True, exist_ok=True)
    path = artefacts_dir / f"{_safe(name)}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path

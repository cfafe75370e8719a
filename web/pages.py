"""Server-rendered pages on the GOV.UK Design System: the Jinja2 templates, the headers every
page carries, and the static files they load (GOV.UK Frontend from npm, and our own few).

Pages work without JavaScript; GOV.UK Frontend's script only enhances them."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route

from aggregates.access import ROLE_PERMISSIONS, Permission
from aggregates.report import Role
from aggregates.staff import StaffProfile

ROOT = Path(__file__).resolve().parents[1]
GOVUK_DIST = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Served at /assets/<name>: the precompiled stylesheet and script (and their source maps).
GOVUK_FILES = ("govuk-frontend.min.css", "govuk-frontend.min.js",
               "govuk-frontend.min.css.map", "govuk-frontend.min.js.map")

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

# The GOV.UK page template's one inline script: it marks the body so that components style
# themselves for JavaScript only where it runs. The CSP allows it by its hash (a nonce would
# differ per response, and the sign-in pages must read the same whatever went wrong).
JS_ENABLED_SCRIPT = ("document.body.className += ' js-enabled' + ('noModule' in "
                     "HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');")
JS_ENABLED_HASH = "sha256-" + base64.b64encode(
    hashlib.sha256(JS_ENABLED_SCRIPT.encode()).digest()).decode()
templates.env.globals["js_enabled_script"] = Markup(JS_ENABLED_SCRIPT)


def error_for(errors: Any, field: str) -> str | None:
    """The first message about `field` in a list of {"field", "message", "rule"} errors."""
    for error in errors or ():
        if error.get("field") == field:
            return str(error.get("message", ""))
    return None


templates.env.globals["error_for"] = error_for


def rule_words(rule: str) -> str:
    """A rule's name as a phrase: "tell_line_manager_and_dso" → "Tell line manager and dso"
    (the name itself stays in the JSON and the recorded event)."""
    phrase = str(rule).replace("_", " ")
    return phrase[:1].upper() + phrase[1:]


templates.env.filters["rule_words"] = rule_words
templates.env.tests["markup"] = lambda value: hasattr(value, "__html__")

# The service navigation: (text, href, who sees it).
NAVIGATION: tuple[tuple[str, str, Callable[[StaffProfile], bool]], ...] = (
    ("My tasks", "/work/tasks",
     lambda staff: Permission.COMPLETE_TASK in ROLE_PERMISSIONS.get(staff.role, ())),
    ("Cases", "/work/cases",
     lambda staff: Permission.READ_CASE in ROLE_PERMISSIONS.get(staff.role, ())),
    ("Report a case", "/work/cases/new",
     lambda staff: Permission.OPEN_CASE in ROLE_PERMISSIONS.get(staff.role, ())),
    ("Escalations", "/work/escalations",
     lambda staff: staff.role in (Role.DSO, Role.LINE_MANAGER)),
    ("Repair reviews", "/work/repair-reviews",
     lambda staff: Permission.REVIEW_REPAIR_PATTERN in ROLE_PERMISSIONS.get(staff.role, ())),
    ("Monitoring", "/work/monitoring",
     lambda staff: Permission.BREAK_GLASS in ROLE_PERMISSIONS.get(staff.role, ())),
)


def navigation_for(staff: StaffProfile | None, path: str) -> list[dict[str, Any]]:
    """The links a member of staff sees in the service navigation; the page's own is current."""
    if staff is None:
        return []
    return [{"text": text, "href": href,
             "current": path == href or path.startswith(href.rstrip("/") + "/")}
            for text, href, shown in NAVIGATION if shown(staff)]

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    f"script-src 'self' '{JS_ENABLED_HASH}'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))

# Pages about domestic-abuse cases stay out of shared caches and browser history.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}


def page(request: Request, name: str, status_code: int = 200, *,
         staff: StaffProfile | None = None, csrf_token: str = "",
         **context: Any) -> HTMLResponse:
    """Render a page built on templates/layout.html. `staff` (the signed-in member of staff's
    StaffProfile, or None) shows the navigation and the sign-out button; `csrf_token` goes
    into every form that changes something (the sign-out button's included)."""
    context = {"staff": staff, "csrf_token": csrf_token,
               "navigation": navigation_for(staff, request.url.path), **context}
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(PAGE_HEADERS)
    return response


class AssetsMissing(RuntimeError):
    """GOV.UK Frontend is not installed: run `npm ci` (`make install` does)."""


def mount_assets(app: FastAPI) -> None:
    """Serve GOV.UK Frontend (stylesheet, script, fonts, images, manifest) at /assets, where
    its stylesheet expects them, and web/static at /static."""
    missing = [p for p in (*(GOVUK_DIST / f for f in GOVUK_FILES[:2]), GOVUK_DIST / "assets")
               if not p.exists()]
    if missing:
        raise AssetsMissing(
            f"GOV.UK Frontend is not installed ({missing[0]} is missing): run "
            f"`npm ci --no-audit --no-fund` in {ROOT} (or `make install`)")

    def serve(path: Path) -> Route:
        async def endpoint(_: Request) -> Response:
            return FileResponse(path)
        return Route(f"/{path.name}", endpoint, methods=["GET"])

    app.router.routes.append(Mount("/assets", name="assets", routes=[
        *(serve(GOVUK_DIST / f) for f in GOVUK_FILES if (GOVUK_DIST / f).exists()),
        Mount("/", StaticFiles(directory=GOVUK_DIST / "assets")),
    ]))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

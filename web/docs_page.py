"""`/docs`: the interactive API reference (Swagger UI), served from this machine.

FastAPI's own `/docs` loads Swagger UI's script and stylesheet from a CDN, so on a machine
without internet the page is blank. Here the same page loads them from the `swagger-ui-dist`
npm package (installed by `npm ci` with GOV.UK Frontend), served at `/static/swagger-ui/`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount

ROOT = Path(__file__).resolve().parents[1]
SWAGGER_DIST = ROOT / "node_modules" / "swagger-ui-dist"
SWAGGER_PREFIX = "/static/swagger-ui"
DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"


class SwaggerUiMissing(RuntimeError):
    """swagger-ui-dist is not installed: run `npm ci` (`make install` does)."""


def install_docs(app: FastAPI) -> None:
    """Serve `/docs` and its oauth2 redirect, with Swagger UI's files at /static/swagger-ui.
    Call before `/static` is mounted (the first matching mount answers). Raises
    `SwaggerUiMissing` if the npm package is not installed."""
    if not (SWAGGER_DIST / "swagger-ui-bundle.js").exists():
        raise SwaggerUiMissing(
            f"Swagger UI is not installed ({SWAGGER_DIST} is missing): run "
            f"`npm ci --no-audit --no-fund` in {ROOT} (or `make install`)")
    app.router.routes.append(Mount(SWAGGER_PREFIX, StaticFiles(directory=SWAGGER_DIST),
                                   name="swagger-ui"))
    openapi_url = app.openapi_url or "/openapi.json"

    async def docs(_: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} – API reference",
            swagger_js_url=f"{SWAGGER_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_PREFIX}/favicon-32x32.png",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL)

    async def oauth2_redirect(_: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    app.add_route(DOCS_URL, docs, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, oauth2_redirect, include_in_schema=False)

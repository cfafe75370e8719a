"""The OpenAPI document as a contract: what each operation may answer, in which media type.

FastAPI documents only a route's success and, for routes with parameters, a 422 in its own
shape (`HTTPValidationError`), which is not ours. Here every operation is given the answers it
can really give, from the rule it declares (`web.auth.access_rule_of`) and its shape:

* 401 (not signed in) unless the route is public; 403 (role, or CSRF on a session change);
* 404 when the path names something (a case that does not exist or that one does not need to
  know look the same); 409 (stale or duplicate) for changes and for case reads while triage
  runs; 413 for bodies over the route's limit (`web.limits`); 422 naming field and rule;
  503 when the record or the workflow service is unavailable;
* pages (`/work/...`, `/`, sign-in) are `text/html` with their 303 redirects, not JSON;
* every error body is `Errors`; a 405 carries an `Allow` header (`components.responses`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from aggregates.access import Permission
from web.auth import access_rule_of


class ErrorOut(BaseModel):
    field: str | None
    rule: str
    message: str
    section: str | None = None


class ErrorsOut(BaseModel):
    """Every refusal: the rule broken and the field, never the value given."""

    errors: list[ErrorOut]
    case_id: str | None = None  # on a 409 for a request already made: the case it made


ERRORS_REF = {"$ref": "#/components/schemas/ErrorsOut"}
HTML = {"text/html": {"schema": {"type": "string"}}}
LOCATION = {"Location": {"schema": {"type": "string"}, "description": "where to go next"}}
WHY = {
    "400": "The body could not be read as the declared media type (e.g. not UTF-8 JSON).",
    "401": "Not signed in (no valid session or bearer token), or a partner's signature "
           "did not verify.",
    "403": "Signed in, but the role may not do this (nor access that rests on break-glass "
           "change who may see a case), or a session change lacked its CSRF token.",
    "404": "No such thing, or one the caller does not need to know (the two look the same).",
    "409": "Stale or duplicate: the case has moved on, the request was made already, or the "
           "case is still being triaged.",
    "413": "The body is larger than this operation accepts; it was not read.",
    "422": "The request broke a rule; the body names the field and the rule.",
    "429": "Too many failed sign-ins; wait, then try again.",
    "503": "The case record or the workflow service is unavailable; nothing was changed.",
}
PAGE_PREFIXES = ("/work",)
PAGE_PATHS = frozenset({"/", "/sign-in", "/sign-out", "/auth/oidc/sign-in",
                        "/auth/oidc/callback"})


def is_page_route(path: str) -> bool:
    return path in PAGE_PATHS or path.startswith(PAGE_PREFIXES)


def flat_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """The API routes, with included routers opened up (FastAPI keeps an included router as
    one lazy entry)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from flat_routes(inner.routes)
        elif isinstance(route, APIRoute):
            yield route


def route_rule(route: APIRoute) -> Permission | str | None:
    """The access rule the route declares (None: public)."""
    for dependency in route.dependant.dependencies:
        declares, rule = access_rule_of(dependency.call)
        if declares:
            return rule
    return None


def error_statuses(route: APIRoute, method: str) -> list[str]:
    rule = route_rule(route)
    changes = method != "GET"
    names_something = "{" in route.path
    statuses = []
    if rule is not None:
        statuses += ["401", "503"]
    if isinstance(rule, Permission) or changes:  # the role, or the CSRF token of a form
        statuses.append("403")
    if names_something or (is_page_route(route.path) and route.dependant.query_params):
        statuses.append("404")
    if changes or "{case_id}" in route.path:
        statuses.append("409")
    if changes:
        statuses += ["400", "413", "422"]
    if names_something or route.dependant.query_params or route.dependant.header_params:
        statuses.append("422")
    if route.path == "/sign-in" and changes:
        statuses.append("429")
    return sorted(set(statuses))


def document_operation(route: APIRoute, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)  # FastAPI's own shape; ours is ErrorsOut
    page = is_page_route(route.path)
    json_errors = {"application/json": {"schema": ERRORS_REF}}
    for status in error_statuses(route, method):
        # A page's own refusals are pages (a form shown again with its errors); a request
        # refused before it reached the page (credentials, size, parameters) is answered in
        # JSON like any other.
        content = {**HTML, **json_errors} if page else json_errors
        responses[status] = {"description": WHY[status], "content": content}
    if page:
        for status, response in responses.items():
            # FastAPI's default for a page is JSON; a page that answers files (a monitoring
            # export: CSV, XLSX or JSON) declares its media types and keeps them.
            if status.startswith("2") and set(response.get("content", {
                    "application/json": None})) == {"application/json"}:
                response["content"] = HTML
        if route.path.startswith("/auth/oidc/") and method == "GET":
            responses["302"] = {"description": "On to the identity provider.",
                                "headers": LOCATION}
            responses["404"] = {"description": "Sign-in through a provider is not configured.",
                                "content": HTML}
        responses["303"] = {"description": "On to the next page (or to sign in).",
                            "headers": LOCATION}


def contract_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi`: FastAPI's document, with every operation's answers documented."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, routes=app.routes,
                               description=app.description)
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas.update({name: schema for name, schema in ErrorsOut.model_json_schema(
            ref_template="#/components/schemas/{model}").pop("$defs").items()})
        schemas["ErrorsOut"] = ErrorsOut.model_json_schema(
            ref_template="#/components/schemas/{model}")
        schemas["ErrorsOut"].pop("$defs", None)
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        components["responses"] = {"MethodNotAllowed": {
            "description": "405 for a method the path does not have; `Allow` lists those "
                           "it has.",
            "headers": {"Allow": {"schema": {"type": "string"}, "required": True}},
            "content": {"application/json": {"schema": ERRORS_REF}}}}
        paths = document.get("paths", {})
        for route in flat_routes(app.routes):
            for method in (route.methods or set()) - {"HEAD"}:
                operation = paths.get(route.path_format, {}).get(method.lower())
                if operation is not None:
                    document_operation(route, method, operation)
        app.openapi_schema = document
        return document

    return openapi

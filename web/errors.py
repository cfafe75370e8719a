"""Domain and orchestration errors → HTTP. Bodies name the field and the rule, never the value
given (it may be personal data)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError

from aggregates.access import Forbidden
from aggregates.errors import CaseNotFound, RuleViolation
from web.auth import SESSION_COOKIE, CsrfRejected, NotSignedIn
from web.dispatch import refusal_of
from web.form_messages import page_message
from workflows.client import CommandRefused, WorkflowNotRunning

NEXT_PATH = re.compile(r"/work/[A-Za-z0-9/_-]{0,200}")
# Pydantic messages that quote part of the input.
FIXED_MESSAGES = {"uuid_parsing": "Input should be a valid UUID"}
HTTP_RULES = {400: "body_is_readable", 404: "route_exists", 405: "method_allowed"}
PAGE_NOT_FOUND = ("Page not found", "There is no page at this address, or you do not need "
                  "to know it. Check the address.")


def error_body(field: str | None, rule: str, message: str, section: str | None = None) -> dict:
    error = {"field": field, "rule": rule, "message": message}
    if section:
        error["section"] = section
    return {"errors": [error]}


SAFE_PART = re.compile(r"^(?:[a-z_][a-z0-9_]{0,63}|[0-9]{1,4})$")
HEADER_NAME = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
KEY_MARK = "[key]"


def field_paths(errors: Sequence[Any]) -> list[str]:
    """The dotted path of each pydantic error, without anything the caller chose that could
    be personal data: a mapping key that failed its own check (and the same key in the errors
    of its value) and any part, an unknown key (`extra_forbidden`) included, that is not
    shaped like one of our field names or an index are written `*`. An unknown key shaped like
    a field name is named, so a client learns which key to drop
    (`protected_characteristics.nationality`); "Jane Smith" stays `*`. The first part
    (`body`, `query`, ...) is kept only when nothing follows."""
    bad_keys = {tuple(e["loc"][:-1]) for e in errors if e["loc"] and e["loc"][-1] == KEY_MARK}
    paths = []
    for err in errors:
        loc = [part for part in err["loc"] if part != KEY_MARK]
        if err["type"] == "extra_forbidden" and loc and not SAFE_PART.match(str(loc[-1])):
            loc[-1] = "*"
        parts = [loc[0]] if loc else []
        for index in range(1, len(loc)):
            if loc[0] == "header" and index == 1 and HEADER_NAME.match(str(loc[index])):
                # A header pydantic reports is one we declared: its name is ours, and is
                # written as HTTP writes it ("Idempotency-Key").
                parts.append("-".join(w.capitalize() for w in str(loc[index]).split("-")))
                continue
            unsafe = tuple(err["loc"][:index + 1]) in bad_keys or not SAFE_PART.match(
                str(loc[index]))
            parts.append("*" if unsafe else loc[index])
        paths.append(".".join(str(p) for p in parts[1:]) or str(parts[0] if parts else ""))
    return paths


def is_page(request: Request) -> bool:
    return request.url.path.startswith("/work")


def names_no_page(request: Request, loc: Sequence[Any]) -> bool:
    """True if a validation error at `loc` is in the address itself: a path parameter, or a
    query parameter of a GET."""
    where = loc[0] if loc else None
    return where == "path" or (where == "query" and request.method == "GET")


def error_page(request: Request, status_code: int, title: str, text: str) -> Response:
    from web.pages import page

    return page(request, "pages/error.html", status_code=status_code, title=title, text=text,
                staff=None, csrf_token="")


def install_error_handlers(app: FastAPI) -> None:
    from web.page_forms import PageNotSignedIn

    @app.exception_handler(PageNotSignedIn)
    async def page_sign_in(request: Request, exc: PageNotSignedIn) -> Response:
        # Back to the page asked for after signing in (kept in a short-lived cookie).
        response = RedirectResponse("/sign-in", status_code=303)
        # Only a path of ours goes in the cookie (a header holds Latin-1 only; anything else
        # is no page to come back to).
        if request.method == "GET" and NEXT_PATH.fullmatch(request.url.path):
            response.set_cookie("da_next", request.url.path, max_age=600, httponly=True,
                                samesite="lax", secure=request.url.scheme == "https",
                                path="/")
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # Pydantic's own error type is the rule; its `input` is dropped (personal data), and so
        # is any key the caller chose (see `field_paths`).
        errors = exc.errors()
        if is_page(request) and any(names_no_page(request, err["loc"]) for err in errors):
            # A page address that cannot be one (a case id that is no UUID) is a missing
            # page to the person who typed or followed it, not JSON about a parameter.
            return error_page(request, 404, *PAGE_NOT_FOUND)
        if is_page(request):
            # A form the page did not build (its own forms check their fields and answer
            # with the form): say which field, in words, never pydantic's text.
            field = field_paths(errors)[0].rsplit(".", 1)[-1]
            return error_page(request, 422, "There is a problem",
                              page_message(field if field not in ("", "*") else "form",
                                           errors[0]["type"], "", numbers=errors[0].get("ctx")))
        return JSONResponse({"errors": [
            {"field": field, "rule": err["type"],
             "message": FIXED_MESSAGES.get(err["type"], err["msg"])}
            for field, err in zip(field_paths(errors), errors, strict=True)]},
            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # The router's own refusals (no such path, a method the path does not have) in the
        # same shape as ours; a 405 keeps its Allow header. Under /work, a page.
        if is_page(request):
            title, text = PAGE_NOT_FOUND if exc.status_code == 404 else (
                "There is a problem", "This page cannot be used this way. Go back and try "
                                      "again.")
            response = error_page(request, exc.status_code, title, text)
            if exc.headers:
                response.headers.update(exc.headers)
            return response
        rule = HTTP_RULES.get(exc.status_code, "request_understood")
        return JSONResponse(error_body(None, rule, str(exc.detail)),
                            status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path == "/sign-out":
            # The session ended already (an idle time-out under a page left open): what the
            # person asked for is done, so on to the sign-in page, as after signing out.
            response = RedirectResponse("/sign-in", status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response
        return JSONResponse(error_body(None, "signed_in", "sign in first"), status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        if is_page(request) or (request.url.path == "/sign-out" and request.headers.get(
                "content-type", "").startswith("application/x-www-form-urlencoded")):
            # Most often a form left open across a sign-out and sign-in (the sign-out button
            # is a form on every page): say what to do.
            return error_page(request, 403, "There is a problem",
                              "This form was opened before you last signed in. Go back to "
                              "the form, reload it, and send it again.")
        return JSONResponse(error_body("csrf_token", "csrf_token_matches",
                                       "the request did not carry this session's CSRF token"),
                            status_code=403)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if is_page(request):
            return error_page(request, 403, "You cannot use this page",
                              "Your role does not allow you to do this. If you need to, ask "
                              "your manager.")
        return await refused(request, exc)

    @app.exception_handler(CaseNotFound)
    async def not_found(request: Request, exc: CaseNotFound) -> Response:
        if is_page(request):
            return error_page(request, 404, "Page not found",
                              "There is no such case, or you do not need to know it.")
        return await refused(request, exc)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette still logs the exception and re-raises it after this answer; a page
        # says sorry in words, the API keeps its plain 500.
        if is_page(request):
            return error_page(request, 500, "Sorry, there is a problem with the service",
                              "Try again later. What you entered has not been lost if the "
                              "page before said it was saved.")
        return JSONResponse(error_body(None, "server_error", "Internal Server Error"),
                            status_code=500)

    # Every other refusal, mapped to HTTP in one place (web/dispatch.py).
    for refusal_type in (RuleViolation, CommandRefused, WorkflowNotRunning, RPCError,
                         PersistenceError):
        app.add_exception_handler(refusal_type, refused)


async def refused(request: Request, exc: Exception) -> Response:
    """A refusal as JSON: `{"errors": [{field, rule, message, section}]}` (a key used before
    also names the case of its first request); on a page, a page saying it plainly."""
    refusal = refusal_of(exc)
    if refusal is None:  # not a refusal: let the server answer 500
        raise exc
    if is_page(request):
        return error_page(request, refusal.status, "There is a problem",
                          page_message(refusal.field or "form", refusal.rule, refusal.message))
    body = error_body(refusal.field, refusal.rule, refusal.message, refusal.section)
    if refusal.first_case is not None:
        body["case_id"] = str(refusal.first_case)
    return JSONResponse(body, status_code=refusal.status)

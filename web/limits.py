"""The door before any route: who is asking is checked, and how much they may send is limited,
before a byte of the body is read.

FastAPI reads and parses a request's body before it solves the route's dependencies, so a
route's sign-in check alone answers 401 only after a body of any size has been read (a 200 MB
body took 1.4 GB and 16 s). `EdgeGuard` is a plain ASGI middleware that, for every request that
carries a body, finds the route that will answer it and the access rule the route declares
(`web.auth.require`, `public`, or a partner's signature), then:

1. on routes for signed-in staff, resolves the bearer token or session cookie first (the same
   check as the routes' dependency, a row lookup) and answers 401 without reading the body;
   pages (`/work/...`) go on with the small limit so that the page answers as it does for no
   session (a redirect to sign in);
2. on a partner's message route, refuses an unknown partner or a message without the
   signature headers (401) before reading;
3. refuses at once (413) a body whose Content-Length is over the limit;
4. reads the body, counting bytes as they stream in (chunked bodies have no Content-Length),
   and answers 413 as soon as the limit is passed; what was read is handed on to the app.

FastAPI's own `max_body_size` (Starlette's `RequestBodyLimitMiddleware`) limits size alone,
the same for everyone; here the limit depends on who is asking, so it is kept with that check.

Limits: `SMALL_LIMIT` for anything not signed in (the sign-in form), `PARTNER_LIMIT` for
partners' signed messages, `SIGNED_IN_LIMIT` for staff, and per-route overrides in
`ROUTE_LIMITS` (sized for the longest body the route's schema allows, UTF-8 escaped).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.routing import Match

from gateways.registry import UnknownPartner
from gateways.signing import HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP
from web.auth import NotSignedIn, current_principal
from web.contract import flat_routes, is_page_route, route_rule

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
SMALL_LIMIT = 16 * KIB
PARTNER_LIMIT = 64 * KIB
SIGNED_IN_LIMIT = 256 * KIB  # a 10,000-character note, every character escaped
ROUTE_LIMITS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # 24 DASH comments of 2,000 characters each.
    ("PUT", re.compile(r"^/cases/[^/]+/dash$"), 1024 * KIB),
    ("POST", re.compile(r"^/cases/[^/]+/dash/complete$"), 1024 * KIB),
    ("POST", re.compile(r"^/cases/[^/]+/marac/actions$"), 1024 * KIB),
)
PARTNER_RULE = "partner_signature"  # the rule web.routes_partners declares
PARTNER_HEADERS = (HEADER_ID.encode(), HEADER_TIMESTAMP.encode(), HEADER_SIGNATURE.encode())


def route_limit(method: str, path: str) -> int:
    """The most bytes a signed-in member of staff may send to `method` `path`."""
    for route_method, pattern, limit in ROUTE_LIMITS:
        if method == route_method and pattern.match(path):
            return limit
    return SIGNED_IN_LIMIT


def _error(status: int, rule: str, message: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    body = json.dumps({"errors": [{"field": None, "rule": rule, "message": message}]}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    if status == 401 and rule == "signed_in":
        headers.append((b"www-authenticate", b"Bearer"))
    return status, body, headers


TOO_LARGE = "body_within_limit"


class BodyTooLarge(Exception):
    """The body streamed past its limit."""


class EdgeGuard:
    """ASGI middleware: identity and body size before the body is read (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length_text = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        if not chunked and length_text in (None, b"0"):
            await self.app(scope, receive, send)  # no body to guard
            return
        limit, refusal = await self._admit(scope, headers)
        if refusal is None and length_text is not None and (
                not length_text.isdigit() or int(length_text) > limit):
            refusal = _error(413, TOO_LARGE, f"the body is larger than {limit} bytes")
        if refusal is None:
            try:
                body = await _read_body(receive, limit)
            except BodyTooLarge:
                refusal = _error(413, TOO_LARGE, f"the body is larger than {limit} bytes")
        if refusal is not None:
            status, content, response_headers = refusal
            await send({"type": "http.response.start", "status": status,
                        "headers": response_headers})
            await send({"type": "http.response.body", "body": content})
            return
        await self.app(scope, _replay(body, receive), send)

    async def _admit(self, scope: Scope, headers: dict[bytes, bytes],
                     ) -> tuple[int, tuple[int, bytes, list[tuple[bytes, bytes]]] | None]:
        """(the body limit, a refusal to send at once or None), by the rule the route
        declares."""
        path, method = scope["path"], scope["method"]
        route, path_params = _route_for(scope)
        if route is None:
            return SMALL_LIMIT, None  # the router answers 404 or 405 without reading it
        rule = route_rule(route)
        if rule is None:
            return SMALL_LIMIT, None  # public: the sign-in form
        if rule == PARTNER_RULE:
            known = _known_partner(scope, str(path_params.get("partner", "")))
            if not known or not all(h in headers for h in PARTNER_HEADERS):
                return PARTNER_LIMIT, _error(401, "partner_signature_valid",
                                             "unknown_partner" if not known else "missing_header")
            return PARTNER_LIMIT, None
        try:
            # The routes' own check, without its CSRF step (which may read a form body): the
            # route's dependency still runs it, after the body has been admitted.
            await current_principal(Request({**scope, "method": "GET"}))
        except NotSignedIn:
            if is_page_route(path):
                return SMALL_LIMIT, None  # the page redirects to sign-in, as without a body
            return SMALL_LIMIT, _error(401, "signed_in", "sign in first")
        except Exception:  # e.g. the store is down: the route answers 503 itself
            return SMALL_LIMIT, None
        return route_limit(method, path), None


def _route_for(scope: Scope) -> tuple[APIRoute | None, dict[str, Any]]:
    """The route that will answer this request, and its path parameters (None if the router
    will answer 404 or 405 itself)."""
    for route in flat_routes(scope["app"].routes):
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            return route, child_scope.get("path_params", {})
    return None, {}


def _known_partner(scope: Scope, partner: str) -> bool:
    registry = scope["app"].state.partners
    if registry is None:
        return False
    try:
        registry.get(partner)
    except UnknownPartner:
        return False
    return True


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, or `BodyTooLarge` as soon as more than `limit` bytes have come."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read, then what the server sends next
    (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay

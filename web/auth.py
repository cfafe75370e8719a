"""Who is asking, and may they? Sign-in state → a `Principal`; permissions → 403; need to know
→ the same 404 as a missing case; every read of a case → the case's access log.

Every route declares its rule with exactly one of `require(permission)` or `public`; the route
matrix test fails for a route that declares neither.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from activities.auth_store import AuthStore, SessionInfo, TokenInfo
from activities.case_store import CaseStore
from activities.staff_directory import StaffDirectory
from aggregates.access import Permission, StaffFacts, check_permission
from aggregates.case import Case
from aggregates.report import Actor
from aggregates.staff import StaffProfile
from application import case_reading
from application.case_reading import Decide

SESSION_COOKIE = "da_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class NotSignedIn(Exception):
    """No valid session or token: 401."""


class CsrfRejected(Exception):
    """A session-authenticated change without the session's CSRF token: 403."""


@dataclass(frozen=True)
class Principal:
    staff: StaffProfile
    via: str  # "session" or "token"
    session: SessionInfo | None = None
    token: TokenInfo | None = None  # when via == "token"

    def access_reason(self, reason: str) -> str:
        """The access log's reason, naming the bearer token (label, issuer) a read was made
        with, so it is not taken for the member's own sign-in."""
        if self.token is None:
            return reason
        return (f"{reason} [bearer token {self.token.label!r} "
                f"issued by {self.token.issued_by}]")

    @property
    def actor(self) -> Actor:
        return Actor(staff_id=self.staff.staff_id, role=self.staff.role)

    @property
    def facts(self) -> StaffFacts:
        return StaffFacts(staff_id=self.staff.staff_id, role=self.staff.role,
                          teams=self.staff.teams, council=self.staff.council)


@dataclass
class AuthServices:
    directory: StaffDirectory
    sessions: AuthStore
    idle: timedelta
    absolute: timedelta


def services(request: Request) -> AuthServices:
    return request.app.state.auth  # type: ignore[no-any-return]


async def current_principal(request: Request) -> Principal:
    """The signed-in member of staff, from a bearer token or the session cookie."""
    auth = services(request)
    now = datetime.now(UTC)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        info = await asyncio.to_thread(auth.sessions.api_token, header[7:].strip(), now=now)
        profile = await _active_profile(auth, info.staff_id if info is not None else None)
        return Principal(staff=profile, via="token", token=info)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotSignedIn()
    session = await asyncio.to_thread(auth.sessions.session, token, now=now, idle=auth.idle,
                                      absolute=auth.absolute)
    if session is None:
        raise NotSignedIn()
    profile = await _active_profile(auth, session.staff_id)
    if request.method not in SAFE_METHODS:
        await _check_csrf(request, session)
    return Principal(staff=profile, via="session", session=session)


async def _active_profile(auth: AuthServices, staff_id: str | None) -> StaffProfile:
    profile = None if staff_id is None else await asyncio.to_thread(auth.directory.profile,
                                                                     staff_id)
    if profile is None or not profile.active:
        raise NotSignedIn()
    return profile


async def _check_csrf(request: Request, session: SessionInfo) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, session.csrf_token):
        raise CsrfRejected()


AccessCheck = Callable[..., Awaitable[Principal]]


def require(permission: Permission) -> AccessCheck:
    """Dependency: a signed-in member of staff whose role may use `permission`."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        check_permission(principal.staff.role, permission)
        return principal

    check.permission = permission  # type: ignore[attr-defined]  # read by the route matrix test
    return check


async def signed_in(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Dependency: any signed-in member of staff (for their own details and sign-out)."""
    return principal


signed_in.permission = "signed_in"  # type: ignore[attr-defined]


async def public() -> None:
    """Dependency marking a route that needs no sign-in."""


public.permission = None  # type: ignore[attr-defined]


async def visible_case(store: CaseStore, case_id: UUID, principal: Principal, action: str,
                       *, why: str = "") -> Case:
    """The case if `principal` needs to know it, else `CaseNotFound` (indistinguishable from a
    case that does not exist, in body and in cost). Every attempt is logged, allowed or not."""
    return await case_reading.read_case(store, case_id, principal, action, why=why)


async def breakable_case(store: CaseStore, case_id: UUID, principal: Principal) -> Case:
    """The case if `principal` may ask to break glass into it, else `CaseNotFound`: across the
    council boundary or past a restriction the case is answered as one that does not exist
    (and the refused attempt is logged)."""
    return await case_reading.case_to_break_glass(store, case_id, principal)


async def _checked(store: CaseStore, case_id: UUID, principal: Principal, action: str,
                   decide: Decide, *, why: str, log_allowed: bool) -> Case:
    return await case_reading.checked_read(store, case_id, principal, action, decide, why=why,
                                           log_allowed=log_allowed)


def access_rule_of(dependency: Any) -> tuple[bool, Permission | str | None]:
    """(declares a rule, the permission) for a route dependency; used by the route matrix."""
    return hasattr(dependency, "permission"), getattr(dependency, "permission", None)

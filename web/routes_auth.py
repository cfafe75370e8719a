"""Sign-in (staff passwords, or the council's OpenID Connect provider), sign-out, and the
signed-in member of staff's own details and notifications."""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from activities.staff_directory import ProviderSignInRefused
from aggregates.access import Permission
from web.auth import (
    SESSION_COOKIE,
    NotSignedIn,
    Principal,
    current_principal,
    public,
    require,
    services,
    signed_in,
)
from web.oidc import OidcClient, OidcError
from web.pages import page

log = logging.getLogger(__name__)
router = APIRouter()

SIGN_IN_CSRF_COOKIE = "da_sign_in_csrf"
OIDC_COOKIE = "da_oidc"
SIGN_IN_FAILED = "Sign-in failed. Check your staff id and password."
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 50
TOO_MANY = "Too many failed sign-ins. Wait 15 minutes, then try again."


def oidc_of(request: Request) -> OidcClient | None:
    return request.app.state.oidc  # type: ignore[no-any-return]


def set_cookie(request: Request, response: Response, name: str, value: str,
               max_age: int | None = None) -> None:
    """HttpOnly, SameSite=Lax, and Secure whenever the page was served over TLS."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


NEXT_COOKIE = "da_next"


def return_to(path: str | None) -> str:
    """Where to land after signing in: the page asked for, if it is one of ours."""
    if path and path.startswith("/work/") and "//" not in path and "\\" not in path:
        return path
    return "/"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/", response_class=HTMLResponse, dependencies=[Depends(public)])
async def home(request: Request) -> Response:
    """The start page: who you are signed in as, or the way to sign in."""
    try:
        principal = await current_principal(request)
    except NotSignedIn:
        return RedirectResponse("/sign-in", status_code=303)
    csrf = principal.session.csrf_token if principal.session else ""
    return page(request, "home.html", staff=principal.staff, csrf_token=csrf)


@router.get("/sign-in", response_class=HTMLResponse, dependencies=[Depends(public)])
async def sign_in_page(request: Request) -> Response:
    """The sign-in form."""
    return _sign_in_form(request)


def _sign_in_form(request: Request, error: str = "", status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "sign_in.html", status_code=status_code, error=error,
                    csrf_token=token, oidc=oidc_of(request) is not None)
    set_cookie(request, response, SIGN_IN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.post("/sign-in", dependencies=[Depends(public)])
async def sign_in(
    request: Request,
    staff_id: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Check a staff id and password. The answer never says which of the two was wrong."""
    if oidc_of(request) is not None:
        return _sign_in_form(request, "Sign in with your council account.", 403)
    expected = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _sign_in_form(request, "The form had expired. Please try again.", 403)
    auth = services(request)
    now = datetime.now(UTC)
    # Per account, few tries; per address, more: a council office shares one address, and one
    # person mistyping must not lock everyone out.
    limits = {f"staff:{staff_id.strip().lower()}": ACCOUNT_FAILURES,
              f"ip:{client_ip(request)}": ADDRESS_FAILURES}
    keys = tuple(limits)
    for key, limit in limits.items():
        if await asyncio.to_thread(auth.sessions.sign_in_locked, key, now=now,
                                   max_failures=limit):
            return _sign_in_form(request, TOO_MANY, 429)
    profile = await asyncio.to_thread(auth.directory.verify_password,
                                      staff_id=staff_id.strip(), password=password)
    if profile is None:
        for key in keys:
            await asyncio.to_thread(auth.sessions.record_failed_sign_in, key, now=now)
        return _sign_in_form(request, SIGN_IN_FAILED, 401)
    await asyncio.to_thread(auth.sessions.clear_failed_sign_ins, keys[0])
    return await _start_session(request, profile.staff_id, "password")


async def _start_session(request: Request, staff_id: str, via: str) -> Response:
    auth = services(request)
    token, _ = await asyncio.to_thread(auth.sessions.create_session, staff_id=staff_id,
                                       via=via, now=datetime.now(UTC))
    response = RedirectResponse(return_to(request.cookies.get(NEXT_COOKIE)), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    response.delete_cookie(NEXT_COOKIE, path="/")
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/")
    response.delete_cookie(OIDC_COOKIE, path="/")
    return response


@router.post("/sign-out")
async def sign_out(request: Request,
                   principal: Annotated[Principal, Depends(signed_in)]) -> Response:
    """End this session (bearer tokens are revoked by an administrator instead)."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await asyncio.to_thread(services(request).sessions.end_session, token,
                                now=datetime.now(UTC))
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/auth/oidc/sign-in", dependencies=[Depends(public)])
async def oidc_sign_in(request: Request) -> Response:
    """Send the browser to the council's identity provider."""
    oidc = oidc_of(request)
    if oidc is None:
        return _sign_in_form(request, "Sign in with your staff id and password.", 404)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    try:
        url = await oidc.authorization_url(state=state, nonce=nonce)
    except OidcError as e:
        log.warning("OIDC sign-in could not start: %s", e.reason)
        return _sign_in_form(request, "The sign-in service is unavailable.", 503)
    response = RedirectResponse(url, status_code=302)
    set_cookie(request, response, OIDC_COOKIE, f"{state}.{nonce}", max_age=600)
    return response


@router.get("/auth/oidc/callback", dependencies=[Depends(public)])
async def oidc_callback(request: Request, code: str = "", state: str = "") -> Response:
    """Where the identity provider sends the browser back; starts a session if all checks."""
    oidc = oidc_of(request)
    if oidc is None:
        return _sign_in_form(request, "Sign in with your staff id and password.", 404)
    expected_state, _, nonce = request.cookies.get(OIDC_COOKIE, "").partition(".")
    if not (code and state and expected_state and hmac.compare_digest(state, expected_state)):
        return _oidc_failed(request)
    try:
        identity = await oidc.identify(code=code, nonce=nonce)
    except OidcError as e:
        log.warning("OIDC sign-in refused: %s", e.reason)
        return _oidc_failed(request)
    try:
        # The account is bound to the provider's subject at its first sign-in; the staff id
        # claim alone (which a provider may let people edit) never picks the account later.
        profile = await asyncio.to_thread(
            services(request).directory.sign_in_with_provider, staff_id=identity.staff_id,
            issuer=identity.issuer, subject=identity.subject)
    except ProviderSignInRefused as refused:
        log.warning("OIDC sign-in refused: %s", refused.reason)
        return _oidc_failed(request)
    return await _start_session(request, profile.staff_id, "oidc")


def _oidc_failed(request: Request) -> Response:
    """One generic refusal; the state/nonce cookie is spent either way."""
    response = _sign_in_form(request, "Sign-in failed. Please try again.", 401)
    response.delete_cookie(OIDC_COOKIE, path="/")
    return response


@router.get("/me")
async def me(principal: Annotated[Principal, Depends(signed_in)]) -> dict[str, Any]:
    """Who you are signed in as, and how."""
    staff = principal.staff
    return {"staff_id": staff.staff_id, "display_name": staff.display_name,
            "role": staff.role.value, "teams": sorted(staff.teams),
            "council": staff.council.value,
            "signed_in_via": principal.session.via if principal.session else "token",
            "csrf_token": principal.session.csrf_token if principal.session else None}


@router.get("/me/notifications")
async def my_notifications(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ_OWN_NOTIFICATIONS))],
) -> list[dict[str, Any]]:
    """What you have been told: e.g. that a DSO broke the glass on your case."""
    store = request.app.state.intake.store
    return await asyncio.to_thread(store.notifications_for, principal.staff.staff_id)

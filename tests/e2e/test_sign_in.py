"""Staff sign-in with a password over HTTP: cookies, CSRF, no account enumeration, rate
limiting, sign-out; the session expiring is in tests/integration/test_auth_store.py."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.web_harness import WebSystem, web_system

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("cw-1", Role.CASEWORKER, password=PASSWORD)
        yield running


async def sign_in(http: httpx.AsyncClient, staff_id: str, password: str) -> httpx.Response:
    form = await http.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "the sign-in form carries a CSRF token"
    return await http.post("/sign-in", data={"staff_id": staff_id, "password": password,
                                             "csrf_token": token.group(1)})


async def test_sign_in_sets_a_protected_session_cookie_and_sign_out_ends_it(
        system: WebSystem) -> None:
    async with system.client() as http:
        signed = await sign_in(http, "cw-1", PASSWORD)
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        cookie = signed.headers["set-cookie"]
        assert cookie.startswith("da_session=")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain HTTP on loopback; set whenever served over TLS
        me = (await http.get("/me")).json()
        assert (me["staff_id"], me["signed_in_via"]) == ("cw-1", "password")

        page = await http.get("/")
        assert page.headers["cache-control"] == "no-store"

        # A change through the session needs the session's CSRF token.
        no_token = await http.post("/sign-out")
        assert no_token.status_code == 403
        assert no_token.json()["errors"][0]["rule"] == "csrf_token_matches"
        out = await http.post("/sign-out", headers={"X-CSRF-Token": me["csrf_token"]})
        assert out.status_code == 303
        http.cookies.set("da_session", cookie.split(";")[0].split("=", 1)[1])
        assert (await http.get("/me")).status_code == 401  # the old cookie is dead


async def test_the_staff_id_is_matched_ignoring_case_as_at_registration(
        system: WebSystem) -> None:
    """Registration refuses "CW-1" beside "cw-1" and provider sign-in ignores case: so does
    the password form, and the session is the member's own id."""
    async with system.client() as http:
        signed = await sign_in(http, " CW-1", PASSWORD)
        assert signed.status_code == 303, signed.text
        assert (await http.get("/me")).json()["staff_id"] == "cw-1"


async def test_wrong_password_and_unknown_account_look_the_same(system: WebSystem) -> None:
    async with system.client() as http:
        wrong = await sign_in(http, "cw-1", "not the password at all")
        unknown = await sign_in(http, "nobody-here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", wrong.text) == strip.sub("", unknown.text)
    assert "Check your staff id and password" in wrong.text
    assert "da_session" not in wrong.headers.get("set-cookie", "")


async def test_repeated_failures_lock_sign_in_for_that_account(system: WebSystem) -> None:
    async with system.client() as http:
        for _ in range(5):
            assert (await sign_in(http, "cw-1", "guess guess guess")).status_code == 401
        locked = await sign_in(http, "cw-1", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text


async def test_sign_in_form_without_its_token_is_refused(system: WebSystem) -> None:
    async with system.client() as http:
        forged = await http.post("/sign-in", data={"staff_id": "cw-1", "password": PASSWORD,
                                                   "csrf_token": "made-up"})
    assert forged.status_code == 403
    assert "da_session" not in forged.headers.get("set-cookie", "")


async def test_deactivated_staff_lose_sessions_and_tokens_at_once(system: WebSystem) -> None:
    system.add_staff("adm-1", Role.ADMINISTRATOR, teams=())
    async with system.client() as http, system.client("cw-1") as by_token, \
            system.client("adm-1") as admin:
        await sign_in(http, "cw-1", PASSWORD)
        assert (await http.get("/me")).status_code == 200
        gone = await admin.post("/staff/cw-1/deactivate", json={"reason": "Left the council"})
        assert gone.status_code == 204
        assert (await http.get("/me")).status_code == 401
        assert (await by_token.get("/me")).status_code == 401


async def test_signing_out_of_a_session_that_has_already_ended_goes_to_the_sign_in_page(
        system: WebSystem) -> None:
    """After the 30-minute idle time-out the page still shows "Sign out"; pressing it (its
    form posts the session's token) leads to the sign-in page, not a JSON 401."""
    async with system.client() as http:
        await sign_in(http, "cw-1", PASSWORD)
        token = (await http.get("/me")).json()["csrf_token"]
        cookie = http.cookies["da_session"]
        assert (await http.post("/sign-out", data={"csrf_token": token})).status_code == 303
        http.cookies.set("da_session", cookie)  # the page was left open: the cookie is stale
        again = await http.post("/sign-out", data={"csrf_token": token})
        api = await http.get("/me")
    assert again.status_code == 303 and again.headers["location"] == "/sign-in"
    assert 'da_session=""' in again.headers.get("set-cookie", "")
    assert api.status_code == 401  # the API keeps its 401 for a missing sign-in


async def test_the_sign_out_button_of_a_page_from_an_earlier_session_answers_a_page(
        system: WebSystem) -> None:
    """A tab left open across signing out and in again posts the old session's token with
    its "Sign out" button: the person sees a page saying what to do, not JSON."""
    async with system.client() as http:
        await sign_in(http, "cw-1", PASSWORD)
        answer = await http.post("/sign-out", data={"csrf_token": "from-an-earlier-session"})
        still = await http.get("/me")
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "reload it" in answer.text and "csrf_token_matches" not in answer.text
    assert still.status_code == 200  # a sign-out without the session's token changes nothing

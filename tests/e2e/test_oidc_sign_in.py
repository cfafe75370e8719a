"""Sign-in through the council's OpenID Connect provider, end to end over real HTTP: browser →
our app → the provider (a real issuer on loopback, tests/oidc_issuer.py) → our callback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.oidc_issuer import LoopbackIssuer
from tests.support import free_port
from tests.web_harness import WebSystem, web_system
from web.oidc import OidcClient, OidcConfig


@pytest.fixture
def issuer() -> Iterator[LoopbackIssuer]:
    with LoopbackIssuer(client_id="da-referrals", client_secret="s3cret") as running:
        yield running


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment,  # type: ignore[no-untyped-def]
                 issuer: LoopbackIssuer):
    port = free_port()
    client = OidcClient(OidcConfig(
        issuer=issuer.url, client_id="da-referrals", client_secret="s3cret",
        redirect_uri=f"http://127.0.0.1:{port}/auth/oidc/callback"))
    async with web_system(tmp_path, dev_env, oidc=client, port=port) as running:
        running.add_staff("cw-17", Role.CASEWORKER)
        yield running


def browser(system: WebSystem) -> httpx.AsyncClient:
    """Follows redirects, as a browser does: through the provider and back to us."""
    return httpx.AsyncClient(base_url=system.base_url, follow_redirects=True, timeout=30)


async def test_provider_sign_in_starts_a_session_for_a_known_member_of_staff(
        system: WebSystem, issuer: LoopbackIssuer) -> None:
    issuer.next_user = "cw-17"
    async with browser(system) as http:
        landed = await http.get("/auth/oidc/sign-in")
        assert landed.status_code == 200 and "Signed in" in landed.text
        me = (await http.get("/me")).json()
    assert (me["staff_id"], me["role"], me["signed_in_via"]) == ("cw-17", "caseworker", "oidc")


@pytest.mark.parametrize("mode", ["expired", "wrong_audience", "wrong_signature", "wrong_nonce",
                                  "wrong_issuer", "alg_none"])
async def test_a_bad_id_token_starts_no_session(system: WebSystem, issuer: LoopbackIssuer,
                                                mode: str) -> None:
    issuer.next_user = "cw-17"
    issuer.mode = mode
    async with browser(system) as http:
        landed = await http.get("/auth/oidc/sign-in")
        assert landed.status_code == 401
        assert "Sign-in failed" in landed.text
        assert (await http.get("/me")).status_code == 401


async def test_a_provider_account_with_no_staff_record_is_refused(
        system: WebSystem, issuer: LoopbackIssuer) -> None:
    issuer.next_user = "someone-else"
    async with browser(system) as http:
        landed = await http.get("/auth/oidc/sign-in")
        assert landed.status_code == 401
        assert (await http.get("/me")).status_code == 401


async def test_password_sign_in_is_closed_when_the_provider_is_in_use(
        system: WebSystem) -> None:
    async with httpx.AsyncClient(base_url=system.base_url) as http:
        page = await http.get("/sign-in")
        refused = await http.post("/sign-in", data={"staff_id": "cw-17", "password": "x" * 20})
    assert "Sign in with your council account" in page.text
    assert refused.status_code == 403

"""A staff account is bound to the provider's subject at its first sign-in ("Need to know at
every door", finding 6): the staff id claim (`preferred_username`, which a provider may let
people edit) never picks the account on its own afterwards, and staff ids are compared
ignoring case. Over real HTTP against a real issuer on loopback."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.case_store import store_env
from activities.staff_directory import ProviderSignInRefused, StaffDirectory
from aggregates.errors import ConflictError
from aggregates.report import Council, Role
from tests.oidc_issuer import LoopbackIssuer
from tests.support import free_port
from tests.web_harness import SETUP, WebSystem, web_system
from web.oidc import OidcClient, OidcConfig


@pytest.fixture
def issuer() -> Iterator[LoopbackIssuer]:
    with LoopbackIssuer(client_id="da-referrals", client_secret="s3cret") as running:
        yield running


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment,
                 issuer: LoopbackIssuer) -> AsyncIterator[WebSystem]:
    port = free_port()
    client = OidcClient(OidcConfig(
        issuer=issuer.url, client_id="da-referrals", client_secret="s3cret",
        redirect_uri=f"http://127.0.0.1:{port}/auth/oidc/callback"))
    async with web_system(tmp_path, dev_env, oidc=client, port=port) as running:
        running.add_staff("cw-17", Role.CASEWORKER)
        running.add_staff("cw-18", Role.CASEWORKER)
        yield running


async def signed_in_as(system: WebSystem, issuer: LoopbackIssuer, username: str,
                       subject: str | None = None) -> str | None:
    """Sign in through the provider as `username` (with `subject`, else the issuer's own for
    that user); the staff id of the session it started, or None."""
    issuer.next_user = username
    if subject is not None:
        issuer.claim_overrides = {"sub": subject}
    async with httpx.AsyncClient(base_url=system.base_url, follow_redirects=True,
                                 timeout=30) as http:
        await http.get("/auth/oidc/sign-in")
        me = await http.get("/me")
    return me.json()["staff_id"] if me.status_code == 200 else None


async def test_another_subject_with_the_same_username_is_refused_after_binding(
        system: WebSystem, issuer: LoopbackIssuer) -> None:
    assert await signed_in_as(system, issuer, "cw-17") == "cw-17"  # binds subject-cw-17
    assert await signed_in_as(system, issuer, "cw-17", subject="impostor") is None
    assert await signed_in_as(system, issuer, "cw-17") == "cw-17"


async def test_the_first_subject_to_sign_in_binds_an_account_the_username_does_not(
        system: WebSystem, issuer: LoopbackIssuer) -> None:
    assert await signed_in_as(system, issuer, "cw-17", subject="person-a") == "cw-17"
    # The same person's provider account renamed to another staff id takes nothing more.
    assert await signed_in_as(system, issuer, "cw-18", subject="person-a") is None
    assert await signed_in_as(system, issuer, "cw-18", subject="person-b") == "cw-18"


async def test_the_staff_id_claim_matches_ignoring_case(
        system: WebSystem, issuer: LoopbackIssuer) -> None:
    assert await signed_in_as(system, issuer, "CW-17") == "cw-17"


async def test_a_staff_id_differing_only_in_case_is_not_registered_twice(
        system: WebSystem) -> None:
    with pytest.raises(ConflictError, match="staff_id_used_once"):
        system.directory.register(staff_id="CW-17", display_name="Someone else",
                                  role=Role.ADMINISTRATOR, teams=(), council=Council.DOVER,
                                  manager_id=None, actor=SETUP, reason="test")


def test_an_account_recorded_before_bindings_existed_loads_and_binds(tmp_path: Path) -> None:
    # A stream as the previous version wrote it: registered, a password, no binding event.
    env = store_env(f"sqlite:///{tmp_path / 'staff.sqlite3'}", os.urandom(32))
    StaffDirectory(env).register(staff_id="cw-1", display_name="Test", role=Role.CASEWORKER,
                                 teams=("Tenancy Support Team",), council=Council.DOVER,
                                 manager_id=None, actor=SETUP, reason="test")
    reopened = StaffDirectory(env)
    member = reopened.find_member("cw-1")
    assert member is not None and member.provider_identity is None
    profile = reopened.sign_in_with_provider(staff_id="cw-1", issuer="https://idp",
                                             subject="s-1")
    assert profile.staff_id == "cw-1"
    with pytest.raises(ProviderSignInRefused, match="subject_differs_from_bound_subject"):
        StaffDirectory(env).sign_in_with_provider(staff_id="cw-1", issuer="https://idp",
                                                  subject="s-2")

"""Staff sign-in against a real OIDC issuer over real HTTP on 127.0.0.1.

The browser's part is played by httpx without redirect following: it opens the authorization
URL, and takes the code from the issuer's 302 `Location`, as a browser would hand it to our
callback. Every hostile token is rejected with its own reason code.
"""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.oidc_issuer import REMOVE, LoopbackIssuer
from web.oidc import OidcClient, OidcConfig, OidcError

CLIENT_ID = "da-referrals"
CLIENT_SECRET = "s3cret"
REDIRECT_URI = "http://127.0.0.1:8000/auth/callback"


@pytest.fixture
def issuer() -> Iterator[LoopbackIssuer]:
    with LoopbackIssuer(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as running:
        yield running


def config_for(running: LoopbackIssuer, /, **changes: object) -> OidcConfig:
    settings: dict[str, object] = {
        "issuer": running.url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uri": REDIRECT_URI,
    }
    settings |= changes
    return OidcConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture
def oidc(issuer: LoopbackIssuer) -> OidcClient:
    return OidcClient(config_for(issuer))


async def browse(oidc: OidcClient, *, state: str, nonce: str) -> str:
    """Follow the authorization URL like a browser; return the code the callback would get."""
    url = await oidc.authorization_url(state=state, nonce=nonce)
    async with httpx.AsyncClient() as browser:
        response = await browser.get(url)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [state]
    return query["code"][0]


async def sign_in(oidc: OidcClient, nonce: str | None = None) -> str:
    """The whole flow: authorization URL, issuer redirect, code exchange, validation."""
    nonce = nonce or secrets.token_urlsafe(16)
    code = await browse(oidc, state=secrets.token_urlsafe(16), nonce=nonce)
    return await oidc.sign_in(code=code, nonce=nonce)


async def rejected(oidc: OidcClient, nonce: str | None = None) -> str:
    with pytest.raises(OidcError) as caught:
        await sign_in(oidc, nonce)
    return caught.value.reason


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- the good path


async def test_a_good_sign_in_returns_the_staff_id(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    issuer.next_user = "cw-17"
    assert await sign_in(oidc) == "cw-17"
    assert issuer.last_client_auth == "client_secret_basic"


async def test_the_authorization_url_asks_for_a_code_with_openid_scope_state_and_nonce(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    url = await oidc.authorization_url(state="the-state", nonce="the-nonce")
    assert url.startswith(f"{issuer.url}/authorize?")
    assert parse_qs(urlsplit(url).query) == {
        "response_type": ["code"], "client_id": [CLIENT_ID], "redirect_uri": [REDIRECT_URI],
        "scope": ["openid profile"], "state": ["the-state"], "nonce": ["the-nonce"],
    }


async def test_discovery_and_keys_are_fetched_once_and_cached(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    issuer.next_user = "cw-1"
    assert await sign_in(oidc) == "cw-1"
    issuer.next_user = "cw-2"
    assert await sign_in(oidc) == "cw-2"
    assert (issuer.discovery_requests, issuer.jwks_requests) == (1, 1)


async def test_a_shared_http_client_can_be_given(issuer: LoopbackIssuer) -> None:
    async with httpx.AsyncClient() as http:
        assert await sign_in(OidcClient(config_for(issuer), http=http)) == "cw-17"


async def test_client_secret_post_when_that_is_all_the_issuer_supports() -> None:
    only_post = ("client_secret_post",)
    with LoopbackIssuer(CLIENT_ID, CLIENT_SECRET, token_auth_methods=only_post) as iss:
        assert await sign_in(OidcClient(config_for(iss))) == "cw-17"
        assert iss.last_client_auth == "client_secret_post"


async def test_the_staff_id_claim_is_configurable(issuer: LoopbackIssuer) -> None:
    issuer.claim_overrides = {"employee_number": "cw-99"}
    oidc = OidcClient(config_for(issuer, staff_id_claim="employee_number"))
    assert await sign_in(oidc) == "cw-99"


async def test_several_audiences_are_accepted_when_azp_names_us(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    issuer.claim_overrides = {"aud": [CLIENT_ID, "another-service"], "azp": CLIENT_ID}
    assert await sign_in(oidc) == "cw-17"


async def test_clock_skew_within_the_leeway_is_tolerated(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    now = int(time.time())
    issuer.claim_overrides = {"exp": now - 10, "iat": now + 10}
    assert await sign_in(oidc) == "cw-17"


# ---------------------------------------------------------------- hostile tokens


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("expired", "expired"),
        ("wrong_audience", "wrong_audience"),
        ("wrong_signature", "bad_signature"),
        ("wrong_nonce", "wrong_nonce"),
        ("wrong_issuer", "wrong_issuer"),
        ("alg_none", "bad_algorithm"),
        ("alg_hs256", "bad_algorithm"),
        ("alg_rs512", "bad_algorithm"),
        ("unknown_key", "unknown_key"),
        ("no_id_token", "no_id_token"),
    ],
)
async def test_a_hostile_token_is_rejected_with_its_reason(
    issuer: LoopbackIssuer, oidc: OidcClient, mode: str, reason: str
) -> None:
    issuer.mode = mode
    assert await rejected(oidc) == reason


@pytest.mark.parametrize("mode", ["alg_none", "alg_hs256"])
async def test_none_and_hmac_are_refused_even_when_the_issuer_advertises_them(mode: str) -> None:
    careless = ("RS256", "none", "HS256")
    with LoopbackIssuer(CLIENT_ID, CLIENT_SECRET, signing_algs=careless) as iss:
        iss.mode = mode
        assert await rejected(OidcClient(config_for(iss))) == "bad_algorithm"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        # exact match: not even a trailing slash
        pytest.param({"iss": "{url}/"}, "wrong_issuer", id="iss-trailing-slash"),
        pytest.param({"exp": "{now-60}"}, "expired", id="exp-beyond-leeway"),
        pytest.param({"iat": "{now+3600}"}, "issued_in_future", id="iat-future"),
        pytest.param({"nbf": "{now+3600}"}, "not_yet_valid", id="nbf-future"),
        pytest.param({"aud": [CLIENT_ID, "another-service"]}, "wrong_authorized_party",
                     id="several-aud-no-azp"),
        pytest.param({"aud": [CLIENT_ID, "another-service"], "azp": "another-service"},
                     "wrong_authorized_party", id="azp-another-client"),
        pytest.param({"aud": ["another-service", "a-third"], "azp": CLIENT_ID},
                     "wrong_audience", id="aud-list-without-us"),
        pytest.param({"nonce": REMOVE}, "wrong_nonce", id="no-nonce"),
        pytest.param({"exp": REMOVE}, "missing_claim", id="no-exp"),
        pytest.param({"iat": REMOVE}, "missing_claim", id="no-iat"),
        pytest.param({"sub": REMOVE}, "missing_claim", id="no-sub"),
        pytest.param({"preferred_username": ""}, "no_staff_id", id="staff-id-empty"),
        pytest.param({"preferred_username": "   "}, "no_staff_id", id="staff-id-blank"),
        pytest.param({"preferred_username": 17}, "no_staff_id", id="staff-id-number"),
        pytest.param({"preferred_username": ["cw-17"]}, "no_staff_id", id="staff-id-list"),
    ],
)
async def test_a_token_with_a_bad_claim_is_rejected_with_its_reason(
    issuer: LoopbackIssuer, oidc: OidcClient, overrides: dict[str, object], reason: str
) -> None:
    now = int(time.time())
    values = {"{url}/": f"{issuer.url}/", "{now-60}": now - 60, "{now+3600}": now + 3600}
    issuer.claim_overrides = {
        name: values.get(value, value) if isinstance(value, str) else value
        for name, value in overrides.items()
    }
    assert await rejected(oidc) == reason


async def test_no_staff_id_claim_at_all_is_rejected(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    issuer.next_user = None
    assert await rejected(oidc) == "no_staff_id"


async def test_a_token_for_another_browsers_nonce_is_rejected(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    code = await browse(oidc, state="s", nonce="nonce-sent-by-browser-a")
    with pytest.raises(OidcError) as caught:
        await oidc.sign_in(code=code, nonce="nonce-kept-for-browser-b")
    assert caught.value.reason == "wrong_nonce"


async def test_an_unknown_kid_refetches_the_keys_only_once(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    assert await sign_in(oidc) == "cw-17"
    issuer.mode = "unknown_key"
    assert await rejected(oidc) == "unknown_key"
    assert issuer.jwks_requests == 2


# ---------------------------------------------------------------- key rotation


async def test_after_key_rotation_a_token_signed_with_the_new_key_validates(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    assert await sign_in(oidc) == "cw-17"  # the old JWKS is now cached
    old_kid = issuer.kid
    issuer.rotate_key()
    assert issuer.kid != old_kid
    issuer.next_user = "cw-18"
    assert await sign_in(oidc) == "cw-18"
    assert issuer.jwks_requests == 2
    assert await sign_in(oidc) == "cw-18"  # and the refreshed JWKS is cached again
    assert issuer.jwks_requests == 2


# ---------------------------------------------------------------- the token endpoint


async def test_a_bad_code_is_refused_by_the_token_endpoint(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    await browse(oidc, state="s", nonce="n")
    with pytest.raises(OidcError) as caught:
        await oidc.sign_in(code="not-a-code-the-issuer-gave", nonce="n")
    assert caught.value.reason == "token_endpoint_error"


async def test_a_code_cannot_be_used_twice(issuer: LoopbackIssuer, oidc: OidcClient) -> None:
    code = await browse(oidc, state="s", nonce="n")
    assert await oidc.sign_in(code=code, nonce="n") == "cw-17"
    with pytest.raises(OidcError) as caught:
        await oidc.sign_in(code=code, nonce="n")
    assert caught.value.reason == "token_endpoint_error"


@pytest.mark.parametrize("methods", [("client_secret_basic",), ("client_secret_post",)])
async def test_a_bad_client_secret_is_refused_by_the_token_endpoint(
    methods: tuple[str, ...],
) -> None:
    with LoopbackIssuer(CLIENT_ID, CLIENT_SECRET, token_auth_methods=methods) as iss:
        oidc = OidcClient(config_for(iss, client_secret="not-the-secret"))
        assert await rejected(oidc) == "token_endpoint_error"


async def test_an_empty_code_or_nonce_is_refused_before_any_request(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    for code, nonce, reason in [("", "n", "missing_code"), ("c", "", "missing_nonce")]:
        with pytest.raises(OidcError) as caught:
            await oidc.sign_in(code=code, nonce=nonce)
        assert caught.value.reason == reason
    assert issuer.discovery_requests == 0


# ---------------------------------------------------------------- the provider itself


async def test_an_unreachable_issuer_is_provider_unreachable() -> None:
    config = OidcConfig(issuer=f"http://127.0.0.1:{free_port()}", client_id=CLIENT_ID,
                        client_secret=CLIENT_SECRET, redirect_uri=REDIRECT_URI)
    with pytest.raises(OidcError) as caught:
        await OidcClient(config).authorization_url(state="s", nonce="n")
    assert caught.value.reason == "provider_unreachable"


async def test_an_issuer_that_goes_away_after_the_redirect_is_provider_unreachable() -> None:
    with LoopbackIssuer(CLIENT_ID, CLIENT_SECRET) as iss:
        oidc = OidcClient(config_for(iss))
        code = await browse(oidc, state="s", nonce="n")
    with pytest.raises(OidcError) as caught:
        await oidc.sign_in(code=code, nonce="n")
    assert caught.value.reason == "provider_unreachable"


async def test_a_discovery_document_for_another_issuer_is_refused(
    issuer: LoopbackIssuer,
) -> None:
    # Same discovery URL, but the document's issuer is not exactly the configured one.
    oidc = OidcClient(config_for(issuer, issuer=issuer.url + "/"))
    with pytest.raises(OidcError) as caught:
        await oidc.authorization_url(state="s", nonce="n")
    assert caught.value.reason == "discovery_failed"


async def test_reasons_and_config_repr_never_carry_secrets(
    issuer: LoopbackIssuer, oidc: OidcClient
) -> None:
    issuer.mode = "wrong_signature"
    with pytest.raises(OidcError) as caught:
        await sign_in(oidc)
    assert str(caught.value) == caught.value.reason == "bad_signature"
    assert caught.value.__suppress_context__  # no library exception (and token) chained
    assert CLIENT_SECRET not in repr(config_for(issuer))

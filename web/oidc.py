"""OpenID Connect sign-in for staff: the authorization code flow against a council's provider.

The provider only tells us WHO signed in (the `staff_id_claim` of a validated ID token); what
that member of staff may do comes from our own staff directory, never from the provider.

Libraries, and why:

* ID-token signatures, JWKS and claim checks use **joserfc** (`joserfc.jwt`, `joserfc.jws`,
  `joserfc.jwk.KeySet`, `joserfc.jwt.JWTClaimsRegistry`). Authlib 1.9 marks its own
  `authlib.jose` module as deprecated ("authlib.jose module is deprecated, please use joserfc
  instead", removed in 2.0), and its OIDC claim classes are themselves built on joserfc.
  joserfc is typed and makes the algorithm allow-list explicit on every decode.
* From Authlib we use the parts that are neither deprecated nor tied to an HTTP library:
  `prepare_grant_uri` (RFC 6749 authorization request) and `OpenIDProviderMetadata`
  (OIDC Discovery metadata validation). Authlib's `httpx_client` integration is NOT used: in
  Authlib 1.9 it warns that plain httpx is deprecated in favour of httpx2 and would silently
  switch HTTP library if httpx2 were installed, so HTTP is done with httpx directly.

Every failure raises `OidcError` whose `reason` is a short fixed code, safe to log: it never
carries token contents, claim values or anything else personal.
"""

from __future__ import annotations

import base64
import hmac
import logging
import re
from typing import Any
from urllib.parse import quote_plus

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
    KeyParameterError,
    MissingClaimError,
    UnsupportedAlgorithmError,
)
from joserfc.jwk import Key, KeySet
from joserfc.jws import JWSRegistry

from web.oidc_types import ASYMMETRIC_ALGS, CLAIM_REASONS, OidcConfig, OidcError, OidcIdentity

__all__ = ["OidcClient", "OidcConfig", "OidcError", "OidcIdentity"]

log = logging.getLogger(__name__)

SCOPE = "openid profile"
HTTP_TIMEOUT_SECONDS = 10.0
_SAFE_ERROR_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_SUBJECT = re.compile(r"[\x20-\x7e]{1,255}")


class OidcClient:
    """The relying party: builds the authorization URL and turns a returned code into a staff id.

    The discovery document is fetched once and cached; the JWKS is cached and fetched again at
    most once per sign-in when the ID token names a key id we do not know (key rotation).

    `http` is an optional shared `httpx.AsyncClient` (connection pooling); the caller owns and
    closes it. Without one, each request uses a short-lived client. Redirects are never
    followed when talking to the provider.
    """

    def __init__(self, config: OidcConfig, http: httpx.AsyncClient | None = None) -> None:
        self._config = config
        self._http = http
        self._metadata: dict[str, Any] | None = None
        self._jwks: KeySet | None = None

    # ------------------------------------------------------------------ public

    async def authorization_url(self, *, state: str, nonce: str) -> str:
        """The provider URL to send the browser to (response_type=code, scope "openid profile").

        `state` (CSRF) and `nonce` (replay) must be fresh unguessable values the caller keeps
        in the browser's session, to compare `state` on the callback and to pass `nonce` to
        `sign_in`.
        """
        if not state or not nonce:
            raise ValueError("state and nonce must be non-empty")
        metadata = await self._discover()
        url: str = prepare_grant_uri(
            metadata["authorization_endpoint"],
            self._config.client_id,
            "code",
            redirect_uri=self._config.redirect_uri,
            scope=SCOPE,
            state=state,
            nonce=nonce,
        )
        return url

    async def sign_in(self, *, code: str, nonce: str) -> str:
        """The staff id named by the ID token (see `identify`)."""
        return (await self.identify(code=code, nonce=nonce)).staff_id

    async def identify(self, *, code: str, nonce: str) -> OidcIdentity:
        """Exchange `code` at the token endpoint, validate the ID token, return who it names:
        the issuer and subject (which the caller binds to the staff account) and the staff id.

        `nonce` is the value the caller stored when it built the authorization URL for this
        browser. The caller must already have checked the callback's `state`.
        """
        if not code:
            raise OidcError("missing_code")
        if not nonce:
            raise OidcError("missing_nonce")
        metadata = await self._discover()
        id_token = await self._exchange_code(metadata, code)
        claims = await self._validate_id_token(metadata, id_token, nonce)
        staff_id = claims.get(self._config.staff_id_claim)
        if not isinstance(staff_id, str) or not staff_id.strip():
            raise OidcError("no_staff_id")
        subject = claims.get("sub")
        # OIDC Core §2: sub is at most 255 ASCII characters; the binding key holds no NUL.
        if not isinstance(subject, str) or not _SUBJECT.fullmatch(subject):
            raise OidcError("invalid_claim")
        return OidcIdentity(issuer=self._config.issuer, subject=subject, staff_id=staff_id)

    # ------------------------------------------------------------------ HTTP

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request to the provider; transport failures become `provider_unreachable`."""
        try:
            if self._http is not None:
                return await self._http.request(method, url, follow_redirects=False, **kwargs)
            async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http:
                return await http.request(method, url, follow_redirects=False, **kwargs)
        except httpx.HTTPError as error:
            log.warning("OIDC provider unreachable: %s", type(error).__name__)
            raise OidcError("provider_unreachable") from None
        except httpx.InvalidURL:
            raise OidcError("discovery_failed") from None

    async def _get_json(self, url: str, reason: str) -> dict[str, Any]:
        response = await self._send("GET", url, headers={"Accept": "application/json"})
        if response.status_code != 200:
            log.warning("OIDC %s: HTTP %s from provider", reason, response.status_code)
            raise OidcError(reason)
        try:
            body = response.json()
        except ValueError:
            raise OidcError(reason) from None
        if not isinstance(body, dict):
            raise OidcError(reason)
        return body

    # ------------------------------------------------------------------ discovery

    async def _discover(self) -> dict[str, Any]:
        if self._metadata is None:
            url = self._config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = await self._get_json(url, "discovery_failed")
            self._metadata = self._check_metadata(document)
        return self._metadata

    def _check_metadata(self, document: dict[str, Any]) -> dict[str, Any]:
        # OIDC Discovery §4.3: the issuer in the document MUST be identical to the one we used.
        if document.get("issuer") != self._config.issuer:
            log.warning("OIDC discovery: issuer in document differs from configured issuer")
            raise OidcError("discovery_failed")
        try:
            # https-only endpoints (loopback http allowed), required fields, RS256 listed, ...
            OpenIDProviderMetadata(document).validate()
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            log.warning("OIDC discovery document rejected: %s", error)
            raise OidcError("discovery_failed") from None
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(field), str):
                raise OidcError("discovery_failed")
        return document

    # ------------------------------------------------------------------ token endpoint

    async def _exchange_code(self, metadata: dict[str, Any], code: str) -> str:
        cfg = self._config
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": cfg.redirect_uri}
        headers = {"Accept": "application/json"}
        methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        if "client_secret_basic" in methods:
            # RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
            pair = f"{quote_plus(cfg.client_id)}:{quote_plus(cfg.client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        elif "client_secret_post" in methods:
            form |= {"client_id": cfg.client_id, "client_secret": cfg.client_secret}
        else:
            log.warning("OIDC provider supports neither client_secret_basic nor _post")
            raise OidcError("token_endpoint_error")

        response = await self._send(
            "POST", metadata["token_endpoint"], data=form, headers=headers
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            safe = error if isinstance(error, str) and _SAFE_ERROR_CODE.match(error) else "-"
            log.warning("OIDC token endpoint: HTTP %s, error %s", response.status_code, safe)
            raise OidcError("token_endpoint_error")
        id_token = body.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise OidcError("no_id_token")
        return id_token

    # ------------------------------------------------------------------ ID token

    async def _validate_id_token(
        self, metadata: dict[str, Any], id_token: str, nonce: str
    ) -> dict[str, Any]:
        cfg = self._config
        try:
            header = jws.extract_compact(id_token.encode("ascii")).headers()
        except (JoseError, ValueError, TypeError):
            raise OidcError("malformed_token") from None

        alg = header.get("alg")
        advertised = metadata.get("id_token_signing_alg_values_supported") or []
        if alg not in ASYMMETRIC_ALGS or alg not in advertised:
            raise OidcError("bad_algorithm")

        key = await self._signing_key(metadata, header.get("kid"), alg)
        registry = JWSRegistry(algorithms=[alg], strict_check_header=False)
        try:
            token = jwt.decode(id_token, key, registry=registry)
        except BadSignatureError:
            raise OidcError("bad_signature") from None
        except (UnsupportedAlgorithmError, KeyParameterError):
            raise OidcError("bad_algorithm") from None
        except (JoseError, ValueError, TypeError):
            raise OidcError("malformed_token") from None
        claims = token.claims

        # iss exact, aud contains client_id, exp future, iat/nbf not future (all with leeway).
        checks = jwt.JWTClaimsRegistry(
            leeway=cfg.leeway_seconds,
            iss={"essential": True, "value": cfg.issuer},
            sub={"essential": True},
            aud={"essential": True, "value": cfg.client_id},
            exp={"essential": True},
            iat={"essential": True},
        )
        try:
            checks.validate(claims)
        except ExpiredTokenError:
            raise OidcError("expired") from None
        except MissingClaimError:
            raise OidcError("missing_claim") from None
        except ClaimError as error:
            raise OidcError(CLAIM_REASONS.get(error.claim, "invalid_claim")) from None

        # OIDC Core §3.1.3.7 (5): with several audiences azp is required; if present it must
        # name us.
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        azp = claims.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != cfg.client_id:
            raise OidcError("wrong_authorized_party")

        token_nonce = claims.get("nonce")
        if not isinstance(token_nonce, str) or not hmac.compare_digest(
            token_nonce.encode(), nonce.encode()
        ):
            raise OidcError("wrong_nonce")
        return claims

    async def _signing_key(self, metadata: dict[str, Any], kid: object, alg: str) -> Key:
        """The JWKS key for `kid`, fetching the JWKS again once if it is not (yet) known."""
        if kid is not None and not isinstance(kid, str):
            raise OidcError("malformed_token")
        refreshed = False
        if self._jwks is None:
            self._jwks = await self._fetch_jwks(metadata)
            refreshed = True
        while True:
            try:
                return self._jwks.get_by_kid(kid, {"alg": alg, "use": "sig"})
            except InvalidKeyIdError:
                if refreshed:
                    raise OidcError("unknown_key") from None
            self._jwks = await self._fetch_jwks(metadata)
            refreshed = True

    async def _fetch_jwks(self, metadata: dict[str, Any]) -> KeySet:
        document = await self._get_json(metadata["jwks_uri"], "jwks_failed")
        try:
            return KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError):
            raise OidcError("jwks_failed") from None

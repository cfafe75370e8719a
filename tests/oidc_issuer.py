"""A real OpenID Connect issuer for tests, served over HTTP on 127.0.0.1 (uvicorn in a thread).

    with LoopbackIssuer(client_id="da-referrals", client_secret="s3cret") as issuer:
        issuer.next_user = "cw-17"          # who /authorize signs in
        issuer.mode = "expired"             # how the next /token misbehaves ("ok" by default)
        issuer.rotate_key()                 # new signing key and kid; JWKS lists old and new

It has no login page: /authorize redirects straight back to the redirect_uri with a one-time
code and the caller's state, remembering the nonce and `next_user` for that code. /token checks
the client's credentials (client_secret_basic or client_secret_post) and the code, and returns
an ID token signed RS256 with a `kid`, unless `mode` says to misbehave:

    "ok", "expired", "wrong_audience", "wrong_signature" (another key, same kid),
    "wrong_nonce", "wrong_issuer", "alg_none", "alg_hs256" (HMAC keyed with the public key:
    the classic key-confusion forgery), "alg_rs512" (a real RSA signature, alg not advertised),
    "unknown_key" (a key the JWKS never lists), "no_id_token".

`signing_algs` is what discovery advertises for ID tokens, to play a provider that also
(carelessly) lists "none" or "HS256". `claim_overrides` are merged into the next ID token's
claims (a value of `REMOVE` deletes the claim). `mode` and `claim_overrides` apply to one token
and then reset.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import RSAKey

MODES = frozenset({
    "ok", "expired", "wrong_audience", "wrong_signature", "wrong_nonce", "wrong_issuer",
    "alg_none", "alg_hs256", "alg_rs512", "unknown_key", "no_id_token",
})
REMOVE = object()


def _new_rsa_key(kid: str) -> RSAKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return RSAKey.import_key(private, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned_compact(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())


class LoopbackIssuer:
    """An OIDC provider on 127.0.0.1:<free port>; a context manager that starts and stops it."""

    def __init__(
        self,
        client_id: str = "da-referrals",
        client_secret: str = "s3cret",
        token_auth_methods: tuple[str, ...] = ("client_secret_basic", "client_secret_post"),
        signing_algs: tuple[str, ...] = ("RS256",),
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_auth_methods = token_auth_methods
        self.signing_algs = signing_algs  # advertised in discovery (a real OP signs RS256)
        self.next_user: str | None = "cw-17"
        self._mode = "ok"
        self.claim_overrides: dict[str, Any] = {}
        # What happened, for assertions.
        self.discovery_requests = 0
        self.jwks_requests = 0
        self.last_client_auth: str | None = None
        self.last_authorize_params: dict[str, str] = {}

        self._key = _new_rsa_key(secrets.token_hex(8))
        self._published: list[RSAKey] = [self._key]
        self._codes: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        self.app = self._build_app()

    # ------------------------------------------------------------------ control

    @property
    def mode(self) -> str:
        """How the next ID token misbehaves; back to "ok" once it is issued."""
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"unknown mode {value!r}; one of {sorted(MODES)}")
        self._mode = value

    @property
    def kid(self) -> str:
        """The key id of the current signing key."""
        return str(self._key.kid)

    def rotate_key(self) -> None:
        """Sign from now on with a new key under a new kid; the JWKS lists both keys."""
        with self._lock:
            self._key = _new_rsa_key(secrets.token_hex(8))
            self._published = [self._key, *self._published]

    def __enter__(self) -> LoopbackIssuer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True,
            name="loopback-oidc-issuer",
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("loopback OIDC issuer did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()

    # ------------------------------------------------------------------ tokens

    def _id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": f"subject-{grant['user']}",
            "aud": self.client_id,
            "exp": now + 300,
            "iat": now,
            "auth_time": now,
            "nonce": grant["nonce"],
        }
        if grant["user"] is not None:
            claims["preferred_username"] = grant["user"]
        header: dict[str, Any] = {"alg": "RS256", "kid": self.kid}
        key = self._key
        mode, overrides = self.mode, self.claim_overrides
        self.mode, self.claim_overrides = "ok", {}

        if mode == "expired":
            claims |= {"iat": now - 7200, "exp": now - 3600}
        elif mode == "wrong_audience":
            claims["aud"] = "some-other-client"
        elif mode == "wrong_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        elif mode == "wrong_issuer":
            claims["iss"] = "http://impostor.invalid"
        elif mode == "wrong_signature":
            key = _new_rsa_key(self.kid)  # same kid, key the JWKS does not hold
        elif mode == "unknown_key":
            key = _new_rsa_key("never-published")
            header["kid"] = "never-published"
        elif mode == "alg_rs512":
            header["alg"] = "RS512"
            unpinned = {k: v for k, v in key.as_dict(private=True).items() if k != "alg"}
            key = RSAKey.import_key(unpinned)

        for name, value in overrides.items():
            if value is REMOVE:
                claims.pop(name, None)
            else:
                claims[name] = value

        if mode == "alg_none":
            return _unsigned_compact({"alg": "none", "kid": self.kid}, claims) + "."
        if mode == "alg_hs256":
            public_pem = key.as_pem(private=False)
            signing_input = _unsigned_compact({"alg": "HS256", "kid": self.kid}, claims)
            mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
            return signing_input + "." + _b64(mac)
        return jwt.encode(header, claims, key, algorithms=[header["alg"]])

    # ------------------------------------------------------------------ HTTP

    def _client_auth(self, request: Request, form: dict[str, str]) -> str | None:
        """Which method the client authenticated with, or None if its credentials are bad."""
        authorization = request.headers.get("authorization", "")
        if authorization.startswith("Basic ") and "client_secret_basic" in self.token_auth_methods:
            try:
                decoded = base64.b64decode(authorization[6:], validate=True).decode()
            except ValueError:
                return None
            client_id, _, secret = decoded.partition(":")
            if (unquote_plus(client_id), unquote_plus(secret)) == (
                self.client_id, self.client_secret
            ):
                return "client_secret_basic"
            return None
        posted = (form.get("client_id"), form.get("client_secret"))
        if "client_secret_post" in self.token_auth_methods and posted == (
            self.client_id, self.client_secret
        ):
            return "client_secret_post"
        return None

    def _build_app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

        @app.get("/.well-known/openid-configuration")
        async def discovery() -> dict[str, Any]:
            self.discovery_requests += 1
            return {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": list(self.signing_algs),
                "scopes_supported": ["openid", "profile"],
                "grant_types_supported": ["authorization_code"],
                "token_endpoint_auth_methods_supported": list(self.token_auth_methods),
                "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce",
                                     "preferred_username"],
            }

        @app.get("/jwks")
        async def jwks() -> dict[str, Any]:
            self.jwks_requests += 1
            with self._lock:
                keys = [key.as_dict(private=False) for key in self._published]
            return {"keys": keys}

        @app.get("/authorize")
        async def authorize(request: Request) -> Response:
            params = dict(request.query_params)
            self.last_authorize_params = params
            redirect_uri = params.get("redirect_uri", "")
            if (
                params.get("client_id") != self.client_id
                or params.get("response_type") != "code"
                or "openid" not in params.get("scope", "").split()
                or not redirect_uri
            ):
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = {
                    "nonce": params.get("nonce"),
                    "user": self.next_user,
                    "redirect_uri": redirect_uri,
                }
            parts = urlsplit(redirect_uri)
            query = [*parse_qsl(parts.query), ("code", code)]
            if "state" in params:
                query.append(("state", params["state"]))
            location = urlunsplit(parts._replace(query=urlencode(query)))
            return RedirectResponse(location, status_code=302)

        @app.post("/token")
        async def token(request: Request) -> Response:
            form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
            auth = self._client_auth(request, form)
            if auth is None:
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            self.last_client_auth = auth
            if form.get("grant_type") != "authorization_code":
                return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
            with self._lock:
                grant = self._codes.pop(form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            body: dict[str, Any] = {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
            }
            if self.mode == "no_id_token":
                self.mode = "ok"
            else:
                body["id_token"] = self._id_token(grant)
            return JSONResponse(body, headers={"Cache-Control": "no-store"})

        return app

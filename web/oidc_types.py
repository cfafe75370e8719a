"""What OpenID Connect sign-in is configured with and what it answers (`web.oidc` uses them)."""

from __future__ import annotations

from dataclasses import dataclass

#: Asymmetric signature algorithms we are prepared to verify with a key from the JWKS. `none`
#: and the HMAC family (HS*) are never accepted: they would let anyone holding the public key
#: (or nobody at all) mint a token.
ASYMMETRIC_ALGS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)

#: Reason codes for claim failures reported by joserfc's claims registry, by claim name.
CLAIM_REASONS = {
    "iss": "wrong_issuer",
    "aud": "wrong_audience",
    "iat": "issued_in_future",
    "nbf": "not_yet_valid",
    "exp": "expired",
}


@dataclass(frozen=True)
class OidcConfig:
    """Our registration with one OpenID provider."""

    issuer: str  # e.g. "http://127.0.0.1:54321"; discovery at issuer + "/.well-known/..."
    client_id: str
    client_secret: str
    redirect_uri: str  # our callback URL, exactly as registered with the provider
    staff_id_claim: str = "preferred_username"  # the ID-token claim naming our staff id
    leeway_seconds: int = 30  # clock skew allowed on exp / iat / nbf

    def __repr__(self) -> str:  # never print the client secret
        return (
            f"OidcConfig(issuer={self.issuer!r}, client_id={self.client_id!r}, "
            f"redirect_uri={self.redirect_uri!r}, staff_id_claim={self.staff_id_claim!r}, "
            f"leeway_seconds={self.leeway_seconds!r})"
        )


@dataclass(frozen=True)
class OidcIdentity:
    """Who a validated ID token names: the provider's own (issuer, subject), stable for the
    person, and the staff id claim, which a provider may let people change."""

    issuer: str
    subject: str
    staff_id: str


class OidcError(Exception):
    """Sign-in failed. `reason` is a short code safe to log (never token contents or personal
    data).

    Reasons: ``provider_unreachable``, ``discovery_failed``, ``jwks_failed``,
    ``token_endpoint_error``, ``no_id_token``, ``missing_code``, ``missing_nonce``,
    ``malformed_token``, ``bad_algorithm``, ``unknown_key``, ``bad_signature``,
    ``wrong_issuer``, ``wrong_audience``, ``wrong_authorized_party``, ``expired``,
    ``issued_in_future``, ``not_yet_valid``, ``missing_claim``, ``invalid_claim``,
    ``wrong_nonce``, ``no_staff_id``.
    """

    reason: str

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

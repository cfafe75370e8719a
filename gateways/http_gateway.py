"""The signed HTTP gateway: POSTs each referral to its partner as a Standard Webhooks `v1a`
envelope (Ed25519) and turns the partner's answer into a receipt or a typed failure.

The envelope's `webhook-id` is the idempotency key, the same on every retry, so a partner that
deduplicates on it (as Standard Webhooks requires) records a referral once however many times
the activity retries: after a timeout we cannot know whether the partner got the message, so
we send it again and let the partner say "duplicate".

Failures come in two kinds, so the caller can choose between retrying and giving up:

- `PartnerUnavailable`: try again later (network error, timeout, 408, 429, 5xx), with the
  partner's `Retry-After` when it gave one;
- `DeliveryRefused`: the partner said no for good (410 and every other 4xx, or a redirect,
  which a signed POST never follows); retrying sends the same bytes and gets the same answer.

Message bodies are never logged, and neither exception carries anything from the message: only
the partner's id, the HTTP status and a short reason code.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import math
import re
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aggregates.canonical import sha256_hex
from gateways.base import Receipt
from gateways.registry import PartnerRegistry
from gateways.signing import sign_message

log = logging.getLogger(__name__)

# Receipts derived from the idempotency key are stable across retries and processes.
_DELIVERY_NAMESPACE = uuid.UUID("3f0c9a52-6d1e-4b7a-9c2f-8e5d4a1b0c7e")
# What we accept from a partner as its delivery id or reason code: short, and nothing a log
# line or an event could be abused with.
_PARTNER_TOKEN = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")
_RETRYABLE_4XX = frozenset({408, 429})
_USER_AGENT = "da-referrals-signed-gateway/1"
MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60


class DeliveryRefused(Exception):
    """The partner refused the delivery for good (HTTP 410, or a 4xx other than 408/429).

    `status` is the HTTP status (None if we refused to send at all, e.g. an insecure
    endpoint); `reason` is a short code (the partner's `error` code when it sent a safe one),
    never message content."""

    def __init__(self, partner: str, status: int | None, reason: str) -> None:
        super().__init__(f"{partner} refused the delivery: HTTP {status} {reason}"
                         if status is not None else f"{partner}: delivery refused: {reason}")
        self.partner = partner
        self.status = status
        self.reason = reason


class PartnerUnavailable(Exception):
    """The partner could not take the delivery now (network error, timeout, 408, 429, 5xx).

    `status` is the HTTP status, or None when no response came; `retry_after_seconds` is the
    partner's `Retry-After`, or None."""

    def __init__(self, partner: str, status: int | None, reason: str,
                 retry_after_seconds: float | None = None) -> None:
        what = f"HTTP {status}" if status is not None else reason
        super().__init__(f"{partner} is unavailable: {what}"
                         + (f" (retry after {retry_after_seconds:g} s)"
                            if retry_after_seconds is not None else ""))
        self.partner = partner
        self.status = status
        self.reason = reason
        self.retry_after_seconds = retry_after_seconds


def delivery_id_for(idempotency_key: str) -> str:
    """The delivery id we use when the partner does not return one of its own."""
    return str(uuid.uuid5(_DELIVERY_NAMESPACE, idempotency_key))


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """`Retry-After` as seconds from `now`: delta-seconds or an HTTP-date; None if absent or
    unreadable, never negative."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _safe_token(value: Any) -> str | None:
    return value if isinstance(value, str) and _PARTNER_TOKEN.fullmatch(value) else None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class SignedHttpGateway:
    """Delivers messages to partners as signed HTTP POSTs (see the module docstring)."""

    via = "signed-http"

    def __init__(self, registry: PartnerRegistry, signing_keys: Sequence[Ed25519PrivateKey], *,
                 timeout_seconds: float = 10.0, http: httpx.Client | None = None,
                 clock: Callable[[], int] = lambda: int(time.time())) -> None:
        if not signing_keys:
            raise ValueError("at least one signing key is needed")
        self._registry = registry
        self._keys = tuple(signing_keys)
        self._timeout = httpx.Timeout(timeout_seconds)
        self._clock = clock
        self._owns_http = http is None
        # Redirects are never followed: a signed referral goes to the registered endpoint or
        # nowhere. httpx.Client is safe to share between the activity threads.
        self._http = http if http is not None else httpx.Client(
            timeout=self._timeout, follow_redirects=False,
            headers={"user-agent": _USER_AGENT})

    def close(self) -> None:
        """Close the HTTP client, if this gateway created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> SignedHttpGateway:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def profile(self, partner: str) -> frozenset[str]:
        """The data categories `partner` may receive at all (its registry profile)."""
        return self._registry.get(partner).profile

    def deliver(self, *, partner: str, message: dict[str, Any],
                idempotency_key: str) -> Receipt:
        """Sign `message` (id = `idempotency_key`, the same on every retry) and POST it to the
        partner's endpoint; a receipt on 2xx, else `PartnerUnavailable` or `DeliveryRefused`."""
        entry = self._registry.get(partner)
        endpoint = urlsplit(entry.endpoint)
        if endpoint.scheme != "https" and not (
            endpoint.scheme == "http" and _is_loopback(endpoint.hostname or "")
        ):
            # Personal data never crosses a network in clear text; plain http is for loopback.
            raise DeliveryRefused(partner, None, "insecure_endpoint")

        signed = sign_message(message, keys=self._keys, message_id=idempotency_key,
                              timestamp=self._clock())
        # The digest of the exact bytes sent: the partner's digest of what it received.
        digest = sha256_hex(signed.body)
        try:
            response = self._http.post(entry.endpoint, content=signed.body,
                                       headers=signed.headers, timeout=self._timeout)
        except httpx.TimeoutException:
            log.warning("delivery to %s timed out (message %s)", partner, signed.message_id)
            raise PartnerUnavailable(partner, None, "timeout") from None
        except httpx.TransportError as exc:
            log.warning("delivery to %s failed: %s (message %s)", partner,
                        type(exc).__name__, signed.message_id)
            raise PartnerUnavailable(partner, None, "network_error") from None

        status = response.status_code
        answer = _json_object(response) if status < 300 or status >= 400 else {}
        if 200 <= status < 300:
            delivery_id = _safe_token(answer.get("delivery_id")) or delivery_id_for(
                idempotency_key)
            log.info("delivered message %s to %s: HTTP %s %s digest %s", signed.message_id,
                     partner, status, _safe_token(answer.get("status")) or "", digest)
            held = _safe_token(answer.get("digest"))
            if held is not None and held != digest:
                # A duplicate of an earlier try whose message differed (the case changed in
                # between): the partner keeps the first version, the receipt names this one.
                log.warning("partner %s holds a different version of message %s "
                            "(digest %s, ours %s)", partner, signed.message_id, held, digest)
            return Receipt(delivery_id=delivery_id, digest=digest, via=self.via)

        reason = _safe_token(answer.get("error")) or _safe_token(answer.get("reason"))
        if status in _RETRYABLE_4XX or status >= 500:
            retry_after = parse_retry_after(response.headers.get("retry-after"),
                                            now=time.time())
            if retry_after is not None:
                # A partner cannot push our next try beyond a day (or past our give-up time).
                retry_after = (min(retry_after, MAX_RETRY_AFTER_SECONDS)
                               if math.isfinite(retry_after) else None)
            log.warning("partner %s unavailable for message %s: HTTP %s", partner,
                        signed.message_id, status)
            raise PartnerUnavailable(partner, status, reason or f"http_{status}", retry_after)
        if 300 <= status < 400:
            reason = "redirect_not_followed"
        log.error("partner %s refused message %s: HTTP %s %s", partner, signed.message_id,
                  status, reason or "")
        raise DeliveryRefused(partner, status, reason or f"http_{status}")

"""Talking to another Kent landlord about a reciprocal transfer: each message is signed and
POSTed to the landlord's registered endpoint, and its answer comes back in the response,
signed by the landlord and verified here against its registered keys before anything reaches
a case (gateways/transfer_messages.py has the shapes).

Failures are those of the referral gateway (gateways/http_gateway.py): `PartnerUnavailable`
(retry later: network, timeout, 408, 429, 5xx) and `DeliveryRefused` (4xx for good, a
redirect, an insecure endpoint); an answer whose signature does not verify, or that is not a
transfer answer to this message, is `DeliveryRefused` too (reason `answer_unverified` or the
shape rule): sending again would get the same answer. Nothing from a message or an answer is
logged or put in an exception: ids, statuses and reason codes only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateways.http_gateway import DeliveryRefused, PartnerUnavailable, _is_loopback
from gateways.registry import PartnerRegistry
from gateways.signing import VerificationError, sign_message, verify_message
from gateways.transfer_messages import AnswerUnusable, LandlordAnswer, parse_answer, reply_id

log = logging.getLogger(__name__)


class LandlordExchange(Protocol):
    def exchange(self, *, landlord: str, message: dict[str, Any],
                 message_id: str) -> LandlordAnswer:
        """Send `message` (id `message_id`, the same on every retry) and return the
        landlord's verified answer; raise `PartnerUnavailable` to be retried."""
        ...


class SignedLandlordExchange:
    """`LandlordExchange` over signed HTTP (see the module docstring)."""

    def __init__(self, registry: PartnerRegistry, signing_keys: Sequence[Ed25519PrivateKey],
                 *, timeout_seconds: float = 10.0,
                 clock: Callable[[], int] = lambda: int(time.time())) -> None:
        self._registry = registry
        self._keys = tuple(signing_keys)
        self._clock = clock
        self._http = httpx.Client(timeout=httpx.Timeout(timeout_seconds),
                                  follow_redirects=False,
                                  headers={"user-agent": "da-transfers-signed-gateway/1"})

    def close(self) -> None:
        self._http.close()

    def exchange(self, *, landlord: str, message: dict[str, Any],
                 message_id: str) -> LandlordAnswer:
        entry = self._registry.get(landlord)
        endpoint = urlsplit(entry.endpoint)
        if endpoint.scheme != "https" and not (
                endpoint.scheme == "http" and _is_loopback(endpoint.hostname or "")):
            raise DeliveryRefused(landlord, None, "insecure_endpoint")
        signed = sign_message(message, keys=self._keys, message_id=message_id,
                              timestamp=self._clock())
        try:
            response = self._http.post(entry.endpoint, content=signed.body,
                                       headers=signed.headers)
        except httpx.TimeoutException:
            log.warning("transfer message %s to %s timed out", message_id, landlord)
            raise PartnerUnavailable(landlord, None, "timeout") from None
        except httpx.TransportError as exc:
            log.warning("transfer message %s to %s failed: %s", message_id, landlord,
                        type(exc).__name__)
            raise PartnerUnavailable(landlord, None, "network_error") from None
        status = response.status_code
        if status in (408, 429) or status >= 500:
            log.warning("landlord %s unavailable for message %s: HTTP %s", landlord,
                        message_id, status)
            raise PartnerUnavailable(landlord, status, f"http_{status}")
        if not 200 <= status < 300:
            log.error("landlord %s refused message %s: HTTP %s", landlord, message_id, status)
            raise DeliveryRefused(landlord, status, f"http_{status}")
        return self._verified(landlord, response, message, message_id)

    def _verified(self, landlord: str, response: httpx.Response, message: dict[str, Any],
                  message_id: str) -> LandlordAnswer:
        if response.headers.get("webhook-id") != reply_id(message_id):
            raise DeliveryRefused(landlord, response.status_code, "answer_unverified")
        try:
            answer = verify_message(response.content, response.headers,
                                    public_keys=list(self._registry.get(landlord).public_keys),
                                    now=self._clock())
            return parse_answer(answer, transfer_id=str(message["transfer_id"]),
                                in_reply_to=message_id)
        except VerificationError as refused:
            log.error("landlord %s's answer to %s did not verify (%s)", landlord, message_id,
                      refused.reason)
            raise DeliveryRefused(landlord, response.status_code, "answer_unverified") from None
        except AnswerUnusable as unusable:
            log.error("landlord %s's answer to %s is unusable (%s)", landlord, message_id,
                      unusable)
            raise DeliveryRefused(landlord, response.status_code, str(unusable)) from None


class InMemoryLandlords:
    """Landlords kept in memory (the recorded stand-in's counterpart, for tests and
    development without servers): each answers as the stand-in landlord's desk does."""

    def __init__(self) -> None:
        from gateways.landlord_standin import LandlordDesk
        self._desk = LandlordDesk
        self.desks: dict[str, Any] = {}

    def exchange(self, *, landlord: str, message: dict[str, Any],
                 message_id: str) -> LandlordAnswer:
        desk = self.desks.setdefault(landlord, self._desk(landlord))
        if desk.down:
            raise PartnerUnavailable(landlord, 503, "down")
        answer: LandlordAnswer = desk.answer(message, message_id)
        return answer


def landlords_for(gateway: object) -> LandlordExchange:
    """The landlords' exchange that goes with a partner gateway: signed HTTP with the same
    registry and keys, or in memory beside the recorded stand-in."""
    registry = getattr(gateway, "_registry", None)
    keys = getattr(gateway, "_keys", None)
    if isinstance(registry, PartnerRegistry) and keys:
        return SignedLandlordExchange(registry, keys)
    return InMemoryLandlords()

"""How a partner sends its signed acknowledgements back to the council: as a real partner's
Standard Webhooks sender does.

- The same `webhook-id` on every attempt (the council deduplicates on it), re-signed each time
  with a fresh timestamp so that a late retry is not refused as stale.
- Retried on 408, 409, 425, 429 and 5xx answers and on network errors; never on any other
  answer (401: we are not trusted; 422: the council will never take it — sending it again
  cannot help).
- Waits as the council's `Retry-After` asks (seconds or an HTTP date), otherwise backs off
  0.5 s, 1 s, 2 s, 5 s, 10 s, then every 30 s; gives up after `retry_for_seconds` in all.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateways.signing import sign_message

log = logging.getLogger(__name__)

ACK_RETRY_FOR_SECONDS = 600.0
ACK_BACKOFF_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # after attempt 1, 2, ...; then the last
ACK_TIMEOUT_SECONDS = 30.0   # longer than the council keeps a request open (12 s)
# One TLS context for every acknowledgement: httpx would build one per client (about 50 ms of
# CPU loading the CA bundle), and the stand-in sends one per message.
_TLS = httpx.create_ssl_context()
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429})


def retryable(status: int) -> bool:
    """Whether a sender should try again after this HTTP status."""
    return status in RETRYABLE_STATUSES or 500 <= status < 600


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """The wait a `Retry-After` header asks for (delay-seconds or an HTTP date), or None if
    it is missing or malformed. Never negative."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class AckCounters:
    sent: int = 0       # acknowledgements the council took (2xx)
    failures: int = 0   # acknowledgements given up
    statuses: list[int] = field(default_factory=list)  # every answer, in order


class AckSender:
    """Sends one partner's acknowledgements, retrying each until taken or given up."""

    def __init__(self, partner: str, signing_key: Ed25519PrivateKey, *,
                 retry_for_seconds: float = ACK_RETRY_FOR_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.partner = partner
        self.signing_key = signing_key
        self.retry_for_seconds = retry_for_seconds
        self.counters = AckCounters()
        self._clock = clock

    async def send(self, url: str, acknowledged_id: str, digest: str) -> bool:
        """POST a signed acknowledgement of message `acknowledged_id` (whose body had SHA-256
        `digest`) to `url`; True once the council took it, False if given up."""
        ack: dict[str, Any] = {
            "type": "acknowledgement", "partner": self.partner, "message_id": acknowledged_id,
            "digest": digest, "received_at": datetime.now(UTC).isoformat()}
        ack_id = f"ack-{uuid.uuid4()}"   # the same id on every retry: the council dedupes
        give_up_at = self._clock() + self.retry_for_seconds
        async with httpx.AsyncClient(timeout=ACK_TIMEOUT_SECONDS, follow_redirects=False,
                                     verify=_TLS) as client:
            for attempt in itertools.count(1):
                wait = ACK_BACKOFF_SECONDS[min(attempt, len(ACK_BACKOFF_SECONDS)) - 1]
                signed = sign_message(ack, keys=[self.signing_key], message_id=ack_id,
                                      timestamp=int(time.time()))
                try:
                    response = await client.post(url, content=signed.body,
                                                 headers=signed.headers)
                except httpx.TransportError as exc:
                    log.warning("ack %s: attempt %d failed: %s", ack_id, attempt,
                                type(exc).__name__)
                else:
                    self.counters.statuses.append(response.status_code)
                    if 200 <= response.status_code < 300:
                        self.counters.sent += 1
                        return True
                    log.warning("ack %s: attempt %d: HTTP %d", ack_id, attempt,
                                response.status_code)
                    if not retryable(response.status_code):
                        break   # the council refused it for good
                    asked = retry_after_seconds(response.headers.get("retry-after"))
                    wait = asked if asked is not None else wait
                remaining = give_up_at - self._clock()
                if remaining <= 0:
                    break
                await asyncio.sleep(min(wait, remaining))
        self.counters.failures += 1
        log.error("gave up acknowledging %s to the council (ack %s)", acknowledged_id, ack_id)
        return False

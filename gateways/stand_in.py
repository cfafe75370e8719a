"""A recorded stand-in for partner delivery (tests, and development without partners; a
production configuration refuses it: `casework.settings`).

It keeps each message it is given (in memory, keyed by idempotency key) and answers with a
receipt shaped exactly as the signed HTTP gateway's, with the same digest (SHA-256 of the RFC
8785 form, `aggregates.canonical`), so the workflow and the activity cannot tell them apart.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from aggregates.canonical import digest_of
from gateways.base import Receipt
from gateways.default_partners import profile_of

_NAMESPACE = uuid.UUID("7c1b2d4e-9f3a-4b6c-8d2e-1a0f5e6d7c8b")


class RecordingGateway:
    """Records deliveries instead of sending them; deduplicates on the idempotency key."""

    via = "recorded-stand-in"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.delivered: dict[str, tuple[str, dict[str, Any]]] = {}

    def profile(self, partner: str) -> frozenset[str]:
        return profile_of(partner)

    def deliver(self, *, partner: str, message: dict[str, Any],
                idempotency_key: str) -> Receipt:
        with self._lock:
            self.delivered.setdefault(idempotency_key, (partner, message))
        return Receipt(delivery_id=str(uuid.uuid5(_NAMESPACE, idempotency_key)),
                       digest=digest_of(message), via=self.via)

    def messages_to(self, partner: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m for p, m in self.delivered.values() if p == partner]

"""The one interface every partner gateway offers the delivery activity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Receipt:
    """What the gateway can prove about a delivery: its id and a digest of what was sent."""

    delivery_id: str
    digest: str
    via: str


class PartnerGateway(Protocol):
    def profile(self, partner: str) -> frozenset[str]:
        """The data categories `partner` may receive at all (its registry profile)."""
        ...

    def deliver(self, *, partner: str, message: dict[str, Any],
                idempotency_key: str) -> Receipt:
        """Deliver `message` to `partner` once per `idempotency_key` (a retry with the same key
        must not deliver twice); raise to have the delivery retried."""
        ...

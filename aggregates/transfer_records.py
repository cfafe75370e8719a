"""The records of Kent reciprocal transfers (D 8.22, D 8.35): a transfer we asked another
landlord for, and a request another landlord sent us. Frozen; `to_dict()` is the JSON the API
shows (through the `transfer` view's redaction: the destination area and new address are
`transfer_destination`, aggregates/data_categories_transfer.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from aggregates.transfer_rules import ENDED, RiskFrom, SecurityOfTenure, TransferStatus


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _tenancy(value: str | None) -> SecurityOfTenure | None:
    return SecurityOfTenure(value) if value else None


@dataclass(frozen=True)
class ReciprocalTransfer:
    """One transfer of our tenant to another Kent landlord, and where it stands."""

    transfer_id: str
    requested_at: datetime
    requested_by: str                # staff id of the officer who asked for it
    dso_id: str | None               # the DSO named on it (reads the destination too)
    receiving_landlord: str          # a KentLandlord id
    destination_area: str            # transfer_destination
    risk_from: RiskFrom
    old_tenancy: SecurityOfTenure
    sharing_decision_id: str
    status: TransferStatus = TransferStatus.REQUESTED
    message_id: str | None = None    # the landlord's acknowledgement of our request
    offer_ref: str | None = None
    new_address: str | None = None   # transfer_destination
    offered_tenancy: SecurityOfTenure | None = None
    outcome_reason: str | None = None  # the landlord's refusal, or the victim's decline
    move_date: date | None = None
    old_tenancy_ended_on: date | None = None
    granted_on: date | None = None
    granted_tenancy: SecurityOfTenure | None = None

    @property
    def named_staff(self) -> frozenset[str]:
        """Who is named on the transfer: the officer who asked and the DSO named."""
        return frozenset(s for s in (self.requested_by, self.dso_id) if s)

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def to_dict(self) -> dict[str, Any]:
        return {
            "transfer_id": self.transfer_id, "requested_at": self.requested_at.isoformat(),
            "requested_by": self.requested_by, "dso_id": self.dso_id,
            "receiving_landlord": self.receiving_landlord,
            "destination_area": self.destination_area, "risk_from": self.risk_from.value,
            "old_tenancy": self.old_tenancy.value,
            "sharing_decision_id": self.sharing_decision_id, "status": self.status.value,
            "message_id": self.message_id, "offer_ref": self.offer_ref,
            "new_address": self.new_address,
            "offered_tenancy": self.offered_tenancy and self.offered_tenancy.value,
            "outcome_reason": self.outcome_reason, "move_date": _day(self.move_date),
            "old_tenancy_ended_on": _day(self.old_tenancy_ended_on),
            "granted_on": _day(self.granted_on),
            "granted_tenancy": self.granted_tenancy and self.granted_tenancy.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReciprocalTransfer:
        return cls(
            transfer_id=data["transfer_id"],
            requested_at=datetime.fromisoformat(data["requested_at"]),
            requested_by=data["requested_by"], dso_id=data["dso_id"],
            receiving_landlord=data["receiving_landlord"],
            destination_area=data["destination_area"], risk_from=RiskFrom(data["risk_from"]),
            old_tenancy=SecurityOfTenure(data["old_tenancy"]),
            sharing_decision_id=data["sharing_decision_id"],
            status=TransferStatus(data["status"]), message_id=data["message_id"],
            offer_ref=data["offer_ref"], new_address=data["new_address"],
            offered_tenancy=_tenancy(data["offered_tenancy"]),
            outcome_reason=data["outcome_reason"], move_date=_date(data["move_date"]),
            old_tenancy_ended_on=_date(data["old_tenancy_ended_on"]),
            granted_on=_date(data["granted_on"]),
            granted_tenancy=_tenancy(data["granted_tenancy"]))


class InboundStatus:
    """Where a request to us stands (plain strings: stored in the event, shown as is)."""

    RECEIVED = "received"
    OFFERED = "offered"
    REFUSED = "refused"


@dataclass(frozen=True)
class InboundTransfer:
    """A request from another Kent landlord to house their tenant here (we receive)."""

    request_id: str                  # the sending landlord's transfer id
    from_landlord: str               # a KentLandlord id
    message_id: str                  # their signed message's id
    received_at: datetime
    current_tenancy: SecurityOfTenure
    status: str = InboundStatus.RECEIVED
    offer_ref: str | None = None
    new_address: str | None = None   # transfer_destination (the home we offer)
    tenancy_type: SecurityOfTenure | None = None
    answer_reason: str | None = None
    answered_by: str | None = None   # staff id of the officer who answered

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id, "from_landlord": self.from_landlord,
            "message_id": self.message_id, "received_at": self.received_at.isoformat(),
            "current_tenancy": self.current_tenancy.value, "status": self.status,
            "offer_ref": self.offer_ref, "new_address": self.new_address,
            "tenancy_type": self.tenancy_type and self.tenancy_type.value,
            "answer_reason": self.answer_reason, "answered_by": self.answered_by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InboundTransfer:
        return cls(
            request_id=data["request_id"], from_landlord=data["from_landlord"],
            message_id=data["message_id"],
            received_at=datetime.fromisoformat(data["received_at"]),
            current_tenancy=SecurityOfTenure(data["current_tenancy"]),
            status=data["status"], offer_ref=data["offer_ref"],
            new_address=data["new_address"], tenancy_type=_tenancy(data["tenancy_type"]),
            answer_reason=data["answer_reason"], answered_by=data["answered_by"])


@dataclass(frozen=True)
class TransferState:
    """Every transfer asked for, by id in the order asked (one at a time is open), and the
    inbound request that opened the case, if one did."""

    transfers: dict[str, ReciprocalTransfer] = field(default_factory=dict)
    inbound: InboundTransfer | None = None

    @property
    def current(self) -> ReciprocalTransfer | None:
        """The latest transfer (ended or not), or None."""
        return next(reversed(self.transfers.values()), None)

    @property
    def open(self) -> ReciprocalTransfer | None:
        current = self.current
        return current if current is not None and not current.ended else None

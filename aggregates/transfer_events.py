"""The events of Kent reciprocal transfers (D 8.22, D 8.35): the steps of a transfer we ask
another landlord for (aggregates/reciprocal_transfer.py) and of a request another landlord
sends us (aggregates/inbound_transfer.py). Each applies in O(1) to `case.transfer`
(aggregates/transfer_records.py). Class names carry no personal data (stored in clear).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from aggregates.case_events import CaseEvent
from aggregates.recent_commands import remember_command
from aggregates.transfer_records import InboundStatus, InboundTransfer, ReciprocalTransfer
from aggregates.transfer_rules import RiskFrom, SecurityOfTenure, TransferStatus

if TYPE_CHECKING:
    from aggregates.case import Case


def _update(case: Case, transfer_id: str, **changes: Any) -> None:
    """Replace fields of a transfer (events are applied only after their command found it,
    so a missing transfer is a corrupt stream, not a rule)."""
    transfers = case.transfer.transfers
    if transfer_id not in transfers:
        raise LookupError("a transfer event without its transfer")
    transfers[transfer_id] = replace(transfers[transfer_id], **changes)


# ---- events -------------------------------------------------------------------------------

class ReciprocalTransferRequested(CaseEvent):
    transfer_id: str
    receiving_landlord: str
    destination_area: str
    risk_from: str
    old_tenancy: str
    sharing_decision_id: str
    dso_id: str | None

    def apply(self, case: Case) -> None:
        case.transfer.transfers[self.transfer_id] = ReciprocalTransfer(
            transfer_id=self.transfer_id, requested_at=self.at,
            requested_by=self.actor.staff_id, dso_id=self.dso_id,
            receiving_landlord=self.receiving_landlord, destination_area=self.destination_area,
            risk_from=RiskFrom(self.risk_from), old_tenancy=SecurityOfTenure(self.old_tenancy),
            sharing_decision_id=self.sharing_decision_id)
        remember_command(case.recent_commands, self.command_id)


class TransferRequestSent(CaseEvent):
    transfer_id: str
    message_id: str

    def apply(self, case: Case) -> None:
        _update(case, self.transfer_id, status=TransferStatus.SENT, message_id=self.message_id)
        remember_command(case.recent_commands, self.command_id)


class TransferOfferReceived(CaseEvent):
    transfer_id: str
    offer_ref: str
    new_address: str
    tenancy_type: str

    def apply(self, case: Case) -> None:
        _update(case, self.transfer_id, status=TransferStatus.OFFERED, offer_ref=self.offer_ref,
                new_address=self.new_address,
                offered_tenancy=SecurityOfTenure(self.tenancy_type))
        remember_command(case.recent_commands, self.command_id)


class TransferRefused(CaseEvent):
    """The receiving landlord refused; `refusal_reason` is theirs, in their words."""

    transfer_id: str
    refusal_reason: str

    def apply(self, case: Case) -> None:
        _update(case, self.transfer_id, status=TransferStatus.REFUSED,
                outcome_reason=self.refusal_reason)
        remember_command(case.recent_commands, self.command_id)


class TransferOfferAccepted(CaseEvent):
    transfer_id: str

    def apply(self, case: Case) -> None:
        _update(case, self.transfer_id, status=TransferStatus.ACCEPTED)
        remember_command(case.recent_commands, self.command_id)


class TransferOfferDeclined(CaseEvent):
    """The victim declined the offer; `reason` says why, in their words."""

    transfer_id: str

    def apply(self, case: Case) -> None:
        _update(case, self.transfer_id, status=TransferStatus.DECLINED,
                outcome_reason=self.reason)
        remember_command(case.recent_commands, self.command_id)


class TransferMoveDateAgreed(CaseEvent):
    transfer_id: str
    move_date: str  # ISO date

    def apply(self, case: Case) -> None:
        _update(case, self.transfer_id, status=TransferStatus.MOVE_DATE_AGREED,
                move_date=date.fromisoformat(self.move_date))
        remember_command(case.recent_commands, self.command_id)


class OldTenancyEnded(CaseEvent):
    transfer_id: str
    ended_on: str  # ISO date

    def apply(self, case: Case) -> None:
        _update(case, self.transfer_id, status=TransferStatus.OLD_TENANCY_ENDED,
                old_tenancy_ended_on=date.fromisoformat(self.ended_on))
        remember_command(case.recent_commands, self.command_id)


class NewTenancyGranted(CaseEvent):
    transfer_id: str
    granted_on: str  # ISO date
    security_of_tenure: str
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        _update(case, self.transfer_id, status=TransferStatus.COMPLETED,
                granted_on=date.fromisoformat(self.granted_on),
                granted_tenancy=SecurityOfTenure(self.security_of_tenure))
        remember_command(case.recent_commands, self.command_id)


class InboundTransferRequestReceived(CaseEvent):
    """Another Kent landlord's verified, signed request to house their tenant here; the
    message itself is kept as the evidence."""

    request_id: str
    from_landlord: str
    message_id: str
    current_tenancy: str
    signed_body: str
    signature: str

    def apply(self, case: Case) -> None:
        case.transfer = replace(case.transfer, inbound=InboundTransfer(
            request_id=self.request_id, from_landlord=self.from_landlord,
            message_id=self.message_id, received_at=self.at,
            current_tenancy=SecurityOfTenure(self.current_tenancy)))
        remember_command(case.recent_commands, self.command_id)


class InboundTransferAnswered(CaseEvent):
    """Our answer: a home offered (its reference, address and tenancy) or a refusal, whose
    reason is the event's `reason`. The workflow sends it back signed."""

    request_id: str
    offered: bool
    offer_ref: str | None
    new_address: str | None
    tenancy_type: str | None

    def apply(self, case: Case) -> None:
        inbound = case.transfer.inbound
        if inbound is None:
            raise LookupError("an answer without its inbound request")
        case.transfer = replace(case.transfer, inbound=replace(
            inbound, status=InboundStatus.OFFERED if self.offered else InboundStatus.REFUSED,
            offer_ref=self.offer_ref, new_address=self.new_address,
            tenancy_type=SecurityOfTenure(self.tenancy_type) if self.tenancy_type else None,
            answer_reason=self.reason, answered_by=self.actor.staff_id))
        remember_command(case.recent_commands, self.command_id)

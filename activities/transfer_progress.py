"""A case's transfers as the workflows follow them, read from the case's transfer slice
(aggregates/reciprocal_transfer.py): ids, the landlord's id and the status only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from temporal_contracts.transfer_payloads import TransferProgress

if TYPE_CHECKING:
    from aggregates.case import Case


def transfer_record(case: Case, transfer_id: str) -> dict[str, Any] | None:
    """The case's transfer `transfer_id` as its record's `to_dict()`, or None."""
    for record in transfers_of(case):
        if record.get("transfer_id") == transfer_id:
            return record
    return None


def transfers_of(case: Case) -> list[dict[str, Any]]:
    """Every transfer the case records, in the order asked (one open at a time)."""
    state = getattr(case, "transfer", None)
    transfers = getattr(state, "transfers", None) or {}
    return [t.to_dict() for t in transfers.values()]


def transfer_progress(case: Case) -> list[TransferProgress]:
    """The case's transfers as the case workflow tracks them (ids, landlord, status)."""
    return [TransferProgress(transfer_id=t["transfer_id"],
                             landlord=t["receiving_landlord"], status=t["status"])
            for t in transfers_of(case)]


def inbound_progress(case: Case) -> list[TransferProgress]:
    """The request another landlord sent us, if one opened the case."""
    state = getattr(case, "transfer", None)
    inbound = getattr(state, "inbound", None)
    if inbound is None:
        return []
    return [TransferProgress(transfer_id=inbound.request_id, landlord=inbound.from_landlord,
                             status=str(inbound.status))]

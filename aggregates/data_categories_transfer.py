"""Data categories of the Kent reciprocal transfer slice (D 8.22): the specs of its view and
events, added to `VIEWS` and `EVENTS` in aggregates/data_categories.py.

Where the victim moves (the destination area, the new address) is `TRANSFER_DESTINATION`: no
role reads it by role alone except auditors, who check what was done; the staff named on the
transfer (the officer who asked, the DSO named) read it on that case
(`transfer_readers` below, applied by `redact_view` / `redact_event`'s `named` argument).
Everything else here is a closed set or a reference: landlord ids, statuses, tenancy kinds,
dates. Free text written about a transfer (why it is asked for, the victim's reasons, the
landlord's refusal, our answer) routinely names places, so it is `TRANSFER_DESTINATION` too:
the event's `reason` is overridden for those events (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aggregates.landlords import LANDLORD_IDS
from aggregates.redaction import C, OneOf, Spec, ref
from aggregates.transfer_rules import RiskFrom, SecurityOfTenure, TransferStatus

if TYPE_CHECKING:
    from aggregates.transfer_records import TransferState

LANDLORD = OneOf(LANDLORD_IDS, C.CASE_REFERENCE)
TENANCY = OneOf(frozenset(SecurityOfTenure), C.CASE_FACTS)

RECIPROCAL_TRANSFER: Mapping[str, Spec] = {
    **ref("transfer_id", "requested_at", "requested_by", "dso_id", "sharing_decision_id",
          "message_id", "offer_ref", "move_date", "old_tenancy_ended_on", "granted_on"),
    "receiving_landlord": LANDLORD,
    "destination_area": C.TRANSFER_DESTINATION, "new_address": C.TRANSFER_DESTINATION,
    "risk_from": OneOf(frozenset(RiskFrom), C.CASE_FACTS),
    "old_tenancy": TENANCY, "offered_tenancy": TENANCY, "granted_tenancy": TENANCY,
    "status": OneOf(frozenset(TransferStatus), C.CASE_REFERENCE),
    "outcome_reason": C.TRANSFER_DESTINATION,
}
INBOUND_TRANSFER: Mapping[str, Spec] = {
    **ref("request_id", "message_id", "received_at", "status", "offer_ref", "answered_by"),
    "from_landlord": LANDLORD, "current_tenancy": TENANCY, "tenancy_type": TENANCY,
    "new_address": C.TRANSFER_DESTINATION, "answer_reason": C.TRANSFER_DESTINATION,
}
TRANSFER_VIEW: Mapping[str, Spec] = {
    "transfer": RECIPROCAL_TRANSFER, "inbound": INBOUND_TRANSFER,
    **ref("case_id", "council", "rule", "section", "landlords"),
}

# The `reason` of the events whose reason is free text about the move (see above).
PLACES = {"reason": C.TRANSFER_DESTINATION}

TRANSFER_EVENTS: Mapping[str, Mapping[str, Spec]] = {
    "ReciprocalTransferRequested": {
        **PLACES, **ref("transfer_id", "sharing_decision_id", "dso_id"),
        "receiving_landlord": LANDLORD,
        "destination_area": C.TRANSFER_DESTINATION,
        "risk_from": OneOf(frozenset(RiskFrom), C.CASE_FACTS), "old_tenancy": TENANCY},
    "TransferRequestSent": ref("transfer_id", "message_id"),
    "TransferOfferReceived": {**ref("transfer_id", "offer_ref"),
                              "new_address": C.TRANSFER_DESTINATION, "tenancy_type": TENANCY},
    "TransferRefused": {**ref("transfer_id"), "refusal_reason": C.TRANSFER_DESTINATION},
    "TransferOfferAccepted": {**PLACES, **ref("transfer_id")},
    "TransferOfferDeclined": {**PLACES, **ref("transfer_id")},
    "TransferMoveDateAgreed": ref("transfer_id", "move_date"),
    "OldTenancyEnded": ref("transfer_id", "ended_on"),
    "NewTenancyGranted": {**ref("transfer_id", "granted_on", "rule", "section"),
                          "security_of_tenure": TENANCY},
    "InboundTransferRequestReceived": {
        **ref("request_id", "message_id"), "from_landlord": LANDLORD,
        "current_tenancy": TENANCY, "signed_body": C.NARRATIVE, "signature": C.CASE_REFERENCE},
    "InboundTransferAnswered": {
        **PLACES, **ref("request_id", "offered", "offer_ref"),
        "new_address": C.TRANSFER_DESTINATION,
        "tenancy_type": TENANCY},
}


def transfer_readers(state: TransferState) -> frozenset[str]:
    """Staff ids that read the case's transfer destinations: those named on any of its
    transfers (the officer who asked, the DSO named) and whoever answered an inbound request
    (recorded as the inbound's answerer: the officer who offered the home)."""
    named: set[str] = set()
    for transfer in state.transfers.values():
        named |= transfer.named_staff
    if state.inbound is not None and state.inbound.answered_by:
        named.add(state.inbound.answered_by)
    return frozenset(named)

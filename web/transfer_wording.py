"""Kent reciprocal transfers in plain language (aggregates/reciprocal_transfer.py,
aggregates/inbound_transfer.py): the wordings `web/event_wording.py` adds to `WORDING`, on the
same terms (the event's data as the reader may read it; no free text). None quotes the
destination area or the new address: those stay on the "Safe move" page, for the staff named
on the transfer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aggregates.data_categories import WITHHELD
from aggregates.landlords import LANDLORD_NAMES, KentLandlord
from web.wording_basics import rule_phrase, words


def landlord_name(landlord: Any) -> str:
    """A Kent landlord's name ('Moat Homes'), or its code in words."""
    if landlord == WITHHELD:
        return "(withheld)"
    try:
        return LANDLORD_NAMES[KentLandlord(landlord)]
    except ValueError:
        return words(landlord)


def transfer_requested(data: Mapping[str, Any]) -> str:
    return (f"Reciprocal transfer to {landlord_name(data.get('receiving_landlord'))} "
            f"requested for a {words(data.get('old_tenancy'))} tenant at risk from "
            f"{words(data.get('risk_from'))}.")


def transfer_request_sent(data: Mapping[str, Any]) -> str:
    return "The receiving landlord acknowledged the transfer request."


def transfer_offer_received(data: Mapping[str, Any]) -> str:
    return (f"The receiving landlord offered a home on a {words(data.get('tenancy_type'))} "
            "tenancy.")


def transfer_refused(data: Mapping[str, Any]) -> str:
    return "The receiving landlord refused the transfer; the officer chooses the next step."


def transfer_offer_accepted(data: Mapping[str, Any]) -> str:
    return "The victim accepted the offer of a home."


def transfer_offer_declined(data: Mapping[str, Any]) -> str:
    return "The victim declined the offer of a home."


def transfer_move_date_agreed(data: Mapping[str, Any]) -> str:
    return f"Move date agreed: {data.get('move_date', '?')}."


def old_tenancy_ended(data: Mapping[str, Any]) -> str:
    return f"The old tenancy ended on {data.get('ended_on', '?')}."


def new_tenancy_granted(data: Mapping[str, Any]) -> str:
    return (f"New {words(data.get('security_of_tenure'))} tenancy granted on "
            f"{data.get('granted_on', '?')}{rule_phrase(data)}.")


def inbound_transfer_received(data: Mapping[str, Any]) -> str:
    return (f"Transfer request received from {landlord_name(data.get('from_landlord'))} "
            f"for their {words(data.get('current_tenancy'))} tenant.")


def inbound_transfer_answered(data: Mapping[str, Any]) -> str:
    offered = data.get("offered")
    if offered == WITHHELD:
        return "The transfer request was answered."
    if offered is True:
        return (f"We offered a home on a {words(data.get('tenancy_type'))} tenancy to the "
                "landlord who asked.")
    return "We refused the transfer request."


TRANSFER_WORDING: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    "ReciprocalTransferRequested": transfer_requested,
    "TransferRequestSent": transfer_request_sent,
    "TransferOfferReceived": transfer_offer_received,
    "TransferRefused": transfer_refused,
    "TransferOfferAccepted": transfer_offer_accepted,
    "TransferOfferDeclined": transfer_offer_declined,
    "TransferMoveDateAgreed": transfer_move_date_agreed,
    "OldTenancyEnded": old_tenancy_ended,
    "NewTenancyGranted": new_tenancy_granted,
    "InboundTransferRequestReceived": inbound_transfer_received,
    "InboundTransferAnswered": inbound_transfer_answered,
}

"""Where a victim moves on a reciprocal transfer is a data category of its own (issue 14;
D 8.22, D 12.4: share only what is necessary): the destination area and the new address are
read by the staff named on the transfer and by auditors, withheld from every other role, on
every view and event that holds them."""

from __future__ import annotations

from aggregates.data_categories import EVENTS, WITHHELD, readable_by, redact_event, redact_view
from aggregates.data_categories_transfer import transfer_readers
from aggregates.redaction import Category
from aggregates.report import Role
from tests.unit.builders import CASEWORKER, DSO_ACTOR
from tests.unit.test_reciprocal_transfer import AREA, NEW_ADDRESS, Transfer, case_of

REQUESTED = {"transfer_id": "t1", "receiving_landlord": "landlord_moat_homes",
             "destination_area": AREA, "risk_from": "domestic_abuse", "old_tenancy": "secure",
             "sharing_decision_id": "d1", "dso_id": None}


def test_case_staff_not_named_on_the_transfer_do_not_read_the_area() -> None:
    for role in (Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER):
        seen = redact_event("ReciprocalTransferRequested", REQUESTED, role)
        assert seen["destination_area"] == WITHHELD
        assert seen["receiving_landlord"] == "landlord_moat_homes"


def test_staff_named_on_the_transfer_and_auditors_read_it() -> None:
    named = redact_event("ReciprocalTransferRequested", REQUESTED, Role.CASEWORKER, named=True)
    assert named["destination_area"] == AREA
    assert redact_event("ReciprocalTransferRequested", REQUESTED,
                        Role.AUDITOR)["destination_area"] == AREA


def test_being_named_gives_nothing_to_a_role_that_reads_no_case() -> None:
    assert Category.TRANSFER_DESTINATION not in readable_by(Role.ADMINISTRATOR, named=True)
    assert Category.TRANSFER_DESTINATION not in readable_by(Role.SYSTEM, named=True)


def test_every_field_holding_a_destination_is_in_the_category() -> None:
    """The new address on the offer, the view's area and address, the home we offer."""
    for event, field in (("TransferOfferReceived", "new_address"),
                         ("InboundTransferAnswered", "new_address"),
                         ("ReciprocalTransferRequested", "destination_area")):
        assert EVENTS[event][field] is Category.TRANSFER_DESTINATION
    steps = Transfer(case_of())
    steps.share_with()
    steps.request(dso_id=DSO_ACTOR.staff_id, directory={DSO_ACTOR.staff_id: {
        "role": "dso", "council": "dover", "active": True, "teams": []}})
    steps.offered()
    view = {"transfer": steps.state.to_dict()}
    seen = redact_view("transfer", view, Role.DSO)
    assert seen["transfer"]["destination_area"] == WITHHELD
    assert seen["transfer"]["new_address"] == WITHHELD
    mine = redact_view("transfer", view, Role.DSO, named=True)
    assert (mine["transfer"]["destination_area"], mine["transfer"]["new_address"]) == (
        AREA, NEW_ADDRESS)
    assert transfer_readers(steps.case.transfer) == {CASEWORKER.staff_id, DSO_ACTOR.staff_id}


def test_free_text_about_the_move_is_read_only_by_the_staff_named_and_auditors() -> None:
    """Why a transfer is asked for, the victim's reasons and the landlord's refusal routinely
    name places: they are in the category too, so a manager not named reads none of them."""
    declined = {"transfer_id": "t1", "reason": f"Too far from her sister in {AREA}"}
    refused = {"transfer_id": "t1", "refusal_reason": f"No homes free in {AREA}",
               "reason": "The receiving landlord refused the transfer."}
    assert redact_event("TransferOfferDeclined", declined, Role.LINE_MANAGER)["reason"] == (
        WITHHELD)
    assert redact_event("TransferRefused", refused, Role.DSO)["refusal_reason"] == WITHHELD
    assert redact_event("TransferRefused", refused, Role.DSO)["reason"] == refused["reason"]
    assert redact_event("TransferOfferDeclined", declined, Role.CASEWORKER,
                        named=True)["reason"] == declined["reason"]
    assert redact_event("TransferRefused", refused, Role.AUDITOR)["refusal_reason"] == (
        refused["refusal_reason"])

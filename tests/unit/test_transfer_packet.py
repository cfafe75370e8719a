"""The transfer packet (D 8.22, D 8.35; D 12.5): what moves with the victim to the receiving
landlord is only what the latest recorded decision to share with *that* landlord for the
reciprocal transfer covers and the landlord's profile allows; the MARAC outcome and action
plan only where the decision covers them; nothing at all without such a decision."""

from __future__ import annotations

from datetime import timedelta

import pytest

from activities.transfer_packet import transfer_packet
from aggregates.commands import CommandContext, apply_command
from aggregates.referral_content import children_of
from aggregates.sharing import SharingRefused
from gateways.default_partners import profile_of
from tests.unit.builders import CASEWORKER
from tests.unit.test_reciprocal_transfer import AREA, HA, Transfer, case_of

MINIMUM = ["case_reference", "victim_identity", "transfer_destination"]


def shared(categories: list[str], landlord: str = HA) -> Transfer:
    steps = Transfer(case_of())
    apply_command(steps.case, "record_sharing_decision", {
        "partner": landlord, "purpose": "reciprocal_transfer", "shared": True,
        "categories": categories, "lawful_basis": "vital_interests",
        "justification": "Safe move under the agreement"},
        CommandContext(actor=CASEWORKER, at=steps.at + timedelta(minutes=1),
                       command_id="share"))
    return steps


def packet(steps: Transfer, landlord: str = HA) -> dict:
    return transfer_packet(steps.case, transfer_id=steps.transfer_id, landlord=landlord,
                           destination_area=AREA, profile=profile_of(landlord))


def test_the_packet_holds_only_what_the_decision_covers() -> None:
    sent = packet(shared(MINIMUM))
    assert set(sent) == {"decision_id", "lawful_basis", *MINIMUM}
    assert sent["transfer_destination"] == {"destination_area": AREA}
    assert "risk_assessment" not in sent  # no MARAC outcome without the decision covering it


def test_the_marac_outcome_and_action_plan_move_when_the_decision_covers_them() -> None:
    steps = shared([*MINIMUM, "risk_assessment", "children"])
    sent = packet(steps)
    assert set(sent["risk_assessment"]) == {"risk_level", "marac_heard_on", "action_plan"}
    assert sent["children"] == children_of(steps.case)


def test_no_packet_without_the_destination_covered() -> None:
    with pytest.raises(SharingRefused) as refused:
        packet(shared(["case_reference", "victim_identity"]))
    assert refused.value.rule == "sharing_decision_covers_every_category"
    assert refused.value.missing == ("transfer_destination",)


def test_a_decision_for_another_landlord_covers_nothing_here() -> None:
    with pytest.raises(SharingRefused) as refused:
        packet(shared(MINIMUM, landlord="landlord_medway_council"))
    assert refused.value.rule == "sharing_decision_covers_recipient_and_purpose"


def test_the_perpetrators_details_never_reach_a_landlord() -> None:
    sent = packet(shared([*MINIMUM, "perpetrator_details"]))
    assert "perpetrator_details" not in sent  # the landlord's profile does not allow them

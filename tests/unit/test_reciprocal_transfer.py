"""Kent reciprocal transfers on a case (D 8.22, D 8.35; DBC 4.1.2, DBC 4.2.1): a social tenant
at risk moves to another Kent landlord, in a safe area, keeping their tenancy rights; only
under a recorded decision to share with that landlord (D 12.5); a refusal ends in a recorded
outcome and a task, never a stuck transfer; Dover and Dartford cite their own sections."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aggregates.case import Case
from aggregates.case_versions import upcast_v4_v5
from aggregates.commands import CommandContext, apply_command
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Council, Tenure
from aggregates.tasks import TaskKind
from aggregates.transfer_records import TransferState
from aggregates.transfer_rules import SecurityOfTenure, TransferStatus
from tests.unit.builders import CASEWORKER, DSO_ACTOR, kinds, make_report, open_case

AREA = "Sevenoaks district"
NEW_ADDRESS = "Flat 2, 9 Safe Lane, Sevenoaks"
HA = "landlord_moat_homes"
COUNCIL = "landlord_medway_council"


class Transfer:
    """One case's transfer driven through the command registry, as the workflow applies
    commands: staff steps as the caseworker, the landlord's answers as the system."""

    def __init__(self, case: Case, transfer_id: str = "t" * 32) -> None:
        self.case = case
        self.transfer_id = transfer_id
        self.n = 0
        self.at = case.report.reported_at + timedelta(days=1)

    def __call__(self, name: str, actor: Actor = CASEWORKER, **args: Any) -> None:
        self.n += 1
        apply_command(self.case, name, {"transfer_id": self.transfer_id, **args},
                      CommandContext(actor=actor, at=self.at, command_id=f"c{self.n}"))

    def share_with(self, landlord: str = HA,
                   categories: tuple[str, ...] = ("case_reference", "victim_identity",
                                                  "transfer_destination")) -> None:
        self.n += 1
        apply_command(self.case, "record_sharing_decision", {
            "partner": landlord, "purpose": "reciprocal_transfer", "shared": True,
            "categories": list(categories),
            "lawful_basis": "vital_interests", "justification": "Safe move under the agreement",
        }, CommandContext(actor=CASEWORKER, at=self.at, command_id=f"c{self.n}"))

    def request(self, landlord: str = HA, **overrides: Any) -> None:
        self("request_reciprocal_transfer", **{
            "receiving_landlord": landlord, "destination_area": AREA,
            "reason": "Perpetrator knows the area; victim asks to move.", **overrides})

    def offered(self, tenancy_type: str = "assured") -> None:
        self("record_transfer_request_sent", Actor.system(), message_id="ack-1")
        self("record_transfer_offer", Actor.system(), offer_ref="OFF-1",
             new_address=NEW_ADDRESS, tenancy_type=tenancy_type)

    def to_old_tenancy_ended(self, landlord: str = HA, tenancy_type: str = "assured") -> None:
        self.share_with(landlord)
        self.request(landlord)
        self.offered(tenancy_type)
        self("record_victim_transfer_decision", accepted=True, reason="Victim wants to move.")
        self("agree_transfer_move_date", move_date=(self.at.date() + timedelta(days=14))
             .isoformat())
        self.at += timedelta(days=14)
        self("record_old_tenancy_ended", ended_on=self.at.date().isoformat())

    @property
    def state(self) -> Any:
        return self.case.transfer.transfers[self.transfer_id]


def case_of(council: Council = Council.DOVER,
            tenure: Tenure = Tenure.COUNCIL_GENERAL_NEEDS) -> Case:
    return open_case(make_report(council=council, tenure=tenure))


def events_of(case: Case) -> list[str]:
    return [type(e).__name__ for e in case.collect_events()]


@pytest.mark.parametrize("council", [Council.DOVER, Council.DARTFORD])
def test_a_transfer_runs_from_request_to_new_tenancy_keeping_tenancy_rights(
        council: Council) -> None:
    """D 8.22 / DBC 4.2.1: the whole route, each step an event; the new assured tenancy from a
    housing association keeps a secure tenant's lifetime rights (D 8.22; DBC 4.1.2)."""
    steps = Transfer(case_of(council))
    steps.to_old_tenancy_ended()
    steps("record_new_tenancy_granted", granted_on=steps.at.date().isoformat(),
          security_of_tenure="assured")
    assert steps.state.status is TransferStatus.COMPLETED
    assert events_of(steps.case)[-7:] == [
        "ReciprocalTransferRequested", "TransferRequestSent", "TransferOfferReceived",
        "TransferOfferAccepted", "TransferMoveDateAgreed", "OldTenancyEnded",
        "NewTenancyGranted"]
    assert steps.state.granted_tenancy is SecurityOfTenure.ASSURED
    assert steps.state.new_address == NEW_ADDRESS


def test_no_transfer_without_a_decision_to_share_with_that_landlord() -> None:
    """D 12.5: nothing goes to the receiving landlord without a recorded decision covering it
    and the purpose; a decision for another landlord does not count."""
    steps = Transfer(case_of())
    steps.share_with(COUNCIL)
    with pytest.raises(RuleViolation) as refused:
        steps.request(HA)
    assert refused.value.rule == "transfer_needs_sharing_decision"
    assert refused.value.field == "receiving_landlord"
    assert "record a decision to share" in refused.value.message
    assert steps.case.transfer.transfers == {}


def test_no_transfer_under_a_decision_that_leaves_out_who_moves() -> None:
    """D 12.5; DBC 12: the decision must cover what the landlord is sent (the case, who moves
    and where to); one covering less is refused at the request, naming what it leaves out,
    rather than the request failing when it is sent."""
    steps = Transfer(case_of())
    steps.share_with(HA, ("case_reference", "transfer_destination"))
    with pytest.raises(RuleViolation) as refused:
        steps.request(HA)
    assert refused.value.rule == "transfer_sharing_covers_what_it_needs"
    assert refused.value.section == "D 12.5; DBC 12"
    assert refused.value.field == "receiving_landlord"
    assert "victim_identity" in refused.value.message
    assert steps.case.transfer.transfers == {}


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 8.22, D 8.35"),
    (Council.DARTFORD, "DBC 4.2.1; configured default (D 8.22: DBC names the scheme only)"),
])
def test_only_a_social_tenant_can_move_under_the_agreement(council: Council,
                                                           section: str) -> None:
    """D 8.22 ("social tenants ... at risk"): a private renter is refused, naming the rule;
    Dartford's policy names the scheme only, so its rule is a configured default that says so."""
    steps = Transfer(case_of(council, Tenure.PRIVATE_RENTED))
    steps.share_with()
    with pytest.raises(RuleViolation) as refused:
        steps.request()
    assert (refused.value.rule, refused.value.section) == (
        "transfer_for_social_tenant_at_risk", section)
    assert refused.value.field == "tenure"


def test_a_housing_association_tenant_moves_with_an_assured_tenancy_by_default() -> None:
    """D 8.22: housing association tenants are social tenants; their usual tenancy is assured."""
    steps = Transfer(case_of(tenure=Tenure.HOUSING_ASSOCIATION))
    steps.share_with(COUNCIL)
    steps.request(COUNCIL)
    assert steps.state.old_tenancy is SecurityOfTenure.ASSURED


@pytest.mark.parametrize(("council", "own"), [
    (Council.DOVER, "landlord_dover_district_council"),
    (Council.DARTFORD, "landlord_dartford_borough_council"),
])
def test_the_receiving_landlord_is_another_provider(council: Council, own: str) -> None:
    """D 8.22 / DBC 4.2.1: a move to *another* housing provider; our own stock is not it."""
    steps = Transfer(case_of(council))
    steps.share_with(own)
    with pytest.raises(RuleViolation) as refused:
        steps.request(own)
    assert refused.value.rule == "transfer_to_another_kent_provider"
    assert refused.value.section == ("D 8.22" if council is Council.DOVER else "DBC 4.2.1")


def test_a_landlord_outside_the_agreement_is_refused_by_name() -> None:
    steps = Transfer(case_of())
    with pytest.raises(RuleViolation) as refused:
        steps.request("some private landlord")
    assert refused.value.rule == "landlord_is_kent_reciprocal_member"


def test_one_transfer_at_a_time() -> None:
    """A second request while one is under way is a 409, not a second transfer."""
    steps = Transfer(case_of())
    steps.share_with()
    steps.request()
    second = Transfer(steps.case, "u" * 32)
    second.n = steps.n
    with pytest.raises(ConflictError) as refused:
        second.request()
    assert refused.value.rule == "transfer_one_at_a_time"


def test_a_landlord_refusal_ends_the_transfer_and_opens_a_task_for_the_officer() -> None:
    """Issue 14: a refusal is a recorded outcome and a task ("Transfer refused: choose next
    step") for the officer who asked, due in 5 working days (configured default), whose title
    names neither the area nor the landlord; another transfer may then be asked for."""
    steps = Transfer(case_of())
    steps.share_with()
    steps.request()
    steps("record_transfer_request_sent", Actor.system(), message_id="ack-1")
    steps("record_transfer_refusal", Actor.system(), reason="No suitable stock in the area.")
    assert steps.state.status is TransferStatus.REFUSED
    assert steps.state.outcome_reason == "No suitable stock in the area."
    task = next(t for t in steps.case.open_tasks if t.kind is TaskKind.CHOOSE_TRANSFER_NEXT_STEP)
    assert task.title == "Transfer refused: choose next step"
    assert task.assignee == CASEWORKER.staff_id
    assert task.rule == "transfer_refused_choose_next_step"
    assert AREA not in task.title + task.rule + task.section
    again = Transfer(steps.case, "v" * 32)
    again.n = steps.n
    again.request()
    assert again.state.status is TransferStatus.REQUESTED


def test_the_victim_may_decline_an_offer_which_ends_the_transfer() -> None:
    """The move is the victim's choice (D 8.21: in their best interests): declining is
    recorded with their reason and ends the transfer."""
    steps = Transfer(case_of())
    steps.share_with()
    steps.request()
    steps.offered()
    steps("record_victim_transfer_decision", accepted=False, reason="Too far from school.")
    assert steps.state.status is TransferStatus.DECLINED
    assert steps.case.transfer.open is None


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 8.22, D 8.35"), (Council.DARTFORD, "DBC 4.1.2, DBC 4.2.1")])
def test_a_secure_tenant_is_not_moved_onto_a_flexible_tenancy(council: Council,
                                                              section: str) -> None:
    """D 8.22 "retaining their tenancy rights"; DBC 4.1.2 "grant new secure tenancies to
    social tenants leaving existing secure tenancies": a fixed term after a lifetime tenancy is
    refused, naming the rule and each council's section."""
    steps = Transfer(case_of(council))
    steps.to_old_tenancy_ended(COUNCIL, "flexible")
    with pytest.raises(RuleViolation) as refused:
        steps("record_new_tenancy_granted", granted_on=steps.at.date().isoformat(),
              security_of_tenure="flexible")
    assert (refused.value.rule, refused.value.section) == ("transfer_keeps_tenancy_rights",
                                                           section)
    assert "at least as secure" in refused.value.message
    steps("record_new_tenancy_granted", granted_on=steps.at.date().isoformat(),
          security_of_tenure="secure")
    assert steps.state.status is TransferStatus.COMPLETED


def test_a_landlord_grants_only_its_own_kinds_of_tenancy() -> None:
    """A housing association grants assured tenancies, never secure ones (Housing Act 1988)."""
    steps = Transfer(case_of())
    steps.to_old_tenancy_ended(HA)
    with pytest.raises(RuleViolation) as refused:
        steps("record_new_tenancy_granted", granted_on=steps.at.date().isoformat(),
              security_of_tenure="secure")
    assert refused.value.rule == "transfer_keeps_tenancy_rights"
    assert "does not grant secure" in refused.value.message


def test_a_flexible_tenant_keeps_at_least_a_fixed_term() -> None:
    """D 8.22: a flexible tenancy follows the policy: at least as secure (a fixed term)."""
    steps = Transfer(case_of())
    steps.share_with()
    steps.request(old_tenancy="flexible")
    steps.offered("fixed_term_assured_shorthold")
    steps("record_victim_transfer_decision", accepted=True, reason="Wants to move.")
    steps("agree_transfer_move_date", move_date=steps.at.date().isoformat())
    steps("record_old_tenancy_ended", ended_on=steps.at.date().isoformat())
    with pytest.raises(RuleViolation):
        steps("record_new_tenancy_granted", granted_on=steps.at.date().isoformat(),
              security_of_tenure="starter")
    steps("record_new_tenancy_granted", granted_on=steps.at.date().isoformat(),
          security_of_tenure="fixed_term_assured_shorthold")
    assert steps.state.status is TransferStatus.COMPLETED


def test_steps_out_of_order_are_stale() -> None:
    """A move date before an accepted offer, or an answer to a finished transfer, is 409."""
    steps = Transfer(case_of())
    steps.share_with()
    steps.request()
    with pytest.raises(ConflictError) as refused:
        steps("agree_transfer_move_date", move_date=steps.at.date().isoformat())
    assert refused.value.rule == "transfer_step_in_order"
    with pytest.raises(RuleViolation) as unknown:
        Transfer(steps.case, "x" * 32)("record_transfer_request_sent", Actor.system(),
                                       message_id="m")
    assert unknown.value.rule == "transfer_exists"


def test_staff_cannot_type_in_the_landlords_answer() -> None:
    """The offer and refusal come only from the landlord's verified signed message (the
    system), never from a member of staff."""
    steps = Transfer(case_of())
    steps.share_with()
    steps.request()
    with pytest.raises(RuleViolation) as refused:
        steps("record_transfer_offer", CASEWORKER, offer_ref="O", new_address="x",
              tenancy_type="assured")
    assert refused.value.rule == "role_may_give_command"


def test_a_move_date_in_the_past_is_refused() -> None:
    steps = Transfer(case_of())
    steps.share_with()
    steps.request()
    steps.offered()
    steps("record_victim_transfer_decision", accepted=True, reason="Wants to move.")
    with pytest.raises(RuleViolation) as refused:
        steps("agree_transfer_move_date",
              move_date=(steps.at.date() - timedelta(days=1)).isoformat())
    assert (refused.value.rule, refused.value.field) == ("transfer_date_in_order", "move_date")


def test_the_destination_is_never_in_the_recorded_reasons() -> None:
    """The area and the new address are `transfer_destination`: the reasons (which auditors
    and timelines read) never repeat them."""
    steps = Transfer(case_of())
    steps.to_old_tenancy_ended()
    steps("record_new_tenancy_granted", granted_on=steps.at.date().isoformat(),
          security_of_tenure="assured")
    for event in steps.case.collect_events():
        reason = vars(event).get("reason", "")
        assert AREA not in reason and NEW_ADDRESS not in reason


DSO_ENTRY = {"role": "dso", "council": "dover", "active": True, "teams": []}


def test_the_staff_named_on_a_transfer_are_the_requester_and_its_dso() -> None:
    steps = Transfer(case_of())
    steps.share_with()
    steps.request(dso_id=DSO_ACTOR.staff_id, directory={DSO_ACTOR.staff_id: DSO_ENTRY})
    assert steps.state.named_staff == {CASEWORKER.staff_id, DSO_ACTOR.staff_id}


@pytest.mark.parametrize("entry", [
    None, {**DSO_ENTRY, "role": "caseworker"}, {**DSO_ENTRY, "council": "dartford"},
    {**DSO_ENTRY, "active": False}])
def test_the_dso_named_is_an_active_dso_of_the_council(entry: dict[str, Any] | None) -> None:
    """D 8.3: DSOs coordinate serious safeguarding cases; the one named reads where the victim
    moves, so it is a real DSO of this council, or the request is refused (nothing named)."""
    steps = Transfer(case_of())
    steps.share_with()
    with pytest.raises(RuleViolation) as refused:
        steps.request(dso_id=DSO_ACTOR.staff_id,
                      directory={DSO_ACTOR.staff_id: entry} if entry else {})
    assert (refused.value.rule, refused.value.field) == ("transfer_names_dso_of_council",
                                                         "dso_id")


def test_a_repeated_command_is_recognised() -> None:
    steps = Transfer(case_of())
    steps.share_with()
    steps.request()
    assert steps.case.has_applied(f"c{steps.n}")


def test_a_version_4_snapshot_gets_an_empty_transfer_slice() -> None:
    state: dict[str, Any] = {}
    upcast_v4_v5(state)
    assert state["transfer"] == TransferState()


def test_a_new_case_has_no_transfer() -> None:
    case = case_of()
    assert case.transfer == TransferState() and case.transfer.open is None
    assert TaskKind.CHOOSE_TRANSFER_NEXT_STEP not in kinds(case.open_tasks)

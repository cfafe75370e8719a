"""A transfer the other way (D 8.22: we support and facilitate moves between Kent providers;
DBC 4.2.1): another landlord's verified request is recorded on a case of our own and opens a
task to answer it; our answer offers a home keeping the tenant's rights (D 8.22; DBC 4.1.2)
or refuses with a reason, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aggregates.case import Case
from aggregates.commands import CommandContext, apply_command
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Council, Tenure
from aggregates.tasks import TaskKind
from aggregates.transfer_records import InboundStatus
from aggregates.transfer_rules import SecurityOfTenure
from tests.unit.builders import CASEWORKER, kinds, make_report, open_case

HOME = "3 Harbour View, Dover"


class Inbound:
    def __init__(self, council: Council = Council.DOVER) -> None:
        self.case: Case = open_case(make_report(council=council,
                                                tenure=Tenure.SOCIAL_TENANT_ELSEWHERE))
        self.n = 0
        self.at = self.case.report.reported_at + timedelta(hours=2)

    def __call__(self, name: str, actor: Actor = CASEWORKER, **args: Any) -> None:
        self.n += 1
        apply_command(self.case, name, args,
                      CommandContext(actor=actor, at=self.at, command_id=f"c{self.n}"))

    def received(self, landlord: str = "landlord_clarion_housing",
                 tenancy: str = "assured") -> None:
        self("record_inbound_transfer_request", Actor.system(), request_id="their-42",
             from_landlord=landlord, message_id="msg-1", current_tenancy=tenancy,
             signed_body="{}", signature="v1a,sig")


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 8.22 (we support and facilitate moves); configured default "
                    "(10 working days)"),
    (Council.DARTFORD, "DBC 4.2.1; configured default (10 working days)")])
def test_a_request_from_another_landlord_opens_a_task_to_answer_it(council: Council,
                                                                  section: str) -> None:
    inbound = Inbound(council)
    inbound.received()
    assert inbound.case.transfer.inbound is not None
    assert inbound.case.transfer.inbound.status == InboundStatus.RECEIVED
    task = next(t for t in inbound.case.open_tasks
                if t.kind is TaskKind.ANSWER_INBOUND_TRANSFER)
    assert (task.rule, task.section) == ("answer_inbound_transfer_request", section)
    assert task.assignee == inbound.case.team


def test_an_offer_of_a_secure_tenancy_to_an_assured_tenant_answers_and_closes_the_task() -> None:
    """D 8.22: a lifetime assured tenant keeps a lifetime tenancy: a council's secure one."""
    inbound = Inbound()
    inbound.received(tenancy="assured")
    inbound("answer_inbound_transfer", offered=True, offer_ref="DDC-7", new_address=HOME,
            tenancy_type="secure", reason="A two-bedroom flat is free.")
    answer = inbound.case.transfer.inbound
    assert answer is not None and answer.status == InboundStatus.OFFERED
    assert (answer.new_address, answer.tenancy_type) == (HOME, SecurityOfTenure.SECURE)
    assert TaskKind.ANSWER_INBOUND_TRANSFER not in kinds(inbound.case.open_tasks)


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 8.22, D 8.35"), (Council.DARTFORD, "DBC 4.1.2, DBC 4.2.1")])
def test_we_do_not_offer_a_lifetime_tenant_a_flexible_tenancy(council: Council,
                                                              section: str) -> None:
    inbound = Inbound(council)
    inbound.received(tenancy="secure")
    with pytest.raises(RuleViolation) as refused:
        inbound("answer_inbound_transfer", offered=True, offer_ref="R-1", new_address=HOME,
                tenancy_type="flexible", reason="Only flexible stock.")
    assert (refused.value.rule, refused.value.section) == ("transfer_keeps_tenancy_rights",
                                                           section)


def test_a_refusal_needs_a_reason_and_the_request_is_answered_once() -> None:
    inbound = Inbound()
    inbound.received()
    with pytest.raises(RuleViolation) as no_reason:
        inbound("answer_inbound_transfer", offered=False, reason=" ")
    assert no_reason.value.rule == "reason_is_recorded"
    inbound("answer_inbound_transfer", offered=False, reason="No suitable home in a safe area.")
    with pytest.raises(ConflictError) as again:
        inbound("answer_inbound_transfer", offered=False, reason="Again.")
    assert again.value.rule == "inbound_transfer_answered_once"


def test_an_offer_names_the_home_and_its_tenancy() -> None:
    inbound = Inbound()
    inbound.received()
    with pytest.raises(RuleViolation) as refused:
        inbound("answer_inbound_transfer", offered=True, offer_ref="R-1", reason="Free flat.")
    assert refused.value.field == "new_address"


def test_the_request_is_recorded_once_and_never_from_ourselves() -> None:
    inbound = Inbound()
    with pytest.raises(RuleViolation) as own:
        inbound.received(landlord="landlord_dover_district_council")
    assert own.value.rule == "transfer_to_another_kent_provider"
    inbound.received()
    with pytest.raises(ConflictError) as again:
        inbound.received()
    assert again.value.rule == "inbound_transfer_recorded_once"


def test_a_case_not_opened_by_a_request_has_nothing_to_answer() -> None:
    case = open_case()
    with pytest.raises(RuleViolation) as refused:
        apply_command(case, "answer_inbound_transfer", {"offered": False, "reason": "No."},
                      CommandContext(actor=CASEWORKER, at=case.report.reported_at, command_id="x"))
    assert refused.value.rule == "inbound_transfer_exists"


def test_a_social_tenant_elsewhere_cannot_be_sent_on_by_us() -> None:
    """D 8.22 is for *our* social tenants: someone whose request opened the case is not one."""
    inbound = Inbound()
    inbound.received()
    with pytest.raises(RuleViolation) as refused:
        inbound("record_sharing_decision", partner="landlord_moat_homes",
                purpose="reciprocal_transfer", shared=True, categories=["case_reference"],
                lawful_basis="vital_interests", justification="x")
        inbound("request_reciprocal_transfer", transfer_id="t1",
                receiving_landlord="landlord_moat_homes", destination_area="Area",
                reason="Move on.")
    assert refused.value.rule == "transfer_for_social_tenant_at_risk"

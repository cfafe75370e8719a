"""Emergency repairs (D 8.36-8.37): due 24 clock hours after the report, whatever the day;
the contractor gets the address, the job and "priority safety repair" under a recorded
decision to share, never the reason; its signed acknowledgement of the job confirms it; a
miss goes to a DSO and the repairs manager. Dartford's policy sets no time: its cases get the
24 hours as a configured default, cited as such."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from aggregates.case import Case
from aggregates.commands import CommandContext, apply_command
from aggregates.errors import ConflictError, RuleViolation
from aggregates.policies import DARTFORD_2026, DOVER_2025
from aggregates.referral_content import outbound_message
from aggregates.repair_rules import PRIORITY, RepairStatus, repair_due_at
from aggregates.report import Child, Council, Tenure
from aggregates.tasks import Task, TaskKind
from aggregates.triage import REPAIRS_MANAGER
from gateways.default_partners import profile_of
from tests.unit.builders import CASEWORKER, london, make_report, open_case


def reported(at: datetime, *, council: Council = Council.DOVER,
             tenure: Tenure = Tenure.COUNCIL_GENERAL_NEEDS, job: str = "unsecured_entry"
             ) -> Case:
    case = open_case(make_report(council=council, tenure=tenure,
                                 reported_at=at - timedelta(hours=2)))
    apply_command(case, "report_emergency_repair", {"job_type": job},
                  CommandContext(actor=CASEWORKER, at=at, command_id="repair-1"))
    return case


def repair_task(case: Case) -> Task:
    return next(t for t in case.open_tasks if t.kind is TaskKind.EMERGENCY_REPAIR)


def test_a_report_at_16_00_on_christmas_eve_is_due_at_16_00_on_christmas_day() -> None:
    """D 8.36: within 24 hours of the report, clock hours not working days. Thu 24 Dec 2026
    16:00; Fri 25 Dec is a bank holiday and it makes no difference."""
    case = reported(london(2026, 12, 24, 16))
    task = repair_task(case)
    assert task.due_at == london(2026, 12, 25, 16)
    assert (task.rule, task.section) == ("emergency_repair_within_24_hours", "D 8.36, D 8.37")
    job = next(iter(case.repairs.jobs.values()))
    assert job.due_at == task.due_at and job.status is RepairStatus.REQUESTED


def test_24_clock_hours_over_the_change_of_the_clocks_are_24_elapsed_hours() -> None:
    """Sat 24 Oct 2026 16:00 BST; the clocks go back at 02:00 on Sun 25 Oct: 24 hours later
    is 15:00 GMT, not 16:00 (which would be 25 hours)."""
    due = repair_due_at(london(2026, 10, 24, 16), DOVER_2025)
    # In UTC: Python subtracts two times of the same zone by their wall clocks.
    assert due.astimezone(UTC) - london(2026, 10, 24, 16).astimezone(UTC) == timedelta(hours=24)
    assert due.astimezone(UTC) == datetime(2026, 10, 25, 15, tzinfo=UTC)


def test_the_contractor_gets_the_address_the_job_and_priority_never_the_reason() -> None:
    """D 8.36; D 12.4 (only what is necessary). The decision to share is recorded first."""
    case = reported(london(2026, 6, 8, 10), job="change_door_locks")
    referral = next(r for r in case.referrals.values() if r.kind.value == "emergency_repair")
    decision = case.sharing_decisions[-1]
    assert (decision.partner, decision.purpose, decision.lawful_basis) == (
        "repairs_contractor", "repairs", "public_task")
    assert sorted(decision.categories) == ["case_reference", "victim_address"]
    message = outbound_message(case, referral.referral_id, profile_of("repairs_contractor"))
    assert message["victim_address"] == {"address": case.report.victim.address}
    assert message["case_reference"]["job"] == "Change the locks to the doors"
    assert message["case_reference"]["priority"] == PRIORITY == "priority safety repair"
    assert set(message) == {"decision_id", "lawful_basis", "case_reference", "victim_address"}
    text = json.dumps(message).lower()
    for never in ("abuse", "victim", "8.36", "rule", "section", case.report.victim.name.lower(),
                  case.report.victim.phone.lower(), "council", "safeguarding"):
        assert never not in text.replace('"victim_address"', ""), never


def test_the_contractors_acknowledgement_of_the_job_confirms_it_and_closes_its_task() -> None:
    case = reported(london(2026, 6, 8, 10))
    job = next(iter(case.repairs.jobs.values()))
    at = london(2026, 6, 8, 15)
    case.record_referral_delivered(referral_id=job.referral_id, delivery_id="d1", digest="abc",
                                   via="https", at=at)
    case.record_referral_acknowledged(referral_id=job.referral_id, ack_message_id="m1",
                                      digest="abc", signed_body="{}", signature="v1a,x", at=at)
    assert case.repairs.jobs[job.job_id].status is RepairStatus.CONFIRMED
    assert TaskKind.EMERGENCY_REPAIR not in {t.kind for t in case.open_tasks}
    with pytest.raises(ConflictError, match="referral_acknowledged_once"):
        case.record_referral_acknowledged(referral_id=job.referral_id, ack_message_id="m2",
                                          digest="abc", signed_body="{}", signature="v1a,x",
                                          at=at)


def test_an_acknowledgement_of_another_referral_confirms_no_repair() -> None:
    """A child's referral acknowledged is not a repair confirmed."""
    case = reported(london(2026, 6, 8, 10))
    case.add_child(child=Child(age=3), actor=CASEWORKER, at=london(2026, 6, 8, 11),
                   command_id="child")
    child = next(r for r in case.referrals.values() if r.kind.value == "children")
    at = london(2026, 6, 8, 12)
    case.record_referral_delivered(referral_id=child.referral_id, delivery_id="d", digest="x",
                                   via="https", at=at)
    case.record_referral_acknowledged(referral_id=child.referral_id, ack_message_id="m",
                                      digest="x", signed_body="{}", signature="s", at=at)
    assert next(iter(case.repairs.jobs.values())).status is RepairStatus.REQUESTED
    assert TaskKind.EMERGENCY_REPAIR in {t.kind for t in case.open_tasks}


def test_a_missed_repair_goes_to_a_dso_and_the_repairs_manager_at_hour_24() -> None:
    """D 8.36, D 8.3: not before the deadline; at it, the DSO escalation and a task for the
    repairs manager to make the home secure."""
    case = reported(london(2026, 12, 24, 16))
    task = repair_task(case)
    with pytest.raises(RuleViolation, match="escalate_only_after_deadline"):
        case.escalate_missed_deadline(task_id=task.task_id,
                                      at=london(2026, 12, 25, 15, 59))
    case.escalate_missed_deadline(task_id=task.task_id, at=london(2026, 12, 25, 16))
    assert task.task_id in case.escalated
    chase = next(t for t in case.open_tasks if t.kind is TaskKind.CHASE_EMERGENCY_REPAIR)
    assert chase.assignee == REPAIRS_MANAGER
    assert chase.rule == "missed_emergency_repair_to_dso_and_repairs_manager"
    assert chase.due_at == london(2026, 12, 25, 18)


def test_only_council_homes_get_the_councils_contractor() -> None:
    """D 8.36 is the landlord's duty; for other homes SAFER can improve security (D 8.37)."""
    with pytest.raises(RuleViolation, match=r"emergency_repair_for_council_home \(D 8.36"):
        reported(london(2026, 6, 8, 10), tenure=Tenure.PRIVATE_RENTED)


def test_dartford_gets_the_24_hours_as_a_configured_default_cited_as_such() -> None:
    """The 24-hour repair is Dover's (D 8.36). Dartford's policy sets no time; its Out of
    Hours Service arranges repairs, so its cases get the same 24 clock hours, and the task
    says the rule is a configured default, not a Dartford section."""
    case = reported(london(2026, 12, 24, 16), council=Council.DARTFORD)
    task = repair_task(case)
    assert task.due_at == london(2026, 12, 25, 16)
    assert task.section.startswith("configured default (D 8.36; DBC sets no time")
    assert DARTFORD_2026.emergency_repair_hours == DOVER_2025.emergency_repair_hours == 24


def test_an_unknown_job_is_refused_naming_the_field() -> None:
    with pytest.raises(RuleViolation) as refused:
        reported(london(2026, 6, 8, 10), job="paint_the_fence")
    assert (refused.value.rule, refused.value.field) == ("choice_is_known", "job_type")

"""Homelessness on a case (D 8.38, D 3.1, D 3.6; DBC 4.1.2, 5.1, 14.2, Appendix A): priority
need if eligible, the application routed to the council's homelessness team as a task, no
local connection test for a victim moving because of the abuse, and the loss of the last
settled home recorded for the prevention and relief duties."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aggregates.case import Case
from aggregates.case_versions import SHAPES, upcast_v4_v5
from aggregates.commands import CommandContext, apply_command
from aggregates.errors import ConflictError, RuleViolation
from aggregates.homelessness import HomelessnessState
from aggregates.report import Council, Tenure
from aggregates.tasks import Assignee, AssigneeKind, TaskKind
from aggregates.tenancy_records import TenancyState
from tests.unit.builders import CASEWORKER, make_report, open_case


def case_of(council: Council, tenure: Tenure = Tenure.COUNCIL_GENERAL_NEEDS) -> Case:
    return open_case(make_report(council=council, tenure=tenure))


class Steps:
    """Commands on one case through the registry, as the workflow applies them."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.n = 0
        self.at = case.report.reported_at + timedelta(days=1)

    def __call__(self, name: str, **args: Any) -> None:
        self.n += 1
        apply_command(self.case, name, args,
                      CommandContext(actor=CASEWORKER, at=self.at, command_id=f"h{self.n}"))

    def apply(self, **overrides: Any) -> None:
        self("record_homelessness_application", **{
            "status": "homeless", "eligible": True, "because_of_abuse": True,
            "moving_because_of_abuse": True, **overrides})


def homelessness_task(case: Case) -> Any:
    return next(t for t in case.open_tasks
                if t.kind is TaskKind.TAKE_HOMELESSNESS_APPLICATION)


def test_eligible_victim_homeless_because_of_abuse_is_in_priority_need_d_8_38() -> None:
    """D 8.38, D 3.1: homeless because of domestic abuse and eligible: priority need."""
    steps = Steps(case_of(Council.DOVER))
    steps.apply()
    application = steps.case.homelessness.application
    assert application is not None
    assert application.priority_need is True
    assert application.rule == "homeless_because_of_abuse_priority_need_if_eligible"
    assert application.section == "D 8.38, D 3.1"


def test_victim_not_eligible_for_assistance_has_no_priority_need_from_the_abuse() -> None:
    """D 8.38, DBC 4.1.2: priority need only 'if they are eligible for assistance'."""
    steps = Steps(case_of(Council.DARTFORD))
    steps.apply(eligible=False)
    application = steps.case.homelessness.application
    assert application is not None and application.priority_need is False
    assert application.section == "DBC 4.1.2"


def test_homeless_for_another_reason_leaves_priority_need_to_the_usual_assessment() -> None:
    steps = Steps(case_of(Council.DOVER))
    steps.apply(because_of_abuse=False)
    assert steps.case.homelessness.application.priority_need is None  # type: ignore[union-attr]


def test_dover_routes_the_application_to_housing_options_as_a_team_task_d_8_38() -> None:
    """D 8.38: 'Homelessness applications will be referred to Housing Options staff.'"""
    case = case_of(Council.DOVER)
    Steps(case).apply()
    task = homelessness_task(case)
    assert task.assignee == "Housing Options Team"
    assert (task.rule, task.section) == ("homelessness_applications_to_housing_options",
                                         "D 8.38")
    # A team the policy routes to, so the task is in that team's tray, not a person's.
    assert Assignee.of(task.assignee, case.policy.routed_teams).kind is AssigneeKind.TEAM
    assert task.due_at is not None and task.due_at > case.report.reported_at


def test_dartford_routes_the_application_to_housing_solutions_appendix_a() -> None:
    """DBC 5.1 and Appendix A: Housing Solutions & Private Sector Team, homelessness."""
    case = case_of(Council.DARTFORD)
    Steps(case).apply()
    task = homelessness_task(case)
    assert task.assignee == "Housing Solutions & Private Sector Team"
    assert task.section == "DBC 5.1, Appendix A"


def test_a_second_application_is_refused_409() -> None:
    steps = Steps(case_of(Council.DOVER))
    steps.apply()
    with pytest.raises(ConflictError) as refused:
        steps.apply()
    assert refused.value.rule == "homelessness_application_recorded_once"


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 3.6, D 8.38"),
    (Council.DARTFORD, "configured default (Allocation of Housing Regulations 2025, as D 3.6; "
                       "DBC silent)"),
])
def test_local_connection_refusal_is_refused_for_victim_moving_because_of_abuse(
        council: Council, section: str) -> None:
    """D 3.6: no local connection test for a victim moving for reasons connected to the
    abuse. Dartford's policy is silent; the same law applies, cited as a configured default."""
    steps = Steps(case_of(council))
    steps.apply(moving_because_of_abuse=True)
    version = steps.case.version
    with pytest.raises(RuleViolation) as refused:
        steps("record_local_connection", met=False)
    assert refused.value.rule == "no_local_connection_test_for_victim_moving_because_of_abuse"
    assert refused.value.section == section
    assert refused.value.field == "met"
    assert "moving because of the abuse" in refused.value.message
    assert steps.case.version == version  # nothing recorded
    assert steps.case.homelessness.application.local_connection_met is None  # type: ignore


def test_local_connection_result_is_recorded_when_not_moving_because_of_abuse() -> None:
    steps = Steps(case_of(Council.DOVER))
    steps.apply(moving_because_of_abuse=False)
    steps("record_local_connection", met=False)
    assert steps.case.homelessness.application.local_connection_met is False  # type: ignore


def test_local_connection_before_any_application_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        Steps(case_of(Council.DOVER))("record_local_connection", met=True)
    assert refused.value.rule == "homelessness_application_recorded_first"


@pytest.mark.parametrize(("council", "section"), [
    (Council.DARTFORD, "DBC 14.2"),
    (Council.DOVER, "configured default (DBC 14.2; D 8.38: the circumstances that led to "
                    "homelessness inform the assessment)"),
])
def test_abuse_as_reason_for_loss_of_settled_home_is_recorded_with_duties_dbc_14_2(
        council: Council, section: str) -> None:
    """DBC 14.2: the record of households owed the prevention and relief duties whose last
    settled home was lost because of domestic abuse."""
    steps = Steps(case_of(council))
    steps.apply()
    steps("record_loss_of_settled_home", abuse_was_reason=True,
          duties=["relief", "prevention", "relief"])
    application = steps.case.homelessness.application
    assert application is not None and application.abuse_lost_settled_home is True
    assert [d.value for d in application.duties] == ["prevention", "relief"]
    event = steps.case.collect_events()[-1]
    assert (event.rule, event.section) == (  # type: ignore[attr-defined]
        "record_abuse_as_reason_for_loss_of_settled_home", section)


def test_loss_of_settled_home_needs_the_duty_owed() -> None:
    steps = Steps(case_of(Council.DARTFORD))
    steps.apply()
    with pytest.raises(RuleViolation) as refused:
        steps("record_loss_of_settled_home", abuse_was_reason=True, duties=[])
    assert (refused.value.rule, refused.value.field) == ("duty_owed_is_named", "duties")


def test_unknown_homeless_status_names_the_field() -> None:
    with pytest.raises(RuleViolation) as refused:
        Steps(case_of(Council.DOVER)).apply(status="sofa")
    assert (refused.value.rule, refused.value.field) == ("choice_is_known", "status")


def test_upcast_v4_v5_gives_an_old_snapshot_the_housing_slices_initial_states() -> None:
    """A version 4 snapshot has no homelessness or tenancy state: a case replayed from its
    events would have their initial states, and so does the upcast snapshot."""
    state: dict[str, Any] = {name: object() for name in SHAPES[4]}
    upcast_v4_v5(state)
    assert state["homelessness"] == HomelessnessState()
    assert state["tenancy"] == TenancyState()
    assert set(state) == set(SHAPES[5])


def test_every_registered_policy_version_has_its_homelessness_and_tenancy_rules() -> None:
    """A new policy version is new data in both places; a missing entry is a refusal naming
    it, never a crash."""
    from dataclasses import replace

    from aggregates.errors import UnknownPolicy
    from aggregates.housing_policies import housing_policy
    from aggregates.policies import DOVER_2025, POLICIES

    for policy in POLICIES.values():
        assert housing_policy(policy).routes
    with pytest.raises(UnknownPolicy) as refused:
        housing_policy(replace(DOVER_2025, version="dover-2099"))
    assert refused.value.rule == "housing_policy_is_registered"

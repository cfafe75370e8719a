"""Tenancy options on a case (D 8.31-8.34, D 8.39-8.41, D 3.1; DBC 4.1.2, 7.4.1, 7.4.4, 7.5):
options advice, the routes that end or transfer a tenancy as tasks with their steps, the new
secure tenancy, the Complex Case Panel (Dartford only) and enforcement only after the victim's
wishes and specialists."""

from __future__ import annotations

import pytest

from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Council, Tenure
from aggregates.tasks import TaskKind
from tests.unit.test_homelessness import Steps, case_of


def route_tasks(steps: Steps) -> list[str]:
    return [t.task_id for t in steps.case.open_tasks if t.kind is TaskKind.TENANCY_ROUTE_STEP]


def with_tenancy(council: Council, holding: str = "joint", security: str = "secure",
                 perpetrator_is_tenant: bool = True) -> Steps:
    steps = Steps(case_of(council))
    steps("record_tenancy", holding=holding, security=security, victim_is_tenant=True,
          perpetrator_is_tenant=perpetrator_is_tenant)
    return steps


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 8.31"), (Council.DARTFORD, "DBC 7.4.4; configured default (D 8.31)")])
def test_options_advice_given_is_recorded_d_8_31(council: Council, section: str) -> None:
    """D 8.31: temporary accommodation or a refuge, staying with extra security, specialist
    support and legal advice."""
    steps = Steps(case_of(council))
    steps("record_options_advice", options=["legal_advice", "temporary_accommodation_or_refuge"])
    steps("record_options_advice", options=["stay_with_extra_security", "legal_advice"])
    assert steps.case.tenancy.advised == [
        "legal_advice", "temporary_accommodation_or_refuge", "stay_with_extra_security"]
    assert steps.case.collect_events()[-1].section == section  # type: ignore[attr-defined]


def test_options_advice_with_no_option_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        Steps(case_of(Council.DOVER))("record_options_advice", options=[])
    assert (refused.value.rule, refused.value.field) == ("housing_options_advice_given",
                                                         "options")


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 8.33, D 8.41"), (Council.DARTFORD, "DBC 7.4.4")])
def test_joint_notice_to_quit_is_a_task_per_step_and_ends_tenancy_for_both(
        council: Council, section: str) -> None:
    """D 8.33 / DBC 7.4.4: one joint tenant's notice ends the tenancy for both; D 8.41: the
    perpetrator must leave by the end date. Each step is a task, taken in order."""
    steps = with_tenancy(council)
    steps("start_tenancy_route", route="joint_notice_to_quit")
    route = steps.case.tenancy.route
    assert route is not None and route.section == section
    assert route.steps == ("independent_legal_advice_and_safe_home_advised",
                           "termination_notice_received", "tenancy_ended_for_both")
    first = route_tasks(steps)
    assert len(first) == 1
    with pytest.raises(ConflictError) as out_of_order:
        steps("complete_tenancy_step", step="tenancy_ended_for_both")
    assert out_of_order.value.rule == "tenancy_steps_in_order"
    for step in route.steps:
        steps("complete_tenancy_step", step=step)
    assert route_tasks(steps) == []
    assert steps.case.tenancy.route.outcome == "tenancy_ended_for_both_joint_tenants"  # type: ignore
    assert first[0] in steps.case.work.completed


def test_flexible_joint_tenancy_cannot_be_ended_by_one_tenants_notice_dbc_7_4_4() -> None:
    """DBC 7.4.4: 'This is not the case for flexible tenancies, which require both parties to
    agree to end the tenancy.' Dover's policy is silent: configured default citing DBC."""
    for council, section in [(Council.DARTFORD, "DBC 7.4.4"),
                             (Council.DOVER, "configured default (DBC 7.4.4; D 8.33 silent "
                                             "on flexible tenancies)")]:
        steps = with_tenancy(council, security="flexible")
        with pytest.raises(RuleViolation) as refused:
            steps("start_tenancy_route", route="joint_notice_to_quit")
        assert refused.value.rule == "flexible_tenancy_needs_both_parties"
        assert refused.value.section == section
        steps("start_tenancy_route", route="flexible_ended_by_both")
        assert steps.case.tenancy.route.steps[1] == "both_parties_agree"  # type: ignore


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 8.32, D 8.41"),
    (Council.DARTFORD, "configured default (D 8.32; DBC silent)")])
def test_court_transfer_into_victims_sole_name_d_8_32(council: Council, section: str) -> None:
    steps = with_tenancy(council)
    steps("start_tenancy_route", route="court_transfer_to_sole_name")
    for step in steps.case.tenancy.route.steps:  # type: ignore[union-attr]
        steps("complete_tenancy_step", step=step)
    assert steps.case.tenancy.outcomes == ["tenancy_in_victims_sole_name"]
    with pytest.raises(RuleViolation):
        with_tenancy(council, holding="sole", perpetrator_is_tenant=False)(
            "start_tenancy_route", route="court_transfer_to_sole_name")


def test_sole_tenant_leaving_makes_perpetrator_who_stays_unauthorised_occupant() -> None:
    """DBC 7.4.4: a sole secure tenant's notice expires with the perpetrator still there:
    they become an unauthorised occupant and possession can be sought."""
    steps = with_tenancy(Council.DARTFORD, holding="sole", perpetrator_is_tenant=False)
    steps("start_tenancy_route", route="sole_tenant_leaves")
    with pytest.raises(ConflictError):
        steps("start_tenancy_route", route="sole_tenant_leaves")  # one route at a time
    for step in steps.case.tenancy.route.steps:  # type: ignore[union-attr]
        steps("complete_tenancy_step", step=step)
    assert steps.case.tenancy.outcomes == ["perpetrator_is_unauthorised_occupant"]
    steps("record_victim_wishes", wishes="Wants the council to take the home back.")
    steps("record_specialist_consulted", specialist="idva_or_da_service", advice="Agreed.")
    steps("consider_enforcement", ground="unauthorised_occupant_possession")
    assert steps.case.tenancy.enforcement == ["unauthorised_occupant_possession"]


@pytest.mark.parametrize(("council", "section"), [
    (Council.DOVER, "D 3.1"), (Council.DARTFORD, "DBC 4.1.2")])
def test_tenant_leaving_secure_tenancy_because_of_abuse_gets_new_secure_tenancy(
        council: Council, section: str) -> None:
    """D 3.1 / DBC 4.1.2: new secure tenancies for social tenants leaving secure tenancies
    for reasons connected with domestic abuse."""
    steps = with_tenancy(council)
    with pytest.raises(RuleViolation) as refused:
        steps("grant_new_tenancy", security="flexible", left_because_of_abuse=True)
    assert refused.value.rule == "new_secure_tenancy_for_tenant_leaving_because_of_abuse"
    assert (refused.value.section, refused.value.field) == (section, "security")
    steps("grant_new_tenancy", security="secure", left_because_of_abuse=True)
    assert steps.case.tenancy.new_tenancy == "secure"


def test_tenant_leaving_a_flexible_tenancy_may_be_granted_a_flexible_one() -> None:
    steps = with_tenancy(Council.DOVER, security="flexible")
    steps("grant_new_tenancy", security="flexible", left_because_of_abuse=True)
    assert steps.case.tenancy.new_tenancy == "flexible"


def test_complex_case_panel_takes_dartford_council_tenant_with_two_issues_dbc_7_4_1() -> None:
    steps = Steps(case_of(Council.DARTFORD))
    with pytest.raises(RuleViolation) as one_issue:
        steps("refer_to_complex_case_panel", issues=["domestic_abuse"])
    assert one_issue.value.rule == "complex_case_panel_more_than_one_issue"
    steps("refer_to_complex_case_panel", issues=["domestic_abuse", "high_rent_arrears"])
    assert steps.case.tenancy.panel_issues == ["domestic_abuse", "high_rent_arrears"]


def test_complex_case_panel_is_for_council_tenants_only() -> None:
    steps = Steps(case_of(Council.DARTFORD, Tenure.PRIVATE_RENTED))
    with pytest.raises(RuleViolation) as refused:
        steps("refer_to_complex_case_panel", issues=["domestic_abuse", "mental_health"])
    assert refused.value.rule == "complex_case_panel_council_tenants_only"


def test_dover_has_no_complex_case_panel_and_refuses_naming_the_rule() -> None:
    """The Complex Case Panel is Dartford's (DBC 7.4.1); Dover's policy has none."""
    with pytest.raises(RuleViolation) as refused:
        Steps(case_of(Council.DOVER))("refer_to_complex_case_panel",
                                      issues=["domestic_abuse", "mental_health"])
    assert refused.value.rule == "no_complex_case_panel_in_dover_policy"
    assert refused.value.field == "council"
    assert "Dover's policy has none" in (refused.value.section or "")


@pytest.mark.parametrize(("council", "wishes_section", "specialist_section"), [
    (Council.DOVER, "D 8.40; configured default (DBC 7.5.1)", "D 8.39"),
    (Council.DARTFORD, "DBC 7.5.1", "configured default (D 8.39; DBC 7.5.1 silent on whom)"),
])
def test_enforcement_against_perpetrator_tenant_only_after_wishes_and_specialists(
        council: Council, wishes_section: str, specialist_section: str) -> None:
    """D 8.39-8.40, DBC 7.5.1: action can raise the victim's risk, so the victim's wishes are
    recorded and a specialist (Respect, social services) consulted before it is considered."""
    steps = with_tenancy(council)
    with pytest.raises(RuleViolation) as no_wishes:
        steps("consider_enforcement", ground="ground_2a")
    assert (no_wishes.value.rule, no_wishes.value.section) == (
        "enforcement_only_after_victims_wishes", wishes_section)
    steps("record_victim_wishes", wishes="Wants him gone but fears retaliation.")
    with pytest.raises(RuleViolation) as no_specialist:
        steps("consider_enforcement", ground="ground_2a")
    assert (no_specialist.value.rule, no_specialist.value.section) == (
        "enforcement_only_after_specialists_consulted", specialist_section)
    steps("record_specialist_consulted", specialist="respect", advice="Risk manageable.")
    steps("consider_enforcement", ground="ground_2a")
    assert steps.case.tenancy.enforcement == ["ground_2a"]


def test_enforcement_needs_a_perpetrator_who_is_a_tenant() -> None:
    steps = with_tenancy(Council.DOVER, holding="sole", perpetrator_is_tenant=False)
    steps("record_victim_wishes", wishes="Wants action.")
    steps("record_specialist_consulted", specialist="social_services")
    with pytest.raises(RuleViolation) as refused:
        steps("consider_enforcement", ground="ground_2a")
    assert refused.value.rule == "enforcement_against_perpetrator_tenant"


def test_a_new_tenancy_needs_the_tenancy_left_recorded_first() -> None:
    """Whether the new one must be secure depends on the tenancy left (D 3.1)."""
    with pytest.raises(RuleViolation) as refused:
        Steps(case_of(Council.DOVER))("grant_new_tenancy", security="flexible",
                                      left_because_of_abuse=True)
    assert (refused.value.rule, refused.value.field) == ("tenancy_recorded_first", "security")

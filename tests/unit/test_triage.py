"""Triage: the first decisions on a new report, in the policy's order (D 8.9–8.14, D 8.28)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aggregates.policies import DARTFORD_2026, DOVER_2025, policy_in_force
from aggregates.report import Channel, Council, ReporterKind, Tenure
from aggregates.tasks import TaskKind
from aggregates.triage import triage
from tests.unit.builders import (
    CASEWORKER,
    LINE_MANAGER,
    ORDINARY_MONDAY,
    kinds,
    london,
    make_report,
    task_of,
    triaged_case,
)


def spec_kinds(specs):
    return [s.kind for s in specs]


def spec_of(specs, kind):
    matching = [s for s in specs if s.kind is kind]
    assert len(matching) == 1, f"expected one {kind}, got {spec_kinds(specs)}"
    return matching[0]


# ---- 1. immediate risk (D 8.11, D 8.13) -----------------------------------------------------


def test_immediate_risk_opens_contact_police_task_first():
    """D 8.11, D 8.13: where there is immediate risk of harm the police are the first contact."""
    report = make_report(immediate_risk=True)
    specs = triage(report, DOVER_2025)
    assert specs[0].kind is TaskKind.CONTACT_POLICE_NOW
    assert specs[0].rule.name == "immediate_risk_contact_police_first"
    assert specs[0].rule.section == "D 8.11, D 8.13"


def test_immediate_risk_police_contact_is_due_within_the_hour():
    """D 8.11: the police task is due 60 minutes after the report, not in working days."""
    reported = london(2026, 6, 6, 23, 15)  # Saturday night: no office-hours slack
    specs = triage(make_report(immediate_risk=True, reported_at=reported), DOVER_2025)
    assert spec_of(specs, TaskKind.CONTACT_POLICE_NOW).due_at == reported + timedelta(hours=1)


def test_immediate_risk_reason_says_police_may_act_without_consent():
    """D 8.11: 'might have to act without the victim's consent' is recorded as the reason."""
    specs = triage(make_report(immediate_risk=True), DOVER_2025)
    assert "without consent" in spec_of(specs, TaskKind.CONTACT_POLICE_NOW).reason


def test_immediate_risk_third_party_report_contacts_police_before_establishing_awareness():
    """D 8.11–8.13 before D 8.12: immediate risk comes first even on a neighbour's report."""
    report = make_report(immediate_risk=True, reporter_kind=ReporterKind.NEIGHBOUR,
                         channel=Channel.THIRD_PARTY)
    assert spec_kinds(triage(report, DOVER_2025)) == [
        TaskKind.CONTACT_POLICE_NOW,
        TaskKind.ESTABLISH_POLICE_AWARENESS,
        TaskKind.TELL_LINE_MANAGER_AND_DSO,
        TaskKind.TELL_HOUSING_TEAM,
    ]


def test_no_immediate_risk_opens_no_police_now_task():
    assert TaskKind.CONTACT_POLICE_NOW not in spec_kinds(triage(make_report(), DOVER_2025))


# ---- 2. third-party report (D 8.12) ---------------------------------------------------------


def test_third_party_report_opens_establish_police_awareness_task():
    """D 8.12: a neighbour's report → establish whether the police know, by the next working
    day's close."""
    report = make_report(reporter_kind=ReporterKind.NEIGHBOUR, channel=Channel.THIRD_PARTY,
                         reported_at=london(2026, 6, 5, 11))  # Friday
    spec = spec_of(triage(report, DOVER_2025), TaskKind.ESTABLISH_POLICE_AWARENESS)
    assert spec.rule.name == "third_party_report_establish_police_awareness"
    assert spec.rule.section == "D 8.12"
    assert spec.due_at == london(2026, 6, 8, 17)


def test_third_party_report_opens_no_victim_contact_task():
    """D 8.12: 'we will not contact the victim / survivor directly'."""
    report = make_report(reporter_kind=ReporterKind.NEIGHBOUR, channel=Channel.THIRD_PARTY)
    specs = triage(report, DOVER_2025)
    assert TaskKind.CONTACT_VICTIM not in spec_kinds(specs)
    assert "not contacted directly" in spec_of(specs,
                                               TaskKind.ESTABLISH_POLICE_AWARENESS).reason


@pytest.mark.parametrize("kind", [k for k in ReporterKind if k is not ReporterKind.VICTIM])
def test_report_from_anyone_but_the_victim_opens_no_victim_contact_task(kind):
    """D 8.12: police, family, contractors and staff reports are all third-party reports."""
    report = make_report(reporter_kind=kind, channel=Channel.TELEPHONE)
    assert spec_kinds(triage(report, DOVER_2025)) == [
        TaskKind.ESTABLISH_POLICE_AWARENESS,
        TaskKind.TELL_LINE_MANAGER_AND_DSO,
        TaskKind.TELL_HOUSING_TEAM,
    ]


# ---- 3. the victim's own report, no immediate risk (D 8.14) --------------------------------


def test_victims_own_report_opens_contact_victim_due_in_2_working_days_at_1700_london():
    """D 8.14: contact within 2 working days (Friday 5 June 2026 → Tuesday 9 June, 17:00)."""
    report = make_report(reported_at=london(2026, 6, 5, 11))
    spec = spec_of(triage(report, DOVER_2025), TaskKind.CONTACT_VICTIM)
    assert spec.due_at == london(2026, 6, 9, 17)
    assert spec.rule.name == "contact_victim_within_2_working_days"
    assert "2 working days" in spec.reason


def test_victims_own_report_opens_tasks_in_policy_order():
    """D 8.14 then D 8.9 then D 8.28: contact the victim, tell LM and DSO, tell the team."""
    assert spec_kinds(triage(make_report(), DOVER_2025)) == [
        TaskKind.CONTACT_VICTIM,
        TaskKind.TELL_LINE_MANAGER_AND_DSO,
        TaskKind.TELL_HOUSING_TEAM,
    ]


def test_dover_victim_contact_rule_cites_d_8_14():
    spec = spec_of(triage(make_report(), DOVER_2025), TaskKind.CONTACT_VICTIM)
    assert spec.rule.section == "D 8.14"
    assert "configured default" not in spec.rule.section


def test_dartford_victim_contact_rule_cites_the_configured_default():
    """Dartford's policy is silent on a contact deadline: the rule says it is a default."""
    report = make_report(council=Council.DARTFORD)
    spec = spec_of(triage(report, DARTFORD_2026), TaskKind.CONTACT_VICTIM)
    assert "configured default" in spec.rule.section
    assert spec.rule.name == "contact_victim_within_2_working_days"


# ---- 4. every case: line manager and DSO, housing team (D 8.9, D 8.28) ---------------------


@pytest.mark.parametrize("immediate_risk,reporter_kind,channel", [
    (False, ReporterKind.VICTIM, Channel.TELEPHONE),
    (True, ReporterKind.VICTIM, Channel.IN_PERSON),
    (False, ReporterKind.NEIGHBOUR, Channel.THIRD_PARTY),
    (True, ReporterKind.POLICE, Channel.PARTNER_REFERRAL),
], ids=["victim", "victim-at-risk", "neighbour", "police-at-risk"])
@pytest.mark.parametrize("council", list(Council))
def test_every_case_tells_line_manager_and_dso_and_housing_team(
        council, immediate_risk, reporter_kind, channel):
    """D 8.9: every DA case is raised with the line manager and a DSO; D 8.28: the TST
    (in Dartford, the lead team) is told separately."""
    report = make_report(council=council, immediate_risk=immediate_risk,
                         reporter_kind=reporter_kind, channel=channel)
    specs = triage(report, policy_in_force(council, report.reported_at))
    assert spec_kinds(specs)[-2:] == [TaskKind.TELL_LINE_MANAGER_AND_DSO,
                                      TaskKind.TELL_HOUSING_TEAM]


def test_dover_line_manager_and_housing_team_rules_cite_d_8_9_and_d_8_28():
    specs = triage(make_report(), DOVER_2025)
    tell_lm = spec_of(specs, TaskKind.TELL_LINE_MANAGER_AND_DSO)
    tell_team = spec_of(specs, TaskKind.TELL_HOUSING_TEAM)
    assert (tell_lm.rule.name, tell_lm.rule.section) == ("tell_line_manager_and_dso", "D 8.9")
    assert (tell_team.rule.name, tell_team.rule.section) == (
        "tell_tenancy_support_team_separately", "D 8.28")
    assert "DSOs do not pass safeguarding reports on" in tell_team.reason


def test_line_manager_and_housing_team_are_due_by_close_of_the_report_day():
    specs = triage(make_report(reported_at=ORDINARY_MONDAY), DOVER_2025)
    assert spec_of(specs, TaskKind.TELL_LINE_MANAGER_AND_DSO).due_at == london(2026, 6, 8, 17)
    assert spec_of(specs, TaskKind.TELL_HOUSING_TEAM).due_at == london(2026, 6, 8, 17)


def test_triage_opens_no_safeguarding_report_before_the_line_manager_discussion():
    """D 8.28: the safeguarding report is made 'after staff have had a discussion with their
    line manager', so triage alone never opens it."""
    case = triaged_case()
    assert TaskKind.LOG_SAFEGUARDING_REPORT not in kinds(case.open_tasks)


def test_safeguarding_report_opens_only_after_line_manager_and_dso_task_is_completed():
    """D 8.28: completing tell_line_manager_and_dso opens log_safeguarding_report."""
    case = triaged_case()
    tell_lm = task_of(case.open_tasks, TaskKind.TELL_LINE_MANAGER_AND_DSO)
    opened = case.complete_task(task_id=tell_lm.task_id, outcome="done", note="Spoke to LM.",
                                actor=LINE_MANAGER, at=london(2026, 6, 8, 14),
                                command_id="cmd-1")
    assert kinds(opened) == [TaskKind.LOG_SAFEGUARDING_REPORT]
    assert opened[0].rule == "log_safeguarding_report"
    assert opened[0].section == "D 8.9, D 8.28"
    assert opened[0].due_at == london(2026, 6, 8, 17)
    assert TaskKind.LOG_SAFEGUARDING_REPORT in kinds(case.open_tasks)


def test_completing_the_housing_team_task_does_not_open_the_safeguarding_report():
    """D 8.28: only the line-manager discussion leads to the safeguarding report."""
    case = triaged_case()
    tell_team = task_of(case.open_tasks, TaskKind.TELL_HOUSING_TEAM)
    opened = case.complete_task(task_id=tell_team.task_id, outcome="done", note="",
                                actor=CASEWORKER, at=london(2026, 6, 8, 14),
                                command_id="cmd-1")
    assert opened == []
    assert TaskKind.LOG_SAFEGUARDING_REPORT not in kinds(case.open_tasks)


def test_dartford_safeguarding_report_goes_to_the_safeguarding_record_log():
    """DBC 10.1: Dartford keeps a Safeguarding Record Log of referrals."""
    case = triaged_case(make_report(council=Council.DARTFORD))
    tell_lm = task_of(case.open_tasks, TaskKind.TELL_LINE_MANAGER_AND_DSO)
    (opened,) = case.complete_task(task_id=tell_lm.task_id, outcome="done", note="",
                                   actor=LINE_MANAGER, at=london(2026, 6, 8, 14),
                                   command_id="cmd-1")
    assert (opened.kind, opened.rule, opened.section) == (
        TaskKind.LOG_SAFEGUARDING_REPORT, "log_in_safeguarding_record_log", "DBC 10.1")


# ---- routing to the housing team (D 8.28; DBC 5.1 Appendix A) ------------------------------


@pytest.mark.parametrize("tenure", list(Tenure))
def test_dover_tells_the_tenancy_support_team_for_every_tenure(tenure):
    """D 8.28: the Tenancy Support Team is told separately of every case."""
    specs = triage(make_report(tenure=tenure), DOVER_2025)
    assert {s.assignee for s in specs} == {"Tenancy Support Team"}
    assert "Tenancy Support Team is told separately" in spec_of(
        specs, TaskKind.TELL_HOUSING_TEAM).reason


@pytest.mark.parametrize("tenure,team", [
    (Tenure.COUNCIL_GENERAL_NEEDS, "Tenancy Services Team"),
    (Tenure.COUNCIL_HOUSING_SCHEME, "Housing Scheme and Finance Team"),
    (Tenure.HOMELESS_APPLICANT, "Housing Solutions & Private Sector Team"),
])
def test_dartford_routes_the_case_to_the_lead_team_by_tenure(tenure, team):
    """DBC 5.1 Appendix A: general needs → Tenancy Services, housing scheme → Housing Scheme
    and Finance, homelessness → Housing Solutions & Private Sector."""
    report = make_report(council=Council.DARTFORD, tenure=tenure)
    specs = triage(report, DARTFORD_2026)
    tell_team = spec_of(specs, TaskKind.TELL_HOUSING_TEAM)
    assert tell_team.assignee == team
    assert (tell_team.rule.name, tell_team.rule.section) == (
        "route_to_lead_team", "DBC 5.1, Appendix A")
    assert {s.assignee for s in specs} == {team}


def test_case_team_follows_its_councils_routing():
    assert triaged_case(make_report(council=Council.DARTFORD,
                                    tenure=Tenure.COUNCIL_HOUSING_SCHEME)).team \
        == "Housing Scheme and Finance Team"
    assert triaged_case(make_report(tenure=Tenure.HOMELESS_APPLICANT)).team \
        == "Tenancy Support Team"


# ---- the triage decision itself is recorded --------------------------------------------------


def test_triage_decision_records_each_rule_and_section_in_order():
    """An auditor can see which rules triage applied, with their sections, in order."""
    case = triaged_case(make_report(council=Council.DARTFORD))
    decided = [e for e in case.collect_events() if type(e).__name__ == "TriageDecided"]
    assert len(decided) == 1
    assert decided[0].immediate_risk is False
    assert decided[0].third_party is False
    assert [r["task"] for r in decided[0].rules] == [
        "contact_victim", "tell_line_manager_and_dso", "tell_housing_team"]
    assert "configured default" in decided[0].rules[0]["section"]
    assert decided[0].rules[2]["section"] == "DBC 5.1, Appendix A"

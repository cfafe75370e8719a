"""Risk and safeguarding on a case: MARAC and repeat MARAC, children's and adult safeguarding
referrals, consent for support referrals, contact with the perpetrator, and the commands that
carry them through the workflow's registry.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from aggregates.commands import COMMANDS, CommandContext, apply_command, parse_command
from aggregates.contact import ContactChannel
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import (
    Actor,
    AdditionalNeed,
    Adult,
    Child,
    Council,
    Perpetrator,
    ReporterKind,
    Role,
)
from aggregates.tasks import TaskKind
from aggregates.working_days import local_date
from tests.unit.builders import (
    AUDITOR,
    CASEWORKER,
    DSO_ACTOR,
    LINE_MANAGER,
    discussion_case,
    finish_task,
    kinds,
    london,
    make_report,
    open_case,
    record_dash,
    referrals_of,
    task_of,
    triaged_case,
)
from tests.unit.test_access_changes import DIRECTORY

ADDED_AT = datetime(2026, 6, 9, 12, 0, tzinfo=UTC)  # a child joins the household

DASH_AT = london(2026, 6, 10, 10)          # Wed 10 June 2026: the high-risk DASH
HEARD_ON = date(2026, 6, 25)               # Thu 25 June 2026: the MARAC hears the case
HEARING_RECORDED_AT = london(2026, 6, 26, 11)
TRIAGED_AT = london(2026, 6, 8, 11)        # Mon 8 June 2026, an hour after the report
CONTACT_AT = london(2026, 6, 9, 15)        # Tue 9 June 2026: a call is recorded


def event_names(events) -> list[str]:
    return [type(e).__name__ for e in events]


def high_risk_case(report=None):
    """A case whose DASH on 10 June 2026 found high risk (MARAC referral r1 open)."""
    case = discussion_case(report)
    record_dash(case, yes=14, at=DASH_AT)
    return case


def marac_referral_id(case) -> str:
    [referral] = referrals_of(case, "marac")
    return referral.referral_id


def heard_case(report=None, heard_on: date = HEARD_ON):
    """A high-risk case the MARAC heard on `heard_on`."""
    case = high_risk_case(report)
    case.record_marac_hearing(referral_id=marac_referral_id(case), heard_on=heard_on,
                              actor=CASEWORKER, at=HEARING_RECORDED_AT, command_id="heard")
    return case


def incident(case, occurred_on: date, *, at: datetime | None = None,
             summary: str = "Police called to the address after a new assault.",
             command_id: str = "incident"):
    case.report_incident(occurred_on=occurred_on, summary=summary, actor=CASEWORKER,
                         at=at or london(occurred_on.year, occurred_on.month,
                                         occurred_on.day, 18),
                         command_id=command_id)


def action(description: str = "Fit a door viewer and chain", owner_id: str = "cw-002",
           due_on: date = date(2026, 7, 3)) -> dict:
    return {"description": description, "owner_id": owner_id, "due_on": due_on}


# ---- MARAC (D 8.15, DBC 6.7) -----------------------------------------------------------------


def test_high_risk_opens_a_marac_referral_citing_dovers_section():
    """D 8.15: high-risk cases are shared and discussed at the Kent & Medway MARAC."""
    case = high_risk_case()
    [referral] = case.referrals.values()
    assert referral.kind == "marac"
    assert referral.partner == "kent_medway_marac"
    assert referral.rule == "high_risk_referred_to_marac"
    assert referral.section == "D 8.15"
    assert referral.status == "queued"
    assert case.pending_referrals == [referral]


def test_dartford_high_risk_marac_referral_cites_dbc_6_7():
    """DBC 6.7: Dartford refers high-risk cases to the Kent & Medway MARAC."""
    case = high_risk_case(make_report(council=Council.DARTFORD))
    [referral] = case.referrals.values()
    assert (referral.partner, referral.section) == ("kent_medway_marac", "DBC 6.7")


def test_high_risk_opens_a_task_to_record_the_marac_hearing():
    """D 8.15 [guidance]: the hearing and its actions for housing are tracked."""
    case = high_risk_case()
    task = task_of(case.open_tasks, TaskKind.RECORD_MARAC_HEARING)
    assert task.rule == "high_risk_referred_to_marac"
    assert task.section == "D 8.15"
    # 20 working days after Wed 10 June 2026, at close of business.
    assert task.due_at == london(2026, 7, 8, 17)


def test_potential_escalation_alone_refers_to_marac():
    """SafeLives guidance; D 8.15: 3 police call-outs in 12 months is high risk."""
    case = discussion_case()
    record_dash(case, yes=0, callouts=3, at=DASH_AT)
    assert [r.kind for r in case.referrals.values()] == ["marac"]


def test_recording_the_hearing_records_its_date_and_closes_the_task():
    """D 8.15: the date the MARAC heard the case is recorded."""
    case = high_risk_case()
    case.collect_events()
    case.record_marac_hearing(referral_id="r1", heard_on=HEARD_ON, actor=CASEWORKER,
                              at=HEARING_RECORDED_AT, command_id="heard")
    heard, closed = case.collect_events()
    assert type(heard).__name__ == "MaracHeard"
    assert (heard.referral_id, heard.heard_on) == ("r1", "2026-06-25")
    assert (type(closed).__name__, closed.outcome) == ("TaskCompleted", "heard")
    assert case.marac_last_heard == HEARD_ON
    assert case.referrals["r1"].heard_on == HEARD_ON
    assert TaskKind.RECORD_MARAC_HEARING not in kinds(case.open_tasks)


def test_hearing_on_the_day_of_the_referral_is_accepted():
    """D 8.15: a hearing cannot precede its referral, but may fall on the same day."""
    case = high_risk_case()
    case.record_marac_hearing(referral_id="r1", heard_on=DASH_AT.date(), actor=CASEWORKER,
                              at=HEARING_RECORDED_AT, command_id="heard")
    assert case.marac_last_heard == date(2026, 6, 10)


def test_hearing_dated_in_the_future_is_refused():
    """D 8.25: records are of fact; a hearing not yet held cannot be recorded."""
    case = high_risk_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        case.record_marac_hearing(referral_id="r1", heard_on=date(2026, 6, 27),
                                  actor=CASEWORKER, at=HEARING_RECORDED_AT, command_id="h")
    assert (err.value.rule, err.value.field) == ("hearing_not_in_future", "heard_on")
    assert case.collect_events() == []
    assert case.marac_last_heard is None


def test_hearing_dated_before_the_referral_is_refused():
    """D 8.15: the MARAC hears a case after it is referred."""
    case = high_risk_case()
    with pytest.raises(RuleViolation) as err:
        case.record_marac_hearing(referral_id="r1", heard_on=date(2026, 6, 9),
                                  actor=CASEWORKER, at=HEARING_RECORDED_AT, command_id="h")
    assert (err.value.rule, err.value.field) == ("hearing_after_referral", "heard_on")


def test_hearing_the_london_day_before_a_referral_made_after_midnight_bst_is_refused():
    """D 8.15: a referral made at 00:30 BST on 10 June (23:30 UTC on 9 June) was made on
    10 June in London; a hearing dated 9 June is before it."""
    just_after_midnight = london(2026, 6, 10, 0, 30)
    case = discussion_case()
    record_dash(case, yes=14, at=just_after_midnight)
    with pytest.raises(RuleViolation) as err:
        case.record_marac_hearing(referral_id="r1", heard_on=date(2026, 6, 9),
                                  actor=CASEWORKER, at=HEARING_RECORDED_AT, command_id="h")
    assert err.value.rule == "hearing_after_referral"


def test_hearing_rule_uses_the_time_the_referral_was_decided_not_when_it_was_stored():
    """D 8.15: the workflow decides a referral at `at` (workflow time); an activity that
    stores it months later (a retry, an outage; here: whenever this test runs) must not move
    the referral's date or time."""
    case = discussion_case()
    case.collect_events()
    record_dash(case, yes=14, at=DASH_AT)  # decided on Wed 10 June
    [opened] = [e for e in case.collect_events() if type(e).__name__ == "ReferralOpened"]
    assert opened.at == DASH_AT and local_date(opened.timestamp) != DASH_AT.date()
    assert (case.referrals["r1"].opened_on, case.referrals["r1"].opened_at) == (
        date(2026, 6, 10), DASH_AT)
    case.record_marac_hearing(referral_id="r1", heard_on=date(2026, 6, 12), actor=CASEWORKER,
                              at=HEARING_RECORDED_AT, command_id="h")
    assert case.marac_last_heard == date(2026, 6, 12)


@pytest.mark.parametrize("referral_id", ["r9", ""])
def test_hearing_of_an_unknown_referral_is_refused(referral_id):
    """D 8.15: a hearing belongs to a MARAC referral of the case."""
    case = high_risk_case()
    with pytest.raises(RuleViolation) as err:
        case.record_marac_hearing(referral_id=referral_id, heard_on=HEARD_ON, actor=CASEWORKER,
                                  at=HEARING_RECORDED_AT, command_id="h")
    assert (err.value.rule, err.value.field) == ("marac_referral_exists", "referral_id")


def test_hearing_of_a_childrens_referral_is_refused():
    """D 8.15, D 8.23: only MARAC referrals are heard by the MARAC."""
    case = high_risk_case(make_report(children=(Child(age=6),)))
    [children] = referrals_of(case, "children")
    with pytest.raises(RuleViolation) as err:
        case.record_marac_hearing(referral_id=children.referral_id, heard_on=HEARD_ON,
                                  actor=CASEWORKER, at=HEARING_RECORDED_AT, command_id="h")
    assert err.value.rule == "marac_referral_exists"


def test_marac_actions_before_the_hearing_is_recorded_are_refused():
    """D 8.15 [guidance]: actions come from the hearing, so the hearing is recorded first."""
    case = high_risk_case()
    with pytest.raises(RuleViolation) as err:
        case.add_marac_actions(referral_id="r1", actions=[action()], actor=CASEWORKER,
                               at=HEARING_RECORDED_AT, command_id="a")
    assert err.value.rule == "marac_actions_follow_hearing"
    assert err.value.field == "referral_id"
    assert err.value.section == "D 8.15"


def test_each_marac_action_becomes_a_task_for_its_owner_due_at_close_of_its_due_date():
    """D 8.15 [guidance]: MARAC actions for housing are tracked to completion."""
    case = heard_case()
    case.collect_events()
    case.add_marac_actions(referral_id="r1", actions=[
        action("Fit a door viewer and chain", "cw-002", date(2026, 7, 3)),
        action("Review the tenancy file for transfer options", "lm-001", date(2026, 6, 25)),
    ], actor=CASEWORKER, at=HEARING_RECORDED_AT, command_id="actions")
    events = case.collect_events()
    assert event_names(events) == ["TaskOpened", "MaracActionAgreed",
                                   "TaskOpened", "MaracActionAgreed"]
    tasks = [t for t in case.open_tasks if t.kind is TaskKind.MARAC_ACTION]
    assert [(t.assignee, t.due_at) for t in tasks] == [
        ("cw-002", london(2026, 7, 3, 17)), ("lm-001", london(2026, 6, 25, 17))]
    assert all((t.rule, t.section) == ("high_risk_referred_to_marac", "D 8.15") for t in tasks)
    agreed = [e for e in events if type(e).__name__ == "MaracActionAgreed"]
    assert [e.task_id for e in agreed] == [t.task_id for t in tasks]
    assert [(e.description, e.owner_id) for e in agreed] == [
        ("Fit a door viewer and chain", "cw-002"),
        ("Review the tenancy file for transfer options", "lm-001")]
    assert all(e.referral_id == "r1" and e.command_id == "actions" for e in agreed)
    # The task carries only a number; the words stay in the event.
    assert "door viewer" not in repr(tasks[0].to_dict())


def test_each_marac_action_event_records_its_own_due_date():
    """D 8.15 [guidance]; D 8.25: each action is recorded with when it is due."""
    case = heard_case()
    case.collect_events()
    case.add_marac_actions(referral_id="r1", actions=[
        action("Fit a door viewer and chain", "cw-002", date(2026, 7, 3)),
        action("Review the tenancy file for transfer options", "lm-001", date(2026, 6, 25)),
    ], actor=CASEWORKER, at=HEARING_RECORDED_AT, command_id="actions")
    agreed = [e for e in case.collect_events() if type(e).__name__ == "MaracActionAgreed"]
    assert [e.due_on for e in agreed] == ["2026-07-03", "2026-06-25"]


def test_marac_action_task_can_be_completed_as_done():
    """D 8.15 [guidance]: an action is tracked until it is done."""
    case = heard_case()
    case.add_marac_actions(referral_id="r1", actions=[action()], actor=CASEWORKER,
                           at=HEARING_RECORDED_AT, command_id="actions")
    finish_task(case, TaskKind.MARAC_ACTION, "done", at=london(2026, 7, 1, 12))
    assert TaskKind.MARAC_ACTION not in kinds(case.open_tasks)


def test_marac_actions_must_list_at_least_one():
    """D 8.15 [guidance]."""
    case = heard_case()
    with pytest.raises(RuleViolation) as err:
        case.add_marac_actions(referral_id="r1", actions=[], actor=CASEWORKER,
                               at=HEARING_RECORDED_AT, command_id="a")
    assert (err.value.rule, err.value.field) == ("marac_actions_listed", "actions")


@pytest.mark.parametrize("description", ["", "   "])
def test_marac_action_without_a_description_is_refused(description):
    """D 8.25: every action is outlined."""
    case = heard_case()
    with pytest.raises(RuleViolation) as err:
        case.add_marac_actions(referral_id="r1", actions=[action(), action(description)],
                               actor=CASEWORKER, at=HEARING_RECORDED_AT, command_id="a")
    assert (err.value.rule, err.value.field) == ("marac_action_described",
                                                 "actions.1.description")


def test_marac_action_due_before_the_hearing_is_refused_and_opens_no_task():
    """D 8.15 [guidance]: an action cannot be due before the hearing that set it."""
    case = heard_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        case.add_marac_actions(referral_id="r1", actions=[
            action(), action(due_on=date(2026, 6, 24))], actor=CASEWORKER,
            at=HEARING_RECORDED_AT, command_id="a")
    assert (err.value.rule, err.value.field) == ("marac_action_due_after_hearing",
                                                 "actions.1.due_on")
    assert case.collect_events() == []  # not even the first, valid, action
    assert TaskKind.MARAC_ACTION not in kinds(case.open_tasks)


def test_marac_action_without_an_owner_is_refused_by_the_command():
    """D 8.25: every action says by whom."""
    case = heard_case()
    args = {"referral_id": "r1", "actions": [
        {"description": "Fit a door viewer", "owner_id": "cw-002", "due_on": "2026-07-03"},
        {"description": "Check locks", "due_on": "2026-07-03"}], "directory": DIRECTORY}
    with pytest.raises(RuleViolation) as err:
        apply_command(case, "add_marac_actions", args, ctx(at=HEARING_RECORDED_AT))
    assert (err.value.rule, err.value.field) == ("marac_action_has_owner",
                                                 "actions.1.owner_id")


def test_marac_actions_through_the_command_parse_due_dates():
    """D 8.15 [guidance]: the registry turns ISO dates into due dates."""
    case = heard_case()
    apply_command(case, "add_marac_actions", {"referral_id": "r1", "actions": [
        {"description": "Fit a door viewer", "owner_id": "cw-002", "due_on": "2026-07-03"}],
        "directory": DIRECTORY}, ctx(at=HEARING_RECORDED_AT))
    task = task_of(case.open_tasks, TaskKind.MARAC_ACTION)
    assert (task.assignee, task.due_at) == ("cw-002", london(2026, 7, 3, 17))


# ---- repeat MARAC (SafeLives guidance; D 8.15) -----------------------------------------------
# SafeLives: any further instance of abuse within 12 months of the last *referral* to MARAC is a
# repeat, whatever the score; after that it is judged against the threshold again. The case
# below was referred on Wed 10 June 2026 and heard on Thu 25 June 2026.

REPEAT_RULE = "repeat_marac_within_12_months_of_last_referral"


@pytest.mark.parametrize("occurred_on", [date(2026, 6, 25), date(2027, 5, 10),
                                         date(2027, 6, 10)],
                         ids=["day of hearing", "11 months", "exactly 12 months"])
def test_incident_within_12_months_of_the_referral_makes_a_repeat_marac_referral(occurred_on):
    """SafeLives repeat MARAC guidance; D 8.15: a new incident within 12 months of the last
    referral makes a repeat referral."""
    case = heard_case()
    case.collect_events()
    incident(case, occurred_on)
    reported, decided, opened, hearing = case.collect_events()
    assert (decided.purpose, decided.shared) == ("marac_referral", True)
    assert type(reported).__name__ == "IncidentReported"
    # ...and the officer is asked to record when the MARAC hears it again.
    assert hearing.task["kind"] == "record_marac_hearing"
    assert reported.occurred_on == occurred_on.isoformat()
    assert type(opened).__name__ == "ReferralOpened"
    assert (opened.kind, opened.partner) == ("repeat_marac", "kent_medway_marac")
    assert opened.rule == REPEAT_RULE
    assert opened.section == ("D 8.15; SafeLives repeat MARAC guidance (12 months from the "
                              "last referral)")
    assert "last referred to MARAC on 2026-06-10" in opened.reason


def test_incident_between_the_referral_and_its_hearing_makes_a_repeat_referral():
    """SafeLives repeat MARAC guidance: the window runs from the referral, so abuse while the
    case waits for its hearing is a repeat, and the MARAC is told before it sits."""
    case = high_risk_case()  # referred 10 June, not yet heard
    case.collect_events()
    incident(case, date(2026, 6, 20))
    assert event_names(case.collect_events()) == [
        "IncidentReported", "SharingDecided", "ReferralOpened"]
    [repeat] = referrals_of(case, "repeat_marac")
    assert (repeat.rule, repeat.opened_on) == (REPEAT_RULE, date(2026, 6, 20))
    # The hearing still to be recorded is the one task for it.
    assert kinds(case.open_tasks).count(TaskKind.RECORD_MARAC_HEARING) == 1


def test_incident_before_the_hearing_reported_after_it_makes_a_repeat_referral():
    """SafeLives repeat MARAC guidance: an incident dated between referral and hearing is a
    repeat even when it is reported after the hearing."""
    case = heard_case()
    incident(case, date(2026, 6, 20), at=london(2026, 6, 30))
    assert [r.rule for r in referrals_of(case, "repeat_marac")] == [REPEAT_RULE]


@pytest.mark.parametrize("occurred_on", [date(2027, 6, 11), date(2027, 6, 25),
                                         date(2027, 7, 10)],
                         ids=["12 months and a day", "12 and a half months, within 12 of "
                              "the hearing", "13 months"])
def test_incident_more_than_12_months_after_the_referral_makes_no_referral(occurred_on):
    """SafeLives repeat MARAC guidance: more than 12 months after the last referral it is
    not a repeat, even within 12 months of the hearing; it goes through the threshold again."""
    case = heard_case()
    case.collect_events()
    incident(case, occurred_on)
    assert event_names(case.collect_events()) == ["IncidentReported"]
    assert referrals_of(case, "repeat_marac") == []


def test_the_window_runs_from_the_last_referral_a_repeat_one_included():
    """SafeLives repeat MARAC guidance: the *last* referral, so a repeat referral starts a new
    12 months (1 June 2027 is within 12 months of 10 June 2026; 1 May 2028 is not, but is
    within 12 months of the repeat referral made on 1 June 2027)."""
    case = heard_case()
    incident(case, date(2027, 6, 1), command_id="incident-1")
    incident(case, date(2028, 5, 1), command_id="incident-2")
    assert [r.opened_on for r in referrals_of(case, "repeat_marac")] == [
        date(2027, 6, 1), date(2028, 5, 1)]


def test_incident_on_a_case_never_referred_to_marac_makes_no_referral():
    """SafeLives repeat MARAC guidance: no referral, no repeat."""
    case = triaged_case()
    case.collect_events()
    incident(case, date(2026, 6, 9))
    assert event_names(case.collect_events()) == ["IncidentReported"]
    assert referrals_of(case, "repeat_marac") == referrals_of(case, "marac") == []


def test_incident_before_the_first_referral_makes_no_repeat_referral():
    """SafeLives repeat MARAC guidance: a repeat is a *further* instance of abuse, after a
    referral; one dated before it was part of what was referred."""
    case = high_risk_case()
    incident(case, date(2026, 6, 9), at=london(2026, 6, 11))
    assert referrals_of(case, "repeat_marac") == []


def test_incident_dated_in_the_future_is_refused():
    """D 8.25: records are of fact."""
    case = triaged_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        incident(case, date(2026, 6, 12), at=london(2026, 6, 11, 23))
    assert (err.value.rule, err.value.field) == ("incident_not_in_future", "occurred_on")
    assert case.collect_events() == []


def test_incident_without_a_summary_is_refused():
    """D 8.25: every record is described."""
    with pytest.raises(RuleViolation) as err:
        incident(triaged_case(), date(2026, 6, 9), summary="  ")
    assert (err.value.rule, err.value.field) == ("incident_described", "summary")


def test_dartford_repeat_marac_cites_the_configured_default():
    """DBC silent on repeat MARAC: the configured default cites SafeLives guidance."""
    case = heard_case(make_report(council=Council.DARTFORD))
    incident(case, date(2027, 1, 5))
    [repeat] = referrals_of(case, "repeat_marac")
    assert repeat.section.startswith("configured default")
    assert "SafeLives" in repeat.section


def test_high_risk_dash_within_12_months_of_the_referral_makes_a_repeat_referral():
    """SafeLives repeat MARAC guidance; D 8.15: not a new MARAC referral."""
    case = heard_case()
    record_dash(case, yes=16, at=london(2027, 3, 1), command_id="dash-2")
    assert [r.kind for r in case.referrals.values()] == ["marac", "repeat_marac"]
    [repeat] = referrals_of(case, "repeat_marac")
    assert repeat.rule == REPEAT_RULE
    # A hearing of the repeat referral is to be recorded again.
    assert task_of(case.open_tasks, TaskKind.RECORD_MARAC_HEARING).section == "D 8.15"


def test_high_risk_dash_more_than_12_months_after_the_referral_makes_a_new_marac_referral():
    """D 8.15; SafeLives: more than 12 months after the last referral, a high-risk case is
    referred afresh."""
    case = heard_case()
    record_dash(case, yes=16, at=london(2027, 7, 1), command_id="dash-2")
    assert [r.kind for r in case.referrals.values()] == ["marac", "marac"]


def test_second_high_risk_dash_before_any_hearing_keeps_one_hearing_task():
    """D 8.15: one open task records the hearing."""
    case = high_risk_case()
    record_dash(case, yes=20, at=london(2026, 6, 12), command_id="dash-2")
    assert kinds(case.open_tasks).count(TaskKind.RECORD_MARAC_HEARING) == 1


# ---- children (D 8.23, D 7.4) ----------------------------------------------------------------


def test_household_with_children_is_referred_to_childrens_services_at_triage():
    """D 8.23: children in the household are referred to Children's Services in all cases."""
    case = triaged_case(make_report(children=(Child(age=3), Child(age=11))))
    [referral] = case.referrals.values()
    assert referral.kind == "children"
    assert referral.partner == "childrens_services"
    assert referral.rule == "children_referred_in_all_cases"
    assert referral.section == "D 8.23"


def test_household_without_children_makes_no_childrens_referral():
    """D 8.23: the referral is for children in the household."""
    assert triaged_case().referrals == {}


def test_third_party_report_with_children_is_still_referred():
    """D 8.23: in all cases, whoever reported."""
    case = triaged_case(make_report(reporter_kind=ReporterKind.NEIGHBOUR,
                                    children=(Child(age=8),)))
    assert [r.kind for r in case.referrals.values()] == ["children"]


def test_dartford_childrens_referral_cites_car():
    """CAR (Age: safeguarding children); Children Act 2004."""
    case = triaged_case(make_report(council=Council.DARTFORD, children=(Child(age=8),)))
    [referral] = case.referrals.values()
    assert referral.section.startswith("CAR")


def test_adding_a_child_records_it_and_opens_a_new_childrens_referral():
    """D 8.23: a child joining the household is referred, as in all cases."""
    case = triaged_case(make_report(children=(Child(age=8),)))
    case.collect_events()
    case.add_child(child=Child(age=0, name="Baby Example"), actor=CASEWORKER, at=ADDED_AT,
                   command_id="child-1")
    added, decided, opened = case.collect_events()
    assert type(added).__name__ == "ChildAdded"
    assert (decided.partner, decided.lawful_basis) == ("childrens_services",
                                                       "safeguarding_obligation")
    assert added.age == 0
    assert (opened.kind, opened.partner, opened.section) == ("children", "childrens_services",
                                                             "D 8.23")
    assert [r.kind for r in case.referrals.values()] == ["children", "children"]
    assert [c.to_dict() for c in case.added_children] == [{"age": 0}]
    assert "child-1" in case.applied_commands


@pytest.mark.parametrize("age", [18, 25, -1])
def test_adding_a_child_aged_18_or_more_is_refused(age):
    """D 7.4: a child is under 18."""
    case = triaged_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        case.add_child(child=Child(age=age), actor=CASEWORKER, at=ADDED_AT,
                       command_id="child-1")
    assert (err.value.rule, err.value.field, err.value.section) == ("child_is_under_18", "age",
                                                                    "D 7.4")
    assert case.collect_events() == []


# ---- adults with care and support needs (Care Act 2014; D 3.4; CAR) -------------------------


def test_adult_with_care_and_support_needs_is_referred_to_adult_social_care():
    """D 3.4; Care Act 2014: safeguarding referral to Adult Social Services."""
    case = triaged_case(make_report(adults=(Adult(care_and_support_needs=True),)))
    [referral] = case.referrals.values()
    assert referral.kind == "adult_safeguarding"
    assert referral.partner == "adult_social_care"
    assert referral.rule == "adult_with_care_needs_safeguarding_referral"
    assert referral.section == "D 3.4; Care Act 2014"


def test_dartford_adult_safeguarding_referral_cites_car_and_the_care_act():
    """CAR (Age, Disability); Care Act 2014."""
    case = triaged_case(make_report(council=Council.DARTFORD,
                                    adults=(Adult(care_and_support_needs=True),)))
    [referral] = case.referrals.values()
    assert referral.section.startswith("CAR")
    assert "Care Act 2014" in referral.section


def test_adult_without_care_needs_makes_no_safeguarding_referral():
    """Care Act 2014: only adults with care and support needs."""
    assert triaged_case(make_report(adults=(Adult(name="Lodger"),))).referrals == {}


def test_triage_opens_childrens_and_adult_referrals_in_that_order():
    """D 8.23; D 3.4: both referrals, recorded after the triage decision."""
    case = open_case(make_report(children=(Child(age=5),),
                                 adults=(Adult(care_and_support_needs=True),)))
    case.collect_events()
    case.triage(CASEWORKER, at=TRIAGED_AT)
    opened = [e for e in case.collect_events() if type(e).__name__ == "ReferralOpened"]
    assert [(e.referral_id, e.kind) for e in opened] == [("r1", "children"),
                                                         ("r2", "adult_safeguarding")]
    assert all(e.actor == CASEWORKER and e.reason and e.command_id == "triage" for e in opened)


# ---- additional needs: consent to a support referral (D 8.19) --------------------------------


def needs_case(*needs: AdditionalNeed):
    report = replace(make_report(), additional_needs=needs or (AdditionalNeed.MENTAL_HEALTH,))
    return triaged_case(report)


def consent(case, given: bool, *, reason: str = "Asked at the personal discussion.",
            command_id: str = "consent"):
    case.record_support_consent(given=given, actor=CASEWORKER, reason=reason,
                                at=london(2026, 6, 11, 11), command_id=command_id)


def test_additional_needs_open_a_task_to_seek_consent_at_triage():
    """D 8.19: referral to support services with the victim's knowledge and consent."""
    case = needs_case(AdditionalNeed.ADDICTION)
    task = task_of(case.open_tasks, TaskKind.SEEK_SUPPORT_CONSENT)
    assert (task.rule, task.section) == ("support_referral_only_with_consent", "D 8.19")
    assert case.referrals == {}  # nothing is sent before the victim agrees


def test_no_additional_needs_opens_no_consent_task():
    """D 8.19."""
    assert TaskKind.SEEK_SUPPORT_CONSENT not in kinds(triaged_case().open_tasks)


def test_consent_given_opens_a_support_services_referral_and_closes_the_task():
    """D 8.19: with consent, the victim is referred to support services."""
    case = needs_case(AdditionalNeed.ADDICTION, AdditionalNeed.MENTAL_HEALTH)
    task = task_of(case.open_tasks, TaskKind.SEEK_SUPPORT_CONSENT)
    case.collect_events()
    consent(case, True)
    recorded, closed, decided, opened = case.collect_events()
    assert (decided.partner, decided.lawful_basis) == ("support_services", "consent")
    assert type(recorded).__name__ == "SupportConsentRecorded"
    assert (recorded.given, recorded.needs) == (True, ["addiction", "mental_health"])
    assert (closed.task_id, closed.outcome) == (task.task_id, "consent_given")
    assert (opened.kind, opened.partner, opened.rule, opened.section) == (
        "support_services", "support_services", "support_referral_only_with_consent", "D 8.19")
    assert case.support_consent is True
    assert TaskKind.SEEK_SUPPORT_CONSENT not in kinds(case.open_tasks)


def test_consent_refused_is_recorded_opens_no_referral_and_closes_the_task():
    """D 8.19: no referral without consent; the refusal is recorded too (D 8.25)."""
    case = needs_case()
    case.collect_events()
    consent(case, False, reason="Victim does not want a referral now.")
    recorded, closed = case.collect_events()
    assert type(recorded).__name__ == "SupportConsentRecorded"
    assert recorded.given is False
    assert recorded.reason == "Victim does not want a referral now."
    assert closed.outcome == "consent_refused"
    assert case.referrals == {}
    assert case.support_consent is False
    assert TaskKind.SEEK_SUPPORT_CONSENT not in kinds(case.open_tasks)


@pytest.mark.parametrize("first", [True, False])
def test_recording_consent_twice_is_a_conflict(first):
    """D 8.19: the victim's decision is recorded once."""
    case = needs_case()
    consent(case, first, command_id="c1")
    with pytest.raises(ConflictError) as err:
        consent(case, not first, command_id="c2")
    assert (err.value.rule, err.value.field) == ("support_consent_recorded_once", "given")
    assert case.support_consent is first


def test_consent_without_additional_needs_is_refused():
    """D 8.19: consent is sought only for additional needs."""
    case = triaged_case()
    with pytest.raises(RuleViolation) as err:
        consent(case, True)
    assert err.value.rule == "support_consent_needs_additional_needs"
    assert (err.value.field, err.value.section) == ("given", "D 8.19")


def test_consent_without_saying_how_it_was_given_is_refused():
    """D 8.25: the outcome of every decision is recorded with its rationale."""
    with pytest.raises(RuleViolation) as err:
        consent(needs_case(), True, reason=" ")
    assert (err.value.rule, err.value.field, err.value.section) == ("reason_is_recorded",
                                                                    "reason", "D 8.25")


@pytest.mark.parametrize("outcome", ["consent_given", "done", "referred"])
def test_generic_completion_of_the_consent_task_is_refused(outcome):
    """D 8.19: only recording the victim's decision closes the consent task."""
    case = needs_case()
    with pytest.raises(RuleViolation) as err:
        finish_task(case, TaskKind.SEEK_SUPPORT_CONSENT, outcome)
    assert (err.value.rule, err.value.field) == ("outcome_fits_task", "outcome")
    assert "record_support_consent" in err.value.message


# ---- the perpetrator (D 8.42, D 8.39–8.45) ---------------------------------------------------


def contact(case, party: str, purpose: str, *, command_id: str = "contact"):
    case.record_contact(party=party, purpose=purpose, channel="telephone",
                        note="Recorded by the officer.", actor=CASEWORKER,
                        at=CONTACT_AT, command_id=command_id)


def test_a_contact_channel_outside_the_closed_set_is_refused_naming_the_field():
    """The channel is a fact auditors read, so it is one of a closed set, never free text."""
    case = triaged_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        case.record_contact(party="victim", purpose="about_abuse",
                            channel="CHANNELMARK 07700900999", note="", actor=CASEWORKER,
                            at=CONTACT_AT, command_id="ct-x")
    assert (err.value.rule, err.value.field) == ("contact_channel_is_known", "channel")
    assert "text_message" in err.value.message and "07700900999" not in str(err.value)
    assert case.collect_events() == []
    for n, channel in enumerate(ContactChannel):
        case.record_contact(party="victim", purpose="about_abuse", channel=channel.value,
                            note="", actor=CASEWORKER, at=CONTACT_AT, command_id=f"ct-{n}")
    assert [e.channel for e in case.collect_events()] == [c.value for c in ContactChannel]


@pytest.mark.parametrize("purpose", ["about_abuse", "marac"])
def test_contacting_the_perpetrator_about_the_abuse_or_marac_is_refused(purpose):
    """D 8.42: staff never contact the perpetrator about the abuse, the reports or MARAC."""
    case = triaged_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        contact(case, "perpetrator", purpose)
    assert err.value.rule == "never_contact_perpetrator_about_abuse"
    assert err.value.field == "purpose"
    assert "D 8.42" in err.value.section
    assert case.collect_events() == []


def test_dartford_refuses_perpetrator_contact_about_abuse_citing_d_8_42():
    """DBC 7.5.1; D 8.42 (configured default for Dartford)."""
    case = triaged_case(make_report(council=Council.DARTFORD))
    with pytest.raises(RuleViolation) as err:
        contact(case, "perpetrator", "about_abuse")
    assert err.value.rule == "never_contact_perpetrator_about_abuse"
    assert "D 8.42" in err.value.section


@pytest.mark.parametrize("purpose", ["tenancy_enforcement", "behaviour_change_support",
                                     "repairs_and_tenancy_management"])
def test_perpetrator_contact_for_other_purposes_is_recorded(purpose):
    """D 8.39–8.41, D 8.45: enforcement, signposting to behaviour change and tenancy
    management may involve the perpetrator."""
    case = triaged_case()
    case.collect_events()
    contact(case, "perpetrator", purpose, command_id="ct-1")
    [event] = case.collect_events()
    assert type(event).__name__ == "ContactRecorded"
    assert (event.party, event.purpose, event.channel) == ("perpetrator", purpose, "telephone")
    assert event.actor == CASEWORKER
    assert "ct-1" in case.applied_commands


@pytest.mark.parametrize("purpose", ["about_abuse", "marac"])
def test_contact_with_the_victim_about_the_abuse_or_marac_is_recorded(purpose):
    """D 8.18: every discussion with the victim is recorded."""
    case = triaged_case()
    case.collect_events()
    contact(case, "victim", purpose)
    assert event_names(case.collect_events()) == ["ContactRecorded"]


def test_contact_with_an_unknown_party_is_refused():
    """D 8.25: the record says who was contacted."""
    with pytest.raises(RuleViolation) as err:
        contact(triaged_case(), "neighbour", "about_abuse")
    assert (err.value.rule, err.value.field) == ("party_is_known", "party")


def test_contact_for_an_unknown_purpose_is_refused():
    """D 8.25: the record says why."""
    with pytest.raises(RuleViolation) as err:
        contact(triaged_case(), "perpetrator", "friendly_chat")
    assert (err.value.rule, err.value.field) == ("contact_purpose_is_known", "purpose")


def test_perpetrator_on_the_report_is_never_a_contact_of_any_task():
    """D 8.42: no task or referral is addressed to the perpetrator."""
    report = replace(make_report(children=(Child(age=4),)),
                     perpetrator=Perpetrator(name="Pat Perpetrator", relationship="ex-partner"))
    case = high_risk_case(report)
    for task in case.tasks.values():
        assert "Pat Perpetrator" not in repr(task.to_dict())
    assert {r.partner for r in case.referrals.values()} == {"childrens_services",
                                                                "kent_medway_marac"}


# ---- the command registry --------------------------------------------------------------------

SAFEGUARDING_COMMANDS = ["save_dash", "complete_dash", "record_marac_hearing",
                         "add_marac_actions", "report_incident", "add_child",
                         "record_support_consent", "record_contact"]


def ctx(actor: Actor = CASEWORKER, at: datetime = DASH_AT,
        command_id: str = "cmd") -> CommandContext:
    return CommandContext(actor=actor, at=at, command_id=command_id)


def test_every_safeguarding_command_is_registered():
    """The workflow applies these commands through one registry."""
    assert set(SAFEGUARDING_COMMANDS) <= set(COMMANDS)


@pytest.mark.parametrize("name", SAFEGUARDING_COMMANDS)
@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_auditor_and_administrator_may_not_give_safeguarding_commands(name, role):
    """D 8.27: auditors read and never change anything; administrators run the system, not
    cases."""
    with pytest.raises(RuleViolation) as err:
        parse_command(name, {}, role)
    assert (err.value.rule, err.value.field) == ("role_may_give_command", "role")


@pytest.mark.parametrize("actor", [CASEWORKER, DSO_ACTOR, LINE_MANAGER],
                         ids=["caseworker", "dso", "line_manager"])
def test_case_staff_may_give_safeguarding_commands(actor):
    """D 8.9, D 8.14: case staff record risk and safeguarding."""
    case = triaged_case()
    apply_command(case, "record_contact", {"party": "victim", "purpose": "about_abuse",
                                           "channel": "telephone"}, ctx(actor))
    assert event_names(case.collect_events())[-1] == "ContactRecorded"


def test_auditor_command_is_refused_before_reaching_the_case():
    """D 8.27: refused by role, whatever the arguments."""
    case = triaged_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        apply_command(case, "add_child", {"age": 4}, ctx(AUDITOR))
    assert err.value.rule == "role_may_give_command"
    assert case.collect_events() == []


def test_administrator_actor_is_refused_through_apply_command():
    """D 8.27."""
    admin = Actor(staff_id="ad-001", role=Role.ADMINISTRATOR)
    with pytest.raises(RuleViolation) as err:
        apply_command(triaged_case(), "report_incident",
                      {"occurred_on": "2026-06-09", "summary": "New assault."}, ctx(admin))
    assert err.value.rule == "role_may_give_command"


@pytest.mark.parametrize("name, args, field", [
    ("record_marac_hearing", {"referral_id": "r1", "heard_on": "25/06/2026"}, "heard_on"),
    ("report_incident", {"occurred_on": "yesterday", "summary": "Assault."}, "occurred_on"),
    ("add_marac_actions", {"referral_id": "r1", "actions": [
        {"description": "Fit locks", "owner_id": "cw-002", "due_on": "2026-13-01"}]},
     "actions.0.due_on"),
    ("add_marac_actions", {"referral_id": "r1", "actions": [
        {"description": "Fit locks", "owner_id": "cw-002"}]}, "actions.0.due_on"),
])
def test_bad_iso_date_is_refused_naming_the_field(name, args, field):
    """D 8.25: dates are recorded unambiguously (YYYY-MM-DD)."""
    with pytest.raises(RuleViolation) as err:
        apply_command(triaged_case(), name, args, ctx())
    assert (err.value.rule, err.value.field) == ("date_is_iso", field)


def test_record_contact_command_refuses_perpetrator_contact_about_marac():
    """D 8.42: the registry route is refused as the direct one is."""
    with pytest.raises(RuleViolation) as err:
        apply_command(triaged_case(), "record_contact",
                      {"party": "perpetrator", "purpose": "marac", "channel": "letter"}, ctx())
    assert err.value.rule == "never_contact_perpetrator_about_abuse"
    assert "D 8.42" in err.value.section


def test_add_child_command_refuses_an_18_year_old():
    """D 7.4."""
    with pytest.raises(RuleViolation) as err:
        apply_command(triaged_case(), "add_child", {"age": 18}, ctx())
    assert (err.value.rule, err.value.section) == ("child_is_under_18", "D 7.4")


def test_record_support_consent_command_opens_the_referral():
    """D 8.19: through the registry."""
    case = needs_case()
    apply_command(case, "record_support_consent",
                  {"given": True, "reason": "Agreed at the discussion."}, ctx())
    assert [r.kind for r in case.referrals.values()] == ["support_services"]


def test_report_incident_and_hearing_commands_make_a_repeat_referral():
    """SafeLives repeat MARAC guidance; D 8.15: through the registry."""
    case = high_risk_case()
    apply_command(case, "record_marac_hearing", {"referral_id": "r1", "heard_on": "2026-06-25"},
                  ctx(at=HEARING_RECORDED_AT, command_id="h"))
    apply_command(case, "report_incident", {"occurred_on": "2027-01-04",
                                            "summary": "Police called again."},
                  ctx(at=london(2027, 1, 5), command_id="i"))
    assert [r.kind for r in case.referrals.values()] == ["marac", "repeat_marac"]
    assert {"h", "i"} <= case.applied_commands

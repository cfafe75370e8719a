"""The DASH risk checklist: its answers, the high-risk rule, drafts and superseding assessments.

[guidance] SafeLives DASH RIC: 24 questions answered yes / no / not known; high risk at 14 or
more "yes", on professional judgement with a reason, or at 3 or more police call-outs in 12
months (D 8.14, D 8.15).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from aggregates.commands import CommandContext, apply_command
from aggregates.dash import (
    GUIDANCE,
    QUESTIONS,
    Answer,
    RiskLevel,
    RiskThresholds,
    assess_risk,
    check_answers,
)
from aggregates.errors import RuleViolation
from aggregates.policies import DARTFORD_2026, DOVER_2025
from aggregates.report import Council
from aggregates.tasks import TaskKind
from tests.unit.builders import (
    CASEWORKER,
    dash_answers,
    discussion_case,
    finish_task,
    kinds,
    london,
    make_report,
    record_dash,
    task_of,
    triaged_case,
)

THRESHOLDS = RiskThresholds()
DASH_AT = london(2026, 6, 10, 10)  # Wed 10 June 2026, two days after the report


def assess(yes: int = 0, *, callouts: int = 0, judgement: bool = False, reason: str = "",
           thresholds: RiskThresholds = THRESHOLDS):
    return assess_risk(dash_answers(yes), police_callouts_12_months=callouts,
                       professional_judgement=judgement, judgement_reason=reason,
                       thresholds=thresholds)


def event_names(events) -> list[str]:
    return [type(e).__name__ for e in events]


SAVED_AT = london(2026, 6, 9, 14)  # Tue 9 June 2026: a checklist begun


def save(case, answers, *, callouts: int = 0, command_id: str = "save-1") -> None:
    case.save_dash(answers=answers, police_callouts_12_months=callouts, victim_present=True,
                   actor=CASEWORKER, at=SAVED_AT, command_id=command_id)


# ---- the checklist ---------------------------------------------------------------------------


def test_checklist_has_24_questions_numbered_1_to_24():
    """SafeLives guidance: the DASH RIC has 24 questions."""
    assert sorted(QUESTIONS) == list(range(1, 25))
    assert {a.value for a in Answer} == {"yes", "no", "not_known"}


@pytest.mark.parametrize("number", [0, 25, -3])
def test_answer_to_a_question_not_on_the_checklist_is_refused(number):
    """SafeLives guidance: only the 24 questions of the checklist are answered."""
    with pytest.raises(RuleViolation) as err:
        check_answers({number: ("yes", "")}, complete=False)
    assert err.value.rule == "dash_question_exists"
    assert err.value.field == f"answers.{number}"
    assert err.value.section == GUIDANCE


@pytest.mark.parametrize("answer", ["maybe", "YES", "", "true"])
def test_answer_other_than_yes_no_or_not_known_is_refused(answer):
    """SafeLives guidance: each question is answered yes / no / not known."""
    with pytest.raises(RuleViolation) as err:
        check_answers({3: (answer, "")}, complete=False)
    assert err.value.rule == "dash_answer_is_yes_no_or_not_known"
    assert err.value.field == "answers.3"
    assert err.value.section == GUIDANCE


def test_comment_over_2000_characters_is_refused_and_2000_accepted():
    """SafeLives guidance: an optional comment with each answer (bounded in length)."""
    check_answers({5: ("no", "x" * 2000)}, complete=False)
    with pytest.raises(RuleViolation) as err:
        check_answers({5: ("no", "x" * 2001)}, complete=False)
    assert (err.value.rule, err.value.field) == ("dash_comment_length", "answers.5.comment")


def test_completed_checklist_must_answer_every_question():
    """SafeLives guidance: a completed checklist answers all 24 questions."""
    answers = dash_answers(0)
    del answers[7], answers[24]
    with pytest.raises(RuleViolation) as err:
        check_answers(answers, complete=True)
    assert err.value.rule == "dash_complete_answers_every_question"
    assert err.value.field == "answers"
    assert err.value.section == GUIDANCE
    assert "[7, 24]" in err.value.message


def test_draft_checklist_need_not_answer_every_question():
    """SafeLives guidance: a checklist may be saved part-way and resumed."""
    check_answers({1: ("yes", ""), 2: ("not_known", "")}, complete=False)
    check_answers({}, complete=False)


# ---- the high-risk rule ----------------------------------------------------------------------


def test_14_yes_answers_is_visible_high_risk():
    """SafeLives guidance: 14 or more "yes" is visible high risk."""
    outcome = assess(14)
    assert outcome.level is RiskLevel.HIGH
    assert outcome.yes_count == 14
    assert outcome.reasons == ("visible_high_risk",)


def test_13_yes_answers_is_not_high_risk():
    """SafeLives guidance: below 14 "yes" the count alone does not make high risk."""
    outcome = assess(13)
    assert outcome.level is RiskLevel.NOT_HIGH
    assert outcome.yes_count == 13
    assert outcome.reasons == ()


def test_not_known_answers_do_not_count_as_yes():
    """SafeLives guidance: only "yes" answers count towards visible high risk."""
    outcome = assess_risk(dash_answers(13, rest="not_known"), police_callouts_12_months=0,
                          professional_judgement=False, judgement_reason="",
                          thresholds=THRESHOLDS)
    assert (outcome.level, outcome.yes_count) == (RiskLevel.NOT_HIGH, 13)


def test_professional_judgement_with_a_reason_makes_high_risk():
    """SafeLives guidance: professional judgement, with a recorded reason, makes high risk."""
    outcome = assess(2, judgement=True, reason="Victim describes recent escalation in threats.")
    assert outcome.level is RiskLevel.HIGH
    assert outcome.reasons == ("professional_judgement",)


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_professional_judgement_without_a_reason_is_refused(reason):
    """SafeLives guidance; D 8.25: professional judgement records its reason."""
    with pytest.raises(RuleViolation) as err:
        assess(2, judgement=True, reason=reason)
    assert err.value.rule == "professional_judgement_has_reason"
    assert err.value.field == "judgement_reason"
    assert err.value.section == GUIDANCE


def test_three_police_callouts_in_12_months_is_potential_escalation():
    """SafeLives guidance: 3 or more police call-outs in 12 months is potential escalation."""
    outcome = assess(0, callouts=3)
    assert outcome.level is RiskLevel.HIGH
    assert outcome.reasons == ("potential_escalation",)


def test_two_police_callouts_is_not_potential_escalation():
    """SafeLives guidance: fewer than 3 call-outs does not make potential escalation."""
    outcome = assess(0, callouts=2)
    assert outcome.level is RiskLevel.NOT_HIGH
    assert outcome.reasons == ()


def test_every_reason_that_applies_is_listed_in_the_rule_order():
    """SafeLives guidance: visible high risk, professional judgement, potential escalation."""
    outcome = assess(20, callouts=5, judgement=True, reason="Threats to kill.")
    assert outcome.reasons == ("visible_high_risk", "professional_judgement",
                               "potential_escalation")


def test_negative_police_callouts_are_refused():
    """SafeLives guidance: call-outs are a count."""
    with pytest.raises(RuleViolation) as err:
        assess(0, callouts=-1)
    assert (err.value.rule, err.value.field) == ("callouts_not_negative",
                                                 "police_callouts_12_months")


def test_both_councils_policies_hold_thresholds_of_14_yes_and_3_callouts():
    """D 8.15, DBC 6.7: the thresholds are kept with each council's policy."""
    for policy in (DOVER_2025, DARTFORD_2026):
        assert policy.risk_thresholds.visible_high_risk_yes == 14
        assert policy.risk_thresholds.escalation_police_callouts == 3


def test_thresholds_are_read_from_the_policy_not_fixed_in_the_rule():
    """D 8.15: the rule takes its numbers from the council's policy."""
    stricter = RiskThresholds(visible_high_risk_yes=10, escalation_police_callouts=2)
    assert assess(10, thresholds=stricter).reasons == ("visible_high_risk",)
    assert assess(0, callouts=2, thresholds=stricter).reasons == ("potential_escalation",)
    assert assess(10).level is RiskLevel.NOT_HIGH


def test_dartford_case_is_high_risk_at_14_yes_and_not_at_13():
    """DBC 6.7: Dartford applies the same DASH threshold."""
    high = discussion_case(make_report(council=Council.DARTFORD))
    record_dash(high, yes=14, at=DASH_AT)
    low = discussion_case(make_report(council=Council.DARTFORD))
    record_dash(low, yes=13, at=DASH_AT)
    assert (high.risk_level, low.risk_level) == ("high", "not_high")


# ---- drafts: saving part-way and resuming ----------------------------------------------------


def test_saved_draft_is_recorded_and_need_not_answer_every_question():
    """SafeLives guidance: a partly completed checklist is saved to resume later."""
    case = discussion_case()
    case.collect_events()
    save(case, {1: ("yes", "Bruising to arm"), 2: ("no", "")}, callouts=1)
    [event] = case.collect_events()
    assert type(event).__name__ == "DashSaved"
    assert event.answers == {"1": ["yes", "Bruising to arm"], "2": ["no", ""]}
    assert event.police_callouts_12_months == 1
    assert event.checklist_version == "safelives-dash-ric-2009"
    assert event.actor == CASEWORKER
    assert case.dash_draft.assessment_id == event.assessment_id
    assert case.assessments == []
    assert case.risk_level is None


def test_saving_twice_merges_answers_into_the_same_draft():
    """SafeLives guidance: the officer resumes the same checklist; later answers win."""
    case = discussion_case()
    save(case, {1: ("yes", ""), 2: ("no", "")}, command_id="s1")
    first_id = case.dash_draft.assessment_id
    save(case, {2: ("yes", "Changed on reflection"), 3: ("not_known", "")}, command_id="s2")
    assert case.dash_draft.assessment_id == first_id
    assert case.dash_draft.to_dict()["answers"] == {
        "1": ["yes", ""], "2": ["yes", "Changed on reflection"], "3": ["not_known", ""]}
    assert {"s1", "s2"} <= case.applied_commands


def test_saving_a_bad_answer_is_refused_and_records_nothing():
    """SafeLives guidance: yes / no / not known only, even in a draft."""
    case = discussion_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        save(case, {1: ("yes", ""), 9: ("perhaps", "")})
    assert (err.value.rule, err.value.field) == ("dash_answer_is_yes_no_or_not_known",
                                                 "answers.9")
    assert case.collect_events() == []
    assert case.dash_draft is None


def test_completing_uses_the_drafts_answers_and_clears_the_draft():
    """SafeLives guidance: a resumed checklist completes with the answers saved before."""
    case = discussion_case()
    save(case, dash_answers(10, numbers=range(1, 11)))  # questions 1–10, all "yes"
    draft_id = case.dash_draft.assessment_id
    case.collect_events()
    case.complete_dash(answers=dash_answers(4, numbers=range(11, 25)),
                       police_callouts_12_months=0, victim_present=True,
                       professional_judgement=False, judgement_reason="", actor=CASEWORKER,
                       at=DASH_AT, command_id="done-1")
    completed = case.collect_events()[0]
    assert type(completed).__name__ == "DashCompleted"
    assert completed.assessment_id == draft_id
    assert sorted(int(n) for n in completed.answers) == list(range(1, 25))
    assert completed.yes_count == 14
    assert completed.level == "high"
    assert completed.reasons == [{"rule": "visible_high_risk", "section": GUIDANCE}]
    assert completed.supersedes is None
    assert case.dash_draft is None
    assert [a.assessment_id for a in case.assessments] == [draft_id]


def test_completing_with_questions_still_unanswered_is_refused_and_keeps_the_draft():
    """SafeLives guidance: a completed checklist answers all 24 questions."""
    case = discussion_case()
    save(case, dash_answers(0, numbers=range(1, 11)))
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        case.complete_dash(answers={11: ("no", "")}, police_callouts_12_months=0,
                           victim_present=True, professional_judgement=False,
                           judgement_reason="", actor=CASEWORKER, at=DASH_AT,
                           command_id="done-1")
    assert (err.value.rule, err.value.field) == ("dash_complete_answers_every_question",
                                                 "answers")
    assert case.collect_events() == []
    assert case.dash_draft is not None
    assert case.assessments == []


def test_professional_judgement_without_reason_on_a_case_records_nothing():
    """SafeLives guidance: the reason for professional judgement is recorded."""
    case = discussion_case()
    case.collect_events()
    with pytest.raises(RuleViolation) as err:
        record_dash(case, yes=1, judgement=True, judgement_reason=" ", at=DASH_AT)
    assert err.value.rule == "professional_judgement_has_reason"
    assert case.collect_events() == []


def test_professional_judgement_is_recorded_with_its_reason():
    """SafeLives guidance: professional judgement with a recorded reason makes high risk."""
    case = discussion_case()
    case.collect_events()
    record_dash(case, yes=3, judgement=True, judgement_reason="Recent threat with a knife.",
                at=DASH_AT)
    completed = case.collect_events()[0]
    assert completed.professional_judgement is True
    assert completed.judgement_reason == "Recent threat with a knife."
    assert [r["rule"] for r in completed.reasons] == ["professional_judgement"]
    assert case.risk_level == "high"


def test_second_completed_assessment_supersedes_the_first_and_both_are_kept():
    """SafeLives guidance; D 8.25: a reassessment supersedes, never erases, the earlier one."""
    case = discussion_case()
    record_dash(case, yes=3, at=DASH_AT, command_id="d1")
    first_id = case.assessments[0].assessment_id
    case.collect_events()
    record_dash(case, yes=15, at=DASH_AT + timedelta(days=7), command_id="d2")
    second = case.collect_events()[0]
    assert second.supersedes == first_id
    assert second.assessment_id != first_id
    assert [a.assessment_id for a in case.assessments] == [first_id, second.assessment_id]
    assert [a.level for a in case.assessments] == ["not_high", "high"]
    assert case.assessments[1].supersedes == first_id
    assert case.risk_level == "high"


def test_assessment_records_who_completed_it():
    """D 8.25: every action is recorded with who did it."""
    case = discussion_case()
    record_dash(case, yes=0, at=DASH_AT)
    assert case.assessments[0].completed_by == CASEWORKER.staff_id
    assert case.assessments[0].victim_present is True


# ---- the DASH task ---------------------------------------------------------------------------


def test_contact_with_discussion_offered_opens_the_dash_task():
    """D 8.14: staff complete a DASH checklist at the personal discussion."""
    case = triaged_case()
    opened = finish_task(case, TaskKind.CONTACT_VICTIM, "discussion_offered")
    assert kinds(opened) == [TaskKind.HOLD_PERSONAL_DISCUSSION, TaskKind.COMPLETE_DASH]
    dash = task_of(opened, TaskKind.COMPLETE_DASH)
    assert dash.section == "D 8.14"


def test_completing_the_dash_closes_the_dash_task_and_not_the_discussion():
    """D 8.14: recording the DASH completes its task."""
    case = discussion_case()
    dash_task = task_of(case.open_tasks, TaskKind.COMPLETE_DASH)
    case.collect_events()
    record_dash(case, yes=0, at=DASH_AT, command_id="dash-cmd")
    events = case.collect_events()
    assert event_names(events) == ["DashCompleted", "TaskCompleted"]
    closed = events[1]
    assert (closed.task_id, closed.outcome, closed.late) == (dash_task.task_id, "completed", False)
    assert closed.command_id == "dash-cmd"
    assert TaskKind.COMPLETE_DASH not in kinds(case.open_tasks)
    assert TaskKind.HOLD_PERSONAL_DISCUSSION in kinds(case.open_tasks)


def test_dash_completed_after_its_task_deadline_closes_it_as_late():
    """D 8.14: a late DASH is recorded as late."""
    case = discussion_case()
    dash_task = task_of(case.open_tasks, TaskKind.COMPLETE_DASH)
    case.collect_events()
    record_dash(case, yes=0, at=dash_task.due_at)
    assert case.collect_events()[1].late is True


def test_generic_completion_of_the_dash_task_is_refused_except_victim_declined():
    """D 8.13, D 8.14: the DASH task is closed by recording the DASH, or the victim declining."""
    case = discussion_case()
    with pytest.raises(RuleViolation) as err:
        finish_task(case, TaskKind.COMPLETE_DASH, "completed")
    assert (err.value.rule, err.value.field) == ("outcome_fits_task", "outcome")
    assert "complete_dash" in err.value.message
    finish_task(case, TaskKind.COMPLETE_DASH, "victim_declined", command_id="declined")
    assert TaskKind.COMPLETE_DASH not in kinds(case.open_tasks)


def test_not_high_assessment_opens_no_marac_referral():
    """D 8.15: only high-risk cases go to MARAC."""
    case = discussion_case()
    case.collect_events()
    record_dash(case, yes=13, callouts=2, at=DASH_AT)
    assert "ReferralOpened" not in event_names(case.collect_events())
    assert case.referrals == {}
    assert TaskKind.RECORD_MARAC_HEARING not in kinds(case.open_tasks)
    assert case.risk_level == "not_high"


def test_high_risk_assessment_records_marac_referral_after_the_assessment():
    """D 8.15: a high-risk DASH is referred to MARAC."""
    case = discussion_case()
    case.collect_events()
    record_dash(case, yes=14, at=DASH_AT)
    # D 12.5: the decision to share with the MARAC is recorded before the referral opens.
    assert event_names(case.collect_events()) == ["DashCompleted", "TaskCompleted",
                                                  "SharingDecided", "ReferralOpened",
                                                  "TaskOpened"]


# ---- through the command registry ------------------------------------------------------------


def ctx(command_id: str = "c1"):
    return CommandContext(actor=CASEWORKER, at=DASH_AT, command_id=command_id)


def test_save_dash_command_reads_answer_and_optional_comment():
    """SafeLives guidance: each answer with an optional comment."""
    case = discussion_case()
    apply_command(case, "save_dash", {"answers": {"1": ["yes", "Injury"], "2": ["no"]}}, ctx())
    assert case.dash_draft.to_dict()["answers"] == {"1": ["yes", "Injury"], "2": ["no", ""]}


@pytest.mark.parametrize("answers, field", [
    ({"1": "yes"}, "answers.1"),
    ({"one": ["yes"]}, "answers.one"),
    ({"2": []}, "answers.2"),
    ({"3": ["yes", "c", "extra"]}, "answers.3"),
])
def test_save_dash_command_refuses_badly_shaped_answers(answers, field):
    """SafeLives guidance: each answer is [answer, comment]."""
    with pytest.raises(RuleViolation) as err:
        apply_command(discussion_case(), "save_dash", {"answers": answers}, ctx())
    assert (err.value.rule, err.value.field) == ("dash_answer_shape", field)


def test_complete_dash_command_refuses_an_unknown_question_by_number():
    """SafeLives guidance: 24 questions."""
    answers = {str(n): ["no"] for n in range(1, 26)}
    with pytest.raises(RuleViolation) as err:
        apply_command(discussion_case(), "complete_dash", {"answers": answers}, ctx())
    assert (err.value.rule, err.value.field) == ("dash_question_exists", "answers.25")


def test_complete_dash_command_completes_from_the_saved_draft():
    """SafeLives guidance: resumable checklist, through the workflow's command registry."""
    case = discussion_case()
    apply_command(case, "save_dash", {"answers": {str(n): ["yes"] for n in range(1, 15)}},
                  ctx("c1"))
    apply_command(case, "complete_dash", {"answers": {str(n): ["no"] for n in range(15, 25)}},
                  ctx("c2"))
    assert case.assessments[0].yes_count == 14
    assert case.risk_level == "high"
    assert {"c1", "c2"} <= case.applied_commands


def test_opened_case_starts_with_no_assessment():
    """D 8.14: the DASH is completed at the personal discussion, not at intake."""
    case = triaged_case()
    assert (case.assessments, case.dash_draft, case.risk_level) == ([], None, None)

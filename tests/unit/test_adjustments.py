"""Reasonable adjustments asked for at intake are carried on the tasks that must honour them
(D 8.16; CAR communication needs)."""

from __future__ import annotations

import pytest

from aggregates.adjustments import CONTACT_TASKS, MEETING_TASKS, WORDING, requirements_for
from aggregates.report import Adjustment
from aggregates.tasks import Task, TaskKind
from tests.unit.builders import (
    CASEWORKER,
    discussion_case,
    kinds,
    london,
    make_report,
    task_of,
    triaged_case,
)

TELEPHONE = "by telephone only: no home visit"
SAME_SEX = "an officer of the same sex"
TWO_OFFICERS = "two officers attend"
SAFE_PLACE = "in a safe, private place the victim chooses"
MEETINGS = [TaskKind.HOLD_PERSONAL_DISCUSSION, TaskKind.COMPLETE_DASH]
CONTACTS = [TaskKind.CONTACT_VICTIM, TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY,
            TaskKind.HOLD_PERSONAL_DISCUSSION, TaskKind.COMPLETE_DASH]
NOT_WITH_THE_VICTIM = [k for k in TaskKind if k not in CONTACT_TASKS]
COMMUNICATION = [Adjustment.INTERPRETER, Adjustment.BSL, Adjustment.RELAY_UK,
                 Adjustment.LARGE_PRINT, Adjustment.BRAILLE, Adjustment.AUDIO,
                 Adjustment.TRANSLATED_DOCUMENTS]
AFTER_CONTACT_DUE = london(2026, 6, 10, 17, 1)


# ---- requirements_for ------------------------------------------------------------------------


def test_meeting_and_contact_tasks_are_the_ones_with_the_victim():
    """D 8.16: adjustments apply where staff meet or contact the victim."""
    assert set(MEETINGS) == MEETING_TASKS
    assert set(CONTACTS) == CONTACT_TASKS


def test_every_adjustment_has_words_for_the_task():
    """D 8.16; CAR: no adjustment asked for is silently dropped."""
    assert set(WORDING) == set(Adjustment)


@pytest.mark.parametrize("adjustment", list(Adjustment))
def test_every_adjustment_appears_on_some_task(adjustment):
    """D 8.16; CAR: each adjustment reaches an officer."""
    assert any(WORDING[adjustment] in requirements_for(kind, [adjustment]) for kind in TaskKind)


@pytest.mark.parametrize("kind", list(TaskKind))
def test_no_adjustments_asked_for_gives_no_requirements(kind):
    """D 8.16."""
    assert requirements_for(kind, []) == ()


@pytest.mark.parametrize("kind", MEETINGS)
def test_telephone_only_means_no_home_visit_and_no_two_officers(kind):
    """D 8.16: telephone instead of a visit; with no visit there are no officers to send."""
    needs = requirements_for(kind, [Adjustment.TELEPHONE_ONLY, Adjustment.TWO_OFFICERS,
                                    Adjustment.SAFE_PRIVATE_PLACE])
    assert needs == (TELEPHONE,)
    assert TWO_OFFICERS not in needs


@pytest.mark.parametrize("kind", MEETINGS)
def test_same_sex_officer_still_applies_on_the_telephone(kind):
    """D 8.16: a member of staff of the same sex, also on a call."""
    assert requirements_for(kind, [Adjustment.SAME_SEX_OFFICER, Adjustment.TELEPHONE_ONLY]) == (
        TELEPHONE, SAME_SEX)


@pytest.mark.parametrize("kind", MEETINGS)
def test_same_sex_officer_two_officers_and_safe_place_are_on_every_meeting_task(kind):
    """D 8.16: same-sex staff, two officers at in-person meetings, a safe private place."""
    needs = requirements_for(kind, [Adjustment.TWO_OFFICERS, Adjustment.SAME_SEX_OFFICER,
                                    Adjustment.SAFE_PRIVATE_PLACE])
    assert needs == (SAME_SEX, TWO_OFFICERS, SAFE_PLACE)


@pytest.mark.parametrize("kind", [TaskKind.TELL_LINE_MANAGER_AND_DSO, TaskKind.CONTACT_VICTIM,
                                  TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY,
                                  TaskKind.MARAC_ACTION])
def test_meeting_adjustments_are_not_on_tasks_that_are_not_meetings(kind):
    """D 8.16: two officers attend in-person meetings, not internal or call tasks."""
    needs = requirements_for(kind, [Adjustment.SAME_SEX_OFFICER, Adjustment.TWO_OFFICERS,
                                    Adjustment.TELEPHONE_ONLY])
    assert needs == ()


@pytest.mark.parametrize("adjustment", COMMUNICATION)
@pytest.mark.parametrize("kind", CONTACTS)
def test_communication_needs_are_on_every_contact_task(kind, adjustment):
    """D 8.16 (interpreters, translation); CAR (BSL, Relay UK, Braille, large print, audio)."""
    assert requirements_for(kind, [adjustment]) == (WORDING[adjustment],)


@pytest.mark.parametrize("kind", NOT_WITH_THE_VICTIM)
def test_communication_needs_are_not_on_tasks_without_the_victim(kind):
    """D 8.16; CAR: internal tasks need no interpreter."""
    assert requirements_for(kind, COMMUNICATION) == ()


def test_requirements_follow_a_fixed_order_whatever_order_they_were_asked_in():
    """D 8.16: the officer reads meeting needs first, then communication needs."""
    asked = [Adjustment.LARGE_PRINT, Adjustment.TWO_OFFICERS, Adjustment.INTERPRETER]
    assert requirements_for(TaskKind.COMPLETE_DASH, asked) == (
        TWO_OFFICERS, "interpreter", "large print")
    assert requirements_for(TaskKind.COMPLETE_DASH, reversed(asked)) == (
        TWO_OFFICERS, "interpreter", "large print")


def test_adjustment_asked_twice_is_listed_once():
    """D 8.16."""
    assert requirements_for(TaskKind.CONTACT_VICTIM,
                            [Adjustment.BSL, Adjustment.BSL]) == ("British Sign Language "
                                                                  "interpreter",)


# ---- through a case's tasks ------------------------------------------------------------------


def test_telephone_only_victims_discussion_and_dash_tasks_say_no_home_visit():
    """D 8.16: telephone instead of a visit."""
    case = discussion_case(make_report(adjustments=(Adjustment.TELEPHONE_ONLY,
                                                    Adjustment.TWO_OFFICERS,
                                                    Adjustment.INTERPRETER)))
    for kind in MEETINGS:
        task = task_of(case.open_tasks, kind)
        assert task.requirements == (TELEPHONE, "interpreter")
        assert TWO_OFFICERS not in task.requirements


def test_same_sex_and_two_officers_are_on_meeting_tasks_but_not_telling_the_dso():
    """D 8.16: adjustments for in-person meetings."""
    case = discussion_case(make_report(adjustments=(Adjustment.SAME_SEX_OFFICER,
                                                    Adjustment.TWO_OFFICERS)))
    for kind in MEETINGS:
        assert task_of(case.open_tasks, kind).requirements == (SAME_SEX, TWO_OFFICERS)
    assert task_of(case.open_tasks, TaskKind.TELL_LINE_MANAGER_AND_DSO).requirements == ()
    assert task_of(case.open_tasks, TaskKind.TELL_HOUSING_TEAM).requirements == ()


def test_communication_needs_reach_every_contact_task_of_a_case():
    """D 8.16; CAR: BSL, Relay UK and large print on each contact with the victim."""
    asked = (Adjustment.BSL, Adjustment.RELAY_UK, Adjustment.LARGE_PRINT)
    expected = ("British Sign Language interpreter", "Relay UK for calls", "large print")
    case = triaged_case(make_report(adjustments=asked))
    contact = task_of(case.open_tasks, TaskKind.CONTACT_VICTIM)
    assert contact.requirements == expected
    fallback = case.escalate_missed_deadline(task_id=contact.task_id, at=AFTER_CONTACT_DUE)
    assert task_of(fallback, TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY).requirements == expected
    assert task_of(fallback, TaskKind.REFER_TO_DA_SUPPORT).requirements == ()
    next_day = task_of(fallback, TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY)
    opened = case.complete_task(task_id=next_day.task_id, outcome="discussion_offered",
                                note="Recorded.", actor=CASEWORKER,
                                at=london(2026, 6, 11, 10), command_id="c")
    assert kinds(opened) == MEETINGS
    assert all(t.requirements == expected for t in opened)


def test_requirements_are_recorded_on_the_task_opened_event_and_survive_replay():
    """D 8.16; D 8.25: the adjustment is part of the recorded task."""
    case = triaged_case(make_report(adjustments=(Adjustment.INTERPRETER,)))
    opened = [e for e in case.collect_events() if type(e).__name__ == "TaskOpened"]
    contact = next(e.task for e in opened if e.task["kind"] == "contact_victim")
    assert contact["requirements"] == ["interpreter"]
    assert Task.from_dict(contact).requirements == ("interpreter",)

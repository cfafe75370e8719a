"""Which monitoring facts a case's events give (activities/monitoring_facts.py), from the case
as it stood just after each event, as the projection derives them (issue 17 item 2)."""

from __future__ import annotations

from datetime import date

from activities.monitoring_facts import Fact, facts_of
from aggregates.case import Case
from aggregates.tasks import TaskKind
from tests.unit.builders import CASEWORKER, london, task_of, triaged_case
from tests.unit.test_safeguarding import action, heard_case, marac_referral_id

TEAM = "Tenancy Support Team"


def facts(case: Case, *reports: str) -> list[Fact]:
    """The facts of `reports` the case's events give, each from the case just after it."""
    found: list[Fact] = []
    rolled = None
    for event in case.collect_events():
        rolled = event.mutate(rolled)
        assert isinstance(rolled, Case)
        found += [f for f in facts_of(event, rolled) if f.report in reports]
    return found


def test_a_victim_contacted_after_the_deadline_is_counted_once_with_the_days_taken() -> None:
    """D 8.14: reported Mon 8 June 2026, contact due by Wed 10 June; the deadline passed and
    the next-working-day task was done on Thu 11 June (3 working days): later. Completing
    the first contact task afterwards adds nothing: the victim was contacted once."""
    case = triaged_case()
    first = task_of(case.open_tasks, TaskKind.CONTACT_VICTIM)
    case.escalate_missed_deadline(task_id=first.task_id, at=london(2026, 6, 11, 9))
    again = task_of(case.open_tasks, TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY)
    case.complete_task(task_id=again.task_id, outcome="discussion_offered", note="",
                       actor=CASEWORKER, at=london(2026, 6, 11, 15), command_id="c1")
    case.complete_task(task_id=first.task_id, outcome="discussion_offered", note="",
                       actor=CASEWORKER, at=london(2026, 6, 12, 10), command_id="c2")
    assert facts(case, "victim-contact", "victim-contact-days") == [
        Fact("victim-contact", "later", "dover", TEAM, date(2026, 6, 11)),
        Fact("victim-contact-days", "3", "dover", TEAM, date(2026, 6, 11))]


def test_a_marac_action_is_overdue_once_in_the_month_its_deadline_passed() -> None:
    """D 8.15: one action due Fri 3 July 2026 escalated on Mon 6 July and done on 8 July
    counts overdue once, in July; one done late without an escalation counts overdue when
    done; one done in time counts on time."""
    case = heard_case()
    referral = marac_referral_id(case)
    case.add_marac_actions(referral_id=referral, actions=[action(), action(), action()],
                           actor=CASEWORKER, at=london(2026, 6, 26, 12), command_id="acts")
    escalated, late, on_time = [t for t in case.open_tasks
                                if t.kind is TaskKind.MARAC_ACTION]
    case.escalate_missed_deadline(task_id=escalated.task_id, at=london(2026, 7, 6, 9))
    for task, day, command in ((escalated, 8, "a1"), (late, 7, "a2"), (on_time, 2, "a3")):
        case.complete_task(task_id=task.task_id, outcome="done", note="", actor=CASEWORKER,
                           at=london(2026, 7, day, 12), command_id=command)
    assert [(f.row, f.day) for f in facts(case, "marac-actions")] == [
        ("overdue", date(2026, 7, 6)), ("overdue", date(2026, 7, 7)),
        ("on_time", date(2026, 7, 2))]

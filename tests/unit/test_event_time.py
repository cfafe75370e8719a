"""Time is a fact of the command: what the case records as the time of a fact is the `at` of
the command that recorded it (the workflow's clock, or the request's), never the moment the
library stored the event. (Events stored before events carried `at`: tests/unit/
test_case_events.py.)"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from aggregates.report import Child
from aggregates.tasks import TaskKind
from aggregates.working_days import local_date
from tests.unit.builders import (
    CASEWORKER,
    ORDINARY_MONDAY,
    discussion_case,
    finish_task,
    london,
    make_report,
    open_case,
    record_dash,
    task_of,
    triaged_case,
)

TRIAGED_AT = london(2026, 6, 8, 10, 20)  # Mon 8 June 2026, twenty minutes after the report


def test_triage_opens_every_task_at_the_time_triage_ran() -> None:
    case = open_case()
    tasks = case.triage(CASEWORKER, at=TRIAGED_AT)
    assert tasks and {t.opened_at for t in tasks} == {TRIAGED_AT}
    assert all(case.tasks[t.task_id].opened_at == TRIAGED_AT for t in tasks)


def test_tasks_that_follow_a_completion_open_at_the_completion_and_every_event_says_so(
) -> None:
    case = triaged_case()
    case.collect_events()
    done_at = ORDINARY_MONDAY + timedelta(hours=5)
    follow_ups = finish_task(case, TaskKind.CONTACT_VICTIM, "discussion_offered", at=done_at)
    assert {t.opened_at for t in follow_ups} == {done_at}
    assert {e.at for e in case.collect_events()} == {done_at}


def test_a_dash_records_its_completion_and_its_referrals_at_the_commands_time() -> None:
    """D 8.15: the record says when the officer completed the DASH, not when it was stored
    (this test runs long after June 2026, so the two differ)."""
    case = discussion_case()
    dash_at = london(2026, 6, 10, 9, 15)
    case.collect_events()
    record_dash(case, yes=14, at=dash_at)
    events = case.collect_events()
    assert {e.at for e in events} == {dash_at}
    assert all(local_date(e.timestamp) != dash_at.date() for e in events)
    assert case.assessments[-1].completed_at == dash_at
    [marac] = [r for r in case.referrals.values() if r.kind == "marac"]
    assert (marac.opened_on, marac.opened_at) == (dash_at.date(), dash_at)
    assert marac.to_dict()["opened_at"] == dash_at.isoformat()
    assert task_of(case.open_tasks, TaskKind.RECORD_MARAC_HEARING).opened_at == dash_at
    [decision] = case.sharing_decisions
    assert decision.decided_at == dash_at


def test_a_partners_acknowledgement_is_recorded_at_the_time_it_is_given() -> None:
    case = triaged_case(make_report(children=(Child(age=3),)))
    delivered_at, acknowledged_at = london(2026, 6, 8, 12), london(2026, 6, 9, 8, 30)
    case.record_referral_delivered(referral_id="r1", delivery_id="d-1", digest="sha256:aa",
                                   via="stand-in", at=delivered_at)
    case.record_referral_acknowledged(referral_id="r1", ack_message_id="ack-1",
                                      digest="sha256:aa", signed_body="{}", signature="s",
                                      at=acknowledged_at)
    assert case.referrals["r1"].acknowledged_at == acknowledged_at


CLOCK = re.compile(r"\b(?:datetime\.(?:now|utcnow)|date\.today|time\.time)\(")
ROOT = Path(__file__).resolve().parents[2]


def test_no_business_fact_reads_a_clock_but_intakes() -> None:
    """The domain reads no clock; the case's activities take the workflow's time from their
    input; the store's one clock is intake's (the time of the request opening a case, and the
    fallback for an input scheduled before it carried `at`)."""
    domain = {str(p.relative_to(ROOT)): CLOCK.findall(p.read_text())
              for p in (ROOT / "aggregates").rglob("*.py")}
    assert {path: found for path, found in domain.items() if found} == {}
    assert CLOCK.findall((ROOT / "activities" / "case_activities.py").read_text()) == []
    assert CLOCK.findall((ROOT / "activities" / "case_store.py").read_text()) == [
        "datetime.now("]

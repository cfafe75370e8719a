"""A long case replayed at three moments matches what the case showed then.

While the case is built, its view (`case_view` of the case as the store gave it then, from its
latest snapshot: today's path) is kept as JSON at three moments, with the time it was seen.
After many more events (past several snapshots), the case replayed from its events alone at
each kept version, and at each kept time, must show exactly what was seen.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from activities.case_store import CaseStore
from aggregates.errors import RuleViolation
from aggregates.report import Actor, Role
from application.case_history import case_as_at, case_view, changes
from tests.support import make_report

CASEWORKER = Actor(staff_id="cw-1", role=Role.CASEWORKER)
DSO = Actor(staff_id="dso-1", role=Role.DSO)
# What the staff directory says of the staff named on a restriction.
DIRECTORY = {staff_id: {"role": role, "council": "dover", "active": True, "teams": []}
             for staff_id, role in (("cw-1", "caseworker"), ("dso-1", "dso"))}
HIGH = {str(n): ["yes" if n <= 14 else "no"] for n in range(1, 25)}


def seen(store: CaseStore, case_id: uuid.UUID) -> tuple[int, datetime, str]:
    """The case's version, the time it was seen and its view as JSON, as the case showed."""
    case = store.get_case(case_id)
    return case.version, datetime.now(UTC), json.dumps(case_view(case), sort_keys=True)


def command(store: CaseStore, case_id: uuid.UUID, name: str, actor: Actor = CASEWORKER,
            **args: Any) -> None:
    store.apply_command(case_id=case_id, name=name, args=args, actor=actor,
                        command_id=f"{name}-{uuid.uuid4().hex[:8]}", at=datetime.now(UTC))


def contacts(store: CaseStore, case_id: uuid.UUID, count: int) -> None:
    for n in range(count):
        command(store, case_id, "record_contact", party="victim",
                purpose="repairs_and_tenancy_management", channel="telephone",
                note=f"Call {n}.")


def test_a_long_case_replayed_at_three_moments_shows_what_it_showed_then(
        sqlite_store: CaseStore) -> None:
    store, case_id = sqlite_store, uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint=str(case_id))
    store.triage(case_id)
    first = seen(store, case_id)  # triaged: tasks open with their deadlines

    contacts(store, case_id, 30)
    task = store.get_case(case_id).open_tasks[0]
    command(store, case_id, "complete_dash", answers=HIGH, police_callouts_12_months=0,
            victim_present=True, professional_judgement=False, judgement_reason="")
    command(store, case_id, "record_sharing_decision", partner="police",
            purpose="police_notification", shared=False, categories=["victim_identity"],
            lawful_basis=None, justification="", reasons="Victim declined for now.",
            under_isa=False)
    command(store, case_id, "restrict_case", DSO, named_staff=["cw-1", "dso-1"],
            reason="A neighbour of the victim works here.", directory=DIRECTORY)
    second = seen(store, case_id)  # high risk, a MARAC referral, a decision, restricted

    contacts(store, case_id, 40)
    command(store, case_id, "lift_restriction", DSO, reason="The neighbour has left.",
            directory=DIRECTORY)
    third = seen(store, case_id)

    contacts(store, case_id, 40)  # the case moves on well past the third moment
    latest = store.get_case(case_id).version
    assert latest > third[0] + 30

    views = [json.loads(view) for _, _, view in (first, second, third)]
    assert views[0]["risk"]["risk_level"] is None and views[1]["risk"]["risk_level"] == "high"
    assert views[1]["access"]["restricted_to"] == ["cw-1", "dso-1"]
    assert views[2]["access"]["restricted_to"] is None
    assert task.task_id in views[0]["open_tasks"] and views[1]["referrals"]
    for (version, seen_at, view) in (first, second, third):
        by_version = case_as_at(store.events, case_id, version=version)
        by_time = case_as_at(store.events, case_id, at=seen_at)
        assert json.dumps(by_version.view, sort_keys=True) == view, version
        assert json.dumps(by_time.view, sort_keys=True) == view, seen_at
        assert by_time.version == version and by_version.latest == latest


def test_what_changed_at_a_moment_is_the_difference_from_the_version_before(
        sqlite_store: CaseStore) -> None:
    store, case_id = sqlite_store, uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint=str(case_id))
    store.triage(case_id)
    command(store, case_id, "restrict_case", DSO, named_staff=["cw-1", "dso-1"],
            reason="A neighbour of the victim works here.", directory=DIRECTORY)
    moment = case_as_at(store.events, case_id)
    assert moment.event.type == "Restricted" and moment.before is not None
    assert [(c.kind, c.path, c.before, c.after) for c in changes(moment.before, moment.view)
            ] == [("changed", ("access", "restricted_to"), None, ["cw-1", "dso-1"])]
    opened = case_as_at(store.events, case_id, version=1)
    assert opened.before is None and opened.view["access"]["team"] == ""
    assert case_as_at(store.events, case_id, version=2).view["access"]["team"] != ""


def test_a_moment_the_case_never_had_is_refused_naming_the_rule(
        sqlite_store: CaseStore) -> None:
    store, case_id = sqlite_store, uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint=str(case_id))
    opened_at = case_as_at(store.events, case_id).event.recorded_at
    with pytest.raises(RuleViolation) as late:
        case_as_at(store.events, case_id, version=9)
    assert late.value.rule == "version_within_case"
    with pytest.raises(RuleViolation) as early:
        case_as_at(store.events, case_id, at=opened_at - timedelta(seconds=1))
    assert early.value.rule == "moment_after_opening"
    with pytest.raises(RuleViolation) as naive:
        case_as_at(store.events, case_id, at=datetime(2026, 11, 23, 10))
    assert naive.value.rule == "moment_has_time_zone"

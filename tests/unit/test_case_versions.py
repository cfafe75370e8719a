"""The case's snapshot state has one committed shape per `Case.class_version`: state added
without a version step (and an upcaster for older snapshots) fails here, saying what to do.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aggregates.case import Case
from aggregates.case_versions import (
    RECENT_COMMANDS,
    SHAPES,
    StateShapeChanged,
    check_shape,
    remember_command,
    state_shape,
)
from aggregates.commands import CommandContext, apply_command
from aggregates.policies import policy_in_force
from tests.unit.builders import CASE_ID, CASEWORKER, make_report, open_case


def opened_only(case_class: type[Case]) -> Case:
    """A case with only its `Opened` event applied: the state every case starts from."""
    report = make_report()
    case = case_class.open(case_id=CASE_ID, report=report,
                           policy=policy_in_force(report.council, report.reported_at),
                           actor=CASEWORKER, reason="Report taken by telephone.",
                           request_fingerprint="fp-1", at=report.reported_at + timedelta(hours=1))
    opened = case.collect_events()[0].mutate(None)
    assert isinstance(opened, case_class)
    return opened


def test_a_new_case_has_the_state_shape_committed_for_its_class_version() -> None:
    check_shape(state_shape(opened_only(Case)), Case.class_version)


def test_every_older_snapshot_version_has_an_upcaster_to_the_next() -> None:
    assert sorted(SHAPES) == list(range(1, Case.class_version + 1))
    for version in range(1, Case.class_version):
        assert callable(getattr(Case, f"upcast_v{version}_v{version + 1}", None)), (
            f"snapshots of version {version} cannot load: add Case.upcast_v{version}_v"
            f"{version + 1}")


class CaseWithFlags(Case):
    """What a later change might do: add a slice of state the way `init_*_state` do."""

    class Opened(Case.Opened):
        def apply(self, case: Any) -> None:
            super().apply(case)
            case.flags = {}


def test_state_added_without_a_version_step_fails_naming_it_and_the_step_to_take() -> None:
    with pytest.raises(StateShapeChanged) as failure:
        check_shape(state_shape(opened_only(CaseWithFlags)), CaseWithFlags.class_version)
    message = str(failure.value)
    assert "added: ['flags']" in message
    assert f"Bump Case.class_version to {Case.class_version + 1}" in message
    assert f"upcast_v{Case.class_version}_v{Case.class_version + 1}" in message
    assert "'flags': 'dict'" in message  # the shape to commit, ready to paste


def test_a_retyped_attribute_is_a_version_step_too() -> None:
    shape = {**SHAPES[Case.class_version], "recent_commands": "frozenset"}
    with pytest.raises(StateShapeChanged, match=r"retyped: \['recent_commands'\]"):
        check_shape(shape, Case.class_version)


def test_a_case_remembers_a_bounded_window_of_its_latest_commands() -> None:
    """Idempotency without every command id ever applied: the snapshot stays the same size
    however many commands the case has seen."""
    case = open_case()
    for n in range(RECENT_COMMANDS + 10):
        apply_command(case, "record_contact", {
            "party": "victim", "purpose": "about_abuse", "channel": "telephone"},
            CommandContext(actor=CASEWORKER, at=case.modified_on, command_id=f"c{n}"))
    assert len(case.recent_commands) == RECENT_COMMANDS
    assert case.has_applied(f"c{RECENT_COMMANDS + 9}") and case.has_applied("c10")
    assert not case.has_applied("c9")


def test_remembering_a_command_twice_keeps_one_entry() -> None:
    recent: dict[str, None] = {}
    remember_command(recent, "a")
    remember_command(recent, "b")
    remember_command(recent, "a")
    assert list(recent) == ["a", "b"]

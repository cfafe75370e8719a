"""Corrections, not edits: a wrong entry of a case is corrected by a new entry pointing at it
(aggregates/corrections.py); the wrong entry stays as it was, and readers see which entry
corrects it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from activities.recorded_events import recorded
from aggregates.commands import COMMANDS, CommandContext, apply_command, parse_command
from aggregates.corrections import corrections_of
from aggregates.data_categories import WITHHELD, redact_event
from aggregates.errors import RuleViolation
from aggregates.report import Role
from tests.unit.builders import AUDITOR, CASEWORKER, ORDINARY_MONDAY, triaged_case

AT = ORDINARY_MONDAY + timedelta(hours=5)
WRONG = "Contact recorded with the victim's sister by telephone."
RIGHT = "The call was with the victim's neighbour, not her sister."


def correction(version: int, **changes: Any) -> dict[str, Any]:
    return {"corrects_version": version, "what_was_wrong": WRONG, "correction": RIGHT,
            "reason": "The caseworker misheard the caller's relationship.", **changes}


def test_a_correction_points_at_the_wrong_entry_which_stays_as_it_was() -> None:
    case = triaged_case()
    apply_command(case, "record_case_note", {"note": "Spoke to the sister."},
                  CommandContext(actor=CASEWORKER, at=AT, command_id="note-1"))
    noted = case.version
    before = [recorded(e) for e in case.collect_events()]
    state = (case.work, case.access, case.risk, case.safeguarding, case.sharing)
    apply_command(case, "correct_entry", correction(noted),
                  CommandContext(actor=CASEWORKER, at=AT, command_id="fix-1"))
    [event] = case.collect_events()
    assert type(event).__name__ == "EntryCorrected"
    assert (event.corrects_version, event.what_was_wrong, event.correction) == (
        noted, WRONG, RIGHT)
    assert (event.actor, event.at, event.command_id) == (CASEWORKER, AT, "fix-1")
    assert event.reason == "The caseworker misheard the caller's relationship."
    assert case.has_applied("fix-1")
    # Nothing of the case's state (nor its snapshots' shape) changes; the note is untouched.
    assert (case.work, case.access, case.risk, case.safeguarding, case.sharing) == state
    history = [*before, recorded(event)]
    assert history[-2].data["note"] == "Spoke to the sister."
    assert corrections_of(history) == {noted: [event.originator_version]}


def test_a_correction_may_itself_be_corrected_and_every_one_is_listed() -> None:
    case = triaged_case()
    first_entry = 1
    apply_command(case, "correct_entry", correction(first_entry),
                  CommandContext(actor=CASEWORKER, at=AT, command_id="fix-1"))
    fix = case.version
    apply_command(case, "correct_entry", correction(fix),
                  CommandContext(actor=CASEWORKER, at=AT, command_id="fix-2"))
    apply_command(case, "correct_entry", correction(first_entry),
                  CommandContext(actor=CASEWORKER, at=AT, command_id="fix-3"))
    history = [recorded(e) for e in case.collect_events()]
    assert corrections_of(history) == {first_entry: [fix, fix + 2], fix: [fix + 1]}


@pytest.mark.parametrize(("changes", "rule", "field"), [
    ({"corrects_version": 0}, "corrected_entry_exists", "corrects_version"),
    ({"corrects_version": 999}, "corrected_entry_exists", "corrects_version"),
    ({"corrects_version": True}, "corrected_entry_exists", "corrects_version"),
    ({"what_was_wrong": "  "}, "correction_has_text", "what_was_wrong"),
    ({"correction": ""}, "correction_has_text", "correction"),
    ({"correction": "x\x07y"}, "text_has_no_control_characters", "correction"),
    ({"reason": " "}, "reason_is_recorded", "reason"),
])
def test_a_correction_of_no_entry_or_without_words_is_refused(changes: dict[str, Any],
                                                              rule: str, field: str) -> None:
    case = triaged_case()
    version = case.version
    with pytest.raises(RuleViolation) as refused:
        apply_command(case, "correct_entry", correction(1, **changes),
                      CommandContext(actor=CASEWORKER, at=AT, command_id="fix-1"))
    assert (refused.value.rule, refused.value.field) == (rule, field)
    assert case.version == version


def test_the_latest_entry_may_be_corrected_but_not_the_correction_to_be() -> None:
    case = triaged_case()
    latest = case.version
    with pytest.raises(RuleViolation, match=f"entries 1 to {latest}"):
        apply_command(case, "correct_entry", correction(latest + 1),
                      CommandContext(actor=CASEWORKER, at=AT, command_id="fix-1"))
    apply_command(case, "correct_entry", correction(latest),
                  CommandContext(actor=CASEWORKER, at=AT, command_id="fix-2"))
    assert case.version == latest + 1


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_only_case_staff_may_correct_an_entry(role: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_command("correct_entry", correction(1), role)
    assert refused.value.rule == "role_may_give_command"
    assert COMMANDS["correct_entry"].command_type.roles() == {
        Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER}


def test_auditors_see_that_and_why_an_entry_was_corrected_not_the_free_text() -> None:
    data = {**correction(3), "command_id": "fix-1", "at": AT.isoformat(),
            "actor": {"staff_id": "cw-001", "role": "caseworker"}}
    auditor = redact_event("EntryCorrected", data, AUDITOR.role)
    staff = redact_event("EntryCorrected", data, Role.DSO)
    assert auditor["corrects_version"] == 3
    assert auditor["reason"] == "The caseworker misheard the caller's relationship."
    assert auditor["what_was_wrong"] == auditor["correction"] == WITHHELD
    assert (staff["what_was_wrong"], staff["correction"]) == (WRONG, RIGHT)

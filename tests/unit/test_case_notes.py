"""A note on the case: staff write what they want kept on the record, in their words. Case
staff read it (the case page's timeline shows it), auditors do not (free text can carry
anything: it has its own data category, `case_note`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aggregates.commands import COMMANDS, CommandContext, apply_command, parse_command
from aggregates.data_categories import WITHHELD, Category, readable_by, redact_event
from aggregates.errors import RuleViolation
from aggregates.report import Role
from tests.unit.builders import AUDITOR, CASEWORKER, ORDINARY_MONDAY, triaged_case
from web.presenters import timeline_line

NOTE = "Victim asked us to call only after 6pm; a neighbour holds a spare key."
AT = ORDINARY_MONDAY + timedelta(hours=5)


def test_a_note_is_recorded_with_who_when_and_the_command_and_changes_no_state() -> None:
    case = triaged_case()
    state = (case.work, case.access, case.risk, case.safeguarding, case.sharing)
    apply_command(case, "record_case_note", {"note": NOTE},
                  CommandContext(actor=CASEWORKER, at=AT, command_id="note-1"))
    [event] = [e for e in case.collect_events() if type(e).__name__ == "CaseNoteRecorded"]
    assert (event.note, event.actor, event.at, event.command_id) == (
        NOTE, CASEWORKER, AT, "note-1")
    assert event.reason == "A note on the case."
    assert case.has_applied("note-1")  # the same command again is not applied twice
    assert (case.work, case.access, case.risk, case.safeguarding, case.sharing) == state


@pytest.mark.parametrize(("note", "rule"), [
    ("   ", "case_note_has_text"),
    ("call\x07me", "text_has_no_control_characters"),
])
def test_an_empty_note_or_one_with_control_characters_is_refused(note: str, rule: str) -> None:
    case = triaged_case()
    with pytest.raises(RuleViolation) as refused:
        case.record_case_note(note=note, actor=CASEWORKER, at=AT, command_id="note-1")
    assert (refused.value.rule, refused.value.field) == (rule, "note")


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_only_case_staff_may_write_a_note(role: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_command("record_case_note", {"note": NOTE}, role)
    assert refused.value.rule == "role_may_give_command"
    assert COMMANDS["record_case_note"].command_type.roles() == {
        Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER}


def test_case_staff_read_the_note_on_the_timeline_and_auditors_do_not() -> None:
    data = {"note": NOTE, "reason": "A note on the case.", "command_id": "note-1",
            "actor": {"staff_id": "cw-001", "role": "caseworker"}, "at": AT.isoformat()}
    staff = redact_event("CaseNoteRecorded", data, Role.DSO)
    auditor = redact_event("CaseNoteRecorded", data, AUDITOR.role)
    assert Category.CASE_NOTE in readable_by(Role.CASEWORKER)
    assert Category.CASE_NOTE not in readable_by(Role.AUDITOR)
    assert staff["note"] == NOTE and auditor["note"] == WITHHELD
    assert auditor["reason"] == "A note on the case."
    assert timeline_line("CaseNoteRecorded", staff) == (
        f"Case note recorded. A note on the case. Note: {NOTE}")
    assert timeline_line("CaseNoteRecorded", auditor) == (
        "Case note recorded. A note on the case.")

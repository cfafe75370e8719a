"""Corrections, not edits (issue 15 scope 5; D 8.24-8.28: records may be evidence, and must
be provably unaltered): a wrong entry of a case is corrected by a new event that points at
it. The wrong entry stays exactly as it was stored; readers see both, the wrong one marked
with a pointer to its correction (`corrections_of`).

Event: `EntryCorrected` (topic `aggregates.corrections:EntryCorrected`), fields:
- `corrects_version`: the version of the case event that was wrong (1 .. the case's version
  when the correction is made; a correction may itself be corrected);
- `what_was_wrong`, `correction`: free text, in the corrector's words (data category
  free_text_narrative: they may repeat anything the wrong entry held);
- `reason` (every event's): why the correction is made.

No state: like case notes, only the event holds it (readers read events), so the case's
state and its snapshots keep their shape and `Case.class_version` does not change.
Errors: `RuleViolation` naming the field: `corrected_entry_exists`, `correction_has_text`,
`text_has_no_control_characters`, `reason_is_recorded`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from aggregates.case_events import CaseEvent
from aggregates.checks import check_aware, check_reason
from aggregates.errors import RuleViolation
from aggregates.input_rules import check_text
from aggregates.recent_commands import remember_command
from aggregates.report import Actor

if TYPE_CHECKING:
    from aggregates.case import Case

# The first events of a case are stored by intake in one transaction (`Opened`, `Assigned`):
# any of them may be wrong, so every version from 1 may be corrected.
FIRST_VERSION = 1


class EntryCorrected(CaseEvent):
    """A correction of the case's entry `corrects_version` (module docstring)."""

    corrects_version: int
    what_was_wrong: str
    correction: str

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)


def correct_entry(case: Case, *, corrects_version: int, what_was_wrong: str, correction: str,
                  reason: str, actor: Actor, at: datetime, command_id: str) -> None:
    """Record that entry `corrects_version` of `case` was wrong, and what is right."""
    check_aware(at, "at")
    if (isinstance(corrects_version, bool) or not isinstance(corrects_version, int)
            or not FIRST_VERSION <= corrects_version <= case.version):
        raise RuleViolation("corrected_entry_exists",
                            f"the case has entries 1 to {case.version}",
                            field="corrects_version")
    for name, text in (("what_was_wrong", what_was_wrong), ("correction", correction)):
        if not text.strip():
            raise RuleViolation("correction_has_text", "say what was wrong and what is right",
                                field=name)
        check_text(text, field=name, multiline=True)
    check_reason(reason)
    check_text(reason, field="reason", multiline=True)
    case.trigger_event(EntryCorrected, corrects_version=corrects_version,
                       what_was_wrong=what_was_wrong, correction=correction,
                       command_id=command_id, actor=actor, at=at, reason=reason)


class _Entry(Protocol):
    """An event as the read side has it (`activities.recorded_events.RecordedEvent`)."""

    @property
    def version(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


def corrections_of(entries: Iterable[_Entry]) -> dict[int, list[int]]:
    """For a case's entries (events as the read side has them): the version of each corrected
    entry → the versions of its corrections, oldest first."""
    found: dict[int, list[int]] = {}
    for entry in entries:
        if entry.type == EntryCorrected.__name__:
            found.setdefault(int(entry.data["corrects_version"]), []).append(entry.version)
    return found

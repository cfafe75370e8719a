"""Correcting an entry of the case (aggregates/corrections.py): case staff record what was
wrong and what is right in a new event pointing at the wrong one, which stays as it was."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from aggregates.access import Permission
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, handles
from aggregates.corrections import correct_entry


@dataclass(frozen=True)
class CorrectEntry(Command):
    """Correct entry `corrects_version` of the case (its version in the case's history)."""

    command_name: ClassVar[str] = "correct_entry"
    permission: ClassVar[Permission] = Permission.RECORD_CASE_WORK
    corrects_version: int
    what_was_wrong: str
    correction: str
    reason: str


@handles(CorrectEntry)
def _correct_entry(case: Case, cmd: CorrectEntry, ctx: CommandContext) -> None:
    correct_entry(case, corrects_version=cmd.corrects_version,
                  what_was_wrong=cmd.what_was_wrong, correction=cmd.correction,
                  reason=cmd.reason, actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)

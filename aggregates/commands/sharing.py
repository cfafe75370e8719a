"""Sharing commands (D 12.5): decisions to share or not, and consent given or withdrawn. The
rules are the case's (aggregates/sharing_decisions.py, aggregates/sharing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from aggregates.access import Permission
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, handles
from aggregates.sharing import check_recipient


@dataclass(frozen=True)
class RecordSharingDecision(Command):
    """D 12.5: every decision to share or not, with its basis and reasons; `partner` is a
    registered partner's id, checked as the command is built (so before history)."""

    command_name: ClassVar[str] = "record_sharing_decision"
    permission: ClassVar[Permission] = Permission.RECORD_CASE_WORK
    partner: str
    purpose: str
    shared: bool
    categories: list[str]
    lawful_basis: str | None = None
    justification: str = ""
    reasons: str = ""
    under_isa: bool = True

    def __post_init__(self) -> None:
        check_recipient(self.partner)


@dataclass(frozen=True)
class RecordConsent(Command):
    command_name: ClassVar[str] = "record_consent"
    permission: ClassVar[Permission] = Permission.RECORD_CASE_WORK
    purpose: str
    given: bool
    reason: str


@handles(RecordSharingDecision)
def _record_sharing_decision(case: Case, cmd: RecordSharingDecision,
                             ctx: CommandContext) -> None:
    case.decide_sharing(partner=cmd.partner, purpose=cmd.purpose, categories=cmd.categories,
                        shared=cmd.shared, lawful_basis=cmd.lawful_basis,
                        justification=cmd.justification, reasons=cmd.reasons,
                        under_isa=cmd.under_isa, actor=ctx.actor, at=ctx.at,
                        command_id=ctx.command_id)


@handles(RecordConsent)
def _record_consent(case: Case, cmd: RecordConsent, ctx: CommandContext) -> None:
    case.change_consent(purpose=cmd.purpose, given=cmd.given, actor=ctx.actor,
                        reason=cmd.reason, at=ctx.at, command_id=ctx.command_id)

"""KCC SAFER commands (DBC 7.4.3, D 8.37): refer the household, and record the works KCC's
signed message reports (given by the system after the edge verified the message, never by a
member of staff). The rules are the case's (aggregates/safer.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from aggregates.access import Permission
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, handles
from aggregates.commands.safeguarding import parse_date
from aggregates.commands.sanctuary import parse_choice
from aggregates.safer import SaferMeasure


@dataclass(frozen=True)
class ReferToSafer(Command):
    """`reason`: why, and that the household agreed."""

    command_name: ClassVar[str] = "refer_to_safer"
    permission: ClassVar[Permission] = Permission.RECORD_CASE_WORK
    reason: str


@dataclass(frozen=True)
class RecordSaferWorks(Command):
    """KCC's verified message: `measures` installed, `completed_on` (ISO date), and the
    message itself (`signed_body`, `signature`) kept as evidence."""

    command_name: ClassVar[str] = "record_safer_works"
    permission: ClassVar[Permission] = Permission.RECORD_PARTNER_MESSAGE
    referral_id: str
    measures: list[str]
    completed_on: str
    message_id: str
    signed_body: str
    signature: str


@handles(ReferToSafer)
def _refer(case: Case, cmd: ReferToSafer, ctx: CommandContext) -> None:
    case.refer_to_safer(reason=cmd.reason, actor=ctx.actor, at=ctx.at,
                        command_id=ctx.command_id)


@handles(RecordSaferWorks)
def _works(case: Case, cmd: RecordSaferWorks, ctx: CommandContext) -> None:
    case.record_safer_works(
        referral_id=cmd.referral_id,
        measures=[parse_choice(SaferMeasure, m, f"measures.{i}")
                  for i, m in enumerate(cmd.measures)],
        completed_on=parse_date(cmd.completed_on, "completed_on"), message_id=cmd.message_id,
        signed_body=cmd.signed_body, signature=cmd.signature, actor=ctx.actor, at=ctx.at,
        command_id=ctx.command_id)

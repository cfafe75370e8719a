"""Emergency-repair commands (D 8.36-8.37): report damage that leaves the victim at risk, or a
lock change. The rules are the case's (aggregates/repairs.py, aggregates/repair_rules.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from aggregates.access import Permission
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, handles
from aggregates.commands.sanctuary import parse_choice
from aggregates.repair_rules import RepairJobType


@dataclass(frozen=True)
class ReportEmergencyRepair(Command):
    """`job_type`: unsecured_entry, broken_window, broken_door, broken_lock,
    change_door_locks, change_window_locks."""

    command_name: ClassVar[str] = "report_emergency_repair"
    permission: ClassVar[Permission] = Permission.RECORD_CASE_WORK
    job_type: str


@handles(ReportEmergencyRepair)
def _report(case: Case, cmd: ReportEmergencyRepair, ctx: CommandContext) -> None:
    case.report_emergency_repair(job_type=parse_choice(RepairJobType, cmd.job_type, "job_type"),
                                 actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)

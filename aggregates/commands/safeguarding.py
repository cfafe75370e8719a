"""Case-work commands: the DASH checklist, MARAC hearing and actions, incidents, children
joining, consent to support referrals, contacts with the parties, case notes. The rules are
the case's slices' (aggregates/case_risk.py, aggregates/safeguarding.py, aggregates/
case_work.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from aggregates.access import Permission
from aggregates.access_changes import check_works_cases, known_staff
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, Directory, handles
from aggregates.errors import RuleViolation
from aggregates.report import Child

CASE_WORK = Permission.RECORD_CASE_WORK


@dataclass(frozen=True)
class SaveDash(Command):
    """`answers`: question number → [answer, comment] (answer yes / no / not_known)."""

    command_name: ClassVar[str] = "save_dash"
    permission: ClassVar[Permission] = CASE_WORK
    answers: dict[str, list[str]]
    police_callouts_12_months: int = 0
    victim_present: bool = True


@dataclass(frozen=True)
class CompleteDash(Command):
    command_name: ClassVar[str] = "complete_dash"
    permission: ClassVar[Permission] = CASE_WORK
    answers: dict[str, list[str]]
    police_callouts_12_months: int = 0
    victim_present: bool = True
    professional_judgement: bool = False
    judgement_reason: str = ""


@dataclass(frozen=True)
class RecordMaracHearing(Command):
    command_name: ClassVar[str] = "record_marac_hearing"
    permission: ClassVar[Permission] = CASE_WORK
    referral_id: str
    heard_on: str  # ISO date


@dataclass(frozen=True)
class AddMaracActions(Command):
    """`actions`: [{"description", "owner_id", "due_on" (ISO date)}]."""

    command_name: ClassVar[str] = "add_marac_actions"
    permission: ClassVar[Permission] = CASE_WORK
    referral_id: str
    actions: list[dict[str, str]]
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class ReportIncident(Command):
    command_name: ClassVar[str] = "report_incident"
    permission: ClassVar[Permission] = CASE_WORK
    occurred_on: str  # ISO date
    summary: str


@dataclass(frozen=True)
class AddChild(Command):
    command_name: ClassVar[str] = "add_child"
    permission: ClassVar[Permission] = CASE_WORK
    age: int
    name: str | None = None


@dataclass(frozen=True)
class RecordSupportConsent(Command):
    command_name: ClassVar[str] = "record_support_consent"
    permission: ClassVar[Permission] = CASE_WORK
    given: bool
    reason: str


@dataclass(frozen=True)
class RecordContact(Command):
    command_name: ClassVar[str] = "record_contact"
    permission: ClassVar[Permission] = CASE_WORK
    party: str
    purpose: str
    channel: str
    note: str = ""


@dataclass(frozen=True)
class RecordCaseNote(Command):
    command_name: ClassVar[str] = "record_case_note"
    permission: ClassVar[Permission] = CASE_WORK
    note: str


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RuleViolation("date_is_iso", "give the date as YYYY-MM-DD", field=field) from None


def parse_answers(answers: dict[str, list[str]]) -> dict[int, tuple[str, str]]:
    parsed: dict[int, tuple[str, str]] = {}
    for key, value in answers.items():
        if not str(key).isdigit() or not isinstance(value, list) or not 1 <= len(value) <= 2:
            raise RuleViolation("dash_answer_shape", "each answer is [answer, comment]",
                                field=f"answers.{key}")
        parsed[int(key)] = (str(value[0]), str(value[1]) if len(value) == 2 else "")
    return parsed


@handles(SaveDash)
def _save_dash(case: Case, cmd: SaveDash, ctx: CommandContext) -> None:
    case.save_dash(answers=parse_answers(cmd.answers),
                   police_callouts_12_months=cmd.police_callouts_12_months,
                   victim_present=cmd.victim_present, actor=ctx.actor, at=ctx.at,
                   command_id=ctx.command_id)


@handles(CompleteDash)
def _complete_dash(case: Case, cmd: CompleteDash, ctx: CommandContext) -> None:
    case.complete_dash(answers=parse_answers(cmd.answers),
                       police_callouts_12_months=cmd.police_callouts_12_months,
                       victim_present=cmd.victim_present,
                       professional_judgement=cmd.professional_judgement,
                       judgement_reason=cmd.judgement_reason, actor=ctx.actor, at=ctx.at,
                       command_id=ctx.command_id)


@handles(RecordMaracHearing)
def _record_marac_hearing(case: Case, cmd: RecordMaracHearing, ctx: CommandContext) -> None:
    case.record_marac_hearing(referral_id=cmd.referral_id,
                              heard_on=parse_date(cmd.heard_on, "heard_on"), actor=ctx.actor,
                              at=ctx.at, command_id=ctx.command_id)


@handles(AddMaracActions)
def _add_marac_actions(case: Case, cmd: AddMaracActions, ctx: CommandContext) -> None:
    actions = []
    known = known_staff(cmd.directory)
    for index, action in enumerate(cmd.actions):
        if not isinstance(action, dict):
            raise RuleViolation("marac_action_shape", "each action is an object",
                                field=f"actions.{index}")
        actions.append({**action, "due_on": parse_date(action.get("due_on", ""),
                                                       f"actions.{index}.due_on")})
        # D 8.27: the owner learns of the case through their task, so is a member of staff of
        # the case's council who works cases (none at all: `marac_action_has_owner`).
        if action.get("owner_id"):
            check_works_cases(action["owner_id"], known, case.council,
                              f"actions.{index}.owner_id")
    case.add_marac_actions(referral_id=cmd.referral_id, actions=actions, actor=ctx.actor,
                           at=ctx.at, command_id=ctx.command_id)


@handles(ReportIncident)
def _report_incident(case: Case, cmd: ReportIncident, ctx: CommandContext) -> None:
    case.report_incident(occurred_on=parse_date(cmd.occurred_on, "occurred_on"),
                         summary=cmd.summary, actor=ctx.actor, at=ctx.at,
                         command_id=ctx.command_id)


@handles(AddChild)
def _add_child(case: Case, cmd: AddChild, ctx: CommandContext) -> None:
    case.add_child(child=Child(age=cmd.age, name=cmd.name), actor=ctx.actor, at=ctx.at,
                   command_id=ctx.command_id)


@handles(RecordSupportConsent)
def _record_support_consent(case: Case, cmd: RecordSupportConsent, ctx: CommandContext) -> None:
    case.record_support_consent(given=cmd.given, actor=ctx.actor, reason=cmd.reason, at=ctx.at,
                                command_id=ctx.command_id)


@handles(RecordContact)
def _record_contact(case: Case, cmd: RecordContact, ctx: CommandContext) -> None:
    case.record_contact(party=cmd.party, purpose=cmd.purpose, channel=cmd.channel,
                        note=cmd.note, actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordCaseNote)
def _record_case_note(case: Case, cmd: RecordCaseNote, ctx: CommandContext) -> None:
    case.record_case_note(note=cmd.note, actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)

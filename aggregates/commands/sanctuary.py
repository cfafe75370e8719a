"""Sanctuary Scheme commands (DBC 7.4.2, SCAR): refer, assess the risk of the case and of the
property, decide, the household declines, a measure installed, the referrer told. The rules
are the case's (aggregates/sanctuary.py, aggregates/sanctuary_rules.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, TypeVar

from aggregates.access import Permission
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, handles
from aggregates.commands.safeguarding import parse_date
from aggregates.contact import ContactChannel
from aggregates.errors import RuleViolation
from aggregates.sanctuary_rules import (
    HouseholdType,
    Installer,
    MeasureType,
    ProtectedCharacteristic,
    ReferrerKind,
    RiskSubject,
    SanctuaryFacts,
)

CASE_WORK = Permission.RECORD_CASE_WORK
E = TypeVar("E", bound=StrEnum)


def parse_choice(kind: type[E], value: str, field_name: str) -> E:
    """`value` as a member of the closed set `kind`, or a RuleViolation naming the field."""
    try:
        return kind(value)
    except ValueError:
        raise RuleViolation("choice_is_known", f"choose one of {sorted(kind)}",
                            field=field_name) from None


@dataclass(frozen=True)
class ReferToSanctuary(Command):
    """`protected_characteristics`: characteristic → answer code (aggregates/equality.py;
    optional, blank means not given); `communication_needs`: `CommunicationNeed` codes."""

    command_name: ClassVar[str] = "refer_to_sanctuary"
    permission: ClassVar[Permission] = CASE_WORK
    referrer_kind: str
    referrer_name: str
    referrer_contact: str
    household_type: str
    referring_agency: str | None = None
    protected_characteristics: dict[str, str] = field(default_factory=dict)
    communication_needs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AssessSanctuaryRisk(Command):
    command_name: ClassVar[str] = "assess_sanctuary_risk"
    permission: ClassVar[Permission] = CASE_WORK
    subject: str  # case | property
    findings: str


@dataclass(frozen=True)
class DecideSanctuary(Command):
    command_name: ClassVar[str] = "decide_sanctuary"
    permission: ClassVar[Permission] = CASE_WORK
    perpetrator_lives_at_property: bool
    safe_to_stay: bool
    victim_chooses_to_stay: bool
    perpetrator_associates_live_there: bool
    area_too_dangerous: bool
    household_can_operate_measures: bool
    rent_arrears: bool = False


@dataclass(frozen=True)
class DeclineSanctuaryMeasures(Command):
    """`reason_code`: a `DeclineReason` (SCAR Q15); `reason`: the household's words. A
    command sent before reasons were coded has no code, which the case refuses."""

    command_name: ClassVar[str] = "decline_sanctuary_measures"
    permission: ClassVar[Permission] = CASE_WORK
    reason: str
    reason_code: str = ""


@dataclass(frozen=True)
class RecordSanctuaryMeasure(Command):
    command_name: ClassVar[str] = "record_sanctuary_measure"
    permission: ClassVar[Permission] = CASE_WORK
    measure_type: str
    installed_on: str  # ISO date
    installer: str
    cost_pence: int


@dataclass(frozen=True)
class TellSanctuaryReferrer(Command):
    command_name: ClassVar[str] = "tell_sanctuary_referrer"
    permission: ClassVar[Permission] = CASE_WORK
    channel: str


@handles(ReferToSanctuary)
def _refer(case: Case, cmd: ReferToSanctuary, ctx: CommandContext) -> None:
    characteristics = {
        parse_choice(ProtectedCharacteristic, key, f"protected_characteristics.{key}"): value
        for key, value in cmd.protected_characteristics.items()}
    case.refer_to_sanctuary(
        referrer_kind=parse_choice(ReferrerKind, cmd.referrer_kind, "referrer_kind"),
        referrer_name=cmd.referrer_name, referrer_contact=cmd.referrer_contact,
        referring_agency=cmd.referring_agency,
        household_type=parse_choice(HouseholdType, cmd.household_type, "household_type"),
        protected_characteristics=characteristics,
        communication_needs=list(cmd.communication_needs), actor=ctx.actor, at=ctx.at,
        command_id=ctx.command_id)


@handles(AssessSanctuaryRisk)
def _assess(case: Case, cmd: AssessSanctuaryRisk, ctx: CommandContext) -> None:
    case.assess_sanctuary_risk(subject=parse_choice(RiskSubject, cmd.subject, "subject"),
                               findings=cmd.findings, actor=ctx.actor, at=ctx.at,
                               command_id=ctx.command_id)


@handles(DecideSanctuary)
def _decide(case: Case, cmd: DecideSanctuary, ctx: CommandContext) -> None:
    facts = SanctuaryFacts(
        perpetrator_lives_at_property=cmd.perpetrator_lives_at_property,
        safe_to_stay=cmd.safe_to_stay, victim_chooses_to_stay=cmd.victim_chooses_to_stay,
        perpetrator_associates_live_there=cmd.perpetrator_associates_live_there,
        area_too_dangerous=cmd.area_too_dangerous,
        household_can_operate_measures=cmd.household_can_operate_measures,
        rent_arrears=cmd.rent_arrears)
    case.decide_sanctuary(facts=facts, actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(DeclineSanctuaryMeasures)
def _decline(case: Case, cmd: DeclineSanctuaryMeasures, ctx: CommandContext) -> None:
    case.decline_sanctuary_measures(reason_code=cmd.reason_code, reason=cmd.reason,
                                    actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordSanctuaryMeasure)
def _measure(case: Case, cmd: RecordSanctuaryMeasure, ctx: CommandContext) -> None:
    case.record_sanctuary_measure(
        measure_type=parse_choice(MeasureType, cmd.measure_type, "measure_type"),
        installed_on=parse_date(cmd.installed_on, "installed_on"),
        installer=parse_choice(Installer, cmd.installer, "installer"),
        cost_pence=cmd.cost_pence, actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(TellSanctuaryReferrer)
def _tell(case: Case, cmd: TellSanctuaryReferrer, ctx: CommandContext) -> None:
    case.tell_sanctuary_referrer(channel=parse_choice(ContactChannel, cmd.channel, "channel"),
                                 actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)

"""Homelessness, tenancy-options and enforcement commands (D 8.31-8.41, D 3.1, D 3.6;
DBC 4.1.2, 5.1, 7.4.1, 7.4.4, 7.5, 14.2; CAR Q3 HPI-15). The rules are the case's
(aggregates/homelessness.py, aggregates/tenancy_options.py, aggregates/enforcement.py,
aggregates/housing_rules.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from aggregates.access import Permission
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, handles
from aggregates.commands.sanctuary import parse_choice
from aggregates.housing_terms import (
    AdviceOption,
    ComplexIssue,
    Duty,
    EnforcementGround,
    HomelessnessOutcome,
    HomelessStatus,
    Specialist,
    TenancyHolding,
    TenancyRouteKind,
    TenancySecurity,
)

CASE_WORK = Permission.RECORD_CASE_WORK


@dataclass(frozen=True)
class RecordHomelessnessApplication(Command):
    command_name: ClassVar[str] = "record_homelessness_application"
    permission: ClassVar[Permission] = CASE_WORK
    status: str  # HomelessStatus
    eligible: bool
    because_of_abuse: bool
    moving_because_of_abuse: bool


@dataclass(frozen=True)
class RecordLocalConnection(Command):
    command_name: ClassVar[str] = "record_local_connection"
    permission: ClassVar[Permission] = CASE_WORK
    met: bool


@dataclass(frozen=True)
class RecordLossOfSettledHome(Command):
    command_name: ClassVar[str] = "record_loss_of_settled_home"
    permission: ClassVar[Permission] = CASE_WORK
    abuse_was_reason: bool
    duties: list[str] = field(default_factory=list)  # Duty


@dataclass(frozen=True)
class RecordHomelessnessOutcome(Command):
    command_name: ClassVar[str] = "record_homelessness_outcome"
    permission: ClassVar[Permission] = CASE_WORK
    outcome: str  # HomelessnessOutcome


@dataclass(frozen=True)
class RecordOptionsAdvice(Command):
    command_name: ClassVar[str] = "record_options_advice"
    permission: ClassVar[Permission] = CASE_WORK
    options: list[str] = field(default_factory=list)  # AdviceOption


@dataclass(frozen=True)
class RecordTenancy(Command):
    command_name: ClassVar[str] = "record_tenancy"
    permission: ClassVar[Permission] = CASE_WORK
    holding: str  # TenancyHolding
    security: str  # TenancySecurity
    victim_is_tenant: bool
    perpetrator_is_tenant: bool


@dataclass(frozen=True)
class StartTenancyRoute(Command):
    command_name: ClassVar[str] = "start_tenancy_route"
    permission: ClassVar[Permission] = CASE_WORK
    route: str  # TenancyRouteKind


@dataclass(frozen=True)
class CompleteTenancyStep(Command):
    command_name: ClassVar[str] = "complete_tenancy_step"
    permission: ClassVar[Permission] = CASE_WORK
    step: str


@dataclass(frozen=True)
class GrantNewTenancy(Command):
    command_name: ClassVar[str] = "grant_new_tenancy"
    permission: ClassVar[Permission] = CASE_WORK
    security: str  # TenancySecurity
    left_because_of_abuse: bool


@dataclass(frozen=True)
class ReferToComplexCasePanel(Command):
    command_name: ClassVar[str] = "refer_to_complex_case_panel"
    permission: ClassVar[Permission] = CASE_WORK
    issues: list[str] = field(default_factory=list)  # ComplexIssue


@dataclass(frozen=True)
class RecordVictimWishes(Command):
    command_name: ClassVar[str] = "record_victim_wishes"
    permission: ClassVar[Permission] = CASE_WORK
    wishes: str


@dataclass(frozen=True)
class RecordSpecialistConsulted(Command):
    command_name: ClassVar[str] = "record_specialist_consulted"
    permission: ClassVar[Permission] = CASE_WORK
    specialist: str  # Specialist
    advice: str = ""


@dataclass(frozen=True)
class ConsiderEnforcement(Command):
    command_name: ClassVar[str] = "consider_enforcement"
    permission: ClassVar[Permission] = CASE_WORK
    ground: str  # EnforcementGround


@handles(RecordHomelessnessApplication)
def _application(case: Case, cmd: RecordHomelessnessApplication, ctx: CommandContext) -> None:
    case.record_homelessness_application(
        status=parse_choice(HomelessStatus, cmd.status, "status"), eligible=cmd.eligible,
        because_of_abuse=cmd.because_of_abuse,
        moving_because_of_abuse=cmd.moving_because_of_abuse, actor=ctx.actor, at=ctx.at,
        command_id=ctx.command_id)


@handles(RecordLocalConnection)
def _local(case: Case, cmd: RecordLocalConnection, ctx: CommandContext) -> None:
    case.record_local_connection(met=cmd.met, actor=ctx.actor, at=ctx.at,
                                 command_id=ctx.command_id)


@handles(RecordLossOfSettledHome)
def _loss(case: Case, cmd: RecordLossOfSettledHome, ctx: CommandContext) -> None:
    case.record_loss_of_settled_home(
        abuse_was_reason=cmd.abuse_was_reason,
        duties=[parse_choice(Duty, d, f"duties.{i}") for i, d in enumerate(cmd.duties)],
        actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordHomelessnessOutcome)
def _outcome(case: Case, cmd: RecordHomelessnessOutcome, ctx: CommandContext) -> None:
    case.record_homelessness_outcome(
        outcome=parse_choice(HomelessnessOutcome, cmd.outcome, "outcome"), actor=ctx.actor,
        at=ctx.at, command_id=ctx.command_id)


@handles(RecordOptionsAdvice)
def _advice(case: Case, cmd: RecordOptionsAdvice, ctx: CommandContext) -> None:
    case.record_options_advice(
        options=[parse_choice(AdviceOption, o, f"options.{i}") for i, o in
                 enumerate(cmd.options)], actor=ctx.actor, at=ctx.at,
        command_id=ctx.command_id)


@handles(RecordTenancy)
def _tenancy(case: Case, cmd: RecordTenancy, ctx: CommandContext) -> None:
    case.record_tenancy(
        holding=parse_choice(TenancyHolding, cmd.holding, "holding"),
        security=parse_choice(TenancySecurity, cmd.security, "security"),
        victim_is_tenant=cmd.victim_is_tenant, perpetrator_is_tenant=cmd.perpetrator_is_tenant,
        actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(StartTenancyRoute)
def _route(case: Case, cmd: StartTenancyRoute, ctx: CommandContext) -> None:
    case.start_tenancy_route(route=parse_choice(TenancyRouteKind, cmd.route, "route"),
                             actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(CompleteTenancyStep)
def _step(case: Case, cmd: CompleteTenancyStep, ctx: CommandContext) -> None:
    case.complete_tenancy_step(step=cmd.step, actor=ctx.actor, at=ctx.at,
                               command_id=ctx.command_id)


@handles(GrantNewTenancy)
def _grant(case: Case, cmd: GrantNewTenancy, ctx: CommandContext) -> None:
    case.grant_new_tenancy(security=parse_choice(TenancySecurity, cmd.security, "security"),
                           left_because_of_abuse=cmd.left_because_of_abuse, actor=ctx.actor,
                           at=ctx.at, command_id=ctx.command_id)


@handles(ReferToComplexCasePanel)
def _panel(case: Case, cmd: ReferToComplexCasePanel, ctx: CommandContext) -> None:
    case.refer_to_complex_case_panel(
        issues=[parse_choice(ComplexIssue, i, f"issues.{n}") for n, i in enumerate(cmd.issues)],
        actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordVictimWishes)
def _wishes(case: Case, cmd: RecordVictimWishes, ctx: CommandContext) -> None:
    case.record_victim_wishes(wishes=cmd.wishes, actor=ctx.actor, at=ctx.at,
                              command_id=ctx.command_id)


@handles(RecordSpecialistConsulted)
def _specialist(case: Case, cmd: RecordSpecialistConsulted, ctx: CommandContext) -> None:
    case.record_specialist_consulted(
        specialist=parse_choice(Specialist, cmd.specialist, "specialist"), advice=cmd.advice,
        actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(ConsiderEnforcement)
def _enforce(case: Case, cmd: ConsiderEnforcement, ctx: CommandContext) -> None:
    case.consider_enforcement(ground=parse_choice(EnforcementGround, cmd.ground, "ground"),
                              actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)

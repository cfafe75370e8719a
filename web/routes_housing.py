"""Homelessness, tenancy options and enforcement over HTTP (D 8.31-8.41, D 3.1, D 3.6;
DBC 4.1.2, 5.1, 7.4.1, 7.4.4, 7.5, 14.2; CAR Q3 HPI-15). Each is a command the case's
workflow applies; its route (body → command) is declared here once, for the pages too
(web/pages_housing.py)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from aggregates.access import Permission
from aggregates.commands.housing import (
    CompleteTenancyStep,
    ConsiderEnforcement,
    GrantNewTenancy,
    RecordHomelessnessApplication,
    RecordHomelessnessOutcome,
    RecordLocalConnection,
    RecordLossOfSettledHome,
    RecordOptionsAdvice,
    RecordSpecialistConsulted,
    RecordTenancy,
    RecordVictimWishes,
    ReferToComplexCasePanel,
    StartTenancyRoute,
)
from aggregates.data_categories import redact_view
from aggregates.housing_policies import housing_policy
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
from web.auth import Principal, require, visible_case
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.input_types import Bool, ClosedBody, Line, Text
from web.routes_cases import intake_of
from web.schemas import TasksOut

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.READ_CASE))]


class ApplicationIn(ClosedBody):
    """Homeless or threatened with it; eligible for assistance; because of the abuse; moving
    because of the abuse (then no local connection test applies, D 3.6)."""

    status: HomelessStatus
    eligible: Bool
    because_of_abuse: Bool
    moving_because_of_abuse: Bool


class LocalConnectionIn(ClosedBody):
    met: Bool


class LossOfSettledHomeIn(ClosedBody):
    abuse_was_reason: Bool
    duties: list[Duty] = Field(min_length=1, max_length=len(Duty))


class OutcomeIn(ClosedBody):
    """How the duty owed on the application ended (one outcome per application)."""

    outcome: HomelessnessOutcome


class OptionsAdviceIn(ClosedBody):
    options: list[AdviceOption] = Field(min_length=1, max_length=len(AdviceOption))


class TenancyIn(ClosedBody):
    holding: TenancyHolding
    security: TenancySecurity
    victim_is_tenant: Bool
    perpetrator_is_tenant: Bool


class RouteIn(ClosedBody):
    route: TenancyRouteKind


class StepIn(ClosedBody):
    step: Line = Field(min_length=1, max_length=100)


class NewTenancyIn(ClosedBody):
    security: TenancySecurity
    left_because_of_abuse: Bool


class PanelIn(ClosedBody):
    issues: list[ComplexIssue] = Field(min_length=1, max_length=len(ComplexIssue))


class WishesIn(ClosedBody):
    wishes: Text = Field(min_length=1, max_length=5000)


class SpecialistIn(ClosedBody):
    specialist: Specialist
    advice: Text = Field(default="", max_length=5000)


class EnforcementIn(ClosedBody):
    ground: EnforcementGround


APPLICATION = CommandRoute(RecordHomelessnessApplication, ApplicationIn)
LOCAL_CONNECTION = CommandRoute(RecordLocalConnection, LocalConnectionIn)
LOSS = CommandRoute(RecordLossOfSettledHome, LossOfSettledHomeIn)
OUTCOME = CommandRoute(RecordHomelessnessOutcome, OutcomeIn)
ADVICE = CommandRoute(RecordOptionsAdvice, OptionsAdviceIn)
TENANCY = CommandRoute(RecordTenancy, TenancyIn)
ROUTE = CommandRoute(StartTenancyRoute, RouteIn)
STEP = CommandRoute(CompleteTenancyStep, StepIn)
NEW_TENANCY = CommandRoute(GrantNewTenancy, NewTenancyIn)
PANEL = CommandRoute(ReferToComplexCasePanel, PanelIn)
WISHES = CommandRoute(RecordVictimWishes, WishesIn)
SPECIALIST = CommandRoute(RecordSpecialistConsulted, SpecialistIn)
ENFORCEMENT = CommandRoute(ConsiderEnforcement, EnforcementIn)

def housing_view(case: Any) -> dict[str, Any]:
    """The case's homelessness application and tenancy options, unredacted."""
    housing = housing_policy(case.policy)
    application = case.homelessness.application
    return {"homelessness": application and application.to_dict(),
            "tenancy": case.tenancy.to_dict(),
            "homelessness_team": housing.homelessness_team,
            "complex_case_panel": housing.has_complex_case_panel,
            "complex_case_panel_rule": housing.complex_case_panel.name,
            "complex_case_panel_section": housing.complex_case_panel.section}


@router.get("/cases/{case_id}/housing-options")
async def housing_options(case_id: UUID, request: Request, principal: Reader) -> dict[str, Any]:
    """The homelessness application, the tenancy, options advised, the route under way and
    enforcement considered, as the role may read them."""
    case = await visible_case(intake_of(request).store, case_id, principal,
                              "read_housing_options")
    return redact_view("housing", housing_view(case),  # type: ignore[no-any-return]
                       principal.staff.role)


@router.post("/cases/{case_id}/homelessness/application", response_model=TasksOut)
async def application(
    case_id: UUID, body: ApplicationIn, request: Request,
    principal: Annotated[Principal, Depends(APPLICATION.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the homelessness application: priority need if eligible (D 8.38; DBC 4.1.2).
    The application becomes a task for the council's homelessness team."""
    return await api_command(APPLICATION, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/homelessness/local-connection", response_model=TasksOut)
async def local_connection(
    case_id: UUID, body: LocalConnectionIn, request: Request,
    principal: Annotated[Principal, Depends(LOCAL_CONNECTION.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the local connection test's result; a refusal is itself refused for a victim
    moving because of the abuse (D 3.6, D 8.38)."""
    return await api_command(LOCAL_CONNECTION, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/homelessness/loss-of-settled-home", response_model=TasksOut)
async def loss_of_settled_home(
    case_id: UUID, body: LossOfSettledHomeIn, request: Request,
    principal: Annotated[Principal, Depends(LOSS.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record whether the abuse was the reason for the loss of the last settled home, and
    the duties owed (DBC 14.2)."""
    return await api_command(LOSS, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/homelessness/outcome", response_model=TasksOut)
async def homelessness_outcome(
    case_id: UUID, body: OutcomeIn, request: Request,
    principal: Annotated[Principal, Depends(OUTCOME.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record how the duty ended: homelessness prevented or not (CAR Q3 HPI-15); once per
    application, a second is 409."""
    return await api_command(OUTCOME, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/advice", response_model=TasksOut)
async def options_advice(
    case_id: UUID, body: OptionsAdviceIn, request: Request,
    principal: Annotated[Principal, Depends(ADVICE.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record housing options advice given (D 8.31; DBC 7.4.4)."""
    return await api_command(ADVICE, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/tenancy", response_model=TasksOut)
async def tenancy(
    case_id: UUID, body: TenancyIn, request: Request,
    principal: Annotated[Principal, Depends(TENANCY.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the victim's tenancy: sole or joint, its security, who holds it."""
    return await api_command(TENANCY, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/route", response_model=TasksOut)
async def tenancy_route(
    case_id: UUID, body: RouteIn, request: Request,
    principal: Annotated[Principal, Depends(ROUTE.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Start a route that ends or transfers the tenancy (D 8.32-8.33; DBC 7.4.4): each of
    its steps is a task."""
    return await api_command(ROUTE, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/route/step", response_model=TasksOut)
async def tenancy_route_step(
    case_id: UUID, body: StepIn, request: Request,
    principal: Annotated[Principal, Depends(STEP.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the route's next step done; steps are taken in order."""
    return await api_command(STEP, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/new-tenancy", response_model=TasksOut)
async def new_tenancy(
    case_id: UUID, body: NewTenancyIn, request: Request,
    principal: Annotated[Principal, Depends(NEW_TENANCY.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record a new tenancy granted: a secure tenant who left because of the abuse gets a
    secure one (D 3.1; DBC 4.1.2)."""
    return await api_command(NEW_TENANCY, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/complex-case-panel", response_model=TasksOut)
async def complex_case_panel(
    case_id: UUID, body: PanelIn, request: Request,
    principal: Annotated[Principal, Depends(PANEL.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Put a council tenant with more than one complex issue to the Complex Case Panel
    (Dartford, DBC 7.4.1); a Dover case is refused naming the rule."""
    return await api_command(PANEL, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/victim-wishes", response_model=TasksOut)
async def victim_wishes(
    case_id: UUID, body: WishesIn, request: Request,
    principal: Annotated[Principal, Depends(WISHES.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the victim's wishes about action against the perpetrator (DBC 7.5.1)."""
    return await api_command(WISHES, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/specialists", response_model=TasksOut)
async def specialist_consulted(
    case_id: UUID, body: SpecialistIn, request: Request,
    principal: Annotated[Principal, Depends(SPECIALIST.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record a specialist agency consulted before any action (D 8.39)."""
    return await api_command(SPECIALIST, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/housing-options/enforcement", response_model=TasksOut)
async def enforcement(
    case_id: UUID, body: EnforcementIn, request: Request,
    principal: Annotated[Principal, Depends(ENFORCEMENT.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Consider enforcement against the perpetrator: only once the victim's wishes are
    recorded and a specialist consulted (D 8.39-8.40; DBC 7.5.1)."""
    return await api_command(ENFORCEMENT, request, principal, case_id, body, idempotency_key)

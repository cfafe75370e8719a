"""Housing options from pages: the homelessness application, its decisions and its outcome
(prevented or not, HPI-15), options advice, the tenancy and the route that ends or transfers
it (step by step), a new tenancy, the Complex Case Panel (Dartford), and enforcement against
the perpetrator after the victim's wishes and specialists. Each form is turned into the body
of the same API route (web/routes_housing.py) and sent by the same dispatch; the page shows
only the forms the case's stage allows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from aggregates.case import Case
from aggregates.data_categories import redact_view
from aggregates.errors import CaseNotFound
from aggregates.housing_policies import housing_policy
from aggregates.housing_terms import (
    OUTCOME_WORDS,
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
from web.auth import Principal, visible_case
from web.command_routes import CommandRoute
from web.form_messages import LABELS, Label
from web.page_forms import Errors, field_errors, page_access, render, submit, text
from web.page_forms import yes_no as yes_no_of
from web.routes_cases import intake_of
from web.routes_housing import (
    ADVICE,
    APPLICATION,
    ENFORCEMENT,
    LOCAL_CONNECTION,
    LOSS,
    NEW_TENANCY,
    OUTCOME,
    PANEL,
    ROUTE,
    SPECIALIST,
    STEP,
    TENANCY,
    WISHES,
    housing_view,
)

router = APIRouter(prefix="/work")
Worker = Annotated[Principal, Depends(page_access(APPLICATION.permission))]


# Choices whose code does not read as words.
WORDS = {
    "idva_or_da_service": "An IDVA or a domestic abuse service",
    "ground_2a": "Ground 2A: a partner left because of violence or threats",
    "tenancy_breach": "Breach of the tenancy agreement",
    "unauthorised_occupant_possession": "Possession from an unauthorised occupant",
    "joint_notice_to_quit": "A joint tenant's notice to quit (ends it for both)",
    "court_transfer_to_sole_name": "A court transfer into the victim's sole name",
    "flexible_ended_by_both": "A flexible tenancy ended by both tenants",
    "sole_tenant_leaves": "The sole tenant ends the tenancy",
    **OUTCOME_WORDS,
}


def _choices(values: type[StrEnum]) -> list[tuple[str, str]]:
    return [(v.value, WORDS.get(v.value, v.value.replace("_", " ").capitalize()))
            for v in values]


OPTIONS = {
    "status": _choices(HomelessStatus), "duties": _choices(Duty),
    "outcome": _choices(HomelessnessOutcome),
    "options": _choices(AdviceOption), "holding": _choices(TenancyHolding),
    "security": _choices(TenancySecurity), "route": _choices(TenancyRouteKind),
    "issues": _choices(ComplexIssue), "specialist": _choices(Specialist),
    "ground": _choices(EnforcementGround),
}
QUESTIONS = {
    "application": [("eligible", "Is the victim eligible for assistance?"),
                    ("because_of_abuse", "Are they homeless because of the abuse?"),
                    ("moving_because_of_abuse", "Are they moving because of the abuse?")],
    "tenancy": [("victim_is_tenant", "Is the victim a tenant?"),
                ("perpetrator_is_tenant", "Is the perpetrator a tenant?")],
}
PAGE_LABELS: dict[str, Label] = {
    **LABELS,
    "status": Label("whether they are homeless or threatened with it", choice=True),
    "eligible": Label("whether they are eligible", choice=True),
    "because_of_abuse": Label("whether it is because of the abuse", choice=True),
    "moving_because_of_abuse": Label("whether they are moving because of the abuse",
                                     choice=True),
    "met": Label("whether the local connection is met", choice=True),
    "abuse_was_reason": Label("whether the abuse was the reason", choice=True),
    "duties": Label("the duties owed", choice=True),
    "outcome": Label("how the duty ended", choice=True),
    "options": Label("the options advised", choice=True),
    "holding": Label("whether the tenancy is sole or joint", choice=True),
    "security": Label("the kind of tenancy", choice=True),
    "new_security": Label("the kind of tenancy granted", choice=True),
    "victim_is_tenant": Label("whether the victim is a tenant", choice=True),
    "perpetrator_is_tenant": Label("whether the perpetrator is a tenant", choice=True),
    "route": Label("the route", choice=True),
    "step": Label("the step"),
    "left_because_of_abuse": Label("whether they left because of the abuse", choice=True),
    "issues": Label("the complex issues", choice=True),
    "wishes": Label("the victim's wishes"),
    "specialist": Label("the specialist agency", choice=True),
    "advice": Label("their advice"),
    "ground": Label("what enforcement is considered", choice=True),
}


def _list(form: FormData, name: str) -> list[str]:
    return [str(v) for v in form.getlist(name) if str(v).strip()]


BODIES: dict[str, tuple[CommandRoute, Callable[[FormData], dict[str, Any]]]] = {
    "application": (APPLICATION, lambda f: {
        "status": text(f, "status"),
        **{name: yes_no_of(f, name) for name, _ in QUESTIONS["application"]}}),
    "local-connection": (LOCAL_CONNECTION, lambda f: {"met": yes_no_of(f, "met")}),
    "loss-of-settled-home": (LOSS, lambda f: {
        "abuse_was_reason": yes_no_of(f, "abuse_was_reason"), "duties": _list(f, "duties")}),
    "outcome": (OUTCOME, lambda f: {"outcome": text(f, "outcome")}),
    "advice": (ADVICE, lambda f: {"options": _list(f, "options")}),
    "tenancy": (TENANCY, lambda f: {
        "holding": text(f, "holding"), "security": text(f, "security"),
        **{name: yes_no_of(f, name) for name, _ in QUESTIONS["tenancy"]}}),
    "route": (ROUTE, lambda f: {"route": text(f, "route")}),
    "step": (STEP, lambda f: {"step": text(f, "step")}),
    "new-tenancy": (NEW_TENANCY, lambda f: {
        "security": text(f, "new_security"),
        "left_because_of_abuse": yes_no_of(f, "left_because_of_abuse")}),
    "complex-case-panel": (PANEL, lambda f: {"issues": _list(f, "issues")}),
    "victim-wishes": (WISHES, lambda f: {"wishes": str(f.get("wishes") or "")}),
    "specialist": (SPECIALIST, lambda f: {"specialist": text(f, "specialist"),
                                          "advice": str(f.get("advice") or "")}),
    "enforcement": (ENFORCEMENT, lambda f: {"ground": text(f, "ground")}),
}
MULTI = ("duties", "options", "issues")


@router.get("/cases/{case_id}/housing-options")
async def housing_options_page(case_id: uuid.UUID, request: Request,
                               principal: Worker) -> Response:
    """Homelessness and housing options of a case, with the forms its stage allows."""
    case = await visible_case(intake_of(request).store, case_id, principal,
                              "read_housing_options")
    return _page(request, principal, "")(case, {"request_id": str(uuid.uuid4())}, [], 200)


def _page(request: Request, principal: Principal, step: str) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        view = redact_view("housing", housing_view(case), principal.staff.role)
        housing = housing_policy(case.policy)
        tenancy = case.tenancy
        route = tenancy.route
        under_way = route is not None and route.outcome is None
        return render(
            request, principal, "pages/housing_options.html", status_code=status_code,
            case_id=str(case.id), view=view, team=housing.homelessness_team,
            priority_rule=housing.priority_need, connection_rule=housing.no_local_connection_test,
            panel_rule=housing.complex_case_panel, panel=housing.has_complex_case_panel,
            can_apply=case.homelessness.application is None,
            can_decide=case.homelessness.application is not None,
            outcome_rule=housing.homelessness_outcome,
            has_tenancy=tenancy.holding is not None, under_way=under_way,
            next_step=route.next_step if route is not None and under_way else None,
            step_words=_step_words(case), questions=QUESTIONS, options=OPTIONS, step=step,
            values=values, errors=errors, field_errors=field_errors(errors))
    return show


def _step_words(case: Case) -> str:
    route = case.tenancy.route
    if route is None or route.next_step is None:
        return ""
    spec = housing_policy(case.policy).routes[route.route]
    return next(s.words for s in spec.steps if s.name == route.next_step)


def _field(path: str, step: str) -> str:
    """A body path as the form field showing it: the new tenancy's kind has a box of its own
    (the tenancy form on the same page has one named `security`)."""
    head = path.partition(".")[0] or "form"
    return "new_security" if (step, head) == ("new-tenancy", "security") else head


@router.post("/cases/{case_id}/housing-options/{housing_step}")
async def housing_options_submit(case_id: uuid.UUID, housing_step: str, request: Request,
                                 principal: Worker) -> Response:
    """Send one step's form; on an error, show the page again with what was typed."""
    if housing_step not in BODIES:
        raise CaseNotFound()  # no such form: the same 404 page as any unknown address
    form = await request.form()
    route, body_of = BODIES[housing_step]
    return await submit(request, principal, case_id, route, body_of(form), form,
                        _page(request, principal, housing_step), multi=MULTI,
                        field_of=lambda path: _field(path, housing_step),
                        labels=PAGE_LABELS)

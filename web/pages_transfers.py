"""The "Safe move" page of a case: a Kent reciprocal transfer (D 8.22, D 8.35; DBC 4.1.2,
DBC 4.2.1) step by step, or the answer to another landlord's request that opened the case.
Each form is turned into the body of the same API route (web/routes_transfers.py) and sent by
the same dispatch; the page shows only the forms the transfer's stage allows, its outcome and
the landlord's refusal. The destination area and new address are shown only to the staff
named on the transfer (aggregates/data_categories_transfer.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from aggregates.case import Case
from aggregates.errors import CaseNotFound
from aggregates.landlords import LANDLORD_NAMES, KentLandlord
from aggregates.transfer_records import InboundStatus
from aggregates.transfer_rules import (
    SOCIAL_TENURES,
    RiskFrom,
    SecurityOfTenure,
    TransferStatus,
)
from web.auth import Principal, visible_case
from web.command_routes import CommandRoute
from web.form_messages import LABELS, Label
from web.page_forms import Errors, date_from, field_errors, page_access, render, submit, text
from web.page_forms import yes_no as yes_no_of
from web.routes_cases import intake_of
from web.routes_transfers import (
    ANSWER,
    DECISION,
    ENDED,
    GRANTED,
    MOVE_DATE,
    REQUEST,
    landlord_choices,
    transfer_view,
)

router = APIRouter(prefix="/work")
Worker = Annotated[Principal, Depends(page_access(REQUEST.permission))]


def _choices(values: Any) -> list[tuple[str, str]]:
    return [(v.value, v.value.replace("_", " ").capitalize()) for v in values]


OPTIONS = {"risk_from": _choices(RiskFrom), "tenancy": _choices(SecurityOfTenure)}
PAGE_LABELS: dict[str, Label] = {
    **LABELS,
    "receiving_landlord": Label("the receiving landlord", choice=True),
    "destination_area": Label("the safe area"),
    "risk_from": Label("what the tenant is at risk from", choice=True),
    "old_tenancy": Label("the tenancy they hold", choice=True),
    "dso_id": Label("the Designated Safeguarding Officer's staff id"),
    "accepted": Label("the victim's decision", choice=True),
    "move_date": Label("the move date"),
    "ended_on": Label("the date the old tenancy ended"),
    "granted_on": Label("the date the new tenancy was granted"),
    "security_of_tenure": Label("the new tenancy", choice=True),
    "offered": Label("your answer", choice=True),
    "offer_ref": Label("the offer's reference"),
    "new_address": Label("the address offered"),
    "tenancy_type": Label("the tenancy offered", choice=True),
    "transfer_id": Label("the transfer"),
}


def _transfer_id(form: FormData) -> str:
    return text(form, "transfer_id")


BODIES: dict[str, tuple[CommandRoute, Callable[[FormData], dict[str, Any]]]] = {
    "request": (REQUEST, lambda f: {
        "transfer_id": _transfer_id(f), "receiving_landlord": text(f, "receiving_landlord"),
        "destination_area": text(f, "destination_area"), "reason": str(f.get("reason") or ""),
        "risk_from": text(f, "risk_from") or None, "old_tenancy": text(f, "old_tenancy") or None,
        "dso_id": text(f, "dso_id") or None}),
    "victim-decision": (DECISION, lambda f: {
        "transfer_id": _transfer_id(f), "accepted": yes_no_of(f, "accepted"),
        "reason": str(f.get("reason") or "")}),
    "move-date": (MOVE_DATE, lambda f: {"transfer_id": _transfer_id(f),
                                        "move_date": date_from(f, "move_date")}),
    "old-tenancy-ended": (ENDED, lambda f: {"transfer_id": _transfer_id(f),
                                            "ended_on": date_from(f, "ended_on")}),
    "new-tenancy": (GRANTED, lambda f: {
        "transfer_id": _transfer_id(f), "granted_on": date_from(f, "granted_on"),
        "security_of_tenure": text(f, "security_of_tenure")}),
    "inbound-answer": (ANSWER, lambda f: {
        "offered": yes_no_of(f, "offered"), "reason": str(f.get("reason") or ""),
        "offer_ref": text(f, "offer_ref") or None,
        "new_address": str(f.get("new_address") or "").strip() or None,
        "tenancy_type": text(f, "tenancy_type") or None}),
}


def _field(path: str) -> str:
    return path.partition(".")[0] or "form"


@router.get("/cases/{case_id}/safe-move")
async def safe_move(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """The case's reciprocal transfer with the forms its stage allows."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_safe_move")
    return _page(request, principal, "")(case, {"request_id": str(uuid.uuid4())}, [], 200)


def _page(request: Request, principal: Principal, step: str) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        view = transfer_view(case, principal)
        current = case.transfer.current
        status = current.status if current else None
        inbound = case.transfer.inbound
        return render(
            request, principal, "pages/safe_move.html", status_code=status_code,
            case_id=str(case.id), view=view, status=status and status.value,
            landlord_name=_landlord_name, landlords=landlord_choices(case),
            rule=case.transfer_rules, social_tenant=case.report.tenure in SOCIAL_TENURES,
            can_request=(inbound is None and case.report.tenure in SOCIAL_TENURES
                         and case.transfer.open is None),
            new_transfer_id=values.get("transfer_id") if step == "request" else uuid.uuid4().hex,
            can_decide=status is TransferStatus.OFFERED,
            can_agree_date=status in (TransferStatus.ACCEPTED, TransferStatus.MOVE_DATE_AGREED),
            can_end=status is TransferStatus.MOVE_DATE_AGREED,
            can_grant=status is TransferStatus.OLD_TENANCY_ENDED,
            can_answer=inbound is not None and inbound.status == InboundStatus.RECEIVED,
            options=OPTIONS, step=step, values=values, errors=errors,
            field_errors=field_errors(errors))
    return show


def _landlord_name(landlord: str) -> str:
    try:
        return LANDLORD_NAMES[KentLandlord(landlord)]
    except ValueError:
        return landlord.replace("_", " ")


@router.post("/cases/{case_id}/safe-move/{step}")
async def safe_move_submit(case_id: uuid.UUID, step: str, request: Request,
                           principal: Worker) -> Response:
    """Send one step's form; on an error, show the page again with what was typed."""
    if step not in BODIES:
        raise CaseNotFound()  # no such form: the same 404 page as any unknown address
    form = await request.form()
    route, body_of = BODIES[step]
    return await submit(request, principal, case_id, route, body_of(form), form,
                        _page(request, principal, step), field_of=_field, labels=PAGE_LABELS)

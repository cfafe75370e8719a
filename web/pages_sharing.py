"""Recording a decision to share, or not to share, from a page: the form is turned into the
body of `POST /cases/{id}/sharing-decisions` and sent by the same dispatch."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from aggregates.case import Case
from aggregates.landlords import LANDLORD_NAMES
from aggregates.referrals import Partner
from aggregates.sharing import DataCategory, LawfulBasis, Purpose
from web.auth import Principal, visible_case
from web.page_forms import Errors, field_errors, page_access, render, submit, text, yes_no
from web.presenters import partner_name
from web.routes_cases import intake_of
from web.routes_partners import SHARING_DECISION

router = APIRouter(prefix="/work")
Worker = Annotated[Principal, Depends(page_access(SHARING_DECISION.permission))]

SHARING_OPTIONS = {
    # Only the registered partners (the domain refuses anything else).
    "partner": [(p.value, partner_name(p.value)) for p in Partner]
    + [(k.value, f"{name} (Kent reciprocal agreement)") for k, name in LANDLORD_NAMES.items()],
    "purpose": [(p.value, p.value.replace("_", " ").capitalize()) for p in Purpose],
    "categories": [(c.value, c.value.replace("_", " ").capitalize()) for c in DataCategory],
    "lawful_basis": [(b.value, b.value.replace("_", " ").capitalize()) for b in LawfulBasis],
}


@router.get("/cases/{case_id}/sharing")
async def sharing_form(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """Record a decision to share, or not to share."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_sharing")
    return _sharing_page(request, principal)(
        case, {"request_id": str(uuid.uuid4()), "categories": []}, [], 200)


def _sharing_page(request: Request, principal: Principal) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        return render(request, principal, "pages/sharing.html", status_code=status_code,
                      case_id=str(case.id), options=SHARING_OPTIONS, values=values,
                      errors=errors, field_errors=field_errors(errors))
    return show


def sharing_body(form: FormData) -> dict[str, Any]:
    """The API's sharing-decision body from the form (a lawful basis only when sharing)."""
    shared = yes_no(form, "shared")
    return {"partner": text(form, "partner"), "purpose": text(form, "purpose"),
            "shared": shared, "categories": form.getlist("categories"),
            "lawful_basis": (text(form, "lawful_basis") or None) if shared else None,
            "justification": str(form.get("justification") or ""),
            "reasons": str(form.get("reasons") or ""),
            "under_isa": yes_no(form, "under_isa") is True}


@router.post("/cases/{case_id}/sharing")
async def sharing_submit(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """Record the decision; on an error, show the form again with what was typed."""
    form = await request.form()
    return await submit(request, principal, case_id, SHARING_DECISION, sharing_body(form), form,
                        _sharing_page(request, principal), multi=("categories",),
                        field_of=lambda path: path.split(".")[0] or "form")

"""Break-glass from a page (DSOs and line managers): the case reference typed on the
escalations page, and the form giving the reason, sent as `POST /cases/{id}/break-glass`
is."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from aggregates.case import Case
from aggregates.errors import CaseNotFound
from web.auth import Principal, breakable_case
from web.form_messages import LABELS, Label
from web.page_forms import Errors, Lead, field_errors, render, submit, text
from web.routes_access import BREAK_GLASS
from web.routes_cases import intake_of

router = APIRouter(prefix="/work")
REASON = {**LABELS, "reason": Label("why you need to open this case")}


@router.get("/break-glass")
async def break_glass_lookup(request: Request, principal: Lead, case_id: str = "") -> Response:
    """From the escalations page: the case reference typed, to its break-glass form."""
    try:
        return RedirectResponse(f"/work/cases/{uuid.UUID(case_id.strip())}/break-glass",
                                status_code=303)
    except ValueError:
        raise CaseNotFound() from None


@router.get("/cases/{case_id}/break-glass")
async def break_glass_form(case_id: uuid.UUID, request: Request, principal: Lead) -> Response:
    """Open a case outside your need to know, giving the reason."""
    case = await breakable_case(intake_of(request).store, case_id, principal)
    return _break_glass_page(request, principal)(case, {"request_id": str(uuid.uuid4())}, [],
                                                  200)


def _break_glass_page(request: Request, principal: Principal) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        return render(request, principal, "pages/break_glass.html", status_code=status_code,
                      case_id=str(case.id), values=values, errors=errors,
                      field_errors=field_errors(errors))
    return show


@router.post("/cases/{case_id}/break-glass")
async def break_glass_submit(case_id: uuid.UUID, request: Request, principal: Lead) -> Response:
    """Open the case, giving the reason (recorded, and its officer and your manager told)."""
    form = await request.form()
    return await submit(request, principal, case_id, BREAK_GLASS,
                        {"reason": text(form, "reason")}, form,
                        _break_glass_page(request, principal), labels=REASON)

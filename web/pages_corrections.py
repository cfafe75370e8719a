"""Correcting a wrong entry of the case's history from a page (`/work/cases/{id}/corrections
?step=N`): the form is turned into the body of `POST /cases/{id}/corrections` and sent by the
same dispatch. The wrong entry stays as it was recorded; the correction points at it
(aggregates/corrections.py)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from aggregates.case import Case
from web.auth import Principal, visible_case
from web.form_messages import WHY_HINT, Label
from web.page_forms import (
    Errors,
    field_errors,
    number,
    page_access,
    render,
    submit,
    text,
    whole_number,
)
from web.routes_cases import intake_of
from web.routes_corrections import CORRECTION

router = APIRouter(prefix="/work")
Corrector = Annotated[Principal, Depends(page_access(CORRECTION.permission))]
LABELS = {"corrects_version": Label("the step that is wrong"),
          "what_was_wrong": Label("what was wrong"), "correction": Label("the correction"),
          "reason": Label("why it is corrected")}


@router.get("/cases/{case_id}/corrections")
async def correction_form(case_id: uuid.UUID, request: Request, principal: Corrector,
                          step: str | None = None) -> Response:
    """The form that corrects an entry of the case's history (the step given, if any)."""
    case = await visible_case(intake_of(request).store, case_id, principal,
                              "read_correction_form")
    chosen = whole_number(step or "")
    return _correction_page(request, principal)(case, {
        "request_id": str(uuid.uuid4()), "corrects_version": "" if chosen is None else chosen},
        [], 200)


def _correction_page(request: Request, principal: Principal) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        return render(request, principal, "pages/correction.html", status_code=status_code,
                      case_id=str(case.id), values=values, errors=errors,
                      field_errors=field_errors(errors), why_hint=WHY_HINT)
    return show


@router.post("/cases/{case_id}/corrections")
async def correction_submit(case_id: uuid.UUID, request: Request,
                            principal: Corrector) -> Response:
    """Record the correction; on an error, show the form again with what was typed."""
    form = await request.form()
    body = {"corrects_version": number(form, "corrects_version", default=""),
            "what_was_wrong": text(form, "what_was_wrong"),
            "correction": text(form, "correction"), "reason": text(form, "reason")}
    return await submit(request, principal, case_id, CORRECTION, body, form,
                        _correction_page(request, principal), labels=LABELS)


__all__ = ["router"]

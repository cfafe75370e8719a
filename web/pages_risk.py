"""Risk steps from pages: the DASH checklist (save part-way or complete) and the MARAC's
hearing and actions. Each form is turned into the body of the same API route
(web/routes_safeguarding.py) and sent by the same dispatch."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from aggregates.case import Case
from aggregates.dash import QUESTIONS, Answer
from aggregates.data_categories import redact_view
from web.auth import Principal, visible_case
from web.page_forms import (
    Errors,
    date_from,
    field_errors,
    number,
    page_access,
    render,
    submit,
    text,
    yes_no,
)
from web.routes_cases import intake_of
from web.routes_safeguarding import COMPLETE_DASH, MARAC_ACTIONS, MARAC_HEARING, SAVE_DASH

router = APIRouter(prefix="/work")
Worker = Annotated[Principal, Depends(page_access(SAVE_DASH.permission))]

ANSWERS = [(a.value, a.value.replace("_", " ").capitalize()) for a in Answer]
MARAC_KINDS = ("marac", "repeat_marac")  # the referrals a MARAC hearing can be recorded for


# ---- DASH ----------------------------------------------------------------------------------

@router.get("/cases/{case_id}/dash")
async def dash_form(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """The DASH checklist, with any saved draft's answers filled in."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_dash")
    draft = redact_view("dash", {"draft": case.dash_draft and case.dash_draft.to_dict()},
                        principal.staff.role)["draft"] or {}
    values = {f"q{n}": a for n, (a, _) in draft.get("answers", {}).items()}
    values["police_callouts_12_months"] = str(draft.get("police_callouts_12_months", 0))
    values["request_id"] = str(uuid.uuid4())
    return _dash_page(request, principal)(case, values, [], 200)


def _dash_page(request: Request, principal: Principal) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        assessments = redact_view("dash", {"assessments": [a.to_dict() for a in case.assessments]},
                                  principal.staff.role)["assessments"]
        return render(request, principal, "pages/dash.html", status_code=status_code,
                      case_id=str(case.id), questions=list(QUESTIONS.items()),
                      answers=ANSWERS, values=values, errors=errors,
                      field_errors=field_errors(errors), assessments=assessments)
    return show


def dash_body(form: FormData, complete: bool) -> dict[str, Any]:
    """The API's DASH body from the form: question n's answer is field `qn`."""
    body: dict[str, Any] = {
        "answers": {n: {"answer": text(form, f"q{n}")} for n in QUESTIONS if text(form, f"q{n}")},
        "police_callouts_12_months": number(form, "police_callouts_12_months"),
        "victim_present": yes_no(form, "victim_present") is not False}
    if complete:
        body["professional_judgement"] = yes_no(form, "professional_judgement") is True
        body["judgement_reason"] = str(form.get("judgement_reason") or "")
    return body


def dash_field(path: str) -> str:
    """`answers.3.answer` → q3; `answers` (every question) → q1."""
    parts = path.split(".")
    if parts[0] == "answers":
        return f"q{parts[1]}" if len(parts) > 1 and parts[1].isdigit() else "q1"
    return parts[0] or "form"


@router.post("/cases/{case_id}/dash")
async def dash_submit(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """Save the checklist part-way, or complete it."""
    form = await request.form()
    complete = form.get("action") == "complete"
    return await submit(request, principal, case_id, COMPLETE_DASH if complete else SAVE_DASH,
                        dash_body(form, complete), form, _dash_page(request, principal),
                        field_of=dash_field)


# ---- MARAC ---------------------------------------------------------------------------------

@router.get("/cases/{case_id}/marac")
async def marac_form(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """Record the MARAC hearing and the actions it gave housing."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_marac")
    return _marac_page(request, principal)(case, {"request_id": str(uuid.uuid4())}, [], 200)


def _marac_page(request: Request, principal: Principal) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        referrals = [redact_view("referral", r.to_dict(), principal.staff.role)
                     for r in case.referrals.values() if r.kind in MARAC_KINDS]
        return render(request, principal, "pages/marac.html", status_code=status_code,
                      case_id=str(case.id), referral_options=[
                          (r["referral_id"], f"{r['kind'].replace('_', ' ').capitalize()} "
                                             f"({r['referral_id']})") for r in referrals],
                      values=values, errors=errors, field_errors=field_errors(errors))
    return show


@router.post("/cases/{case_id}/marac")
async def marac_submit(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """Record the hearing, or one action for housing (the form's `action`)."""
    form = await request.form()
    referral_id = text(form, "referral_id")
    show = _marac_page(request, principal)
    if form.get("action") == "hearing":
        return await submit(request, principal, case_id, MARAC_HEARING, {
            "referral_id": referral_id, "heard_on": date_from(form, "heard_on")}, form, show)
    action = {"description": text(form, "description"), "owner_id": text(form, "owner_id"),
              "due_on": date_from(form, "due_on")}
    return await submit(request, principal, case_id, MARAC_ACTIONS, {
        "referral_id": referral_id, "actions": [{k: v for k, v in action.items() if v}]},
        form, show, field_of=lambda path: path.removeprefix("actions.0.").replace(".", "-"))

"""Completing a task from its form: the form is the API's `CompleteTaskIn`, completed through
the same dispatch as `POST /cases/{id}/tasks/{task}/complete`."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from aggregates.errors import CaseNotFound, RuleViolation
from aggregates.tasks import OUTCOMES
from web.auth import Principal, visible_case
from web.dispatch import dispatch_completion
from web.page_forms import Completer, Errors, attempt, field_errors, form_values, render, text
from web.presenters import when
from web.resubmission import form_request_id
from web.routes_cases import intake_of
from web.schemas import CompleteTaskIn

router = APIRouter(prefix="/work")


@router.get("/cases/{case_id}/tasks/{task_id}")
async def task_form(case_id: uuid.UUID, task_id: str, request: Request,
                    principal: Completer) -> Response:
    """The form that completes a task."""
    return await _task_page(request, principal, case_id, task_id, {}, [])


async def _task_page(request: Request, principal: Principal, case_id: uuid.UUID, task_id: str,
                     values: dict[str, Any], errors: Errors, status_code: int = 200) -> Response:
    case = await visible_case(intake_of(request).store, case_id, principal, "read_task")
    try:
        task = case.open_task(task_id)
    except RuleViolation:  # no such task, or completed: there is no form to show
        raise CaseNotFound() from None
    outcomes = [(o, o.replace("_", " ").capitalize()) for o in sorted(OUTCOMES[task.kind])]
    return render(request, principal, "pages/task.html", status_code=status_code,
                  case_id=str(case_id), task=task, outcomes=outcomes,
                  values={"request_id": str(uuid.uuid4()), **values}, errors=errors,
                  field_errors=field_errors(errors), due=when(task.due_at))


@router.post("/cases/{case_id}/tasks/{task_id}")
async def complete_task(case_id: uuid.UUID, task_id: str, request: Request,
                        principal: Completer) -> Response:
    """Complete a task from its form."""
    form = await request.form()
    values = form_values(form)
    await visible_case(intake_of(request).store, case_id, principal, "complete_task")

    async def send() -> None:
        key = form_request_id(form)
        body = CompleteTaskIn.model_validate({"outcome": text(form, "outcome"),
                                              "note": str(form.get("note") or "")})
        await dispatch_completion(request, principal, case_id, task_id, body.outcome,
                                  body.note, key)

    refused = await attempt(send, values)
    if refused is None:
        return RedirectResponse(f"/work/cases/{case_id}", status_code=303)
    errors, status = refused
    return await _task_page(request, principal, case_id, task_id, values, errors, status)

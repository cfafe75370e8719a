"""Reporting a case from a page: the report form is turned into the API's report body
(`ReportIn`) and opened by the same intake as `POST /cases`."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from activities.case_store import DuplicateRequest
from aggregates.report import AdditionalNeed, Adjustment, Channel, Council, ReporterKind, Tenure
from aggregates.working_days import LONDON
from web.page_forms import (
    Opener,
    attempt,
    date_from,
    field_errors,
    form_values,
    render,
    text,
    whole_number,
    yes_no,
)
from web.resubmission import form_request_id
from web.routes_cases import open_reported_case
from web.schemas import ReportIn

router = APIRouter(prefix="/work")

INTAKE_OPTIONS = {
    "council": [(c.value, c.value.title()) for c in Council],
    "channel": [(c.value, c.value.replace("_", " ").capitalize()) for c in Channel],
    "reporter_kind": [(k.value, k.value.replace("_", " ").capitalize()) for k in ReporterKind],
    "tenure": [(t.value, t.value.replace("_", " ").capitalize()) for t in Tenure],
    "adjustments": [(a.value, a.value.replace("_", " ").capitalize()) for a in Adjustment],
    "additional_needs": [(n.value, n.value.replace("_", " ").capitalize())
                         for n in AdditionalNeed],
}
MULTI = ("adjustments", "additional_needs")

# Where the report body's fields are on the form (the rest have the same name).
FORM_FIELD = {"victim.name": "victim_name", "victim.address": "victim_address",
              "victim.phone": "victim_phone", "reporter.kind": "reporter_kind",
              "reporter.name": "reporter_name", "perpetrator.name": "perpetrator_name",
              "household.children": "children_ages", "household.adults": "adult_care_needs",
              "reasonable_adjustments": "adjustments", "additional_needs": "additional_needs",
              "reported_at": "reported_at"}


def report_field(path: str) -> str:
    """The form field of a report body path ("household.children.0.age" → children_ages)."""
    for prefix, field in FORM_FIELD.items():
        if path == prefix or path.startswith(prefix + "."):
            return field
    return path.split(".")[0] or "form"


def received_at(form: FormData, now: datetime) -> str:
    """When the report was received, as the body's ISO time: the date (three GOV.UK inputs,
    `reported_at-day` ...) and the 24-hour London time (`reported_time`, "14:30") typed; `now`
    if both are empty. What is not a date and time is passed on as typed, for the body to
    refuse naming the field."""
    day, clock = date_from(form, "reported_at"), text(form, "reported_time")
    if day is None and not clock:
        return now.isoformat()
    try:
        moment = datetime.combine(date.fromisoformat(day or ""),
                                  time.fromisoformat(clock.replace(".", ":")), tzinfo=LONDON)
    except ValueError:
        return f"{day or ''}T{clock}"
    return moment.isoformat()


def report_from_form(form: FormData) -> dict[str, Any]:
    """The API's report body, from the form's fields (shape only; rules are the domain's)."""
    ages = [a.strip() for a in text(form, "children_ages").split(",") if a.strip()]
    perpetrator = text(form, "perpetrator_name")
    body = {
        "council": form.get("council"), "channel": form.get("channel"),
        "reported_at": received_at(form, datetime.now(UTC)),
        "late_entry_reason": text(form, "late_entry_reason") or None,
        "reporter": {"kind": form.get("reporter_kind"),
                     "name": text(form, "reporter_name") or None},
        "victim": {"name": text(form, "victim_name"), "address": text(form, "victim_address"),
                   "phone": text(form, "victim_phone") or None},
        "immediate_risk": yes_no(form, "immediate_risk"),
        "household": {"adults": [{"care_and_support_needs": True}]
                      if form.get("adult_care_needs") else [],
                      "children": [{"age": a if whole_number(a) is None else whole_number(a)}
                                   for a in ages]},
        "tenure": form.get("tenure"),
        "perpetrator_lives_at_address": yes_no(form, "perpetrator_lives_at_address"),
        "perpetrator": {"name": perpetrator} if perpetrator else None,
        "summary": text(form, "summary"),
        "reasonable_adjustments": form.getlist("adjustments"),
        "additional_needs": form.getlist("additional_needs"),
    }
    return {k: v for k, v in body.items() if v is not None or k == "perpetrator"}


@router.get("/cases/new")
async def new_case(request: Request, principal: Opener) -> Response:
    """The report form."""
    return render(request, principal, "pages/new_case.html", values={
        "council": principal.staff.council.value, "request_id": str(uuid.uuid4())},
        errors=[], field_errors={}, options=INTAKE_OPTIONS)


@router.post("/cases/new")
async def create_case(request: Request, principal: Opener) -> Response:
    """Record the report; on an error, show the form again with what was typed."""
    form = await request.form()
    values = form_values(form, MULTI)
    opened: list[str] = []  # the case's page, once opened

    async def send() -> None:
        key = form_request_id(form)
        body = ReportIn.model_validate(report_from_form(form))
        try:
            case_id = await open_reported_case(request, principal, body, key,
                                               sent_at_varies=True)
            opened.append(f"/work/cases/{case_id}?opened=1")
        except DuplicateRequest as again:
            if not again.same_request:
                raise
            opened.append(f"/work/cases/{again.case_id}")  # the same form sent twice

    refused = await attempt(send, values, report_field, made="It opened the case linked here")
    if refused is None:
        return RedirectResponse(opened[0], status_code=303)
    errors, status = refused
    values.setdefault("request_id", str(uuid.uuid4()))
    return render(request, principal, "pages/new_case.html", status_code=status,
                  values=values, errors=errors, field_errors=field_errors(errors),
                  options=INTAKE_OPTIONS)

"""Complaints from pages (D 10, DBC 11): case staff record a complaint however it was made;
DSOs, line managers and auditors read the council's register and each complaint (as their
role may read it); DSOs and line managers answer the stage a complaint is at. The forms
build the API's bodies (web/routes_complaints.py) and send them to the same register, so the
rules and refusals are the domain's, worded for the page (web/form_messages.py)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from activities.complaints_register import ComplaintNotFound
from aggregates.access import ROLE_PERMISSIONS, Permission
from aggregates.complaints import (
    ComplaintChannel,
    ComplaintSubject,
    Ombudsman,
    Outcome,
    ServiceArea,
)
from aggregates.working_days import LONDON, local_date
from web.auth import Principal
from web.form_messages import Label
from web.page_forms import attempt, date_from, field_errors, form_values, page_access, render, text
from web.routes_complaints import (
    AnswerIn,
    ComplaintIn,
    OmbudsmanIn,
    ReasonIn,
    case_council,
    register_of,
    shown,
)

router = APIRouter(prefix="/work")
Recorder = Annotated[Principal, Depends(page_access(Permission.RECORD_COMPLAINT))]
Reader = Annotated[Principal, Depends(page_access(Permission.READ_COMPLAINTS))]
Handler = Annotated[Principal, Depends(page_access(Permission.HANDLE_COMPLAINTS))]

CHANNELS = [(ComplaintChannel.LETTER, "Letter"), (ComplaintChannel.EMAIL, "Email"),
            (ComplaintChannel.ONLINE_FORM, "Online complaint form"),
            (ComplaintChannel.LEAFLET, "Complaint leaflet"),
            (ComplaintChannel.TELEPHONE, "Telephone"),
            (ComplaintChannel.IN_PERSON_BY_APPOINTMENT, "In person, by appointment"),
            (ComplaintChannel.OTHER, "Another way")]
SUBJECTS = [(ComplaintSubject.SERVICE, "The service"), (ComplaintSubject.OFFICER, "An officer"),
            (ComplaintSubject.CONTRACTOR, "A contractor")]
AREAS = [(ServiceArea.LANDLORD, "The council as landlord (tenants and leaseholders)"),
         (ServiceArea.HOUSING_OPTIONS, "Housing options: allocations, homelessness, advice")]
OUTCOMES = [(Outcome.UPHELD, "Upheld"), (Outcome.PARTLY_UPHELD, "Partly upheld"),
            (Outcome.NOT_UPHELD, "Not upheld")]
OMBUDSMEN = [(Ombudsman.HOUSING, "Housing Ombudsman"),
             (Ombudsman.LOCAL_GOVERNMENT, "Local Government and Social Care Ombudsman")]
OPTIONS = {"channels": CHANNELS, "subjects": SUBJECTS, "areas": AREAS, "outcomes": OUTCOMES,
           "ombudsmen": OMBUDSMEN}
WORDS = {str(k): v for k, v in (*CHANNELS, *SUBJECTS, *AREAS, *OUTCOMES, *OMBUDSMEN)}
STATUS_WORDS = {"stage_1_open": "Stage 1: waiting for an answer",
                "stage_1_answered": "Stage 1: answered", "stage_2_open":
                "Stage 2: waiting for an answer", "stage_2_answered": "Stage 2: answered",
                "council_process_exhausted": "Council's process finished",
                "with_ombudsman": "With the Ombudsman", "withdrawn": "Withdrawn"}
LABELS = {"channel": Label("how the complaint was made", choice=True),
          "subject": Label("what the complaint is about", choice=True),
          "area": Label("the area of service", choice=True),
          "received_at": Label("the date the complaint was received"),
          "case_id": Label("the case reference"), "complainant": Label("the complainant's name"),
          "summary": Label("what the complaint is about"),
          "adjustments": Label("the adjustments"), "outcome": Label("the outcome", choice=True),
          "reason": Label("why"),
          "escalation_reason": Label("why the complainant wants the next stage"),
          "withdrawal_reason": Label("why the complaint was withdrawn"),
          "ombudsman": Label("which Ombudsman", choice=True)}


def day_words(iso: str) -> str:
    """An ISO time as its London date in GOV.UK style: "30 November 2026"."""
    try:
        day = local_date(datetime.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso  # withheld from the role: shown as the words it carries
    return f"{day.day} {day:%B %Y}"


def _worded(view: dict[str, Any], status: str) -> dict[str, Any]:
    return {**view, "status_words": STATUS_WORDS.get(status, status),
            "received_words": day_words(view["received_at"]),
            "responses": [{**r, "at_words": day_words(r["at"])} for r in view["responses"]]}


def received_at(form: FormData, now: datetime, name: str = "received_at") -> str:
    """The date typed in GOV.UK's three inputs `name`: today (or empty) is now; an earlier
    day is midday that day in London; not a date: as typed, for the body to refuse naming
    the field."""
    day = date_from(form, name)
    if day is None or day == local_date(now).isoformat():
        return now.isoformat()
    try:
        return datetime.combine(date.fromisoformat(day), time(12), tzinfo=LONDON).isoformat()
    except ValueError:
        return day


def complaint_from_form(form: FormData) -> dict[str, Any]:
    """The API's complaint body from the form's fields (shape only; rules are the domain's)."""
    return {"channel": form.get("channel"), "subject": form.get("subject"),
            "area": form.get("area"), "received_at": received_at(form, datetime.now(UTC)),
            "case_id": text(form, "case_id") or None, "complainant": text(form, "complainant"),
            "summary": text(form, "summary"),
            "adjustments": [a.strip() for a in text(form, "adjustments").splitlines()
                            if a.strip()]}


def _show_new(request: Request, principal: Principal, values: dict[str, Any],
              errors: list[dict[str, str]], status: int = 200, recorded: bool = False
              ) -> Response:
    return render(request, principal, "pages/complaint_new.html", status_code=status,
                  values=values, errors=errors, field_errors=field_errors(errors),
                  options=OPTIONS, recorded=recorded)


@router.get("/complaints/new")
async def new_complaint(request: Request, principal: Recorder,
                        recorded: bool = False) -> Response:
    """The form to record a complaint, however it was made."""
    return _show_new(request, principal, {}, [], recorded=recorded)


@router.post("/complaints/new")
async def complaint_recorded(request: Request, principal: Recorder) -> Response:
    """Record the complaint; the form again with what was typed if a rule refuses it."""
    form = await request.form()
    values = form_values(form)
    register = register_of(request)

    async def send() -> None:
        body = ComplaintIn.model_validate(complaint_from_form(form))
        await asyncio.to_thread(
            register.receive, complaint_id=uuid.uuid4(), council=principal.staff.council,
            channel=body.channel.value, subject=body.subject.value, area=body.area.value,
            received_at=body.received_at, case_id=body.case_id,
            complainant=body.complainant, summary=body.summary,
            adjustments=list(body.adjustments), actor=principal.actor,
            case_council=await asyncio.to_thread(case_council, request, body.case_id))

    refused = await attempt(send, values, labels=LABELS)
    if refused is not None:
        return _show_new(request, principal, values, refused[0], refused[1])
    if Permission.READ_COMPLAINTS in ROLE_PERMISSIONS[principal.staff.role]:
        return RedirectResponse("/work/complaints?recorded=1", status_code=303)
    return RedirectResponse("/work/complaints/new?recorded=1", status_code=303)


@router.get("/complaints")
async def complaint_register(request: Request, principal: Reader,
                             recorded: bool = False) -> Response:
    """The council's complaints, newest received first."""
    found = await asyncio.to_thread(register_of(request).complaints, principal.staff.council)
    rows = [_worded(shown(c, principal), c.status) for c in found]
    return render(request, principal, "pages/complaints.html", complaints=rows, words=WORDS,
                  recorded=recorded)


async def _shown(request: Request, principal: Principal, complaint_id: uuid.UUID
                 ) -> dict[str, Any]:
    """The complaint as the role may read it, with the steps it is open to now."""
    try:
        complaint = await asyncio.to_thread(register_of(request).complaint, complaint_id,
                                            principal.staff.council)
    except ComplaintNotFound:
        raise HTTPException(404, "complaint not found") from None
    answered = any(r.stage == complaint.stage for r in complaint.responses)
    live = complaint.withdrawn_at is None and complaint.ombudsman is None
    return {**_worded(shown(complaint, principal), complaint.status),
            "steps": {"answer": live and not answered,
                      "escalate": live and answered and not complaint.exhausted,
                      "ombudsman": live and complaint.exhausted, "withdraw": live}}


def _show(request: Request, principal: Principal, complaint: dict[str, Any],
          values: dict[str, Any], errors: list[dict[str, str]], status: int = 200
          ) -> Response:
    handles = Permission.HANDLE_COMPLAINTS in ROLE_PERMISSIONS[principal.staff.role]
    steps = {k: v and handles for k, v in complaint["steps"].items()}
    return render(request, principal, "pages/complaint.html", status_code=status,
                  complaint=complaint, words=WORDS, options=OPTIONS, values=values,
                  errors=errors, field_errors=field_errors(errors), steps=steps)


@router.get("/complaints/{complaint_id}")
async def complaint_page(complaint_id: uuid.UUID, request: Request,
                         principal: Reader) -> Response:
    """One complaint: what it is about, where it stands, the answers given."""
    return _show(request, principal, await _shown(request, principal, complaint_id), {}, [])


# Each form of the page names its reason field apart, so an error shows beside its own form.
REASON_FIELD = {"escalate": "escalation_reason", "withdraw": "withdrawal_reason"}


@router.post("/complaints/{complaint_id}")
async def complaint_step(complaint_id: uuid.UUID, request: Request,
                         principal: Handler) -> Response:
    """One step of the procedure (`action`: answer the stage, the default (D 10.4); escalate
    to the next; withdraw; ombudsman (DBC 11.2-11.4)); the page again if a rule refuses."""
    complaint = await _shown(request, principal, complaint_id)
    form = await request.form()
    values = form_values(form)
    action = text(form, "action") or "answer"
    register, council, actor = register_of(request), principal.staff.council, principal.actor

    async def send() -> None:
        if action in REASON_FIELD:
            reason = ReasonIn.model_validate({"reason": text(form, REASON_FIELD[action])})
            step = register.escalate if action == "escalate" else register.withdraw
            await asyncio.to_thread(step, complaint_id, council, reason=reason.reason,
                                    actor=actor)
        elif action == "ombudsman":
            chosen = OmbudsmanIn.model_validate({"ombudsman": form.get("ombudsman")})
            await asyncio.to_thread(register.take_to_ombudsman, complaint_id, council,
                                    ombudsman=chosen.ombudsman.value, actor=actor)
        else:
            body = AnswerIn.model_validate({"outcome": form.get("outcome"),
                                            "reason": text(form, "reason")})
            await asyncio.to_thread(register.answer_stage, complaint_id, council,
                                    outcome=body.outcome.value, reason=body.reason,
                                    actor=actor)

    def field_of(path: str) -> str:
        field = path.split(".")[0] or "form"
        return REASON_FIELD.get(action, "reason") if field == "reason" else field

    refused = await attempt(send, values, field_of, labels=LABELS)
    if refused is not None:
        return _show(request, principal, complaint, values, refused[0], refused[1])
    return RedirectResponse(f"/work/complaints/{complaint_id}", status_code=303)

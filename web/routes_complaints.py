"""Complaints over HTTP (D 10, DBC 11, SCAR Q15): case staff record a complaint however it
was made; DSOs and line managers answer its stages, escalate it, record its withdrawal and
its going to an Ombudsman; they and auditors read the council's register, as their role may
read it (aggregates/data_categories_complaints.py). Another council's complaint is 404, the
same as none. Refusals name the field and rule (422), a stage answered twice 409."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from activities.complaints_register import ComplaintNotFound, ComplaintsRegister
from aggregates.access import Permission
from aggregates.complaints import (
    Complaint,
    ComplaintChannel,
    ComplaintSubject,
    Ombudsman,
    Outcome,
    ServiceArea,
)
from aggregates.data_categories import readable_by
from aggregates.data_categories_complaints import COMPLAINT
from aggregates.errors import CaseNotFound
from aggregates.redaction import redact
from aggregates.report import Council
from web.auth import Principal, require
from web.command_routes import IdempotencyKey
from web.input_types import Line, Text
from web.routes_cases import intake_of

router = APIRouter()
Recorder = Annotated[Principal, Depends(require(Permission.RECORD_COMPLAINT))]
Handler = Annotated[Principal, Depends(require(Permission.HANDLE_COMPLAINTS))]
Reader = Annotated[Principal, Depends(require(Permission.READ_COMPLAINTS))]
Adjustment = Annotated[Line, Field(min_length=1, max_length=200)]


def register_of_app(app: FastAPI) -> ComplaintsRegister:
    """The app's complaints register: the one it was given, or one beside the case store
    (same database, same key) made on first use."""
    register = getattr(app.state, "complaints", None)
    if register is None:
        register = ComplaintsRegister(dict(app.state.intake.store.env))
        app.state.complaints = register
    return register  # type: ignore[no-any-return]


def register_of(request: Request) -> ComplaintsRegister:
    return register_of_app(request.app)


class ComplaintIn(BaseModel):
    """A complaint as it was made (D 10.1-10.3). `received_at`: when the council received
    it (not after now, nor over 30 days before); `case_id`: the case it concerns, if any."""

    channel: ComplaintChannel
    subject: ComplaintSubject
    area: ServiceArea
    received_at: AwareDatetime
    case_id: UUID | None = None
    complainant: Line = Field(min_length=1, max_length=200)
    summary: Text = Field(min_length=1, max_length=10_000)
    adjustments: list[Adjustment] = Field(default_factory=list, max_length=10)


class AnswerIn(BaseModel):
    outcome: Outcome
    reason: Text = Field(min_length=1, max_length=10_000)


class ReasonIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000)


class OmbudsmanIn(BaseModel):
    ombudsman: Ombudsman


def shown(complaint: Complaint, principal: Principal) -> dict[str, Any]:
    return dict(redact(complaint.view(), COMPLAINT, readable_by(principal.staff.role)))


def case_council(request: Request, case_id: UUID | None) -> Council | None:
    """The council of the case named, or None if there is none (the domain refuses both
    another council's and none alike)."""
    if case_id is None:
        return None
    try:
        return intake_of(request).store.get_case(case_id).council  # type: ignore[no-any-return]
    except CaseNotFound:
        return None


@router.post("/complaints", status_code=201)
async def record_complaint(body: ComplaintIn, request: Request, response: Response,
                           principal: Recorder,
                           idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Record a complaint made by any channel, with the adjustments the complainant needs.
    The same `Idempotency-Key` again is refused 409 (`idempotency_key_used_once`)."""
    council = principal.staff.council
    complaint_id = (uuid5(NAMESPACE_URL, f"complaint:{council.value}:"
                          f"{principal.staff.staff_id}:{idempotency_key}")
                    if idempotency_key else uuid4())
    register = register_of(request)

    def record() -> Complaint:
        return register.receive(
            complaint_id=complaint_id, council=council, channel=body.channel.value,
            subject=body.subject.value, area=body.area.value, received_at=body.received_at,
            case_id=body.case_id, complainant=body.complainant, summary=body.summary,
            adjustments=list(body.adjustments), actor=principal.actor,
            case_council=case_council(request, body.case_id))

    complaint = await asyncio.to_thread(record)
    response.headers["Location"] = f"/complaints/{complaint.id}"
    return {"complaint_id": str(complaint.id), "status": complaint.status}


@router.get("/complaints")
async def list_complaints(request: Request, principal: Reader) -> list[dict[str, Any]]:
    """The council's complaints, newest received first, as the role may read them."""
    found = await asyncio.to_thread(register_of(request).complaints, principal.staff.council)
    return [shown(c, principal) for c in found]


async def _complaint(request: Request, principal: Principal, complaint_id: UUID) -> Complaint:
    try:
        return await asyncio.to_thread(register_of(request).complaint, complaint_id,
                                       principal.staff.council)
    except ComplaintNotFound:
        raise HTTPException(404, "complaint not found") from None


@router.get("/complaints/{complaint_id}")
async def read_complaint(complaint_id: UUID, request: Request,
                         principal: Reader) -> dict[str, Any]:
    """One complaint of the council: its stages, answers and where it stands."""
    return shown(await _complaint(request, principal, complaint_id), principal)


async def _step(request: Request, principal: Principal, complaint_id: UUID, step: str,
                **args: Any) -> dict[str, Any]:
    """Apply one step of the procedure to a complaint of the caller's council (404 else)."""
    register = register_of(request)
    try:
        complaint = await asyncio.to_thread(getattr(register, step), complaint_id,
                                            principal.staff.council, actor=principal.actor,
                                            **args)
    except ComplaintNotFound:
        raise HTTPException(404, "complaint not found") from None
    return shown(complaint, principal)


@router.post("/complaints/{complaint_id}/answers")
async def answer_complaint(complaint_id: UUID, body: AnswerIn, request: Request,
                           principal: Handler) -> dict[str, Any]:
    """Answer the stage the complaint is at, once, with the outcome and why (D 10.4)."""
    return await _step(request, principal, complaint_id, "answer_stage",
                       outcome=body.outcome.value, reason=body.reason)


@router.post("/complaints/{complaint_id}/escalation")
async def escalate_complaint(complaint_id: UUID, body: ReasonIn, request: Request,
                             principal: Handler) -> dict[str, Any]:
    """The complainant is not satisfied with the answer: open the next stage."""
    return await _step(request, principal, complaint_id, "escalate", reason=body.reason)


@router.post("/complaints/{complaint_id}/withdrawal")
async def withdraw_complaint(complaint_id: UUID, body: ReasonIn, request: Request,
                             principal: Handler) -> dict[str, Any]:
    """The complainant withdrew the complaint."""
    return await _step(request, principal, complaint_id, "withdraw", reason=body.reason)


@router.post("/complaints/{complaint_id}/ombudsman")
async def complaint_to_ombudsman(complaint_id: UUID, body: OmbudsmanIn, request: Request,
                                 principal: Handler) -> dict[str, Any]:
    """The complainant took the complaint to an Ombudsman, once the council's process is
    exhausted (DBC 11.2), the one for its area (DBC 11.3-11.4)."""
    return await _step(request, principal, complaint_id, "take_to_ombudsman",
                       ombudsman=body.ombudsman.value)

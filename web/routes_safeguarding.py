"""Risk and safeguarding steps over HTTP: the DASH checklist, MARAC hearing and actions,
incidents, children joining the household, consent to support referrals, contacts with the
parties, and the case's referrals. Each is a command the case's workflow applies."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from aggregates.access import Permission
from aggregates.contact import ContactChannel
from aggregates.dash import CHECKLIST_VERSION, QUESTIONS, Answer
from aggregates.data_categories import redact_view
from web.auth import Principal, require, visible_case
from web.input_types import Bool, DueDate, HearingDate, IncidentDate, Int, Line, Text
from web.routes_cases import IdempotencyKey, TasksOut, case_command, intake_of
from web.staff_lookup import with_directory

router = APIRouter()
Worker = Annotated[Principal, Depends(require(Permission.RECORD_CASE_WORK))]
Reader = Annotated[Principal, Depends(require(Permission.READ_CASE))]
STAFF_ID = r"^[A-Za-z0-9._-]{1,64}$"


def _question_exists(number: int) -> int:
    if number not in QUESTIONS:
        raise PydanticCustomError("dash_question_exists", "the question is not on the checklist")
    return number


QuestionNumber = Annotated[int, AfterValidator(_question_exists)]  # a 422 names it `answers.*`


class AnswerIn(BaseModel):
    answer: Answer
    comment: Text = Field(default="", max_length=2000)


class DashIn(BaseModel):
    """Answers by question number (1–24); a save may hold any of them."""

    answers: dict[QuestionNumber, AnswerIn] = Field(default_factory=dict, max_length=24)
    police_callouts_12_months: Int = Field(default=0, ge=0, le=1000)
    victim_present: Bool = True


class DashCompleteIn(DashIn):
    professional_judgement: Bool = False
    judgement_reason: Text = Field(default="", max_length=2000)


class HearingIn(BaseModel):
    referral_id: Line = Field(min_length=1, max_length=20)
    heard_on: HearingDate


class MaracActionIn(BaseModel):
    description: Text = Field(min_length=1, max_length=2000)
    owner_id: str = Field(pattern=STAFF_ID)
    due_on: DueDate


class MaracActionsIn(BaseModel):
    referral_id: Line = Field(min_length=1, max_length=20)
    actions: list[MaracActionIn] = Field(min_length=1, max_length=50)


class IncidentIn(BaseModel):
    occurred_on: IncidentDate
    summary: Text = Field(min_length=1, max_length=10_000)


class ChildIn(BaseModel):
    age: Int
    name: Line | None = Field(default=None, max_length=200)


class ConsentIn(BaseModel):
    given: Bool
    reason: Text = Field(min_length=1, max_length=2000)


class ContactIn(BaseModel):
    party: Literal["victim", "reporter", "perpetrator"]
    purpose: Line = Field(min_length=1, max_length=64)
    channel: ContactChannel  # a closed set: auditors read it (aggregates/data_categories.py)
    note: Text = Field(default="", max_length=10_000)


def dash_args(body: DashIn) -> dict[str, Any]:
    args = body.model_dump(exclude={"answers"})
    args["answers"] = {str(n): [a.answer.value, a.comment] for n, a in body.answers.items()}
    return args


@router.get("/cases/{case_id}/dash")
async def dash(case_id: UUID, request: Request, principal: Reader) -> dict[str, Any]:
    """The checklist's questions, a draft in progress, and every completed assessment."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_dash")
    return redact_view("dash", {  # type: ignore[no-any-return]
        "checklist_version": CHECKLIST_VERSION,
        "questions": [{"number": n, "label": label} for n, label in QUESTIONS.items()],
        "draft": case.dash_draft and case.dash_draft.to_dict(),
        "assessments": [a.to_dict() for a in case.assessments],
        "risk_level": case.risk_level}, principal.staff.role)


@router.put("/cases/{case_id}/dash", response_model=TasksOut)
async def save_dash(case_id: UUID, body: DashIn, request: Request, principal: Worker,
                    idempotency_key: IdempotencyKey = None) -> TasksOut:
    """Save a DASH checklist part-way, to resume later."""
    return await case_command(request, case_id, principal, "save_dash", dash_args(body),
                          idempotency_key)


@router.post("/cases/{case_id}/dash/complete", response_model=TasksOut)
async def complete_dash(case_id: UUID, body: DashCompleteIn, request: Request,
                        principal: Worker, idempotency_key: IdempotencyKey = None) -> TasksOut:
    """Complete the DASH checklist; a high risk refers the case to MARAC (D 8.15)."""
    return await case_command(request, case_id, principal, "complete_dash", dash_args(body),
                          idempotency_key)


@router.get("/cases/{case_id}/referrals")
async def referrals(case_id: UUID, request: Request, principal: Reader) -> list[dict[str, Any]]:
    """The case's referrals to partners and their delivery status."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_referrals")
    return [redact_view("referral", r.to_dict(), principal.staff.role)
            for r in case.referrals.values()]


@router.post("/cases/{case_id}/marac/hearing", response_model=TasksOut)
async def marac_hearing(case_id: UUID, body: HearingIn, request: Request, principal: Worker,
                        idempotency_key: IdempotencyKey = None) -> TasksOut:
    """Record the date the MARAC heard the case."""
    return await case_command(request, case_id, principal, "record_marac_hearing",
                              body.model_dump(mode="json"), idempotency_key)


@router.post("/cases/{case_id}/marac/actions", response_model=TasksOut)
async def marac_actions(case_id: UUID, body: MaracActionsIn, request: Request,
                        principal: Worker, idempotency_key: IdempotencyKey = None) -> TasksOut:
    """Record the actions the MARAC gave housing: each becomes a task for its owner, an active
    member of staff of the case's council who works cases (422
    `named_staff_works_cases_of_council`)."""
    args = await with_directory(request, principal, body.model_dump(mode="json"),
                                [a.owner_id for a in body.actions])
    return await case_command(request, case_id, principal, "add_marac_actions", args,
                              idempotency_key)


@router.post("/cases/{case_id}/incidents", response_model=TasksOut)
async def incident(case_id: UUID, body: IncidentIn, request: Request, principal: Worker,
                   idempotency_key: IdempotencyKey = None) -> TasksOut:
    """Record a new incident; within 12 months of a MARAC referral it makes a repeat referral."""
    return await case_command(request, case_id, principal, "report_incident",
                              body.model_dump(mode="json"), idempotency_key)


@router.post("/cases/{case_id}/household/children", response_model=TasksOut)
async def add_child(case_id: UUID, body: ChildIn, request: Request, principal: Worker,
                    idempotency_key: IdempotencyKey = None) -> TasksOut:
    """A child joins the household: Children's Services are referred (D 8.23)."""
    return await case_command(request, case_id, principal, "add_child", body.model_dump(),
                          idempotency_key)


@router.post("/cases/{case_id}/support-consent", response_model=TasksOut)
async def support_consent(case_id: UUID, body: ConsentIn, request: Request, principal: Worker,
                          idempotency_key: IdempotencyKey = None) -> TasksOut:
    """Record the victim's decision on a referral to support services (D 8.19)."""
    return await case_command(request, case_id, principal, "record_support_consent",
                              body.model_dump(), idempotency_key)


@router.post("/cases/{case_id}/contacts", response_model=TasksOut)
async def contact(case_id: UUID, body: ContactIn, request: Request, principal: Worker,
                  idempotency_key: IdempotencyKey = None) -> TasksOut:
    """Record contact with a party. Contact with the perpetrator about the abuse or MARAC is
    refused (D 8.42)."""
    return await case_command(request, case_id, principal, "record_contact",
                              body.model_dump(mode="json"), idempotency_key)

"""Risk and safeguarding steps over HTTP: the DASH checklist, MARAC hearing and actions,
incidents, children joining the household, consent to support referrals, contacts with the
parties, and the case's referrals. Each is a command the case's workflow applies; its route
(body → command) is declared here once and used by the pages too."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from pydantic_core import PydanticCustomError

from aggregates.access import Permission
from aggregates.commands.registry import Command
from aggregates.commands.safeguarding import (
    AddChild,
    AddMaracActions,
    CompleteDash,
    RecordCaseNote,
    RecordContact,
    RecordMaracHearing,
    RecordSupportConsent,
    ReportIncident,
    SaveDash,
)
from aggregates.contact import ContactChannel
from aggregates.dash import CHECKLIST_VERSION, QUESTIONS, Answer
from aggregates.data_categories import redact_view
from web.auth import Principal, require, visible_case
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.input_types import LINE_CHECK, Bool, DueDate, HearingDate, IncidentDate, Int, Line, Text
from web.routes_cases import intake_of
from web.schemas import TasksOut
from web.staff_lookup import directory_for

router = APIRouter()
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
    name: Annotated[str, StringConstraints(max_length=200), LINE_CHECK] | None = None


class ConsentIn(BaseModel):
    given: Bool
    reason: Text = Field(min_length=1, max_length=2000)


class ContactIn(BaseModel):
    party: Literal["victim", "reporter", "perpetrator"]
    purpose: Line = Field(min_length=1, max_length=64)
    channel: ContactChannel  # a closed set: auditors read it (aggregates/data_categories.py)
    note: Text = Field(default="", max_length=10_000)


class NoteIn(BaseModel):
    note: Text = Field(min_length=1, max_length=10_000)


async def _dash(body: DashIn, _: Request, __: Principal) -> Command:
    args = body.model_dump(exclude={"answers"})
    args["answers"] = {str(n): [a.answer.value, a.comment] for n, a in body.answers.items()}
    return (CompleteDash if isinstance(body, DashCompleteIn) else SaveDash)(**args)


async def _marac_actions(body: MaracActionsIn, request: Request, principal: Principal) -> Command:
    named = [a.owner_id for a in body.actions]
    return AddMaracActions(**body.model_dump(mode="json"),
                           directory=await directory_for(request, principal, named))


SAVE_DASH = CommandRoute(SaveDash, DashIn, _dash)
COMPLETE_DASH = CommandRoute(CompleteDash, DashCompleteIn, _dash)
MARAC_HEARING = CommandRoute(RecordMaracHearing, HearingIn)
MARAC_ACTIONS = CommandRoute(AddMaracActions, MaracActionsIn, _marac_actions)
INCIDENT = CommandRoute(ReportIncident, IncidentIn)
CHILD = CommandRoute(AddChild, ChildIn)
SUPPORT_CONSENT = CommandRoute(RecordSupportConsent, ConsentIn)
CONTACT = CommandRoute(RecordContact, ContactIn)
NOTE = CommandRoute(RecordCaseNote, NoteIn)


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
async def save_dash(
    case_id: UUID, body: DashIn, request: Request,
    principal: Annotated[Principal, Depends(SAVE_DASH.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Save a DASH checklist part-way, to resume later."""
    return await api_command(SAVE_DASH, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/dash/complete", response_model=TasksOut)
async def complete_dash(
    case_id: UUID, body: DashCompleteIn, request: Request,
    principal: Annotated[Principal, Depends(COMPLETE_DASH.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Complete the DASH checklist; a high risk refers the case to MARAC (D 8.15)."""
    return await api_command(COMPLETE_DASH, request, principal, case_id, body,
                             idempotency_key)


@router.get("/cases/{case_id}/referrals")
async def referrals(case_id: UUID, request: Request, principal: Reader) -> list[dict[str, Any]]:
    """The case's referrals to partners and their delivery status."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_referrals")
    return [redact_view("referral", r.to_dict(), principal.staff.role)
            for r in case.referrals.values()]


@router.post("/cases/{case_id}/marac/hearing", response_model=TasksOut)
async def marac_hearing(
    case_id: UUID, body: HearingIn, request: Request,
    principal: Annotated[Principal, Depends(MARAC_HEARING.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the date the MARAC heard the case."""
    return await api_command(MARAC_HEARING, request, principal, case_id, body,
                             idempotency_key)


@router.post("/cases/{case_id}/marac/actions", response_model=TasksOut)
async def marac_actions(
    case_id: UUID, body: MaracActionsIn, request: Request,
    principal: Annotated[Principal, Depends(MARAC_ACTIONS.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the actions the MARAC gave housing: each becomes a task for its owner, an active
    member of staff of the case's council who works cases (422
    `named_staff_works_cases_of_council`)."""
    return await api_command(MARAC_ACTIONS, request, principal, case_id, body,
                             idempotency_key)


@router.post("/cases/{case_id}/incidents", response_model=TasksOut)
async def incident(
    case_id: UUID, body: IncidentIn, request: Request,
    principal: Annotated[Principal, Depends(INCIDENT.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record a new incident; within 12 months of a MARAC referral it makes a repeat referral."""
    return await api_command(INCIDENT, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/household/children", response_model=TasksOut)
async def add_child(
    case_id: UUID, body: ChildIn, request: Request,
    principal: Annotated[Principal, Depends(CHILD.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """A child joins the household: Children's Services are referred (D 8.23)."""
    return await api_command(CHILD, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/support-consent", response_model=TasksOut)
async def support_consent(
    case_id: UUID, body: ConsentIn, request: Request,
    principal: Annotated[Principal, Depends(SUPPORT_CONSENT.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the victim's decision on a referral to support services (D 8.19)."""
    return await api_command(SUPPORT_CONSENT, request, principal, case_id, body,
                             idempotency_key)


@router.post("/cases/{case_id}/contacts", response_model=TasksOut)
async def contact(
    case_id: UUID, body: ContactIn, request: Request,
    principal: Annotated[Principal, Depends(CONTACT.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record contact with a party. Contact with the perpetrator about the abuse or MARAC is
    refused (D 8.42)."""
    return await api_command(CONTACT, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/notes", response_model=TasksOut)
async def case_note(
    case_id: UUID, body: NoteIn, request: Request,
    principal: Annotated[Principal, Depends(NOTE.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record a note on the case (case staff read it; auditors do not)."""
    return await api_command(NOTE, request, principal, case_id, body, idempotency_key)

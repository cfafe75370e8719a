"""Kent reciprocal transfers over HTTP (D 8.22, D 8.35; DBC 4.1.2, DBC 4.2.1): the case's
transfer as the reader may read it, and the caseworker's steps (request, the victim's decision,
move date, old tenancy ended, new tenancy granted, our answer to another landlord's request).
Each is a command the case's workflow applies; its route (body → command) is declared here
once, for the pages too. The landlord's own answers (sent, offer, refusal) are the system's
commands, given by the transfer's workflow from the landlord's verified signed messages.

The destination area and the new address (`transfer_destination`) are shown only to the staff
named on the transfer and to auditors (aggregates/data_categories_transfer.py).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from aggregates.access import Permission
from aggregates.case import Case
from aggregates.commands import Command
from aggregates.commands.transfers import (
    AgreeTransferMoveDate,
    AnswerInboundTransfer,
    RecordNewTenancyGranted,
    RecordOldTenancyEnded,
    RecordVictimTransferDecision,
    RequestReciprocalTransfer,
)
from aggregates.data_categories import redact_view
from aggregates.data_categories_transfer import transfer_readers
from aggregates.landlords import LANDLORD_NAMES, OWN_LANDLORD, KentLandlord
from aggregates.transfer_rules import RiskFrom, SecurityOfTenure
from web.auth import Principal, require, visible_case
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.input_types import Bool, Line, Text
from web.routes_cases import intake_of
from web.schemas import TasksOut
from web.staff_lookup import directory_for

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.READ_CASE))]
TRANSFER_ID = Field(pattern="^[0-9a-f]{32}$", description="A uuid4 in hex, made by the caller "
                    "for the request and named by every later step.")


class TransferRequestIn(BaseModel):
    """Which landlord, the safe area (a town or district, never an address), why; what the
    tenant is at risk from; their tenancy (empty: the usual one of their tenure); the DSO
    named on the transfer, if any (they read the destination too)."""

    transfer_id: str = TRANSFER_ID
    receiving_landlord: KentLandlord
    destination_area: Line = Field(min_length=1, max_length=120)
    reason: Text = Field(min_length=1, max_length=2000)
    risk_from: RiskFrom = RiskFrom.DOMESTIC_ABUSE
    old_tenancy: SecurityOfTenure | None = None
    dso_id: Line | None = Field(default=None, max_length=64)


class VictimDecisionIn(BaseModel):
    transfer_id: str = TRANSFER_ID
    accepted: Bool
    reason: Text = Field(min_length=1, max_length=2000)


class MoveDateIn(BaseModel):
    transfer_id: str = TRANSFER_ID
    move_date: date


class TenancyEndedIn(BaseModel):
    transfer_id: str = TRANSFER_ID
    ended_on: date


class NewTenancyIn(BaseModel):
    transfer_id: str = TRANSFER_ID
    granted_on: date
    security_of_tenure: SecurityOfTenure


class InboundAnswerIn(BaseModel):
    """A home offered (its reference, its address, the tenancy) or a refusal; why."""

    offered: Bool
    reason: Text = Field(min_length=1, max_length=2000)
    offer_ref: Line | None = Field(default=None, max_length=64)
    new_address: Text | None = Field(default=None, max_length=500)
    tenancy_type: SecurityOfTenure | None = None


async def _request(body: TransferRequestIn, request: Request, principal: Principal) -> Command:
    named = [body.dso_id] if body.dso_id else []
    return RequestReciprocalTransfer(
        **body.model_dump(mode="json"),
        directory=await directory_for(request, principal, named))


REQUEST = CommandRoute(RequestReciprocalTransfer, TransferRequestIn, _request)
DECISION = CommandRoute(RecordVictimTransferDecision, VictimDecisionIn)
MOVE_DATE = CommandRoute(AgreeTransferMoveDate, MoveDateIn)
ENDED = CommandRoute(RecordOldTenancyEnded, TenancyEndedIn)
GRANTED = CommandRoute(RecordNewTenancyGranted, NewTenancyIn)
ANSWER = CommandRoute(AnswerInboundTransfer, InboundAnswerIn)


def transfer_view(case: Case, principal: Principal) -> dict[str, Any]:
    """The case's transfers (the latest first as `transfer`) and the inbound request, as the
    reader may read them: the destination only for the staff named and auditors."""
    rules = case.transfer_rules
    named = principal.staff.staff_id in transfer_readers(case.transfer)
    current = case.transfer.current
    inbound = case.transfer.inbound
    return redact_view("transfer", {  # type: ignore[no-any-return]
        "case_id": str(case.id), "council": case.council.value,
        "rule": rules.eligible.name, "section": rules.eligible.section,
        "landlords": sorted(k.value for k in KentLandlord if k is not OWN_LANDLORD[case.council]),
        "transfer": current and current.to_dict(),
        "inbound": inbound and inbound.to_dict()}, principal.staff.role, named=named)


def landlord_choices(case: Case) -> list[tuple[str, str]]:
    """The agreement's other members, by name (our own council is not a choice)."""
    return [(k.value, LANDLORD_NAMES[k]) for k in KentLandlord
            if k is not OWN_LANDLORD[case.council]]


@router.get("/cases/{case_id}/transfer")
async def transfer(case_id: UUID, request: Request, principal: Reader) -> dict[str, Any]:
    """The case's reciprocal transfer and its status, and the request another landlord sent
    us if one opened the case. The destination is withheld unless you are named on the
    transfer (or an auditor)."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_transfer")
    return transfer_view(case, principal)


@router.post("/cases/{case_id}/transfer/request", response_model=TasksOut)
async def request_transfer(
    case_id: UUID, body: TransferRequestIn, request: Request,
    principal: Annotated[Principal, Depends(REQUEST.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Ask another Kent landlord to house our tenant at risk (D 8.22, D 8.35): only a social
    tenant, to another provider, under a recorded decision to share with that landlord for
    `reciprocal_transfer`; one transfer at a time."""
    return await api_command(REQUEST, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/transfer/victim-decision", response_model=TasksOut)
async def victim_decision(
    case_id: UUID, body: VictimDecisionIn, request: Request,
    principal: Annotated[Principal, Depends(DECISION.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """The victim accepts or declines the landlord's offer, with their reason."""
    return await api_command(DECISION, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/transfer/move-date", response_model=TasksOut)
async def move_date(
    case_id: UUID, body: MoveDateIn, request: Request,
    principal: Annotated[Principal, Depends(MOVE_DATE.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """The move date agreed (from today, within a year)."""
    return await api_command(MOVE_DATE, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/transfer/old-tenancy-ended", response_model=TasksOut)
async def old_tenancy_ended(
    case_id: UUID, body: TenancyEndedIn, request: Request,
    principal: Annotated[Principal, Depends(ENDED.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Our tenancy of the old home ended (from the request to today)."""
    return await api_command(ENDED, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/transfer/new-tenancy", response_model=TasksOut)
async def new_tenancy(
    case_id: UUID, body: NewTenancyIn, request: Request,
    principal: Annotated[Principal, Depends(GRANTED.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """The new tenancy granted, at least as secure as the old (D 8.22 "retaining their
    tenancy rights"; DBC 4.1.2), else refused naming the rule."""
    return await api_command(GRANTED, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/transfer/inbound-answer", response_model=TasksOut)
async def inbound_answer(
    case_id: UUID, body: InboundAnswerIn, request: Request,
    principal: Annotated[Principal, Depends(ANSWER.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Answer another landlord's request: a home offered keeping the tenant's tenancy rights,
    or a refusal with the reason; sent back to them signed."""
    return await api_command(ANSWER, request, principal, case_id, body, idempotency_key)

"""Partners: what they send us (signed acknowledgements), and the sharing decisions on a case.

Inbound messages are verified before anything reaches a case: the signature against the
partner's registered keys, the timestamp within five minutes, and the message id never seen
before. Anything else is a 401 and nothing is recorded.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from activities.inbound_log import unix_now
from aggregates.access import Permission
from aggregates.errors import CaseNotFound
from aggregates.sharing import DataCategory, LawfulBasis, Purpose
from gateways.registry import UnknownPartner
from gateways.signing import VerificationError, verify_message
from web.auth import Principal, require, visible_case
from web.errors import error_body
from web.input_types import Bool, Line, Text
from web.routes_cases import IdempotencyKey, TasksOut, case_command, intake_of
from workflows.client import CommandRefused
from workflows.contracts import AcknowledgementInput

log = logging.getLogger(__name__)
router = APIRouter()
Worker = Annotated[Principal, Depends(require(Permission.RECORD_CASE_WORK))]
Reader = Annotated[Principal, Depends(require(Permission.READ_CASE))]


async def partner_signed() -> None:
    """Dependency marking a route authenticated by a partner's signature, not by sign-in."""


partner_signed.permission = "partner_signature"  # type: ignore[attr-defined]


def unauthorised(reason: str) -> JSONResponse:
    return JSONResponse(error_body(None, "partner_signature_valid", reason), status_code=401)


@router.post("/partners/{partner}/messages", status_code=202,
             dependencies=[Depends(partner_signed)])
async def partner_message(partner: str, request: Request) -> Any:
    """A signed message from a partner (Standard Webhooks v1a headers)."""
    registry, inbound = request.app.state.partners, request.app.state.inbound
    body = await request.body()
    try:
        entry = registry.get(partner)
    except (UnknownPartner, AttributeError):
        return unauthorised("unknown_partner")
    try:
        message = await asyncio.to_thread(
            verify_message, body, request.headers, public_keys=list(entry.public_keys),
            now=unix_now(), replay=inbound)
    except VerificationError as refused:
        log.warning("refused a message from %s: %s", partner, refused.reason)
        return unauthorised(refused.reason)
    if message.get("type") != "acknowledgement":
        return JSONResponse(error_body("type", "message_type_known",
                                       "only acknowledgements are accepted here"),
                            status_code=422)
    acknowledged = str(message.get("message_id", ""))
    case_id, _, referral_id = acknowledged.partition(":")
    store = intake_of(request).store
    try:
        case = await asyncio.to_thread(store.get_case, UUID(case_id))
    except (ValueError, CaseNotFound):
        return JSONResponse(error_body("message_id", "acknowledges_our_message",
                                       "no such referral"), status_code=422)
    if case.referrals.get(referral_id, {}).get("partner") != partner:
        return JSONResponse(error_body("message_id", "acknowledges_our_message",
                                       "no such referral for this partner"), status_code=422)
    ack_id = request.headers["webhook-id"]
    try:
        await intake_of(request).orchestrator.record_acknowledgement(
            case_id, AcknowledgementInput(
                referral_id=referral_id, ack_message_id=ack_id,
                digest=str(message.get("digest", "")), signed_body=body.decode(),
                signature=request.headers["webhook-signature"]))
    except CommandRefused:
        raise  # the case refused it (e.g. not the digest we sent): a final answer
    except Exception:
        # Not recorded through no fault of the partner: let its retry through.
        await asyncio.to_thread(inbound.forget, ack_id)
        raise
    return {"status": "recorded"}


class SharingDecisionIn(BaseModel):
    partner: Line = Field(min_length=1, max_length=64)
    purpose: Purpose
    shared: Bool
    categories: list[DataCategory] = Field(default_factory=list, max_length=20)
    lawful_basis: LawfulBasis | None = None
    justification: Text = Field(default="", max_length=4000)
    reasons: Text = Field(default="", max_length=4000)
    under_isa: Bool = True


class ConsentIn(BaseModel):
    purpose: Purpose
    given: Bool
    reason: Text = Field(min_length=1, max_length=2000)
    kind: Literal["consent"] = "consent"


@router.get("/cases/{case_id}/sharing-decisions")
async def sharing_decisions(case_id: UUID, request: Request,
                            principal: Reader) -> list[dict[str, Any]]:
    """Every decision to share or not to share, with its lawful basis and justification."""
    case = await visible_case(intake_of(request).store, case_id, principal,
                              "read_sharing_decisions")
    return case.sharing_decisions


@router.post("/cases/{case_id}/sharing-decisions", response_model=TasksOut)
async def record_sharing_decision(case_id: UUID, body: SharingDecisionIn, request: Request,
                                  principal: Worker,
                                  idempotency_key: IdempotencyKey = None) -> TasksOut:
    """Record a decision to share, or not to share (never with the perpetrator)."""
    return await case_command(request, case_id, principal, "record_sharing_decision",
                              body.model_dump(mode="json"), idempotency_key)


@router.post("/cases/{case_id}/consent", response_model=TasksOut)
async def record_consent(case_id: UUID, body: ConsentIn, request: Request, principal: Worker,
                         idempotency_key: IdempotencyKey = None) -> TasksOut:
    """The victim gives or withdraws consent to sharing for a purpose."""
    return await case_command(request, case_id, principal, "record_consent",
                              body.model_dump(mode="json", exclude={"kind"}), idempotency_key)

"""KCC SAFER over HTTP (DBC 7.4.3, D 8.37): a caseworker refers the household; KCC's signed
message says which works were done, and only then does the case record them.

The works message is verified as every partner message is (web/routes_partners.py): the
signature against KCC's registered keys, the timestamp, the message id never seen before from
KCC. A verified message the case cannot take yet because of our own timing (its delivery not
recorded, the workflow or the store unavailable) is answered 503 with `Retry-After` and its
id released, so KCC's retry is taken; a message the case refuses for good is 422 and the id
stays spent; a retry of works already recorded is 202, recorded once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from activities.inbound_log import MessageInFlight, unix_now
from aggregates.access import Permission
from aggregates.commands.safer import RecordSaferWorks, ReferToSafer
from aggregates.data_categories import redact_view
from aggregates.errors import CaseNotFound
from aggregates.referrals import Partner, ReferralKind
from gateways.registry import UnknownPartner
from gateways.signing import VerificationError, verify_message
from temporal_contracts.payloads import CaseCommandInput
from web.auth import Principal, require, visible_case
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.errors import error_body
from web.input_types import Text
from web.routes_cases import intake_of
from web.routes_partners import partner_signed, retry_later, unauthorised
from web.schemas import TasksOut
from workflows.client import CommandRefused

log = logging.getLogger(__name__)
router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.READ_CASE))]
KCC = Partner.KCC_SAFER.value
ANSWER_SECONDS = 12.0  # as for acknowledgements: answered before a sender gives up
RETRY_AFTER_SECONDS = 10


class SaferReferralIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000,
                         description="Why, and that the household agreed to the referral.")


REFER = CommandRoute(ReferToSafer, SaferReferralIn)


@router.get("/cases/{case_id}/safer")
async def safer(case_id: UUID, request: Request, principal: Reader) -> dict[str, Any]:
    """The case's SAFER referrals (delivery status) and the works KCC reported."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_safer")
    role = principal.staff.role
    return {"referrals": [redact_view("referral", r.to_dict(), role)
                          for r in case.referrals.values() if r.kind is ReferralKind.SAFER],
            "works": [redact_view("safer_works", w.to_dict(), role) for w in case.safer.works]}


@router.post("/cases/{case_id}/safer/referral", response_model=TasksOut)
async def refer(
    case_id: UUID, body: SaferReferralIn, request: Request,
    principal: Annotated[Principal, Depends(REFER.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Refer the household to KCC SAFER for security advice and measures, under a recorded
    decision to share (DBC 7.4.3, D 8.37)."""
    return await api_command(REFER, request, principal, case_id, body, idempotency_key)


class Refused(Exception):
    """A verified works message the case will never take (KCC must not retry it)."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(rule)
        self.field, self.rule, self.message = field, rule, message


@router.post("/partners/{partner}/works", status_code=202,
             dependencies=[Depends(partner_signed)])
async def safer_works(partner: str, request: Request) -> Any:
    """KCC's signed message that works were done under our referral (Standard Webhooks
    v1a headers; body: type "works_completed", message_id "<case>:<referral>", measures,
    completed_on). Only KCC SAFER reports works."""
    registry, inbound = request.app.state.partners, request.app.state.inbound
    body = await request.body()
    if partner != KCC:
        return unauthorised("unknown_partner")
    try:
        entry = registry.get(KCC)
    except (UnknownPartner, AttributeError):
        return unauthorised("unknown_partner")
    guard = inbound.for_sender(KCC)
    try:
        message = await asyncio.to_thread(
            verify_message, body, request.headers, public_keys=list(entry.public_keys),
            now=unix_now(), replay=guard)
    except VerificationError as refused:
        log.warning("refused a works message from KCC: %s", refused.reason)
        return unauthorised(refused.reason)
    except MessageInFlight as busy:
        return retry_later("message_in_flight", "this message is being handled; retry shortly",
                           busy.retry_after)
    message_id = request.headers["webhook-id"]
    try:
        answer = await asyncio.wait_for(take_works(request, message, body), ANSWER_SECONDS)
    except Refused as refused:
        await asyncio.to_thread(guard.settle, message_id)
        return JSONResponse(error_body(refused.field, refused.rule, refused.message),
                            status_code=422)
    except CommandRefused as refused:
        if refused.rule == "safer_works_recorded_once":  # KCC's retry of what we hold
            await asyncio.to_thread(guard.settle, message_id)
            return {"status": "recorded"}
        if refused.rule == "delivery_recorded_first":  # our timing: KCC retries
            await asyncio.to_thread(guard.release, message_id)
            return retry_later(refused.rule, refused.message, 2)
        await asyncio.to_thread(guard.settle, message_id)
        return JSONResponse(error_body(refused.field or None, refused.rule, refused.message),
                            status_code=422)
    except asyncio.CancelledError:
        await asyncio.shield(asyncio.to_thread(guard.release, message_id))
        raise
    except Exception as failed:  # not KCC's fault: its retry must be taken
        log.warning("works message from KCC not taken: %s", type(failed).__name__)
        await asyncio.to_thread(guard.release, message_id)
        return retry_later("service_available", "the service is unavailable; retry shortly",
                           RETRY_AFTER_SECONDS)
    await asyncio.to_thread(guard.settle, message_id)
    return answer


async def take_works(request: Request, message: dict[str, Any], body: bytes) -> dict[str, str]:
    """Hand a verified works message to its case's workflow as the system's command."""
    if message.get("type") != "works_completed":
        raise Refused("type", "message_type_known", "only works_completed is accepted here")
    case_id, _, referral_id = str(message.get("message_id", "")).partition(":")
    try:
        case = await asyncio.to_thread(intake_of(request).store.get_case, UUID(case_id))
    except (ValueError, CaseNotFound):
        raise Refused("message_id", "works_of_our_referral", "no such referral") from None
    referral = case.referrals.get(referral_id)
    if referral is None or referral.partner != KCC:
        raise Refused("message_id", "works_of_our_referral", "no such referral for KCC")
    measures = message.get("measures")
    command = RecordSaferWorks(
        referral_id=referral_id,
        measures=[str(m) for m in measures] if isinstance(measures, list) else [],
        completed_on=str(message.get("completed_on", "")),
        message_id=request.headers["webhook-id"], signed_body=body.decode(),
        signature=request.headers["webhook-signature"])
    await intake_of(request).orchestrator.apply_command(case_id, CaseCommandInput(
        command=command.command_name, args=command.args(), staff_id="system", role="system",
        request_id=f"kcc-{request.headers['webhook-id']}"))
    return {"status": "recorded"}

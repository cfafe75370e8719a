"""Partners: what they send us (signed acknowledgements), and the sharing decisions on a case.

Inbound messages are verified before anything reaches a case: the signature against the
partner's registered keys, the timestamp within five minutes, and the message id never seen
before from that partner (ids are unique per sender, so the replay guard is keyed on
(partner, id)). Anything else is a 401 and nothing is recorded.

A verified acknowledgement is never lost to our own timing. A partner may acknowledge a
referral before the case has recorded its delivery (its acknowledgement overtakes its own
answer to our POST): the case's workflow keeps the acknowledgement, waiting a few seconds for
the delivery to be recorded, then checks and records it. What still cannot be taken for a
reason of ours — the delivery not recorded yet, the workflow busy, Temporal or the store
down, no answer within `ACK_ANSWER_SECONDS` — is answered 503 with `Retry-After` (Standard
Webhooks: the sender retries with the same id), and the (partner, id) is released from the
replay guard so that the retry is accepted. A final refusal (not the digest we delivered, no
such referral for this partner, not an acknowledgement) is 422 and the id stays spent. A retry
of an acknowledgement already recorded is recorded again as a no-op (202). Every request is
answered within `ACK_ANSWER_SECONDS`, so a sender that waits longer than that (the stand-in
waits 30 s) never retries an id that is still being processed, which would be a "replay".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, JsonValue

from activities.inbound_log import MessageInFlight, unix_now
from aggregates.access import Permission
from aggregates.commands.registry import Command
from aggregates.commands.sharing import RecordConsent, RecordSharingDecision
from aggregates.data_categories import redact_view
from aggregates.errors import CaseNotFound
from aggregates.landlords import LANDLORD_IDS
from aggregates.referrals import Partner
from aggregates.sharing import DataCategory, LawfulBasis, Purpose
from gateways.registry import UnknownPartner
from gateways.signing import VerificationError, verify_message
from temporal_contracts.payloads import AcknowledgementInput
from web.auth import Principal, require, visible_case
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.errors import error_body
from web.input_types import Bool, Line, Text
from web.routes_cases import intake_of
from web.schemas import TasksOut
from workflows.client import CommandRefused
from workflows.refusals import RETRY_LATER

log = logging.getLogger(__name__)
# The longest we keep a partner's request open: the workflow waits at most ACK_PATIENCE for
# the delivery, then as long again for the store; a sender's timeout is usually 15 s or more.
ACK_ANSWER_SECONDS = 12.0
DELIVERY_RETRY_AFTER_SECONDS = 2     # our record of the delivery is a moment away
UNAVAILABLE_RETRY_AFTER_SECONDS = 10  # Temporal or the store down: give it a while
router = APIRouter()
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
    guard = inbound.for_sender(partner)  # ids are unique per sender, not across senders
    try:
        message = await asyncio.to_thread(
            verify_message, body, request.headers, public_keys=list(entry.public_keys),
            now=unix_now(), replay=guard)
    except VerificationError as refused:
        log.warning("refused a message from %s: %s", partner, refused.reason)
        return unauthorised(refused.reason)
    except MessageInFlight as busy:  # its first presentation is still being handled
        return retry_later("message_in_flight", "this message is being handled; retry shortly",
                           busy.retry_after)
    message_id = request.headers["webhook-id"]
    try:
        taken = await asyncio.wait_for(take_acknowledgement(request, partner, message, body),
                                       ACK_ANSWER_SECONDS)
        await asyncio.to_thread(guard.settle, message_id)
        return taken
    except FinalRefusal as refused:  # the id stays spent
        await asyncio.to_thread(guard.settle, message_id)
        return JSONResponse(error_body(refused.field, refused.rule, refused.message),
                            status_code=422)
    except CommandRefused as refused:
        if refused.kind == RETRY_LATER:
            await asyncio.to_thread(guard.release, message_id)
            return retry_later(refused.rule, refused.message, DELIVERY_RETRY_AFTER_SECONDS)
        # The case refused it (not the digest we delivered): final, the id stays spent.
        await asyncio.to_thread(guard.settle, message_id)
        raise
    except asyncio.CancelledError:  # the partner hung up: its retry must not be a "replay"
        await asyncio.shield(asyncio.to_thread(guard.release, request.headers["webhook-id"]))
        raise
    except Exception as failed:  # whatever it was, it was not the partner's fault
        log.warning("acknowledgement from %s not taken: %s", partner, type(failed).__name__)
        await asyncio.to_thread(guard.release, request.headers["webhook-id"])
        return retry_later("service_available", "the service is unavailable; retry shortly",
                           UNAVAILABLE_RETRY_AFTER_SECONDS)


class FinalRefusal(Exception):
    """A verified message we will never take (the sender must not retry it)."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(rule)
        self.field, self.rule, self.message = field, rule, message


async def take_acknowledgement(request: Request, partner: str, message: dict[str, Any],
                               body: bytes) -> dict[str, str]:
    """Hand a verified acknowledgement to its case's workflow; raises `FinalRefusal` or
    `CommandRefused` for what the partner must not retry, anything else for what it may."""
    if message.get("type") != "acknowledgement":
        raise FinalRefusal("type", "message_type_known", "only acknowledgements are accepted here")
    case_id, _, referral_id = str(message.get("message_id", "")).partition(":")
    store = intake_of(request).store
    try:
        case = await asyncio.to_thread(store.get_case, UUID(case_id))
    except (ValueError, CaseNotFound):
        raise FinalRefusal("message_id", "acknowledges_our_message", "no such referral") from None
    referral = case.referrals.get(referral_id)
    if referral is None or referral.partner != partner:
        raise FinalRefusal("message_id", "acknowledges_our_message",
                           "no such referral for this partner")
    await intake_of(request).orchestrator.record_acknowledgement(
        case_id, AcknowledgementInput(
            referral_id=referral_id, ack_message_id=request.headers["webhook-id"],
            digest=str(message.get("digest", "")), signed_body=body.decode(),
            signature=request.headers["webhook-signature"]))
    return {"status": "recorded"}


def retry_later(rule: str, message: str, seconds: int) -> JSONResponse:
    """503 with `Retry-After`: every Standard Webhooks sender retries it, with the same id."""
    return JSONResponse(error_body("message_id", rule, message), status_code=503,
                        headers={"Retry-After": str(seconds)})


RECIPIENTS: list[JsonValue] = [*(p.value for p in Partner), *sorted(LANDLORD_IDS)]


class SharingDecisionIn(BaseModel):
    # Any line reaches the domain, whose refusal names the rule and section (the perpetrator,
    # anyone acting for them, free text); the contract lists the registered partners' ids.
    partner: Line = Field(min_length=1, max_length=64,
                          description="A registered partner's id, never free text.",
                          json_schema_extra={"enum": RECIPIENTS})
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


async def _consent(body: ConsentIn, _: Request, __: Principal) -> Command:
    return RecordConsent(**body.model_dump(mode="json", exclude={"kind"}))


SHARING_DECISION = CommandRoute(RecordSharingDecision, SharingDecisionIn)
CONSENT = CommandRoute(RecordConsent, ConsentIn, _consent)


@router.get("/cases/{case_id}/sharing-decisions")
async def sharing_decisions(case_id: UUID, request: Request,
                            principal: Reader) -> list[dict[str, Any]]:
    """Every decision to share or not to share, with its lawful basis and justification."""
    case = await visible_case(intake_of(request).store, case_id, principal,
                              "read_sharing_decisions")
    return [redact_view("sharing_decision", d.to_dict(), principal.staff.role)
            for d in case.sharing_decisions]


@router.post("/cases/{case_id}/sharing-decisions", response_model=TasksOut)
async def record_sharing_decision(
    case_id: UUID, body: SharingDecisionIn, request: Request,
    principal: Annotated[Principal, Depends(SHARING_DECISION.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record a decision to share, or not to share (never with the perpetrator)."""
    return await api_command(SHARING_DECISION, request, principal, case_id, body,
                             idempotency_key)


@router.post("/cases/{case_id}/consent", response_model=TasksOut)
async def record_consent(
    case_id: UUID, body: ConsentIn, request: Request,
    principal: Annotated[Principal, Depends(CONSENT.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """The victim gives or withdraws consent to sharing for a purpose."""
    return await api_command(CONSENT, request, principal, case_id, body, idempotency_key)

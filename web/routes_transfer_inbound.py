"""Another Kent landlord's signed request to house their tenant here (D 8.22; DBC 4.2.1): `POST
/partners/{partner}/transfers` ({partner}: the landlord's id). Verified as every partner message
is (web/routes_partners.py): the signature against the landlord's registered keys, the
timestamp; else 401 and nothing is recorded. A verified request opens a case of our own and is
recorded on it (application/inbound_transfers.py); a retry of one we hold, under a new message
id or the same one (Standard Webhooks retries keep it), is 202 and records nothing more; a
malformed one is 422, and another request under a request id already used is 422 naming
`request_id`; what fails for a reason of ours is 503 with `Retry-After` and the id released,
so the landlord's retry is taken.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from activities.case_store import DuplicateRequest
from activities.inbound_log import MessageInFlight, unix_now
from aggregates.errors import RuleViolation
from aggregates.landlords import KentLandlord
from application.inbound_transfers import open_inbound_transfer
from gateways.registry import UnknownPartner
from gateways.signing import VerificationError, verify_message
from web.errors import error_body
from web.routes_cases import intake_of
from web.routes_partners import partner_signed, retry_later, unauthorised
from workflows.client import CommandRefused

log = logging.getLogger(__name__)
router = APIRouter()
ANSWER_SECONDS = 12.0  # as for acknowledgements: answered before a sender gives up
RETRY_AFTER_SECONDS = 10


@router.post("/partners/{partner}/transfers", status_code=202,
             dependencies=[Depends(partner_signed)])
async def transfer_request(partner: str, request: Request) -> Any:
    """A Kent landlord's signed request to house their tenant at risk here (Standard Webhooks
    v1a headers); it opens a case of our own with a task to answer it."""
    registry, inbound = request.app.state.partners, request.app.state.inbound
    body = await request.body()
    landlord = partner  # the edge (web/limits.py) knows a sender by its `partner` path part
    try:
        sender = KentLandlord(landlord)
        entry = registry.get(landlord)
    except (ValueError, UnknownPartner, AttributeError):
        return unauthorised("unknown_partner")
    guard = inbound.for_sender(landlord)
    claimed = True  # this request holds the message id in the replay guard
    try:
        message = await asyncio.to_thread(
            verify_message, body, request.headers, public_keys=list(entry.public_keys),
            now=unix_now(), replay=guard)
    except VerificationError as refused:
        if refused.reason != "replayed":
            log.warning("refused a transfer request from %s: %s", landlord, refused.reason)
            return unauthorised(refused.reason)
        # The same signed message again (Standard Webhooks retries keep the id): taking a
        # request is idempotent (the case id comes from the landlord and its request id), so
        # the retry is answered as the first was, and records nothing more.
        try:
            message = await asyncio.to_thread(
                verify_message, body, request.headers, public_keys=list(entry.public_keys),
                now=unix_now(), replay=None)
        except VerificationError as again:
            return unauthorised(again.reason)
        claimed = False
    except MessageInFlight as busy:
        return retry_later("message_in_flight", "this message is being handled; retry shortly",
                           busy.retry_after)
    message_id = request.headers["webhook-id"]

    async def settle() -> None:
        if claimed:
            await asyncio.to_thread(guard.settle, message_id)
    try:
        await asyncio.wait_for(open_inbound_transfer(
            intake_of(request), landlord=sender, message=message, message_id=message_id,
            signed_body=body.decode(), signature=request.headers["webhook-signature"],
            now=datetime.now(UTC)), ANSWER_SECONDS)
    except DuplicateRequest:  # final: the id stays spent
        await settle()
        return JSONResponse(error_body(
            "request_id", "transfer_request_id_used_once", "this request id was already used "
            "for a different request: send a new request under a new request id"),
            status_code=422)
    except RuleViolation as refused:  # final: the id stays spent
        await settle()
        return JSONResponse(error_body(refused.field, refused.rule, refused.message),
                            status_code=422)
    except CommandRefused as refused:
        await settle()
        return JSONResponse(error_body(refused.field or None, refused.rule, refused.message),
                            status_code=422)
    except asyncio.CancelledError:
        if claimed:
            await asyncio.shield(asyncio.to_thread(guard.release, message_id))
        raise
    except Exception as failed:  # not the landlord's fault: its retry must be taken
        log.warning("transfer request from %s not taken: %s", landlord, type(failed).__name__)
        if claimed:
            await asyncio.to_thread(guard.release, message_id)
        return retry_later("service_available", "the service is unavailable; retry shortly",
                           RETRY_AFTER_SECONDS)
    await settle()
    return {"status": "recorded"}

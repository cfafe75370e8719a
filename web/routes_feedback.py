"""Victim and survivor feedback over HTTP (D 8.62): case staff record the feedback a victim
chose to give (nothing asks for it); DSOs, line managers and auditors read the council's, as
their role may read it (auditors: the ratings, never the victim's words)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from fastapi import APIRouter, Depends, Request, Response
from pydantic import AwareDatetime, BaseModel, Field, StrictBool

from aggregates.access import Permission
from aggregates.data_categories import readable_by
from aggregates.data_categories_complaints import FEEDBACK
from aggregates.feedback import Feedback, FeedbackChannel, Satisfaction
from aggregates.redaction import redact
from web.auth import Principal, require
from web.command_routes import IdempotencyKey
from web.input_types import Text
from web.routes_complaints import case_council, register_of

router = APIRouter()
Recorder = Annotated[Principal, Depends(require(Permission.RECORD_FEEDBACK))]
Reader = Annotated[Principal, Depends(require(Permission.READ_FEEDBACK))]


class FeedbackIn(BaseModel):
    """What the victim chose to give: a rating, their words, or both. `given_at`: when
    (not after now, nor over 30 days before); `case_id`: the case, if they named it;
    `may_quote`: they agreed to their words being used in a policy review."""

    channel: FeedbackChannel
    satisfaction: Satisfaction
    given_at: AwareDatetime
    case_id: UUID | None = None
    comments: Text = Field(default="", max_length=10_000)
    may_quote: StrictBool = False


@router.post("/feedback", status_code=201)
async def record_feedback(body: FeedbackIn, request: Request, response: Response,
                          principal: Recorder,
                          idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Record feedback a victim chose to give. The same `Idempotency-Key` again is refused
    409 (`idempotency_key_used_once`)."""
    council = principal.staff.council
    feedback_id = (uuid5(NAMESPACE_URL, f"feedback:{council.value}:"
                         f"{principal.staff.staff_id}:{idempotency_key}")
                   if idempotency_key else uuid4())
    register = register_of(request)

    def record() -> Feedback:
        return register.give_feedback(
            feedback_id=feedback_id, council=council, channel=body.channel.value,
            satisfaction=body.satisfaction.value, given_at=body.given_at,
            case_id=body.case_id, comments=body.comments, may_quote=body.may_quote,
            actor=principal.actor, case_council=case_council(request, body.case_id))

    feedback = await asyncio.to_thread(record)
    return {"feedback_id": str(feedback.id)}


@router.get("/feedback")
async def list_feedback(request: Request, principal: Reader) -> list[dict[str, Any]]:
    """The council's feedback, newest first, as the role may read it."""
    found = await asyncio.to_thread(register_of(request).feedback, principal.staff.council)
    readable = readable_by(principal.staff.role)
    return [dict(redact(f.view(), FEEDBACK, readable)) for f in found]

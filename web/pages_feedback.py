"""Victim and survivor feedback from pages (D 8.62): case staff record what a victim chose to
give (a rating, their words, or both); DSOs, line managers and auditors read the council's
(auditors: the ratings, never the words). The form builds the API's body
(web/routes_feedback.py) and the register applies the domain's rules."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from aggregates.access import Permission
from aggregates.data_categories import readable_by
from aggregates.data_categories_complaints import FEEDBACK
from aggregates.feedback import FeedbackChannel, Satisfaction
from aggregates.redaction import redact
from web.auth import Principal
from web.form_messages import Label
from web.page_forms import attempt, field_errors, form_values, page_access, render, text
from web.pages_complaints import day_words, received_at
from web.routes_complaints import case_council, register_of
from web.routes_feedback import FeedbackIn

router = APIRouter(prefix="/work")
Recorder = Annotated[Principal, Depends(page_access(Permission.RECORD_FEEDBACK))]
Reader = Annotated[Principal, Depends(page_access(Permission.READ_FEEDBACK))]

CHANNELS = [(FeedbackChannel.SURVEY, "Survey"), (FeedbackChannel.TELEPHONE, "Telephone"),
            (FeedbackChannel.IN_PERSON, "In person"), (FeedbackChannel.LETTER, "Letter"),
            (FeedbackChannel.EMAIL, "Email"), (FeedbackChannel.ONLINE_FORM, "Online form")]
RATINGS = [(Satisfaction.VERY_SATISFIED, "Very satisfied"),
           (Satisfaction.SATISFIED, "Satisfied"),
           (Satisfaction.NEITHER, "Neither satisfied nor dissatisfied"),
           (Satisfaction.DISSATISFIED, "Dissatisfied"),
           (Satisfaction.VERY_DISSATISFIED, "Very dissatisfied"),
           (Satisfaction.NOT_SAID, "They did not say")]
OPTIONS = {"channels": CHANNELS, "ratings": RATINGS}
WORDS = {str(k): v for k, v in (*CHANNELS, *RATINGS)}
LABELS = {"channel": Label("how the feedback was given", choice=True),
          "satisfaction": Label("how satisfied they said they were", choice=True),
          "given_at": Label("the date it was given"), "case_id": Label("the case reference"),
          "comments": Label("what they said"), "may_quote": Label("whether they agreed")}


def feedback_from_form(form: FormData) -> dict[str, Any]:
    """The API's feedback body from the form (shape only; rules are the domain's)."""
    return {"channel": form.get("channel"), "satisfaction": form.get("satisfaction"),
            "given_at": received_at(form, datetime.now(UTC), "given_at"),
            "case_id": text(form, "case_id") or None, "comments": text(form, "comments"),
            "may_quote": form.get("may_quote") == "yes"}


def _show_new(request: Request, principal: Principal, values: dict[str, Any],
              errors: list[dict[str, str]], status: int = 200, recorded: bool = False
              ) -> Response:
    return render(request, principal, "pages/feedback_new.html", status_code=status,
                  values=values, errors=errors, field_errors=field_errors(errors),
                  options=OPTIONS, recorded=recorded)


@router.get("/feedback/new")
async def new_feedback(request: Request, principal: Recorder, recorded: bool = False
                       ) -> Response:
    """The form to record feedback a victim chose to give."""
    return _show_new(request, principal, {}, [], recorded=recorded)


@router.post("/feedback/new")
async def feedback_recorded(request: Request, principal: Recorder) -> Response:
    """Record the feedback; the form again with what was typed if a rule refuses it."""
    form = await request.form()
    values = form_values(form, multi=("may_quote",))
    register = register_of(request)

    async def send() -> None:
        body = FeedbackIn.model_validate(feedback_from_form(form))
        await asyncio.to_thread(
            register.give_feedback, feedback_id=uuid.uuid4(),
            council=principal.staff.council, channel=body.channel.value,
            satisfaction=body.satisfaction.value, given_at=body.given_at,
            case_id=body.case_id, comments=body.comments, may_quote=body.may_quote,
            actor=principal.actor,
            case_council=await asyncio.to_thread(case_council, request, body.case_id))

    refused = await attempt(send, values, labels=LABELS)
    if refused is not None:
        return _show_new(request, principal, values, refused[0], refused[1])
    return RedirectResponse("/work/feedback/new?recorded=1", status_code=303)


@router.get("/feedback")
async def feedback_list(request: Request, principal: Reader) -> Response:
    """The council's feedback, newest first, as the role may read it."""
    found = await asyncio.to_thread(register_of(request).feedback, principal.staff.council)
    readable = readable_by(principal.staff.role)
    rows = [{**redact(f.view(), FEEDBACK, readable), "given_words": day_words(f.given_at)}
            for f in found]
    return render(request, principal, "pages/feedback.html", feedback=rows, words=WORDS)

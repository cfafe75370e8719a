"""The pattern of repairs from pages (DBC 7.2, D 8.6): the housing team's list of "possible
domestic abuse: review" tasks, each with its address and run of jobs, and the two things a
person decides: open a case (the report form, prefilled with the address on the server, so
the address never travels in a URL) or no further action with a reason."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from aggregates.access import Permission
from aggregates.errors import RuleViolation
from aggregates.repair_pattern import REVIEW_TITLE
from web.auth import Principal
from web.page_forms import field_errors, page_access, render, text
from web.pages_report import INTAKE_OPTIONS
from web.routes_repair_reviews import (
    NoFurtherActionIn,
    close_review,
    properties_of,
    visible_reviews,
)

router = APIRouter(prefix="/work")
Reviewer = Annotated[Principal, Depends(page_access(Permission.REVIEW_REPAIR_PATTERN))]
JOB_WORDS = {
    "external_door_lock_change": "External door lock change",
    "bathroom_lock_change": "Bathroom lock change", "broken_window": "Broken window",
    "lost_keys": "Lost keys", "damaged_internal_door": "Damaged internal door",
    "other": "Other",
}


def _words(review: dict[str, Any]) -> dict[str, Any]:
    return {**review, "jobs": [{**j, "words": JOB_WORDS.get(j["job_type"], j["job_type"])}
                               for j in review["jobs"]]}


async def _review(request: Request, principal: Principal, property_id: uuid.UUID,
                  review_id: str, open_only: bool = True) -> dict[str, Any]:
    reviews = await asyncio.to_thread(visible_reviews, properties_of(request), principal,
                                      open_only)
    for review in reviews:
        if review["property_id"] == str(property_id) and review["review_id"] == review_id:
            return _words(review)
    raise HTTPException(404, "review not found")


@router.get("/repair-reviews")
async def review_list(request: Request, principal: Reviewer) -> Response:
    """The open reviews of the pattern of repairs for my team."""
    reviews = await asyncio.to_thread(visible_reviews, properties_of(request), principal)
    return render(request, principal, "pages/repair_reviews.html", title=REVIEW_TITLE,
                  reviews=[_words(r) for r in reviews])


@router.get("/repair-reviews/{property_id}/{review_id}")
async def review_page(property_id: uuid.UUID, review_id: str, request: Request,
                      principal: Reviewer) -> Response:
    """One review: its run of jobs and the no-further-action form."""
    review = await _review(request, principal, property_id, review_id)
    return render(request, principal, "pages/repair_review.html", review=review,
                  values={}, errors=[], field_errors={})


@router.post("/repair-reviews/{property_id}/{review_id}")
async def review_decided(property_id: uuid.UUID, review_id: str, request: Request,
                         principal: Reviewer) -> Response:
    """No further action, with the reason; back to the list when recorded. A review already
    closed (the form sent twice, or by a colleague first) answers 409 with a page saying so."""
    try:
        review = await _review(request, principal, property_id, review_id)
    except HTTPException:
        closed = await _review(request, principal, property_id, review_id, open_only=False)
        errors = [{"field": "reason", "message": "This review has already been closed: "
                   "nothing more was recorded"}]
        return render(request, principal, "pages/repair_review.html", status_code=409,
                      review=closed, values={}, errors=errors, field_errors={})
    form = await request.form()
    values = {"reason": text(form, "reason")}
    try:
        body = NoFurtherActionIn.model_validate(values)
        await asyncio.to_thread(close_review, properties_of(request), principal, property_id,
                                review_id, body.reason)
    except (ValidationError, RuleViolation) as refused:
        message = (refused.message if isinstance(refused, RuleViolation)
                   else "Enter the reason for no further action")
        errors = [{"field": "reason", "message": message[:1].upper() + message[1:]}]
        return render(request, principal, "pages/repair_review.html", status_code=422,
                      review=review, values=values, errors=errors,
                      field_errors=field_errors(errors))
    return RedirectResponse("/work/repair-reviews", status_code=303)


@router.get("/repair-reviews/{property_id}/{review_id}/report")
async def report_from_review(property_id: uuid.UUID, review_id: str, request: Request,
                             principal: Reviewer) -> Response:
    """The report form, with the review's council and address filled in."""
    review = await _review(request, principal, property_id, review_id)
    return render(request, principal, "pages/new_case.html", values={
        "council": review["council"], "victim_address": review["address"],
        "request_id": str(uuid.uuid4())}, errors=[], field_errors={}, options=INTAKE_OPTIONS)

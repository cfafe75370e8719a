"""The pattern of repairs over HTTP (DBC 7.2, D 8.6). The council's repairs system feeds jobs
(`POST /repairs/jobs`, CSV or JSON) with a bearer token of a `repairs_system` member, the one
role holding `feed_repair_jobs`; the housing team reads the reviews the pattern opened and
records "no further action" with a reason (opening a case is the report form, prefilled on
the review's page, web/pages_repair_reviews.py)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from activities.property_store import PropertyRepairsStore
from aggregates.access import Permission, sees_repair_review
from aggregates.data_categories import readable_by
from aggregates.data_categories_home import REPAIR_REVIEW
from aggregates.redaction import redact
from aggregates.repair_feed import ParsedFeed, RowError, parse_csv, parse_rows
from aggregates.working_days import local_date
from web.auth import Principal, require
from web.input_types import Text
from web.routes_cases import intake_of

router = APIRouter()
Feeder = Annotated[Principal, Depends(require(Permission.FEED_REPAIR_JOBS))]
Reviewer = Annotated[Principal, Depends(require(Permission.REVIEW_REPAIR_PATTERN))]


def properties_of(request: Request) -> PropertyRepairsStore:
    """The property store beside the case store (same database, same key), made on first
    use so the app's wiring stays as it was."""
    store = getattr(request.app.state, "properties", None)
    if store is None:
        store = PropertyRepairsStore(dict(intake_of(request).store.env))
        request.app.state.properties = store
    return store  # type: ignore[no-any-return]


def _parsed(body: bytes, content_type: str, principal: Principal) -> ParsedFeed:
    today = local_date(datetime.now(UTC))
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # deep nesting fits under the body limit
            data = None
        rows = data.get("jobs") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            return ParsedFeed((), (RowError(0, "jobs", "body_is_a_list_of_jobs",
                                            'send a JSON list of jobs, or {"jobs": [...]}'),))
        numbered = [(n, r if isinstance(r, dict) else {}) for n, r in enumerate(rows, 1)]
        feed = parse_rows(numbered, today)
    else:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ParsedFeed((), (RowError(0, "body", "csv_is_utf8",
                                            "send the CSV as UTF-8"),))
        feed = parse_csv(text, today)
    # A repairs system speaks for its own council's homes only.
    own = principal.staff.council
    return ParsedFeed(
        tuple(j for j in feed.jobs if j.council is own),
        tuple(sorted(feed.errors + tuple(
            RowError(j.line, "council", "council_is_the_feeds",
                     "the repairs system feeds its own council's jobs only")
            for j in feed.jobs if j.council is not own), key=lambda e: e.line)))


@router.post("/repairs/jobs")
async def feed_jobs(request: Request, principal: Feeder) -> JSONResponse:
    """Take repair jobs (text/csv with a header row, or a JSON list): the jobs taken, those
    seen before (by job reference), reviews opened, and each bad row by line, field and rule
    (never its value). Good rows are kept whatever the bad ones; 422 only when none was
    good and some were bad."""
    feed = _parsed(await request.body(), request.headers.get("content-type", ""), principal)
    result = await asyncio.to_thread(properties_of(request).take_feed, feed)
    status = 422 if result.errors and not feed.jobs else 200
    return JSONResponse(result.to_dict(), status_code=status)


def visible_reviews(store: PropertyRepairsStore, principal: Principal,
                    open_only: bool = True) -> list[dict[str, Any]]:
    """The reviews of the member's council opened for a team they may read, as their role
    may read them."""
    facts, council = principal.facts, principal.staff.council
    return [redact(r, REPAIR_REVIEW, readable_by(principal.staff.role))
            for r in store.reviews(council, open_only=open_only)
            if sees_repair_review(facts, council, r["team"])]


@router.get("/repair-reviews")
async def repair_reviews(request: Request, principal: Reviewer) -> list[dict[str, Any]]:
    """Open "possible domestic abuse: review" tasks: the address and its run of jobs."""
    return await asyncio.to_thread(visible_reviews, properties_of(request), principal)


class NoFurtherActionIn(BaseModel):
    reason: Text


def close_review(store: PropertyRepairsStore, principal: Principal, property_id: UUID,
                 review_id: str, reason: str) -> None:
    """No further action, or 404 for a review the member may not see (same as none)."""
    try:
        prop = store.property(property_id, principal.staff.council)
        review = prop.reviews.get(review_id)
        if review is None or not sees_repair_review(principal.facts, prop.council,
                                                    review.team):
            raise LookupError(review_id)
    except LookupError:
        raise HTTPException(404, "review not found") from None
    store.close_review(property_id, review_id, reason, principal.actor, prop.council)


@router.post("/repair-reviews/{property_id}/{review_id}/no-further-action")
async def no_further_action(property_id: UUID, review_id: str, body: NoFurtherActionIn,
                            request: Request, principal: Reviewer) -> dict[str, str]:
    """Close a review with no further action and the reason (recorded on the property)."""
    await asyncio.to_thread(close_review, properties_of(request), principal, property_id,
                            review_id, body.reason)
    return {"status": "no_further_action"}

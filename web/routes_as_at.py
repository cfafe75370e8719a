"""The case as it stood at a moment of its record (`GET /cases/{id}/as-at`), rebuilt from its
events: what it held then, what changed at that moment, and who could see it then.

For auditors and for case staff with need to know (the `read_case` permission, the same as
the case's history): need to know is decided on today's access (who may read the case now),
and every view is logged on the case's access log like any read. Each role gets the part of
the case it may read (`aggregates/data_categories.py`, view `case_as_at`).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from aggregates.access import Permission
from aggregates.data_categories import redact_event, redact_view
from aggregates.errors import RuleViolation
from application.case_history import Change, Moment, case_as_at, changes
from web.auth import Principal, require, visible_case
from web.routes_cases import intake_of

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.READ_CASE))]
Version = Annotated[int | None, Query(ge=1, le=10**9, description="the case's version")]
At = Annotated[datetime | None, Query(description="ISO 8601 time with its time zone")]


@dataclass(frozen=True)
class SeenMoment:
    """A moment as the reader may read it: the moment, the redacted views and the changes."""

    moment: Moment
    view: dict[str, Any]
    event_data: dict[str, Any]
    changes: list[Change]


async def seen_moment(request: Request, principal: Principal, case_id: uuid.UUID,
                      version: int | None, at: datetime | None) -> SeenMoment:
    """The case at `version` or `at` as `principal` may read it; the read is logged.
    Errors: `CaseNotFound` (none, or no need to know), `RuleViolation` (a moment it never had,
    or both a version and a time)."""
    store = intake_of(request).store
    await visible_case(store, case_id, principal, "read_as_at")
    if version is not None and at is not None:
        raise RuleViolation("one_moment", "give a version or a time, not both", field="at")
    if at is not None and at.tzinfo is not None and at > datetime.now(UTC):
        # Nobody has seen the case then: showing today's case under that time would mislead.
        raise RuleViolation("moment_not_in_future", "the time must be now or in the past",
                            field="at")
    moment = await asyncio.to_thread(case_as_at, store.events, case_id, version=version, at=at)
    role = principal.staff.role
    view = redact_view("case_as_at", moment.view, role)
    before = (None if moment.before is None
              else redact_view("case_as_at", moment.before, role))
    return SeenMoment(moment=moment, view=view, changes=changes(before, view),
                      event_data=redact_event(moment.event.type, moment.event.data, role))


class ChangeOut(BaseModel):
    kind: str
    path: list[str]
    before: object = None
    after: object = None


class CaseAsAtOut(BaseModel):
    case_id: str
    version: int
    latest_version: int
    recorded_at: datetime
    event_type: str
    event: dict[str, object]
    case: dict[str, object]
    changes: list[ChangeOut]


@router.get("/cases/{case_id}/as-at", response_model=CaseAsAtOut)
async def case_as_it_stood(case_id: uuid.UUID, request: Request, principal: Reader,
                           version: Version = None, at: At = None) -> CaseAsAtOut:
    """The case as it stood at a version, or at a time (after the last event stored by then),
    and what its last event changed; its latest version if neither is given."""
    seen = await seen_moment(request, principal, case_id, version, at)
    moment = seen.moment
    return CaseAsAtOut(
        case_id=str(case_id), version=moment.version, latest_version=moment.latest,
        recorded_at=moment.event.recorded_at, event_type=moment.event.type,
        event=seen.event_data, case=seen.view,
        changes=[ChangeOut(kind=c.kind, path=list(c.path), before=c.before, after=c.after)
                 for c in seen.changes])

"""The page of a case as it stood at a moment (`/work/cases/{id}/as-at?version=N|at=T`):
what it held then, section by section, what changed at that moment in plain words, and links
to the moments before and after. The same rules and log as `GET /cases/{id}/as-at`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.event_wording import what_happened
from web.page_forms import Reader, render
from web.presenters import SECTIONS, change_line, field_rows, when, who
from web.routes_as_at import At, Version, seen_moment

router = APIRouter(prefix="/work")


@router.get("/cases/{case_id}/as-at")
async def as_at_page(case_id: uuid.UUID, request: Request, principal: Reader,
                     version: Version = None, at: At = None) -> Response:
    """The case as it stood at a version or a time, and what changed then."""
    seen = await seen_moment(request, principal, case_id, version, at)
    moment, data = seen.moment, seen.event_data
    sections = [(SECTIONS[name], field_rows(seen.view[name]) if seen.view[name] else [])
                for name in SECTIONS]
    return render(
        request, principal, "pages/as_at.html", case_id=str(case_id), version=moment.version,
        latest=moment.latest, recorded=when(moment.event.recorded_at),
        moment=when(at) if at is not None else when(moment.event.recorded_at),
        what=what_happened(moment.event.type, data), who=who(data),
        why=data.get("reason") or "Not recorded",
        changes=[change_line(c.kind, c.path, c.before, c.after) for c in seen.changes],
        sections=sections)


__all__ = ["router"]

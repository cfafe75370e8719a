"""The page of a case as it stood at a moment (`/work/cases/{id}/as-at?version=N|at=T`):
what it held then, section by section, what changed at that moment in plain words, and links
to the moments before and after. The same rules and log as `GET /cases/{id}/as-at`.

The version and the time are read here, not by FastAPI: a query parameter FastAPI cannot read
makes any page a 404 "Page not found" (web/errors.py), but on this page they come from a form
and a person typing, so a bad one is a 422 that says which field and what to enter."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aggregates.errors import RuleViolation
from web.event_wording import what_happened
from web.page_forms import Reader, render
from web.presenters import SECTIONS, change_line, moment_changes, section_rows, when_exact, who, why
from web.routes_as_at import seen_moment

router = APIRouter(prefix="/work")


@router.get("/cases/{case_id}/as-at")
async def as_at_page(case_id: uuid.UUID, request: Request, principal: Reader,
                     version: str | None = None, at: str | None = None) -> Response:
    """The case as it stood at a version or a time, and what changed then."""
    seen = await seen_moment(request, principal, case_id, version_asked(version),
                             time_asked(at))
    moment, data = seen.moment, seen.event_data
    sections = [(SECTIONS[name], section_rows(name, seen.view[name]) if seen.view[name] else [])
                for name in SECTIONS]
    return render(
        request, principal, "pages/as_at.html", case_id=str(case_id), version=moment.version,
        latest=moment.latest, recorded=when_exact(moment.event.recorded_at),
        moment=when_exact(time_asked(at) or moment.event.recorded_at),
        what=what_happened(moment.event.type, data), who=who(data),
        why=why(data),
        changes=moment_changes(moment.event.type, data, [
            change_line(c.kind, c.path, c.before, c.after) for c in seen.changes]),
        sections=sections)


WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# "+00:00" typed into an address arrives as " 00:00" (a "+" in a query is a space).
SPACED_OFFSET = re.compile(r"(.*[0-9]) ([0-9]{2}:?[0-9]{2})")


def version_asked(typed: str | None) -> int | None:
    """The version typed (any whole number: one the case never had is refused with the
    versions it has). `RuleViolation` `version_is_whole_number` for anything else."""
    if typed is None:
        return None
    typed = typed.strip()
    if not WHOLE_NUMBER.fullmatch(typed):
        raise RuleViolation("version_is_whole_number", "the version must be a whole number",
                            field="version")
    # More digits than any case has versions: no number to read, only one out of range.
    return int(typed) if len(typed) <= 12 else 10**12


def time_asked(typed: str | None) -> datetime | None:
    """The time typed, in ISO 8601 ("2026-11-23T17:00:00+00:00" or "...Z"). A time without
    a time zone is read, and refused by the replay naming its rule. `RuleViolation`
    `moment_is_iso_time` for anything that is not a time."""
    if typed is None:
        return None
    typed = SPACED_OFFSET.sub(r"\1+\2", typed.strip())
    try:
        return datetime.fromisoformat(typed)
    except ValueError:
        raise RuleViolation("moment_is_iso_time", "enter the time as a date and a time",
                            field="at") from None


__all__ = ["router"]

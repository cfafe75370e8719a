"""The lists staff start from: my tasks, the escalations a DSO watches, and the cases I need
to know (or one found by its reference)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web.page_forms import Lead, Reader, render
from web.presenters import deadline, when

router = APIRouter(prefix="/work")


@router.get("/tasks")
async def my_tasks(request: Request, principal: Reader) -> Response:
    """My tasks across cases, soonest deadline first; overdue ones marked."""
    now = datetime.now(UTC)
    board = request.app.state.board
    tasks = await asyncio.to_thread(board.visible_tasks, principal.facts, now)
    rows = [{"task": t, "deadline": deadline(t.due_at, now), "due": when(t.due_at)}
            for t in tasks]
    return render(request, principal, "pages/tasks.html", rows=rows,
                  overdue=sum(1 for r in rows if r["deadline"]["overdue"]))


@router.get("/escalations")
async def escalations(request: Request, principal: Lead) -> Response:
    """Escalated and overdue tasks across the cases a DSO needs to know."""
    now = datetime.now(UTC)
    tasks = await asyncio.to_thread(request.app.state.board.visible_tasks, principal.facts, now)
    rows = [{"task": t, "deadline": deadline(t.due_at, now), "due": when(t.due_at)}
            for t in tasks if t.escalated or (t.due_at is not None and t.due_at <= now)]
    return render(request, principal, "pages/escalations.html", rows=rows)


@router.get("/cases")
async def cases(request: Request, principal: Reader, reference: str = "") -> Response:
    """The cases I need to know; or go straight to one by its reference."""
    if reference.strip():
        try:
            return RedirectResponse(f"/work/cases/{uuid.UUID(reference.strip())}",
                                    status_code=303)
        except ValueError:
            errors = [{"field": "reference",
                       "message": "Enter a case reference like 3d13456c-…"}]
            return render(request, principal, "pages/cases.html", status_code=422, rows=[],
                          errors=errors, field_errors={"reference": errors[0]["message"]},
                          reference=reference)
    rows = await asyncio.to_thread(request.app.state.board.visible_cases, principal.facts,
                                   datetime.now(UTC))
    return render(request, principal, "pages/cases.html", rows=rows, errors=[],
                  field_errors={}, reference="")

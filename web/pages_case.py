"""The case page (everything about a case this role may see, with a link to every step), its
"Add a note" form (sent as `POST /cases/{id}/notes` is), and the auditor's pages: the history
step by step, and the access log."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from aggregates.access import ROLE_PERMISSIONS
from aggregates.case import Case
from aggregates.corrections import corrections_of
from aggregates.data_categories import redact_event, redact_view
from aggregates.report import Role
from aggregates.tasks import OUTCOMES, TaskKind
from web.auth import Principal, visible_case
from web.page_forms import Auditor, Errors, Reader, field_errors, page_access, render, submit, text
from web.pages_risk import MARAC_KINDS
from web.presenters import (
    REFERRAL_KINDS,
    deadline,
    event_name,
    field_rows,
    partner_name,
    timeline_line,
    when,
    when_exact,
    who,
    why,
)
from web.routes_cases import intake_of
from web.routes_corrections import CORRECTION
from web.routes_safeguarding import NOTE
from workflows.client import WorkflowNotRunning

router = APIRouter(prefix="/work")
Noter = Annotated[Principal, Depends(page_access(NOTE.permission))]


@router.get("/cases/{case_id}")
async def case_page(case_id: uuid.UUID, request: Request, principal: Reader) -> Response:
    """Everything about a case this role may see, and links to every step."""
    intake = intake_of(request)
    case = await visible_case(intake.store, case_id, principal, "read_case_page")
    events = await asyncio.to_thread(intake.store.events_of, case_id)
    now = datetime.now(UTC)
    try:
        view = await intake.orchestrator.open_tasks(str(case_id))
        tasks, triage_done = view.open_tasks, view.triage_done
    except WorkflowNotRunning:
        tasks, triage_done = [], False
    role = principal.staff.role
    report = redact_view("report", case.report.to_dict(), role)
    readable = [(e, redact_event(e.type, e.data, role)) for e in events]
    timeline = [{"when": when(e.recorded_at), "who": who(data),
                 "what": timeline_line(e.type, data)} for e, data in readable]
    referrals = [redact_view("referral", r.to_dict(), role) for r in case.referrals.values()]
    return render(
        request, principal, "pages/case.html", case_id=str(case_id), case=case, report=report,
        tasks=[{"task": t, "deadline": deadline(t.due_at, now), "due": when(t.due_at),
                "completable": bool(OUTCOMES.get(TaskKind(t.kind)))} for t in tasks],
        triage_done=triage_done, timeline=list(reversed(timeline)),
        referrals=referrals,
        decisions=[redact_view("sharing_decision", d.to_dict(), role)
                   for d in case.sharing_decisions],
        opened=request.query_params.get("opened") == "1", partner_name=partner_name,
        kind_name=lambda kind: REFERRAL_KINDS.get(kind, kind), can_work=principal.staff.role in (
            Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER),
        marac=[r for r in referrals if r["kind"] in MARAC_KINDS],
        when=when)


@router.get("/cases/{case_id}/history")
async def history(case_id: uuid.UUID, request: Request, principal: Reader,
                  step: int = 1) -> Response:
    """The case's history, one event at a time, with who, when and why."""
    store = intake_of(request).store
    await visible_case(store, case_id, principal, "read_history")
    events = await asyncio.to_thread(store.events_of, case_id)
    step = min(max(step, 1), len(events))
    event = events[step - 1]
    data = redact_event(event.type, event.data, principal.staff.role)
    return render(request, principal, "pages/history.html", case_id=str(case_id), step=step,
                  total=len(events), event=event, data=data, what=timeline_line(event.type, data),
                  corrected_by=corrections_of(events).get(event.version, []),
                  who=who(data), why=why(data), when=when_exact(event.at or event.recorded_at),
                  recorded=when_exact(event.recorded_at), event_name=event_name(event.type),
                  can_correct=CORRECTION.permission in ROLE_PERMISSIONS[principal.staff.role],
                  details=field_rows({k: v for k, v in data.items()
                                      if k not in ("actor", "reason", "at")}))


@router.get("/cases/{case_id}/access-log")
async def access_log_page(case_id: uuid.UUID, request: Request, principal: Auditor) -> Response:
    """Who has seen the case, when, what and why; and whether the log is intact."""
    store = intake_of(request).store
    await visible_case(store, case_id, principal, "read_access_log")
    entries, broken = await asyncio.to_thread(store.access_log, case_id)
    return render(request, principal, "pages/access_log.html", case_id=str(case_id),
                  entries=[{**e, "when": when(e["at"])} for e in entries], broken=broken)


@router.get("/cases/{case_id}/notes")
async def note_form(case_id: uuid.UUID, request: Request, principal: Noter) -> Response:
    """The form that adds a note to the case."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_note_form")
    return _note_page(request, principal)(case, {"request_id": str(uuid.uuid4())}, [], 200)


def _note_page(request: Request, principal: Principal) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        return render(request, principal, "pages/note.html", status_code=status_code,
                      case_id=str(case.id), values=values, errors=errors,
                      field_errors=field_errors(errors))
    return show


@router.post("/cases/{case_id}/notes")
async def note_submit(case_id: uuid.UUID, request: Request, principal: Noter) -> Response:
    """Add the note (back to the case, whose timeline shows it)."""
    form = await request.form()
    return await submit(request, principal, case_id, NOTE, {"note": text(form, "note")}, form,
                        _note_page(request, principal))

"""The information-governance lead's tray of the transparency log's alerts (issue 15 scope
6): `/work/log-alerts` lists each alert (when, what the self-check found, against which
checkpoint) with an "Acknowledge" button while it is open, and who acknowledged it and when
after. An alert concerns the whole record, not a case, so it is not a case task: this page
is the lead's tray for them (README "Design notes")."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from activities.log_alerts import LogAlert
from aggregates.access import Permission
from aggregates.errors import ConflictError
from web.auth import Principal
from web.page_forms import page_access, render
from web.presenters import when
from web.routes_log_alerts import MAX_ID, acknowledge, log_alerts_of

router = APIRouter(prefix="/work")
AlertReader = Annotated[Principal, Depends(page_access(Permission.READ_LOG_ALERTS))]
Acknowledger = Annotated[Principal, Depends(page_access(Permission.ACKNOWLEDGE_LOG_ALERT))]


def _row(alert: LogAlert) -> dict[str, Any]:
    return {"id": alert.alert_id, "raised": when(_moment(alert.raised_at)),
            "checkpoint_size": alert.checkpoint_size, "problem_count": alert.problem_count,
            "findings": alert.summary.splitlines(), "open": not alert.acknowledged,
            "acknowledged_by": alert.acknowledged_by,
            "acknowledged": when(_moment(alert.acknowledged_at))
            if alert.acknowledged_at is not None else ""}


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


async def _page(request: Request, principal: Principal, status_code: int = 200,
                errors: list[dict[str, str]] | None = None) -> Response:
    alerts = await asyncio.to_thread(log_alerts_of(request).alerts)
    return render(request, principal, "pages/log_alerts.html", status_code=status_code,
                  alerts=[_row(a) for a in alerts], errors=errors or [])


@router.get("/log-alerts")
async def log_alerts_page(request: Request, principal: AlertReader) -> Response:
    """The transparency log's alerts, newest first, open ones with an Acknowledge button."""
    return await _page(request, principal)


@router.post("/log-alerts/{alert_id}/acknowledge")
async def acknowledge_from_page(request: Request, principal: Acknowledger,
                                alert_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    """Acknowledge one alert, then back to the list; already acknowledged: 409, the list
    again with a message saying who did."""
    try:
        await asyncio.to_thread(acknowledge, log_alerts_of(request), principal, alert_id)
    except ConflictError as refused:
        message = refused.message[:1].upper() + refused.message[1:]
        return await _page(request, principal, status_code=409, errors=[
            {"field": f"alert-{alert_id}", "message": message}])
    return RedirectResponse("/work/log-alerts", status_code=303)

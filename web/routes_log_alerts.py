"""The transparency log's self-check alerts for the information-governance lead (issue 15
scope 6): `GET /transparency/alerts` lists every alert (what was found, when, against which
checkpoint, open or acknowledged by whom and when), `POST /transparency/alerts/{id}/
acknowledge` records that the lead has taken one on.

Shapes: times are ISO 8601 in UTC; `summary` holds the verifier's findings (leaf indexes,
stream ids, versions, table names: no case content). Errors: 404 for an alert never raised,
409 `alert_acknowledged_once` when it was acknowledged already (who did is in the message).
The alerts are of the one log both councils' records share (README "Design notes"), so the
lead of either council sees and may acknowledge them.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from activities.log_alerts import AlertNotFound, LogAlert, LogAlerts
from aggregates.access import Permission
from application.transparency import TransparencyLog
from web.auth import Principal, require
from web.contract import ERRORS_REF
from web.routes_cases import intake_of

router = APIRouter()
AlertReader = Annotated[Principal, Depends(require(Permission.READ_LOG_ALERTS))]
Acknowledger = Annotated[Principal, Depends(require(Permission.ACKNOWLEDGE_LOG_ALERT))]
MAX_ID = 2**63 - 1
REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"description": words, "content": {"application/json": {"schema": ERRORS_REF}}}
    for status, words in ((404, "No alert with this id was raised."),
                          (409, "The alert was acknowledged already."))}


class AlertOut(BaseModel):
    """One alert of the log's self-check, and whether it has been acknowledged."""

    alert_id: int
    raised_at: datetime
    checkpoint_size: int
    problem_count: int
    summary: str
    status: Literal["open", "acknowledged"]
    acknowledged_by: str | None
    acknowledged_at: datetime | None


def alert_out(alert: LogAlert) -> AlertOut:
    return AlertOut(
        alert_id=alert.alert_id, raised_at=datetime.fromtimestamp(alert.raised_at, UTC),
        checkpoint_size=alert.checkpoint_size, problem_count=alert.problem_count,
        summary=alert.summary, status="acknowledged" if alert.acknowledged else "open",
        acknowledged_by=alert.acknowledged_by,
        acknowledged_at=None if alert.acknowledged_at is None
        else datetime.fromtimestamp(alert.acknowledged_at, UTC))


def log_alerts_of(request: Request) -> LogAlerts:
    """The alerts in the event store's database (tables checked once per process)."""
    state = request.app.state
    if getattr(state, "log_alerts", None) is None:
        state.log_alerts = TransparencyLog(
            intake_of(request).store.recorder).alerts()  # type: ignore[arg-type]
    alerts: LogAlerts = state.log_alerts
    return alerts


def acknowledge(alerts: LogAlerts, principal: Principal, alert_id: int) -> LogAlert:
    """Record the acknowledgement by `principal` now; 404 for an unknown alert."""
    try:
        return alerts.acknowledge(alert_id, staff_id=principal.staff.staff_id,
                                  at=int(time.time()))
    except AlertNotFound:
        raise HTTPException(404, "alert not found") from None


@router.get("/transparency/alerts", response_model=list[AlertOut])
async def list_alerts(request: Request, _: AlertReader) -> list[AlertOut]:
    """Every alert the log's self-check raised, newest first."""
    alerts = await asyncio.to_thread(log_alerts_of(request).alerts)
    return [alert_out(a) for a in alerts]


@router.post("/transparency/alerts/{alert_id}/acknowledge", response_model=AlertOut,
             responses=REFUSALS)
async def acknowledge_alert(request: Request, principal: Acknowledger,
                            alert_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> AlertOut:
    """Record that I have taken this alert on (once: 409 if already acknowledged)."""
    found = await asyncio.to_thread(acknowledge, log_alerts_of(request), principal, alert_id)
    return alert_out(found)

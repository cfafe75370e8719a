"""The work trays staff start from (issue 16): "assigned to me", "my team", "overdue", "due
this week" and "escalated", each with its count, filtered by council, team, task kind and risk
level, 25 rows a page; and the DSO's escalations, the same trays opened on "escalated".

The board answers each tray with one query (`activities/task_board.py`); this module reads
the query string and shapes rows for the page."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from activities.task_board import Tray, TrayFilters, TrayPage
from aggregates.policies import POLICIES
from aggregates.report import Council, Role
from aggregates.tasks import TaskKind
from web.auth import Principal
from web.page_forms import Lead, Reader, render, whole_number
from web.presenters import deadline, when

router = APIRouter(prefix="/work")

TRAY_NAMES = {Tray.MINE: "Assigned to me", Tray.TEAM: "My team", Tray.OVERDUE: "Overdue",
              Tray.DUE_THIS_WEEK: "Due this week", Tray.ESCALATED: "Escalated"}
RISK_NAMES = {"high": "High", "not_high": "Not high", "not_assessed": "Not assessed"}
# Words of a task kind's code as staff write them (the code says "marac", "da", ...).
KIND_WORDS = {"marac": "MARAC", "dash": "DASH", "dso": "DSO", "da": "domestic abuse"}


def kind_name(kind: TaskKind) -> str:
    """"record_marac_hearing" → "Record MARAC hearing"."""
    words = " ".join(KIND_WORDS.get(w, w) for w in kind.value.split("_"))
    return words[0].upper() + words[1:]


KIND_NAMES = {kind.value: kind_name(kind) for kind in TaskKind}


def filter_options() -> dict[str, list[tuple[str, str]]]:
    teams = sorted({team for policy in POLICIES.values() for team in policy.routed_teams})
    return {"council": [("", "Any")] + [(c.value, c.value.title()) for c in Council],
            "team": [("", "Any")] + [(t, t) for t in teams],
            "kind": [("", "Any"), *sorted(KIND_NAMES.items(), key=lambda kv: kv[1])],
            "risk": [("", "Any"), *RISK_NAMES.items()]}


def chosen(value: str, options: list[tuple[str, str]]) -> str | None:
    """A filter's value if it is one of the options (anything else is no filter)."""
    return value if value and value in {v for v, _ in options} else None


def tray_link(tray: Tray | str, filters: TrayFilters, page: int = 1,
              path: str = "/work/tasks") -> str:
    """A tray's address on the page at `path` (the escalations page keeps its own)."""
    query = [("tray", str(tray)), ("council", filters.council), ("team", filters.team),
             ("kind", filters.kind), ("risk", filters.risk)]
    if page > 1:
        query.append(("page", str(page)))
    return path + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query if v)


async def show_trays(request: Request, principal: Principal, default: Tray, *,
                     break_glass: bool = False) -> Response:
    params = request.query_params
    options = filter_options()
    tray = Tray(params["tray"]) if params.get("tray") in {t.value for t in Tray} else default
    filters = TrayFilters(**{name: chosen(params.get(name, ""), options[name])
                             for name in ("council", "team", "kind", "risk")})
    page_number = whole_number(params.get("page", "")) or 1
    now = datetime.now(UTC)
    path = request.url.path
    found: TrayPage = await asyncio.to_thread(request.app.state.board.tray, principal.facts,
                                              now, tray, filters, page_number)
    rows: list[dict[str, Any]] = [{
        "task": task, "deadline": deadline(task.due_at, now), "due": when(task.due_at),
        "risk": RISK_NAMES[task.risk_level or "not_assessed"]} for task in found.rows]
    trays = [{"name": TRAY_NAMES[t], "count": found.counts.get(t, 0),
              "href": tray_link(t, filters, path=path), "current": t is tray} for t in Tray]
    pages = {"previous": tray_link(tray, filters, found.page - 1, path)
             if found.page > 1 else None,
             "next": tray_link(tray, filters, found.page + 1, path)
             if found.page < found.pages else None}
    return render(request, principal, "pages/tasks.html", rows=rows, trays=trays,
                  tray=tray.value, tray_name=TRAY_NAMES[tray], found=found, pages=pages,
                  filters=filters, options=options, break_glass=break_glass, action=path,
                  heading="Escalations" if break_glass else "My tasks")


@router.get("/tasks")
async def my_tasks(request: Request, principal: Reader) -> Response:
    """My work trays: assigned to me, my team, overdue, due this week and escalated, each
    with its count; soonest deadline first, then highest risk; 25 a page."""
    lead = principal.staff.role in (Role.DSO, Role.LINE_MANAGER)
    return await show_trays(request, principal, Tray.ESCALATED if lead else Tray.MINE)


@router.get("/escalations")
async def escalations(request: Request, principal: Lead) -> Response:
    """The trays opened on escalated tasks across the cases a DSO needs to know."""
    return await show_trays(request, principal, Tray.ESCALATED, break_glass=True)

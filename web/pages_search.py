"""Finding cases (issue 16): by reference, the dates the report was received between, team,
officer, status, risk level and referral status, within need to know; auditors find closed
cases too. A full reference goes straight to the case."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from activities.case_search import CasePage, CaseQuery, search_cases
from aggregates.referrals import ReferralStatus
from aggregates.report import Role
from web.page_forms import Reader, date_from, render, whole_number
from web.pages_lists import RISK_NAMES, filter_options
from web.presenters import when

router = APIRouter(prefix="/work")

REFERENCE = re.compile(r"[0-9a-fA-F-]{4,36}")
STATUS_NAMES = {"open": "Open", "closed": "Closed (no open tasks)"}
REFERRAL_NAMES = {s.value: s.value.capitalize() for s in ReferralStatus}
DATE_FIELDS = {"received_from": "the first date", "received_to": "the last date"}


def search_options(auditor: bool) -> dict[str, list[tuple[str, str]]]:
    status = STATUS_NAMES if auditor else {"open": "Open"}
    return {"team": filter_options()["team"],
            "status": [("", "Any"), *status.items()],
            "risk": [("", "Any"), *RISK_NAMES.items()],
            "referral_status": [("", "Any"), *REFERRAL_NAMES.items()]}


def read_query(params: Any, options: dict[str, list[tuple[str, str]]],
               ) -> tuple[CaseQuery, dict[str, Any], list[dict[str, str]]]:
    """The search from the query string, what to show back, and errors in words."""
    values: dict[str, Any] = {k: str(v).strip() for k, v in params.items()}
    errors: list[dict[str, str]] = []
    reference = values.get("reference", "")
    if reference and not REFERENCE.fullmatch(reference):
        errors.append({"field": "reference",
                       "message": "Enter a case reference like 3d13456c, or its first 4 "
                                  "characters or more"})
    days: dict[str, date | None] = {}
    for name, label in DATE_FIELDS.items():
        typed = date_from(params, name)
        try:
            days[name] = date.fromisoformat(typed) if typed else None
        except ValueError:
            days[name] = None
            errors.append({"field": name, "message": f"Enter {label} as a real date"})
        values[name] = {p: values.get(f"{name}-{p}", "") for p in ("day", "month", "year")}
    if days["received_from"] and days["received_to"] and (
            days["received_from"] > days["received_to"]):
        errors.append({"field": "received_to",
                       "message": "The last date must be the same as or after the first date"})

    def option(name: str) -> str:
        value = values.get(name, "")
        return value if value in {v for v, _ in options[name]} else ""

    page = whole_number(values.get("page", "")) or 1
    query = CaseQuery(reference=reference if not errors else "",
                      received_from=days["received_from"], received_to=days["received_to"],
                      team=option("team"), officer=values.get("officer", "")[:200],
                      status=option("status"), risk=option("risk"),
                      referral_status=option("referral_status"), page=page)
    return query, values, errors


@router.get("/cases")
async def cases(request: Request, principal: Reader) -> Response:
    """Search the cases I need to know; a full reference goes straight to the case."""
    auditor = principal.staff.role is Role.AUDITOR
    options = search_options(auditor)
    query, values, errors = read_query(request.query_params, options)
    try:
        return RedirectResponse(f"/work/cases/{uuid.UUID(query.reference)}", status_code=303)
    except ValueError:
        pass
    found = CasePage([], 0, 1, 1)
    if not errors:
        found = await asyncio.to_thread(search_cases, request.app.state.board,
                                        principal.facts, datetime.now(UTC), query)
    rows = [{"case": row, "received": when(row.received_at),
             "risk": RISK_NAMES[row.risk_level or "not_assessed"]} for row in found.rows]
    return render(request, principal, "pages/cases.html", status_code=422 if errors else 200,
                  rows=rows, found=found, values=values, errors=errors,
                  field_errors={e["field"]: e["message"] for e in errors}, options=options,
                  auditor=auditor, pages=_pages(request, found),
                  refined=any(query.__dict__[k] for k in (
                      "received_from", "received_to", "team", "officer", "status", "risk",
                      "referral_status")) or any(e["field"] != "reference" for e in errors))


def _pages(request: Request, found: CasePage) -> dict[str, str | None]:
    """Links to the pages before and after, keeping the search as typed."""
    def link(page: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "page" and v]
        return "/work/cases?" + urlencode([*params, ("page", str(page))])
    return {"previous": link(found.page - 1) if found.page > 1 else None,
            "next": link(found.page + 1) if found.page < found.pages else None}



"""The access matrix's rows and requests for the Kent reciprocal transfer routes (the case's
transfer, the caseworker's steps, the "Safe move" page, another landlord's signed request),
kept here so tests/e2e/test_access_matrix.py stays one table a reader can hold; written out
by hand like the rest of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

Row = dict[str | None, int]
TRANSFER_ID = "0" * 31 + "1"

TRANSFER_BODIES: dict[str, dict[str, Any]] = {
    "request": {"transfer_id": TRANSFER_ID, "receiving_landlord": "landlord_moat_homes",
                "destination_area": "Matrix district", "reason": "Matrix check"},
    "victim-decision": {"transfer_id": TRANSFER_ID, "accepted": True, "reason": "Wants it"},
    "move-date": {"transfer_id": TRANSFER_ID, "move_date": "2030-01-02"},
    "old-tenancy-ended": {"transfer_id": TRANSFER_ID, "ended_on": "2026-06-08"},
    "new-tenancy": {"transfer_id": TRANSFER_ID, "granted_on": "2026-06-08",
                    "security_of_tenure": "assured"},
    "inbound-answer": {"offered": False, "reason": "No home free"},
}


def transfer_rows(row: Callable[..., Row], read: Row) -> dict[tuple[str, str], Row]:
    """(method, path) -> who gets which status. The main case has no sharing decision with a
    landlord and no transfer: permitted roles reach the rule, which refuses (422; the
    request names `transfer_needs_sharing_decision`), nothing is written
    (tests/e2e/test_transfer_http.py walks a whole transfer)."""
    return {
        ("GET", "/cases/{case_id}/transfer"): read,
        **dict.fromkeys((("POST", f"/cases/{{case_id}}/transfer/{step}")
                         for step in TRANSFER_BODIES), row(401, 422, 422, 422, 403, 403)),
        # Landlords authenticate by signature; staff credentials count for nothing here.
        ("POST", "/partners/{partner}/transfers"): row(401, 401, 401, 401, 401, 401),
        ("GET", "/work/cases/{case_id}/safe-move"): row(303, 200, 200, 200, 403, 403),
        # An empty form: past the role check, the body refuses it (nothing written).
        ("POST", "/work/cases/{case_id}/safe-move/{step}"): row(303, 422, 422, 422, 403, 403),
    }


def is_transfer_route(path: str) -> bool:
    return "/transfer" in path or "/safe-move" in path


async def transfer_call(http: httpx.AsyncClient, method: str, path: str, case: str
                        ) -> httpx.Response:
    """The request of a transfer cell: pages get an empty form, the API a body."""
    url = path.replace("{case_id}", case).replace("{step}", "request")
    if path == "/partners/{partner}/transfers":
        return await http.post("/partners/landlord_moat_homes/transfers",
                               json={"type": "transfer_request"})
    if method == "GET":
        return await http.get(url)
    if path.startswith("/work"):
        return await http.post(url, data={})
    return await http.post(url, json=TRANSFER_BODIES[path.rsplit("/", 1)[1]])

"""The access matrix's rows and requests for the complaints routes (D 10, DBC 11), kept here
so tests/e2e/test_access_matrix.py stays one table a reader can hold; written out by hand.

Case staff record complaints; DSOs and line managers handle them; they and auditors read the
register; caseworkers do not (a complaint may be about them). Each step is made on a fresh
complaint brought to the point where the step is allowed, so a permitted role gets 200."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

Row = dict[str | None, int]
ANSWER = {"outcome": "not_upheld", "reason": "The call was made on the day"}


def complaint_body() -> dict[str, Any]:
    return {"channel": "telephone", "subject": "officer", "area": "landlord",
            "received_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "complainant": "Ms A. Resident", "summary": "Nobody called back about the lock",
            "adjustments": ["Large print"]}


def complaint_rows(row: Callable[..., Row]) -> dict[tuple[str, str], Row]:
    """(method, path) -> who gets which status (the POST first: it leaves a complaint for
    the reads)."""
    handlers = row(401, 403, 200, 200, 403, 403)
    return {
        ("POST", "/complaints"): row(401, 201, 201, 201, 403, 403),
        ("GET", "/complaints"): row(401, 403, 200, 200, 200, 403),
        ("GET", "/complaints/{complaint_id}"): row(401, 403, 200, 200, 200, 403),
        ("POST", "/complaints/{complaint_id}/answers"): handlers,
        ("POST", "/complaints/{complaint_id}/escalation"): handlers,
        ("POST", "/complaints/{complaint_id}/withdrawal"): handlers,
        ("POST", "/complaints/{complaint_id}/ombudsman"): handlers,
        # Victim feedback (D 8.62): recorded by case staff, read by the leads and auditors.
        ("POST", "/feedback"): row(401, 201, 201, 201, 403, 403),
        ("GET", "/feedback"): row(401, 403, 200, 200, 200, 403),
        # Pages: no sign-in → to the sign-in page; an empty form → 422, nothing recorded.
        ("GET", "/work/complaints/new"): row(303, 200, 200, 200, 403, 403),
        ("POST", "/work/complaints/new"): row(303, 422, 422, 422, 403, 403),
        ("GET", "/work/complaints"): row(303, 403, 200, 200, 200, 403),
        ("GET", "/work/complaints/{complaint_id}"): row(303, 403, 200, 200, 200, 403),
        ("POST", "/work/complaints/{complaint_id}"): row(303, 403, 422, 422, 403, 403),
        ("GET", "/work/feedback/new"): row(303, 200, 200, 200, 403, 403),
        ("POST", "/work/feedback/new"): row(303, 422, 422, 422, 403, 403),
        ("GET", "/work/feedback"): row(303, 403, 200, 200, 200, 403),
    }


async def _fresh(http: httpx.AsyncClient, step: str) -> str:
    """A new complaint made ready for `step` by the caller (who may or may not be allowed:
    one who may not record gets an id of none, and the step's refusal comes before it is
    looked up)."""
    made = await http.post("/complaints", json=complaint_body())
    if made.status_code != 201:
        return "00000000-0000-4000-8000-000000000000"
    complaint = f"/complaints/{made.json()['complaint_id']}"
    # A caseworker records it and is refused each step (403), as the step itself will be.
    if step in ("escalation", "ombudsman"):
        await http.post(f"{complaint}/answers", json=ANSWER)
    if step == "ombudsman":
        await http.post(f"{complaint}/escalation", json={"reason": "Not satisfied"})
        await http.post(f"{complaint}/answers", json=ANSWER)
    return made.json()["complaint_id"]  # type: ignore[no-any-return]


async def complaint_call(http: httpx.AsyncClient, method: str, path: str,
                         cases: dict[str, str]) -> httpx.Response:
    """The request of a complaints cell. `cases["complaint"]` keeps the complaint the first
    permitted POST recorded, for the reads."""
    if path == "/feedback":
        return await (http.get(path) if method == "GET" else http.post(path, json={
            "channel": "survey", "satisfaction": "satisfied", "comments": "Felt listened to",
            "given_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}))
    if path.startswith("/work/"):
        url = path.replace("{complaint_id}", cases["complaint"])
        return await (http.get(url) if method == "GET" else http.post(url, data={}))
    if path == "/complaints":
        if method == "GET":
            return await http.get(path)
        answer = await http.post(path, json=complaint_body())
        if answer.status_code == 201:
            cases.setdefault("complaint", answer.json()["complaint_id"])
        return answer
    if method == "GET":
        return await http.get(path.replace("{complaint_id}", cases["complaint"]))
    step = path.rsplit("/", 1)[1]
    url = path.replace("{complaint_id}", await _fresh(http, step))
    body = {"answers": ANSWER, "escalation": {"reason": "Not satisfied with the answer"},
            "withdrawal": {"reason": "Sorted out on the phone"},
            "ombudsman": {"ombudsman": "housing_ombudsman"}}[step]
    return await http.post(url, json=body)

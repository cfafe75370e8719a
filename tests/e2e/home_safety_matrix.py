"""The access matrix's rows and requests for the safety-at-home routes (Sanctuary Scheme,
emergency repairs, KCC SAFER, their page), kept here so tests/e2e/test_access_matrix.py stays
one table a reader can hold; written out by hand like the rest of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

Row = dict[str | None, int]

SANCTUARY_BODIES: dict[str, dict[str, Any]] = {
    "referral": {"referrer_kind": "agency", "referrer_name": "Jo Officer",
                 "referrer_contact": "01322 000000", "referring_agency": "Kent Police",
                 "household_type": "lone_adult"},
    "risk-assessments": {"subject": "property", "findings": "Rear door weak"},
    "decision": {"perpetrator_lives_at_property": False, "safe_to_stay": True,
                 "victim_chooses_to_stay": True, "perpetrator_associates_live_there": False,
                 "area_too_dangerous": False, "household_can_operate_measures": True},
    "decline": {"reason_code": "moving_elsewhere", "reason": "Would rather move"},
    "measures": {"measure_type": "door_viewer", "installed_on": "2026-06-08",
                 "installer": "housing_maintenance_team", "cost_pence": 1500},
    "referrer-told": {"channel": "email"},
}


def home_safety_rows(row: Callable[..., Row], read: Row, case_work: Row
                     ) -> dict[tuple[str, str], Row]:
    """(method, path) -> who gets which status. The main case is Dover's, whose policy has
    no Sanctuary Scheme (D 8.37): permitted roles reach the rule, which refuses
    (tests/e2e/test_sanctuary_http.py walks Dartford's)."""
    return {
        ("GET", "/cases/{case_id}/sanctuary"): read,
        **dict.fromkeys((("POST", f"/cases/{{case_id}}/sanctuary/{step}") for step in (
            "referral", "risk-assessments", "decision", "decline", "measures",
            "referrer-told")), row(401, 422, 422, 422, 403, 403)),
        ("GET", "/cases/{case_id}/repairs"): read,
        ("POST", "/cases/{case_id}/repairs/emergency"): case_work,
        ("GET", "/cases/{case_id}/safer"): read,
        # One SAFER referral at a time: the next roles find the caseworker's already made.
        ("POST", "/cases/{case_id}/safer/referral"): row(401, 200, 409, 409, 403, 403),
        # Partners authenticate by signature; staff credentials count for nothing here.
        ("POST", "/partners/{partner}/works"): row(401, 401, 401, 401, 401, 401),
        ("GET", "/work/cases/{case_id}/home-safety"): row(303, 200, 200, 200, 403, 403),
        # An empty form: past the role check, the body refuses it (nothing written).
        ("POST", "/work/cases/{case_id}/home-safety/{step}"): row(303, 422, 422, 422, 403,
                                                                  403),
    }


def home_safety_request(path: str, case: str) -> tuple[str, dict[str, Any] | None]:
    """The URL and body each cell of these routes sends (any other route of a case: its
    URL, no body)."""
    url = path.replace("{case_id}", case)
    if path.endswith("/safer/referral"):
        return url, {"reason": "Wants security advice; agreed on the phone"}
    if path.endswith("/repairs/emergency"):
        return url, {"job_type": "broken_lock"}
    if "/cases/{case_id}/sanctuary/" in path:
        return url, SANCTUARY_BODIES[path.rsplit("/", 1)[1]]
    if path == "/partners/{partner}/works":
        return "/partners/kcc_safer/works", {"type": "works_completed"}
    return url, None


# The pattern of repairs (DBC 7.2): a review nobody opened is the same 404 to everyone who
# may review; only a repairs system may feed jobs, and no staff role may.
NO_SUCH_REVIEW = "/00000000-0000-4000-8000-000000000000/no-such-review"


def repair_pattern_rows(row: Callable[..., Row]) -> dict[tuple[str, str], Row]:
    """(method, path) -> status for the repair-pattern routes (the matrix has no repairs
    system among its principals: tests/e2e/test_repair_pattern_http.py feeds as one)."""
    reviewers = row(401, 200, 200, 200, 403, 403)
    return {
        ("POST", "/repairs/jobs"): row(401, 403, 403, 403, 403, 403),
        ("GET", "/repair-reviews"): reviewers,
        ("POST", "/repair-reviews/{property_id}/{review_id}/no-further-action"):
            row(401, 404, 404, 404, 403, 403),
        ("GET", "/work/repair-reviews"): row(303, 200, 200, 200, 403, 403),
        **dict.fromkeys((("GET", "/work/repair-reviews/{property_id}/{review_id}"),
                         ("POST", "/work/repair-reviews/{property_id}/{review_id}"),
                         ("GET", "/work/repair-reviews/{property_id}/{review_id}/report")),
                        row(303, 404, 404, 404, 403, 403)),
    }


async def repair_pattern_call(http: httpx.AsyncClient, method: str, path: str
                              ) -> httpx.Response:
    """The request of a repair-pattern cell: pages get an empty form, the API a body."""
    url = path.replace("/{property_id}/{review_id}", NO_SUCH_REVIEW)
    if method == "GET":
        return await http.get(url)
    if path.startswith("/work"):
        return await http.post(url, data={})
    body: Any = {"reason": "Matrix check of who may decide"}
    if path == "/repairs/jobs":
        body = [{"job_reference": "M1", "address": "1 Matrix Road", "job_type": "lost_keys",
                 "raised_on": "2026-10-01", "council": "dover"}]
    return await http.post(url, json=body)

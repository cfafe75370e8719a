"""The access matrix's rows and requests for the homelessness and housing-options routes
(issue 14), kept here so tests/e2e/test_access_matrix.py stays one table a reader can hold;
written out by hand like the rest of it.

The cells run in table order on the matrix's main case (Dover, a council general-needs
tenant), each role after the one before: what one role records, the next finds recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = dict[str | None, int]

HOUSING_BODIES: dict[str, dict[str, Any]] = {
    "homelessness/application": {"status": "homeless", "eligible": True,
                                 "because_of_abuse": True, "moving_because_of_abuse": True},
    "homelessness/local-connection": {"met": False},
    "homelessness/loss-of-settled-home": {"abuse_was_reason": True, "duties": ["relief"]},
    "homelessness/outcome": {"outcome": "not_prevented_relief_duty_owed"},
    "housing-options/advice": {"options": ["legal_advice"]},
    "housing-options/tenancy": {"holding": "joint", "security": "secure",
                                "victim_is_tenant": True, "perpetrator_is_tenant": True},
    "housing-options/route": {"route": "joint_notice_to_quit"},
    "housing-options/route/step": {"step": "independent_legal_advice_and_safe_home_advised"},
    "housing-options/new-tenancy": {"security": "secure", "left_because_of_abuse": True},
    "housing-options/complex-case-panel": {"issues": ["domestic_abuse", "mental_health"]},
    "housing-options/victim-wishes": {"wishes": "Wants him to leave"},
    "housing-options/specialists": {"specialist": "respect"},
    "housing-options/enforcement": {"ground": "ground_2a"},
}


def housing_rows(row: Callable[..., Row], read: Row, case_work: Row
                 ) -> dict[tuple[str, str], Row]:
    """(method, path) -> who gets which status."""
    once = row(401, 200, 409, 409, 403, 403)  # the caseworker's is recorded; then a conflict
    refused = row(401, 422, 422, 422, 403, 403)  # permitted roles reach the rule, it refuses
    special = {
        # One application per case.
        "homelessness/application": once,
        # One outcome per application (HPI-15 counts it in the month recorded).
        "homelessness/outcome": once,
        # The victim is moving because of the abuse: no local connection test (D 3.6).
        "homelessness/local-connection": refused,
        # One route at a time; its steps in order.
        "housing-options/route": once,
        "housing-options/route/step": once,
        # Dover has no Complex Case Panel (DBC 7.4.1 is Dartford's).
        "housing-options/complex-case-panel": refused,
    }
    return {
        ("GET", "/cases/{case_id}/housing-options"): read,
        **{("POST", f"/cases/{{case_id}}/{path}"): special.get(path, case_work)
           for path in HOUSING_BODIES},
        ("GET", "/work/cases/{case_id}/housing-options"): row(303, 200, 200, 200, 403, 403),
        # An empty form: past the role check, the body refuses it (nothing written).
        ("POST", "/work/cases/{case_id}/housing-options/{housing_step}"):
            row(303, 422, 422, 422, 403, 403),
    }


def housing_request(path: str, case: str) -> tuple[str, dict[str, Any] | None] | None:
    """The URL and body of a housing cell, or None for another route."""
    prefix = "/cases/{case_id}/"
    if path.startswith(prefix) and path[len(prefix):] in HOUSING_BODIES:
        return path.replace("{case_id}", case), HOUSING_BODIES[path[len(prefix):]]
    return None

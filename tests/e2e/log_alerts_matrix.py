"""The access matrix's rows and requests for the transparency log's alerts (issue 15 scope
6), kept here so tests/e2e/test_access_matrix.py stays one table a reader can hold. Only the
information-governance lead may read or acknowledge them; the lead's own column, over every
route, is in tests/e2e/test_log_alerts_http.py."""

from __future__ import annotations

from collections.abc import Callable

import httpx

Row = dict[str | None, int]


def log_alert_rows(row: Callable[..., Row]) -> dict[tuple[str, str], Row]:
    """(method, path) -> status for: no sign-in, caseworker, DSO, line manager, auditor,
    administrator. None of them is the IG lead."""
    nobody = row(401, 403, 403, 403, 403, 403)
    no_page = row(303, 403, 403, 403, 403, 403)
    return {
        ("GET", "/transparency/alerts"): nobody,
        ("POST", "/transparency/alerts/{alert_id}/acknowledge"): nobody,
        ("GET", "/work/log-alerts"): no_page,
        ("POST", "/work/log-alerts/{alert_id}/acknowledge"): no_page,
    }


def is_log_alert_route(path: str) -> bool:
    return "alerts" in path


async def log_alert_call(http: httpx.AsyncClient, method: str, path: str,
                         alert_id: str = "1") -> httpx.Response:
    """The request each cell of these routes makes (alert 1, which may not exist: the role
    is checked first)."""
    url = path.replace("{alert_id}", alert_id)
    if method == "GET":
        return await http.get(url)
    return await http.post(url, data={})

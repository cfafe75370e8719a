"""Addresses of pages that cannot exist answer the GOV.UK "Page not found" page (404), as a
case that does not exist does, never JSON about a parameter; the JSON API keeps its 422."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.web_harness import WebSystem, web_system

CW = "cw-1"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        yield running


@pytest.mark.parametrize("path", [
    "/work/cases/abc", "/work/cases/abc/history",
    "/work/cases/00000000-0000-4000-8000-000000000000/history?step=abc",
])
async def test_a_malformed_page_address_is_the_page_not_found_page(
        system: WebSystem, path: str) -> None:
    async with system.client(CW) as http:
        answer = await http.get(path)
        missing_case = await http.get("/work/cases/00000000-0000-4000-8000-000000000000")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "<h1 class=\"govuk-heading-l\">Page not found</h1>" in answer.text
    assert answer.headers["cache-control"] == missing_case.headers["cache-control"]
    assert missing_case.status_code == 404 and "Page not found" in missing_case.text


async def test_the_json_api_still_names_the_field_of_a_malformed_case_id(
        system: WebSystem) -> None:
    async with system.client(CW) as http:
        answer = await http.get("/cases/abc")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "case_id"

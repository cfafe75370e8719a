"""Addresses of pages that cannot exist answer the GOV.UK "Page not found" page (404), as a
case that does not exist does, never JSON about a parameter; the JSON API keeps its 422."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.task_board import TaskBoard
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


@pytest.mark.parametrize("path", ["/work/no-such-page", "/work/cases/new/extra"])
async def test_an_unknown_page_address_is_the_page_not_found_page_not_json(
        system: WebSystem, path: str) -> None:
    async with system.client(CW) as http:
        answer = await http.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Page not found" in answer.text and "route_exists" not in answer.text


async def test_a_method_a_page_does_not_have_is_a_page_that_keeps_its_allow_header(
        system: WebSystem) -> None:
    async with system.client(CW) as http:
        answer = await http.delete("/work/cases/new")
    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("text/html")
    assert "GET" in answer.headers["allow"]
    assert "There is a problem" in answer.text and "method_allowed" not in answer.text


class BrokenBoard(TaskBoard):
    """A board whose database has gone away."""

    def tray(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database is locked: SELECT board_tasks.case_id")


async def test_a_failure_behind_a_page_is_the_sorry_page_without_the_error_text(
        system: WebSystem) -> None:
    assert system.app is not None
    working = system.app.state.board
    system.app.state.board = BrokenBoard(system.store, "sqlite://")
    try:
        async with system.client(CW) as http:
            answer = await http.get("/work/tasks")
            api = await http.get("/cases/00000000-0000-4000-8000-000000000000/nothing")
    finally:
        system.app.state.board.close()
        system.app.state.board = working
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("text/html")
    assert "Sorry, there is a problem with the service" in answer.text
    assert "database is locked" not in answer.text and "board_tasks" not in answer.text
    assert api.status_code == 404 and api.json()["errors"][0]["rule"] == "route_exists"


async def test_docs_load_with_no_internet_every_asset_is_served_here(
        system: WebSystem) -> None:
    async with system.client() as http:
        docs = await http.get("/docs")
        assert docs.status_code == 200
        linked = re.findall(r'(?:src|href)="([^"]*)"', docs.text)
        assert linked and all(url.startswith("/") and not url.startswith("//")
                              for url in linked), linked
        assert "http://" not in docs.text and "https://" not in docs.text
        assets = [await http.get(url) for url in linked]
        redirect = await http.get("/docs/oauth2-redirect")
    assert [a.status_code for a in assets] == [200] * len(linked)
    assert any(url.endswith("swagger-ui-bundle.js") for url in linked)
    assert redirect.status_code == 200


@pytest.mark.parametrize("path", [
    "/work/tasks?page=²", "/work/cases?page=²", "/work/tasks?page=" + "9" * 4301,
    "/work/cases?page=" + "9" * 4301,
])
async def test_a_page_number_that_is_no_plain_number_shows_the_first_page_not_the_sorry_page(
        system: WebSystem, path: str) -> None:
    """"²" passes `str.isdigit` but not `int`, and Python refuses to read a number of more
    than 4,300 digits: either was a 500 and a stack trace in the log."""
    async with system.client(CW) as http:
        answer = await http.get(path)
    assert answer.status_code == 200
    assert "Sorry, there is a problem" not in answer.text


async def test_a_form_sent_without_the_sessions_csrf_token_is_a_page_not_json(
        system: WebSystem) -> None:
    """A form left open in a tab across a sign-out and sign-in carries a token that is no
    longer the session's: the person sees a page telling them what to do, never JSON."""
    from tests.e2e.test_sign_in import PASSWORD, sign_in

    system.add_staff("cw-2", Role.CASEWORKER, password=PASSWORD)
    async with system.client() as http:
        assert (await sign_in(http, "cw-2", PASSWORD)).status_code == 303
        answer = await http.post("/work/cases/new", data={"csrf_token": "stale"})
        api = await http.post("/sign-out")
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "Go back to the form, reload it" in answer.text
    assert "csrf_token_matches" not in answer.text and "CSRF" not in answer.text
    assert api.status_code == 403 and api.json()["errors"][0]["rule"] == "csrf_token_matches"


async def test_a_search_up_to_the_last_date_there_is_shows_results_not_the_sorry_page(
        system: WebSystem) -> None:
    async with system.client(CW) as http:
        answer = await http.get("/work/cases?received_to-day=31&received_to-month=12"
                                "&received_to-year=9999")
    assert answer.status_code == 200
    assert "Sorry, there is a problem" not in answer.text

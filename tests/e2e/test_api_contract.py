"""The OpenAPI document is a contract the app keeps ("Need to know at every door", finding
10): pages are HTML, every operation documents the refusals it can give in our error shape,
and a 405 says which methods the path has."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.web_harness import WebSystem, web_system
from web.app import create_app


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(intake=None, auth=None).openapi()  # type: ignore[arg-type]


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        yield running


def test_pages_are_declared_html_not_json(document: dict[str, Any]) -> None:
    for path in ("/work/cases", "/work/cases/{case_id}", "/"):
        ok = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(ok) == {"text/html"}, path
    assert "303" in document["paths"]["/work/cases/new"]["post"]["responses"]


def test_every_operation_documents_its_refusals_in_our_error_shape(
        document: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if path in ("/healthz", "/docs", "/openapi.json") or path.startswith("/docs"):
                continue
            if method == "post":
                assert {"403", "413", "422"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status.startswith("4") and "application/json" in response.get("content", {}):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorsOut"}, (path, status)
    assert "401" in document["paths"]["/cases/{case_id}"]["get"]["responses"]
    assert "404" in document["paths"]["/cases/{case_id}"]["get"]["responses"]


def test_the_405_answer_and_its_allow_header_are_documented(document: dict[str, Any]) -> None:
    method_not_allowed = document["components"]["responses"]["MethodNotAllowed"]
    assert method_not_allowed["headers"]["Allow"]["required"] is True


async def test_a_405_names_the_methods_allowed_in_our_error_shape(system: WebSystem) -> None:
    async with system.client() as http:
        answer = await http.delete("/cases")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert answer.json()["errors"][0]["rule"] == "method_allowed"


async def test_an_unknown_path_is_404_in_our_error_shape(system: WebSystem) -> None:
    async with system.client() as http:
        answer = await http.get("/no/such/thing")
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["rule"] == "route_exists"

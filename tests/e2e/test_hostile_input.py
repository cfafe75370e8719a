"""Hostile input over real HTTP on loopback ("Need to know at every door", findings 5 and 7):
big bodies are refused before they are read, by whoever sends them; out-of-range dates,
control characters and non-numbers are 422s naming the field and the rule, never a 500 and
never an echo of what was sent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.support import VICTIM_NAME, report_body
from tests.web_harness import WebSystem, web_system

CW = "cw-1"
MB = 1024 * 1024
ZERO = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
async def system(tmp_path_factory: pytest.TempPathFactory,
                 dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path_factory.mktemp("hostile"), dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        yield running


@pytest.fixture(scope="module")
async def case_id(system: WebSystem) -> str:
    return await system.open_case(CW)


async def raw_post(system: WebSystem, path: str, headers: dict[str, str],
                   body: bytes = b"") -> tuple[int, bytes, float]:
    """Send the request head (and `body`, if any) and read the answer without sending the rest
    of what the head announced: (status, response bytes, seconds until answered)."""
    url = urlsplit(system.base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    head = f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    started = time.monotonic()
    writer.write(head.encode() + body)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(64 * 1024), timeout=20)
    elapsed = time.monotonic() - started
    writer.close()
    status = int(answer.split(b" ", 2)[1])
    return status, answer, elapsed


async def test_unauthenticated_200_mb_body_is_refused_with_401_before_it_is_read(
        system: WebSystem) -> None:
    # Finding 5: the whole body used to be parsed first (1.4 GB RSS, 16.8 s). Here none of
    # the 200 MB is sent: an answer at all proves the server did not wait for it.
    status, answer, elapsed = await raw_post(system, "/cases", {
        "Content-Type": "application/json", "Content-Length": str(200 * MB)})
    assert status == 401, answer
    assert b'"rule": "signed_in"' in answer and elapsed < 10


async def test_signed_in_body_announced_over_the_limit_is_413_at_once(
        system: WebSystem) -> None:
    status, answer, elapsed = await raw_post(system, "/cases", {
        "Authorization": f"Bearer {system.tokens[CW]}", "Content-Type": "application/json",
        "Content-Length": str(200 * MB)})
    assert status == 413 and b"body_within_limit" in answer and elapsed < 10


async def test_chunked_body_is_counted_and_refused_once_past_the_limit(
        system: WebSystem) -> None:
    # No Content-Length: the bytes are counted as they come; 300 KiB of an endless body.
    chunk = b"[" * (300 * 1024)
    status, answer, _ = await raw_post(system, "/cases", {
        "Authorization": f"Bearer {system.tokens[CW]}", "Content-Type": "application/json",
        "Transfer-Encoding": "chunked"}, f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    assert status == 413 and b"body_within_limit" in answer


async def test_unknown_partner_is_refused_before_its_50_mb_body_is_read(
        system: WebSystem) -> None:
    status, answer, elapsed = await raw_post(system, "/partners/nobody/messages", {
        "Content-Type": "application/json", "Content-Length": str(50 * MB),
        "webhook-id": "m-1", "webhook-timestamp": str(int(time.time())),
        "webhook-signature": "v1a,AAAA"})
    assert status == 401 and b"unknown_partner" in answer and elapsed < 10


async def test_unknown_bearer_token_with_big_json_body_is_401_not_parsed(
        system: WebSystem) -> None:
    status, _, _ = await raw_post(system, f"/cases/{ZERO}/dash/complete", {
        "Authorization": "Bearer not-a-token", "Content-Type": "application/json",
        "Content-Length": str(20 * MB)})
    assert status == 401


async def test_public_routes_take_a_small_body_without_sign_in(system: WebSystem) -> None:
    async with system.client() as http:
        form = await http.post("/sign-in", data={"staff_id": "cw-1", "password": "x" * 20})
        too_big = await http.post("/sign-in", content=b"a=" + b"x" * (20 * 1024),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 403  # refused for its missing form token, not for sign-in
    assert too_big.status_code == 413


async def test_report_dated_in_year_one_is_422_naming_the_field_not_a_500(
        system: WebSystem) -> None:
    async with system.client(CW) as http:
        answer = await http.post("/cases", json=report_body(
            reported_at="0001-01-01T00:00:00Z"))
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert error["field"] == "reported_at" and error["rule"] == "reported_at_in_range"
    assert "0001" not in answer.text


@pytest.mark.parametrize("character", ["\x00", "\u202e", "\ufeff", "\x07", "\x1b", "\u2028"])
async def test_names_with_control_or_invisible_characters_are_422(
        system: WebSystem, character: str) -> None:
    victim = {"name": f"{VICTIM_NAME}{character}x", "address": "1 Road"}
    async with system.client(CW) as http:
        answer = await http.post("/cases", json=report_body(victim=victim))
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["field"], error["rule"]) == ("victim.name", "text_has_no_control_characters")
    assert "Quennell" not in answer.text


@pytest.mark.parametrize("email", ["quennell.example.org", "a@b", "a@@example.org",
                                   "a b@example.org", "@example.org"])
async def test_a_victims_email_that_is_no_address_is_422_naming_the_field(
        system: WebSystem, email: str) -> None:
    """A contact address nobody could write to is refused at intake, without echoing it."""
    victim = {"name": VICTIM_NAME, "address": "1 Road", "email": email}
    async with system.client(CW) as http:
        refused = await http.post("/cases", json=report_body(victim=victim))
        taken = await http.post("/cases", json=report_body(victim={
            **victim, "email": "m.quennell@example.org"}))
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert (error["field"], error["rule"]) == ("victim.email", "email_address_is_valid")
    assert email not in refused.text
    assert taken.status_code == 201, taken.text


async def test_free_text_may_hold_line_breaks_but_not_a_bom(system: WebSystem,
                                                             case_id: str) -> None:
    async with system.client(CW) as http:
        url = f"/cases/{case_id}/contacts"
        body = {"party": "victim", "purpose": "repairs_and_tenancy_management",
                "channel": "telephone"}
        fine = await http.post(url, json={**body, "note": "Line one.\r\n\tLine two."})
        refused = await http.post(url, json={**body, "note": "\ufeffLine one."})
    assert fine.status_code == 200, fine.text
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "note"


@pytest.mark.parametrize("age", [True, "6", 6.0])
async def test_child_age_must_be_a_json_integer(system: WebSystem, age: object) -> None:
    async with system.client(CW) as http:
        answer = await http.post("/cases", json=report_body(
            household={"adults": [], "children": [{"age": age}]}))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "household.children.0.age"


async def test_incident_in_year_one_is_422(system: WebSystem, case_id: str) -> None:
    async with system.client(CW) as http:
        answer = await http.post(f"/cases/{case_id}/incidents",
                                 json={"occurred_on": "0001-01-01", "summary": "hit again"})
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["field"], error["rule"]) == ("occurred_on", "incident_date_in_range")


async def test_dash_refusal_does_not_echo_the_keys_sent(system: WebSystem,
                                                        case_id: str) -> None:
    # Finding 10: a 422 used to name the submitted key as the field.
    answers = {"Rosalind Quennell": {"answer": "yes"}, "99": {"answer": "no"},
               "3": {"answer": "maybe"}}
    async with system.client(CW) as http:
        answer = await http.put(f"/cases/{case_id}/dash", json={"answers": answers})
        unknown = await http.post("/cases", json=report_body(**{"Desmond Fairweather": 1}))
    assert answer.status_code == 422, answer.text
    assert "Quennell" not in answer.text and "99" not in answer.text
    assert {e["field"] for e in answer.json()["errors"]} == {"answers.*", "answers.3.answer"}
    assert unknown.status_code == 422 and "Fairweather" not in unknown.text
    assert unknown.json()["errors"][0] == {"field": "*", "rule": "extra_forbidden",
                                           "message": "Extra inputs are not permitted"}


async def test_a_too_long_idempotency_key_is_refused_naming_the_header(
        system: WebSystem, case_id: str) -> None:
    """A header's name is ours, not the caller's: the 422 names it (it read `"field": "*"`,
    which left a client guessing which part of its request was wrong)."""
    async with system.client(CW) as http:
        answer = await http.post(f"/cases/{case_id}/notes", json={"note": "Called back"},
                                 headers={"Idempotency-Key": "k" * 201})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"
    assert answer.json()["errors"][0]["rule"] == "string_too_long"
    assert "kkkk" not in answer.text

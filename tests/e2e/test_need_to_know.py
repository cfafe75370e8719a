"""Need to know over HTTP (D 8.27): other teams, restricted cases, conflicts of interest,
break-glass, and the access log that records every read."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from tests.web_harness import WebSystem, web_system

CASE_READS = ("", "/tasks", "/events")


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("cw-1", Role.CASEWORKER)
        running.add_staff("cw-2", Role.CASEWORKER)
        running.add_staff("cw-options", Role.CASEWORKER, teams=("Housing Options",))
        running.add_staff("cw-dartford", Role.CASEWORKER, council=Council.DARTFORD)
        running.add_staff("lm-9", Role.LINE_MANAGER, teams=("Housing Options",))
        running.add_staff("dso-9", Role.DSO, teams=("Housing Options",), manager_id="lm-9")
        running.add_staff("dso-1", Role.DSO)
        running.add_staff("aud-1", Role.AUDITOR, teams=())
        yield running


async def statuses(system: WebSystem, who: str, case_id: str) -> list[int]:
    async with system.client(who) as http:
        return [(await http.get(f"/cases/{case_id}{suffix}")).status_code
                for suffix in CASE_READS]


async def test_staff_without_need_to_know_get_the_same_404_as_for_no_case(
        system: WebSystem) -> None:
    case_id = await system.open_case("cw-1")
    assert await statuses(system, "cw-2", case_id) == [200, 200, 200]  # same team
    assert await statuses(system, "aud-1", case_id) == [200, 200, 200]  # auditors read all
    for outsider in ("cw-options", "cw-dartford", "dso-9"):
        assert await statuses(system, outsider, case_id) == [404, 404, 404], outsider
    async with system.client("cw-options") as http:
        hidden = await http.get(f"/cases/{case_id}")
        missing = await http.get(f"/cases/{uuid.uuid4()}")
        completing = await http.post(f"/cases/{case_id}/tasks/t2/complete",
                                     json={"outcome": "done"})
    assert hidden.json() == missing.json()
    assert completing.status_code == 404


async def test_restricted_case_is_seen_only_by_the_named_people(system: WebSystem) -> None:
    """D 8.27: the perpetrator is known to staff, so only named people may see the case."""
    case_id = await system.open_case("cw-1")
    async with system.client("dso-1") as dso:
        restricted = await dso.post(f"/cases/{case_id}/restrict", json={
            "named_staff": ["cw-1", "dso-1"], "reason": "The perpetrator works in housing"})
    assert restricted.status_code == 200
    assert await statuses(system, "cw-1", case_id) == [200, 200, 200]
    for unnamed in ("cw-2", "aud-1"):
        assert await statuses(system, unnamed, case_id) == [404, 404, 404], unnamed
    async with system.client("dso-1") as dso:
        lifted = await dso.post(f"/cases/{case_id}/lift-restriction",
                                json={"reason": "Staff member has left"})
    assert lifted.status_code == 200
    assert await statuses(system, "cw-2", case_id) == [200, 200, 200]


async def test_declaring_a_conflict_of_interest_removes_access(system: WebSystem) -> None:
    case_id = await system.open_case("cw-1")
    async with system.client("cw-2") as cw2:
        declared = await cw2.post(f"/cases/{case_id}/conflict-of-interest",
                                  json={"reason": "The victim is my neighbour"})
        unknown = await cw2.post(f"/cases/{uuid.uuid4()}/conflict-of-interest",
                                 json={"reason": "Same answer for no case"})
    assert declared.status_code == unknown.status_code == 202
    assert declared.json() == unknown.json()
    assert await statuses(system, "cw-2", case_id) == [404, 404, 404]
    assert await statuses(system, "cw-1", case_id) == [200, 200, 200]
    events = await _events(system, "cw-1", case_id)
    assert {"type": "ConflictDeclared", "staff_id": "cw-2"} in [
        {"type": e["type"], "staff_id": e["data"].get("staff_id")} for e in events]


async def test_break_glass_opens_the_case_records_why_and_tells_owner_and_manager(
        system: WebSystem) -> None:
    case_id = await system.open_case("cw-1")
    assert await statuses(system, "dso-9", case_id) == [404, 404, 404]
    async with system.client("dso-9") as dso:
        too_short = await dso.post(f"/cases/{case_id}/break-glass", json={"reason": "need"})
        opened = await dso.post(f"/cases/{case_id}/break-glass", json={
            "reason": "Police called out of hours about a threat at this address"})
    assert too_short.status_code == 422
    assert too_short.json()["errors"][0]["rule"] == "break_glass_needs_reason"
    assert opened.status_code == 200, opened.text
    assert await statuses(system, "dso-9", case_id) == [200, 200, 200]

    for told in ("cw-1", "lm-9"):  # the case's officer and the DSO's manager
        async with system.client(told) as http:
            notes = (await http.get("/me/notifications")).json()
        assert [(n["kind"], n["case_id"], n["by"]) for n in notes] == [
            ("break_glass", case_id, "dso-9")], told
    async with system.client("cw-2") as http:
        assert (await http.get("/me/notifications")).json() == []

    log = await _access_log(system, case_id)
    glass = [e for e in log["entries"] if e["action"] == "break_glass"]
    assert glass[0]["staff_id"] == "dso-9" and glass[0]["outcome"] == "allowed"
    assert "Police called" in glass[0]["reason"]


async def test_access_log_shows_every_read_including_refused_ones(system: WebSystem) -> None:
    case_id = await system.open_case("cw-1")
    await statuses(system, "cw-2", case_id)
    await statuses(system, "cw-options", case_id)
    log = await _access_log(system, case_id)
    assert log["chain_intact"] is True
    seen = [(e["staff_id"], e["action"], e["outcome"]) for e in log["entries"]]
    for action in ("read_summary", "read_tasks", "read_events"):
        assert ("cw-2", action, "allowed") in seen
        assert ("cw-options", action, "denied") in seen
    # open_case polled the tasks as cw-1 until triage finished: those reads are there too.
    assert ("cw-1", "read_tasks", "allowed") in seen
    # ...and the auditor's own reading of the log is the last entry.
    assert seen[-1] == ("aud-1", "read_access_log", "allowed")


async def _events(system: WebSystem, who: str, case_id: str) -> list[dict]:
    async with system.client(who) as http:
        response = await http.get(f"/cases/{case_id}/events")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


async def _access_log(system: WebSystem, case_id: str) -> dict:
    async with system.client("aud-1") as http:
        response = await http.get(f"/cases/{case_id}/access-log")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]

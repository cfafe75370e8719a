"""Staff administration at its edges ("Need to know at every door", finding 9): no token for
an account that has been deactivated, and the last administrator stays; D 8.27: a token
issued by an administrator is recorded, expires, and is named in the access log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.auth_store import token_digest
from aggregates.report import Role
from aggregates.staff import StaffMember, staff_member_id
from tests.web_harness import WebSystem, web_system

ADM, ADM2, CW = "adm-1", "adm-2", "cw-1"
LEFT = {"reason": "Left the council"}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(ADM, Role.ADMINISTRATOR, teams=())
        running.add_staff(CW, Role.CASEWORKER)
        yield running


async def test_no_token_is_issued_for_a_deactivated_account(system: WebSystem) -> None:
    async with system.client(ADM) as admin:
        assert (await admin.post(f"/staff/{CW}/deactivate", json=LEFT)).status_code == 204
        answer = await admin.post(f"/staff/{CW}/tokens", json={"label": "robot"})
    assert answer.status_code == 409, answer.text
    assert answer.json()["errors"][0]["rule"] == "staff_is_active"
    assert "token" not in answer.json()


async def test_the_last_administrator_cannot_deactivate_themselves(system: WebSystem) -> None:
    async with system.client(ADM) as admin:
        answer = await admin.post(f"/staff/{ADM}/deactivate", json=LEFT)
        assert answer.status_code == 409, answer.text
        assert answer.json()["errors"][0]["rule"] == "last_administrator_stays"
        assert (await admin.get("/me")).status_code == 200  # still signed in, still active


async def test_an_administrator_may_go_once_another_is_active(system: WebSystem) -> None:
    system.add_staff(ADM2, Role.ADMINISTRATOR, teams=())
    async with system.client(ADM) as admin:
        assert (await admin.post(f"/staff/{ADM}/deactivate", json=LEFT)).status_code == 204
    async with system.client(ADM2) as second:
        answer = await second.post(f"/staff/{ADM2}/deactivate", json=LEFT)
    assert answer.status_code == 409, answer.text


async def test_a_token_read_is_traced_to_the_administrator_who_issued_it(
        system: WebSystem) -> None:
    """D 8.27: an administrator acting as a member of staff through a token leaves a trace:
    the issue is on the member's staff stream and every read names the token and issuer."""
    case_id = await system.open_case(CW)
    async with system.client(ADM) as admin:
        issued = await admin.post(f"/staff/{CW}/tokens", json={"label": "robot"})
    assert issued.status_code == 201, issued.text
    token, expires_at = issued.json()["token"], issued.json()["expires_at"]
    assert datetime.fromisoformat(expires_at) - datetime.now(UTC) > timedelta(days=89)

    events = list(system.directory.repository.event_store.get(staff_member_id(CW)))
    recorded = [e for e in events if isinstance(e, StaffMember.TokenIssued)]
    assert len(recorded) == 1
    assert recorded[0].actor == {"staff_id": ADM, "role": "administrator"}
    assert (recorded[0].label, recorded[0].expires_at) == ("robot", expires_at)
    assert token not in repr(vars(recorded[0])) and token_digest(token) not in repr(
        vars(recorded[0])), "the record never holds the token or its digest"

    async with httpx.AsyncClient(base_url=system.base_url, timeout=30,
                                 headers={"Authorization": f"Bearer {token}"}) as robot:
        assert (await robot.get(f"/cases/{case_id}")).status_code == 200
    async with system.client(CW) as own:  # the harness's token: issuer not recorded
        assert (await own.get(f"/cases/{case_id}")).status_code == 200
    entries, broken = system.store.access_log(UUID(case_id))
    assert broken is None, "the hash chain still verifies"
    by_robot = [e for e in entries if "'robot'" in e["reason"]]
    assert len(by_robot) == 1 and by_robot[0]["staff_id"] == CW
    assert by_robot[0]["reason"].endswith(
        "[bearer token 'robot' issued by adm-1 (administrator)]")


async def test_an_expired_token_is_refused_like_an_unknown_one(system: WebSystem) -> None:
    token = system.sessions.issue_api_token(
        staff_id=CW, label="old", now=datetime.now(UTC) - system.sessions.token_lifetime)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30,
                                 headers={"Authorization": f"Bearer {token}"}) as old, \
            httpx.AsyncClient(base_url=system.base_url, timeout=30,
                              headers={"Authorization": "Bearer da_unknown"}) as unknown:
        expired, never = await old.get("/me"), await unknown.get("/me")
    assert expired.status_code == never.status_code == 401
    assert expired.json() == never.json()

"""Staff administration at its edges ("Need to know at every door", finding 9): no token for
an account that has been deactivated, and the last administrator stays."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
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

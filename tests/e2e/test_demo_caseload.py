"""The demo caseload (`make demo`) loads through the API and gives every page something to
show: both councils, every stage, escalations for the DSOs, high risk with a MARAC referral."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council
from casework.demo import STAFF, caseload, load
from tests.web_harness import WebSystem, web_system


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        for staff_id, _, role, teams, council, manager in STAFF:
            running.add_staff(staff_id, role, teams=teams, council=council, manager_id=manager)
        yield running


async def test_the_demo_caseload_fills_every_tray_of_both_councils(system: WebSystem) -> None:
    started = time.monotonic()
    case_ids = await load(system.base_url, {s: t for s, t in system.tokens.items()
                                            if "-cw-" in s})
    assert time.monotonic() - started < 60
    cases = [system.store.get_case(uuid.UUID(c)) for c in case_ids]
    assert len(cases) == len(caseload())
    assert Counter(c.council for c in cases) == {Council.DOVER: 10, Council.DARTFORD: 10}
    assert any(c.report.immediate_risk for c in cases)
    assert sum(1 for c in cases if c.risk_level and c.risk_level.value == "high") == 4
    assert all(any(r.kind.value == "marac" for r in c.referrals.values())
               for c in cases if c.risk_level and c.risk_level.value == "high")
    assert sum(1 for c in cases if c.escalated) >= 6
    assert any(c.report.late_entry_reason for c in cases)
    for dso in ("dv-dso-1", "df-dso-1"):
        async with system.client(dso) as http:
            tray = await http.get("/work/escalations")
        assert tray.status_code == 200
        assert "There are no tasks in escalated" not in tray.text
    async with system.client("dv-aud-1") as http:
        search = await http.get("/work/cases?risk=high")
    assert "2 cases you need to know" in search.text

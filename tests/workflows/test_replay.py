"""Replay: today's workflow code must replay the histories of cases already running.

The committed histories (tests/workflows/histories, recorded by `record_histories.py`) cover a
missed contact deadline with escalations, a completed third-party police check, an
immediate-risk report (these three from the first version of the workflow) and a high-risk
DASH whose MARAC, children's and adult referrals are delivered by child workflows. A change
that makes the workflow non-deterministic fails here, before it can strand live cases; such a
change needs `workflow.patched()`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.support import PERSONAL_STRINGS
from tests.workflows.record_histories import TEST_PAYLOAD_KEY
from workflows.case_workflow import CaseWorkflow
from workflows.data_converter import encrypted_data_converter

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_recorded_histories_exist() -> None:
    assert {p.stem for p in HISTORIES} >= {
        "victim_contact_missed", "third_party_completed", "immediate_risk", "high_risk_marac"}


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_workflow_replays_recorded_history(path: Path) -> None:
    replayer = Replayer(workflows=[CaseWorkflow],
                        data_converter=encrypted_data_converter([TEST_PAYLOAD_KEY]))
    history = WorkflowHistory.from_json("case", path.read_text())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"non-deterministic replay: {result.replay_failure}"


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
def test_recorded_history_holds_no_personal_data_in_clear(path: Path) -> None:
    text = path.read_text()
    assert "binary/encrypted" in text or "YmluYXJ5L2VuY3J5cHRlZA" in text
    for personal in PERSONAL_STRINGS:
        assert personal not in text

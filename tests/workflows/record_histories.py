"""Records workflow histories for the replay test: `python -m tests.workflows.record_histories`.

Histories already recorded are kept: they stand for cases running on an older version of the
workflow, and the replay test proves new code still replays them. Only scenarios with no file
yet are recorded; delete a file to record it again (only for a deliberate, patched change).
The payload key here is a test key, used for nothing else.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore, store_env
from aggregates.report import (
    Actor,
    Adult,
    Channel,
    Child,
    Household,
    Reporter,
    ReporterKind,
    Role,
)
from temporal_contracts.payloads import CaseCommandInput, CompleteTaskInput, case_workflow_id
from tests.conftest import BIN, running_worker
from tests.support import make_report
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter

HERE = Path(__file__).parent / "histories"
TEST_PAYLOAD_KEY = bytes(range(32))


async def record() -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=encrypted_data_converter([TEST_PAYLOAD_KEY]))
    with tempfile.TemporaryDirectory() as tmp:
        store = CaseStore(store_env(f"sqlite:///{tmp}/e.sqlite3", bytes(32)))
        async with env, running_worker(env.client, store) as tq:
            orch = CaseOrchestrator(env.client, tq)
            scenarios: dict[str, dict[str, object]] = {
                "victim_contact_missed": {},
                "third_party_completed": dict(channel=Channel.THIRD_PARTY,
                                              reporter=Reporter(kind=ReporterKind.NEIGHBOUR)),
                "immediate_risk": dict(immediate_risk=True),
                "high_risk_marac": dict(household=Household(
                    adults=(Adult(care_and_support_needs=True),), children=(Child(age=3),))),
            }
            for name, overrides in scenarios.items():
                if (HERE / f"{name}.json").exists():
                    continue
                case_id = uuid.uuid4()
                store.open_case(case_id=case_id, report=make_report(**overrides),
                                actor=Actor("cw-1", Role.CASEWORKER), reason="r",
                                request_fingerprint="f")
                await orch.ensure_workflow(str(case_id))
                while not (await orch.open_tasks(str(case_id))).triage_done:
                    await asyncio.sleep(0.1)
                await orch.complete_task(str(case_id), CompleteTaskInput(
                    task_id="t2" if name != "third_party_completed" else "t1",
                    outcome="done" if name != "third_party_completed" else "police_made_aware",
                    staff_id="cw-1", role="caseworker", request_id="r1"))
                if name == "high_risk_marac":
                    await orch.complete_task(str(case_id), CompleteTaskInput(
                        task_id="t1", outcome="discussion_offered", staff_id="cw-1",
                        role="caseworker", request_id="r2"))
                    await orch.apply_command(str(case_id), CaseCommandInput(
                        command="complete_dash", staff_id="cw-1", role="caseworker",
                        request_id="r3", args={"answers": {
                            str(n): ["yes" if n <= 14 else "no", ""] for n in range(1, 25)}}))
                    while store.get_case(case_id).pending_referrals:
                        await asyncio.sleep(0.1)
                await env.sleep(timedelta(days=6))
                await orch.open_tasks(str(case_id))
                handle = env.client.get_workflow_handle(case_workflow_id(str(case_id)))
                history = await handle.fetch_history()
                (HERE / f"{name}.json").write_text(history.to_json())
                print("recorded", name, len(history.events), "events")


if __name__ == "__main__":
    asyncio.run(record())

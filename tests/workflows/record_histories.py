"""Records workflow histories for the replay test: `python -m tests.workflows.record_histories`.

Re-record only on purpose (a deliberate, versioned change to the workflow): the committed
histories are what running cases have in Temporal, and the replay test proves new code can
still replay them. The payload key here is a test key, used for nothing else.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore, store_env
from aggregates.report import Actor, Channel, Reporter, ReporterKind, Role
from tests.conftest import BIN, running_worker
from tests.support import make_report
from workflows.client import CaseOrchestrator
from workflows.contracts import CompleteTaskInput, case_workflow_id
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
            scenarios = {
                "victim_contact_missed": {},
                "third_party_completed": dict(channel=Channel.THIRD_PARTY,
                                              reporter=Reporter(kind=ReporterKind.NEIGHBOUR)),
                "immediate_risk": dict(immediate_risk=True),
            }
            for name, overrides in scenarios.items():
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
                await env.sleep(timedelta(days=6))
                await orch.open_tasks(str(case_id))
                handle = env.client.get_workflow_handle(case_workflow_id(str(case_id)))
                history = await handle.fetch_history()
                (HERE / f"{name}.json").write_text(history.to_json())
                print("recorded", name, len(history.events), "events")


if __name__ == "__main__":
    asyncio.run(record())

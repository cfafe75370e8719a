"""A Kent reciprocal transfer survives its case's workflow starting afresh (D 8.22): on a dev
server that suggests continue-as-new after 60 history events, the case's workflow starts new
runs while the transfer waits for the victim's decision, finds the transfer's workflow again
by its id and tells it the case's news; the transfer's workflow starts afresh too, carrying
which steps it has told the landlord. The transfer still reaches its new tenancy, and the
landlord still gets each step exactly once (a new run that resumed from the case alone once
skipped the steps the case was already past)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Actor, Role
from aggregates.working_days import local_date
from temporal_contracts.payloads import case_workflow_id
from temporal_contracts.transfer_payloads import transfer_workflow_id
from tests.conftest import BIN, running_worker
from tests.support import eventually, make_report
from tests.workflows.steps import command
from tests.workflows.transfer_steps import partners, request_transfer, step_ids, transfer_of
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter


@pytest.fixture(scope="module")
async def early_continue_as_new_env(payload_key: bytes) -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=encrypted_data_converter([payload_key]),
        dev_server_log_level="error",
        dev_server_extra_args=["--dynamic-config-value",
                               "limit.historyCount.suggestContinueAsNew=60"])
    yield env
    await env.shutdown()


async def _transfer_said(handle: WorkflowHandle) -> str | None:
    """The transfer workflow's own view of the transfer (its query), once it has completed."""
    if (await handle.describe()).status is WorkflowExecutionStatus.COMPLETED:
        return str(await handle.result())
    return None


async def runs_of(env: WorkflowEnvironment, workflow_id: str) -> int:
    return len([w async for w in env.client.list_workflows(f"WorkflowId = '{workflow_id}'")])


async def test_a_transfer_completes_across_new_runs_of_both_workflows(
        early_continue_as_new_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    env, store = early_continue_as_new_env, sqlite_store
    case_id = str(uuid.uuid4())
    store.open_case(case_id=uuid.UUID(case_id), report=make_report(),
                    actor=Actor("cw-17", Role.CASEWORKER), reason="Report.",
                    request_fingerprint="f")
    with partners() as the:
        async with running_worker(env.client, store, the.gateway) as tq:
            orch = CaseOrchestrator(env.client, tq)
            await orch.ensure_workflow(case_id)

            async def triaged() -> bool:
                return (await orch.open_tasks(case_id)).triage_done
            await eventually(triaged)
            transfer_id = await request_transfer(orch, case_id)

            async def offered() -> bool:
                return transfer_of(store, case_id, transfer_id)["status"] == "offered"
            await eventually(offered, timeout=60)
            for n in range(12):  # the case's history grows: its workflow starts afresh
                await orch.apply_command(case_id, command(
                    "record_case_note", note=f"Called the tenant ({n})."))
            today = local_date(datetime.now(UTC))
            for name, args in (
                    ("record_victim_transfer_decision", {"accepted": True, "reason": "Yes."}),
                    ("agree_transfer_move_date",
                     {"move_date": (today + timedelta(days=7)).isoformat()}),
                    ("record_old_tenancy_ended", {"ended_on": today.isoformat()}),
                    ("record_new_tenancy_granted", {"granted_on": today.isoformat(),
                                                    "security_of_tenure": "secure"})):
                await orch.apply_command(case_id, command(name, transfer_id=transfer_id,
                                                          **args))
            handle = env.client.get_workflow_handle(transfer_workflow_id(case_id, transfer_id))
            child_status = await eventually(lambda: _transfer_said(handle), timeout=60)
            assert child_status == "completed"
            got = the.landlord.received()
            case_runs = await runs_of(env, case_workflow_id(case_id))
            transfer_runs = await runs_of(env, transfer_workflow_id(case_id, transfer_id))
    ids = step_ids(case_id, transfer_id)
    assert case_runs > 1  # the case's workflow did start afresh mid-transfer
    assert transfer_runs > 1  # and so did the transfer's (the case's news grows its history)
    assert [m["message_id"] for m in got["messages"]] == list(ids.values())
    assert all(got["arrivals"][mid] == 1 for mid in ids.values())

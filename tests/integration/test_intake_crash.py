"""Intake never leaves a case without its workflow, even if the process dies between storing
the case and starting the workflow (the dev server, a real SQLite file, a real SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore, DuplicateRequest, store_env
from aggregates.report import Actor, Role
from application.intake import Intake, IntakeReconciler
from casework.keys import load_key
from temporal_contracts.payloads import case_workflow_id
from tests.conftest import running_worker
from tests.support import eventually, make_report
from workflows.client import CaseOrchestrator

ROOT = Path(__file__).resolve().parents[2]


def kill_intake_between_steps(tmp_path: Path, payload_key: bytes, address: str,
                              case_id: uuid.UUID) -> CaseStore:
    """Run intake in a child process that is SIGKILLed between its two steps."""
    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"
    store_key = tmp_path / "store.key"
    load_key(store_key, create=True)
    payload_key_file = tmp_path / "payload.key"
    payload_key_file.write_bytes(payload_key)
    child = subprocess.run(
        [sys.executable, "-m", "tests.integration.crash_during_intake", url, str(store_key),
         str(payload_key_file), address, str(case_id)],
        cwd=ROOT, capture_output=True, timeout=120, env=os.environ.copy(),
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    return CaseStore(store_env(url, load_key(store_key, create=False)))


async def workflow_exists(env: WorkflowEnvironment, case_id: uuid.UUID) -> bool:
    try:
        await env.client.get_workflow_handle(case_workflow_id(str(case_id))).describe()
    except RPCError as e:
        if e.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


@pytest.fixture
def killed_intake(tmp_path: Path, payload_key: bytes,
                  dev_env: WorkflowEnvironment) -> tuple[uuid.UUID, CaseStore]:
    case_id = uuid.uuid4()
    address = dev_env.client.service_client.config.target_host
    return case_id, kill_intake_between_steps(tmp_path, payload_key, address, case_id)


async def test_killed_intake_leaves_the_case_stored_and_the_reconciler_starts_its_workflow(
        killed_intake: tuple[uuid.UUID, CaseStore], dev_env: WorkflowEnvironment) -> None:
    case_id, store = killed_intake
    # The kill landed exactly between the steps: the case is recorded, no workflow exists.
    assert not store.get_case(case_id).triaged
    assert not await workflow_exists(dev_env, case_id)

    async with running_worker(dev_env.client, store) as task_queue:
        orchestrator = CaseOrchestrator(dev_env.client, task_queue)
        awaiting = await IntakeReconciler(store, orchestrator).run_once()
        assert awaiting == 1  # this case, until its workflow has triaged it

        async def triaged() -> bool:
            return (await orchestrator.open_tasks(str(case_id))).triage_done
        await eventually(triaged)
        reconciler = IntakeReconciler(store, orchestrator)
        assert await reconciler.run_once() == 0  # nothing left waiting for a workflow
    assert store.get_case(case_id).triaged
    assert [t.kind.value for t in store.get_case(case_id).open_tasks] == [
        "contact_victim", "tell_line_manager_and_dso", "tell_housing_team"]


async def test_client_retry_after_killed_intake_starts_the_workflow_and_reports_duplicate(
        killed_intake: tuple[uuid.UUID, CaseStore], dev_env: WorkflowEnvironment) -> None:
    case_id, store = killed_intake
    async with running_worker(dev_env.client, store) as task_queue:
        orchestrator = CaseOrchestrator(dev_env.client, task_queue)
        with pytest.raises(DuplicateRequest) as duplicate:
            await Intake(store, orchestrator).open_case(
                case_id=case_id, report=make_report(), actor=Actor("cw-1", Role.CASEWORKER),
                reason="Retry.", request_fingerprint="fp-1")
        assert duplicate.value.same_request and duplicate.value.case_id == case_id

        async def triaged() -> bool:
            return (await orchestrator.open_tasks(str(case_id))).triage_done
        await eventually(triaged)
    assert len([e for e in store.events_of(case_id) if e.type == "Opened"]) == 1

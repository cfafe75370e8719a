"""Anyone who can reach the Temporal frontend can send an update; only payloads sealed with
our key may reach a case. A client without our codec sends its `apply_command` in clear: the
update is refused, nothing reaches the case or its history, and the case goes on working for
the system's own clients (workflows/payload_codec.py explains how refusing avoids wedging)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Actor, Role
from temporal_contracts.payloads import CaseCommandInput, CompleteTaskInput, case_workflow_id
from tests.conftest import running_worker
from tests.support import eventually, make_report
from workflows.client import CaseOrchestrator

# Long enough for a loaded machine; a wedged workflow would never answer at all.
UPDATE_TIMEOUT_S = 30

UPDATE_EVENTS = {EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
                 EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
                 EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED}
FAILED_TASK_EVENTS = {EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED}


def conflict(request_id: str) -> CaseCommandInput:
    return CaseCommandInput(command="declare_conflict", args={"reason": "Knows the family."},
                            staff_id="cw-1", role="caseworker", request_id=request_id)


async def test_plaintext_update_is_refused_and_the_case_still_works(
        dev_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    case_id = uuid.uuid4()
    sqlite_store.open_case(case_id=case_id, report=make_report(),
                           actor=Actor("cw-1", Role.CASEWORKER), reason="Report.",
                           request_fingerprint="f")
    async with running_worker(dev_env.client, sqlite_store) as tq:
        orchestrator = CaseOrchestrator(dev_env.client, tq)
        await orchestrator.ensure_workflow(str(case_id))

        async def triaged() -> bool:
            return (await orchestrator.open_tasks(str(case_id))).triage_done
        await eventually(triaged)
        events_before = len(sqlite_store.events_of(case_id))
        handle = dev_env.client.get_workflow_handle(case_workflow_id(str(case_id)))
        history_before = len((await handle.fetch_history()).events)

        # The default data converter: payloads travel as plain JSON.
        outsider = await Client.connect(dev_env.client.service_client.config.target_host,
                                        namespace=dev_env.client.namespace)
        with pytest.raises(WorkflowUpdateFailedError):
            await asyncio.wait_for(
                outsider.get_workflow_handle(case_workflow_id(str(case_id))).execute_update(
                    "apply_command", conflict("r-plain")),
                UPDATE_TIMEOUT_S)

        # Nothing of the refused update is stored. (The case's own work after triage, a
        # referral delivered by the worker on a loaded machine, may still add an event.)
        assert not [e for e in sqlite_store.events_of(case_id)[events_before:]
                    if e.data.get("command_id") == "r-plain"
                    or e.type in ("ConflictDeclared",)]
        # The case's own work after triage (referrals, timers) may still add history on a
        # loaded machine; what the refused update must not add is any update event, any failed
        # workflow task, or its plaintext anywhere in the history.
        history = await handle.fetch_history()
        added = history.events[history_before:]
        assert not [e for e in history.events if e.event_type in UPDATE_EVENTS]
        assert not [e for e in added if e.event_type in FAILED_TASK_EVENTS]
        assert not [e for e in history.events if b"r-plain" in e.SerializeToString()]
        assert not [e for e in history.events if b"Knows the family" in e.SerializeToString()]

        # The case is not wedged: the system's own client completes a task and gives a command.
        done = await asyncio.wait_for(orchestrator.complete_task(str(case_id), CompleteTaskInput(
            task_id="t1", outcome="discussion_offered", staff_id="cw-1", role="caseworker",
            request_id="r1", note="Offered.")), UPDATE_TIMEOUT_S)
        assert done.task_id == "t1"
        await asyncio.wait_for(orchestrator.apply_command(str(case_id), conflict("r-sealed")),
                               UPDATE_TIMEOUT_S)
    types = [e.type for e in sqlite_store.events_of(case_id)[events_before:]]
    assert "TaskCompleted" in types
    assert len(types) >= 2

"""Workflow tests share one time-skipping server: each test ends the workflows it started."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from temporal_contracts.payloads import case_workflow_id
from temporal_contracts.transfer_payloads import transfer_workflow_id
from tests.workflows.steps import STARTED
from tests.workflows.transfer_steps import STARTED_TRANSFERS


@pytest.fixture(autouse=True)
async def terminate_case_workflows(time_skipping_env: WorkflowEnvironment
                                   ) -> AsyncIterator[None]:
    """A workflow left running with no worker would hold the shared server's clock still (its
    timers fire tasks nobody takes), so each test ends its own."""
    yield
    while STARTED_TRANSFERS:
        handle = time_skipping_env.client.get_workflow_handle(
            transfer_workflow_id(*STARTED_TRANSFERS.pop()))
        with contextlib.suppress(RPCError):
            await handle.terminate(reason="test finished")
    while STARTED:
        handle = time_skipping_env.client.get_workflow_handle(case_workflow_id(STARTED.pop()))
        with contextlib.suppress(RPCError):
            await handle.terminate(reason="test finished")

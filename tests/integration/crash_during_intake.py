"""Run by test_intake_crash.py in a child process: intake that dies between its two steps.

The case is stored through the real `Intake.open_case`; the moment it turns to start the
workflow, the process is killed with SIGKILL (no clean-up, no `finally`), as a power cut or
an OOM kill would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

from activities.case_store import CaseStore, store_env
from aggregates.report import Actor, Role
from application.intake import Intake
from casework.keys import load_key
from tests.support import make_report
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter


class DiesBeforeStartingWorkflow(CaseOrchestrator):
    async def ensure_workflow(self, case_id: str) -> None:
        os.kill(os.getpid(), signal.SIGKILL)


async def main(url: str, store_key: Path, payload_key: Path, address: str, case_id: str) -> None:
    from temporalio.client import Client

    store = CaseStore(store_env(url, load_key(store_key, create=False)))
    client = await Client.connect(
        address, data_converter=encrypted_data_converter([load_key(payload_key, create=False)]))
    intake = Intake(store, DiesBeforeStartingWorkflow(client, "unused"))
    await intake.open_case(case_id=uuid.UUID(case_id), report=make_report(),
                           actor=Actor("cw-1", Role.CASEWORKER), reason="Report by telephone.",
                           request_fingerprint="fp-1")
    raise SystemExit("intake finished without being killed")


if __name__ == "__main__":
    url, store_key, payload_key, address, case_id = sys.argv[1:]
    asyncio.run(main(url, Path(store_key), Path(payload_key), address, case_id))

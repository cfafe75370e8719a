"""A process that keeps the task board and the ledger projection up to date until it is
killed: `python -m tests.projection_process URL SCHEMA|- CIPHER_KEY_B64`. Prints "running".
Its leases are short (`TEST_LEASE`), so a process started after this one is killed takes
over within seconds."""

from __future__ import annotations

import base64
import sys
import time
from typing import Any

from activities.board_projector import WorkTrays
from activities.case_store import CaseStore, store_env
from activities.projection_lease import LeaseTerms
from activities.projection_running import ProjectionWorker
from tests.ledger_projection import Ledger

PACE_SECONDS = 0.05
TEST_LEASE = LeaseTerms(seconds=2.0, renew_seconds=0.25)
_apply = Ledger.apply


def _paced_apply(self: Ledger, session: Any, prepared: Any) -> None:
    """The ledger's batch, then a short pause: the test kills this process halfway through
    its backlog, which a fast machine could otherwise finish between two looks. (Patched in
    this process only; the projection keeps its name, so its position is the Ledger's.)"""
    _apply(self, session, prepared)
    time.sleep(PACE_SECONDS)


def main() -> None:
    url, schema, key = sys.argv[1:4]
    env = store_env(url, base64.b64decode(key), None if schema == "-" else schema)
    Ledger.apply = _paced_apply  # type: ignore[method-assign]
    with ProjectionWorker(WorkTrays, CaseStore, env, TEST_LEASE), \
            ProjectionWorker(Ledger, CaseStore, env, TEST_LEASE):
        print("running", flush=True)
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()

"""A process that keeps the task board and the ledger projection up to date until it is
killed: `python -m tests.projection_process URL SCHEMA|- CIPHER_KEY_B64`. Prints "running"."""

from __future__ import annotations

import base64
import sys
import time

from activities.board_projector import WorkTrays
from activities.case_store import CaseStore, store_env
from activities.projection_running import ProjectionWorker
from tests.ledger_projection import Ledger


def main() -> None:
    url, schema, key = sys.argv[1:4]
    env = store_env(url, base64.b64decode(key), None if schema == "-" else schema)
    with ProjectionWorker(WorkTrays, CaseStore, env), ProjectionWorker(Ledger, CaseStore, env):
        print("running", flush=True)
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()

"""A process that keeps the monitoring counts up to date until it is killed:
`python -m tests.monitoring_process URL SCHEMA|- CIPHER_KEY_B64`. Prints "running"."""

from __future__ import annotations

import base64
import sys
import time

from activities.case_store import CaseStore, store_env
from activities.monitoring_projection import MonitoringCounts
from activities.projection_running import ProjectionWorker
from tests.projection_process import TEST_LEASE


def main() -> None:
    url, schema, key = sys.argv[1:4]
    env = store_env(url, base64.b64decode(key), None if schema == "-" else schema)
    with ProjectionWorker(MonitoringCounts, CaseStore, env, TEST_LEASE):  # short: see there
        print("running", flush=True)
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()

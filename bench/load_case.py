"""Loading a long case: time, with and without snapshots, and what its snapshots weigh.

Run: `.venv/bin/python bench/load_case.py [--sizes 100,1000,2000,10000] [--repeats 3]`

For each size N, one case on a SQLite file (in a temporary directory) is opened, triaged, and
then given `record_contact` commands (one event each, the same kind throughout) through the
command registry, saved in batches, until it has N events; the store snapshots it every
SNAPSHOT_EVERY events as production does. Then, each run starting with the CPU's caches evicted
(`evict_caches`), the median of `--repeats`, in milliseconds of CPU
time of this process (the machine is shared: wall time measures the neighbours too; it is
printed as well):

- `replay ms`: the case rebuilt from its events alone (`activities.case_replay`: read,
  decrypted, decompressed and applied in pages of REPLAY_PAGE events);
- `replay 1 read ms`: the same from one read of the whole history (what eventsourcing's
  repository does for a case without a snapshot): memory grows with the case;
- `snapshot ms`: the case loaded as the application loads it (latest snapshot + the rest);
- `snapshot B`: the stored size (compressed, encrypted) of its latest snapshot;
- `all snapshots kB` / `events kB`: every snapshot of the case, and every event, as stored.

Aims (issue "The case model in typed slices", point 5): 10,000 events replay in under 10x the
time of 1,000; the latest snapshot at 10,000 events within 1.2x of the one at 2,000.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import reduce
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.case_replay import replay_case
from activities.case_store import CaseStore, store_env
from aggregates.case import Case
from aggregates.commands import CommandContext, apply_command
from aggregates.report import Actor, Role
from tests.support import make_report

CASEWORKER = Actor(staff_id="cw-1", role=Role.CASEWORKER)
BATCH = 500


def build_case(store: CaseStore, events: int) -> uuid.UUID:
    """A case of exactly `events` events (at least the ten intake and triage write)."""
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint="bench")
    store.triage(case_id)
    n = 0
    while (case := store.get_case(case_id)).version < events:
        for _ in range(min(BATCH, events - case.version)):
            n += 1
            apply_command(case, "record_contact", {
                "party": "victim", "purpose": "repairs_and_tenancy_management",
                "channel": "telephone", "note": f"Call {n} about the repair."},
                CommandContext(actor=CASEWORKER, at=case.modified_on, command_id=f"cmd-{n}"))
        store.save(case)
    return case_id


# Larger than this machine's last-level cache (32 MiB L3): writing it before a timed run
# evicts what the previous run left there.
EVICT_BYTES = 64 * 1024 * 1024


def evict_caches() -> None:
    """Overwrite a buffer larger than the CPU's caches, so the next run starts cold. Without it
    the repeats of a small case run from cache (a 1,000-event case's rows and objects fit in
    it, a 10,000-event case's do not), which compares a warm small case with a cold large one;
    production loads a case it has not just loaded."""
    buffer = bytearray(EVICT_BYTES)
    buffer[:] = b"\x01" * EVICT_BYTES


def median_ms(action: Callable[[], object], repeats: int, clock: Callable[[], float]) -> float:
    times = []
    for _ in range(repeats):
        evict_caches()
        start = clock()
        action()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def measure(events: int, repeats: int, directory: Path) -> dict[str, float]:
    store = CaseStore(store_env(f"sqlite:///{directory / f'{events}.sqlite3'}", os.urandom(32)))
    case_id = build_case(store, events)
    assert store.snapshots is not None
    snapshots = store.snapshots.recorder.select_events(case_id)
    stored = store.recorder.select_events(case_id)
    assert len(stored) == events

    def one_read() -> None:
        reduce(lambda case, event: cast(Case.Event, event).mutate(case),
               store.events.get(case_id), None)

    def cpu(action: Callable[[], object]) -> float:
        return median_ms(action, repeats, time.process_time)

    return {
        "events": events,
        "replay ms": cpu(lambda: replay_case(store.events, case_id)),
        "replay 1 read ms": cpu(one_read),
        "snapshot ms": cpu(lambda: store.get_case(case_id)),
        "replay wall ms": median_ms(lambda: replay_case(store.events, case_id), repeats,
                                  time.perf_counter),
        "snapshot B": len(snapshots[-1].state) if snapshots else 0,
        "all snapshots kB": sum(len(s.state) for s in snapshots) / 1000,
        "events kB": sum(len(e.state) for e in stored) / 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,2000,10000")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(n, args.repeats, Path(tmp)) for n in sizes]
    columns = list(rows[0])
    print(" | ".join(f"{c:>16}" for c in columns))
    for row in rows:
        print(" | ".join(f"{row[c]:>16.1f}" if isinstance(row[c], float) else f"{row[c]:>16}"
                         for c in columns))
    by_size = {int(r["events"]): r for r in rows}
    if 1000 in by_size and 10000 in by_size:
        for column in ("replay ms", "replay 1 read ms", "replay wall ms"):
            print(f"{column}, 10,000 / 1,000 events: "
                  f"{by_size[10000][column] / by_size[1000][column]:.1f}x (aim < 10x)")
    if 2000 in by_size and 10000 in by_size and by_size[2000]["snapshot B"]:
        print(f"latest snapshot 10,000 / 2,000 events: "
              f"{by_size[10000]['snapshot B'] / by_size[2000]['snapshot B']:.2f}x (aim <= 1.2x)")


if __name__ == "__main__":
    main()

"""How fast projections are built: events/s projected and the time to rebuild from zero, at
100,000 and 1,000,000 events, beside reading the same notification log without projecting.

Run: `.venv/bin/python bench/projections.py [--sizes 100000,1000000] [--repeats 3]
[--postgres-url URL]`

The store (a SQLite file in a temporary directory; and PostgreSQL, a schema of its own, given
`--postgres-url`) is written in bulk (tests/bulk_cases.py: one real case of 10 encrypted
events, copied under new case ids, with its transparency-log leaves, as bench/audit.py writes
its large logs). Then, each `--repeats` times (the board's rebuild at 10^6 events
`--board-repeats` times, if given: on 2 shared cores one takes many minutes), medians:

- **read bare**: the notification log paged through as the subscription reads it (pages of
  500, `select_notifications`), nothing decoded: the floor.
- **read + decode**: the same, each notification decrypted, decompressed and turned into its
  domain event (what eventsourcing's `ApplicationSubscription` hands a projection).
- **Ledger rebuild**: `rebuild()` of a projection writing one row per event (tests/
  ledger_projection.py): the machinery's own cost (runner, batches of 500, position by
  compare-and-set in each batch's transaction).
- **WorkTrays rebuild**: `rebuild()` of the task board (`casework rebuild-projection
  WorkTrays`): each batch loads every case it touches and rewrites its rows.
- **MonitoringCounts rebuild**: `rebuild()` of the monitoring reports' counts: each batch
  loads every case it touches at the version before its first event there and rolls it
  forward event by event (activities/monitoring_projection.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.board_projector import WorkTrays
from activities.case_store import CaseStore, store_env
from activities.monitoring_projection import MonitoringCounts
from activities.projection_running import rebuild
from activities.projections import BatchProjection
from tests.bulk_cases import write_cases
from tests.ledger_projection import Ledger

PAGE = 500


def read_bare(store: CaseStore) -> int:
    """Every notification, paged as the subscription pages them; returns how many."""
    seen, after = 0, 0
    while page := store.recorder.select_notifications(start=after, limit=PAGE,
                                                      inclusive_of_start=False):
        seen, after = seen + len(page), page[-1].id
    return seen


def read_decoded(store: CaseStore) -> int:
    """As `read_bare`, each notification decoded into its domain event."""
    seen, after = 0, 0
    while page := store.recorder.select_notifications(start=after, limit=PAGE,
                                                      inclusive_of_start=False):
        for notification in page:
            store.mapper.to_domain_event(notification)
        seen, after = seen + len(page), page[-1].id
    return seen


def projected(projection: type[BatchProjection[Any]]) -> Callable[[CaseStore], int]:
    def run(store: CaseStore) -> int:
        return rebuild(projection, CaseStore, store.env)
    return run


MEASURES: dict[str, Callable[[CaseStore], int]] = {
    "read bare": read_bare, "read + decode": read_decoded,
    "Ledger rebuild": projected(Ledger), "WorkTrays rebuild": projected(WorkTrays),
    "MonitoringCounts rebuild": projected(MonitoringCounts)}


def measure(store: CaseStore, size: int, repeats: int, label: str,
            board_repeats: int) -> None:
    """Print each measure's median seconds and events/s over `repeats` rounds (the task
    board's over `board_repeats`)."""
    newest = store.recorder.max_notification_id() or 0
    print(f"\n{label}: {newest:,} events ({size:,} asked), medians of {repeats}")
    print(f"{'':26}{'seconds':>10}{'events/s':>12}{'CPU s':>9}")
    for name, action in MEASURES.items():
        walls, cpus = [], []
        for _ in range(board_repeats if name.startswith("WorkTrays") else repeats):
            wall, cpu = time.perf_counter(), time.process_time()
            count = action(store)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        if count != newest:  # a projection of some topics only
            print(f"  ({name}: {count:,} of the events are its topics)")
        wall = statistics.median(walls)
        print(f"{name:26}{wall:>10.1f}{newest / wall:>12,.0f}{statistics.median(cpus):>9.1f}",
              flush=True)


@contextmanager
def postgres_store(url: str) -> Iterator[CaseStore]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield CaseStore(store_env(url, os.urandom(32), schema=schema))
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--board-repeats", type=int,
                        help="rounds of the WorkTrays rebuild at 1,000,000 events and more "
                        "(default: --repeats)")
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    def board(size: int) -> int:
        return args.board_repeats if args.board_repeats and size >= 1_000_000 else args.repeats

    print(f"projections: {os.cpu_count()} CPUs, batches of {Ledger.batch_size}")
    with tempfile.TemporaryDirectory() as directory:
        for size in sizes:
            store = CaseStore(store_env(f"sqlite:///{Path(directory) / f'{size}.sqlite3'}",
                                        os.urandom(32)))
            started = time.perf_counter()
            write_cases(store, size)
            print(f"\nwritten in bulk in {time.perf_counter() - started:.0f} s")
            measure(store, size, args.repeats, "SQLite", board(size))
    if args.postgres_url:
        for size in sizes:
            with postgres_store(args.postgres_url) as store:
                write_cases(store, size)
                measure(store, size, args.repeats, "PostgreSQL", board(size))


if __name__ == "__main__":
    main()

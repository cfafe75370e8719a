"""Reading a case: what one read costs, and whether it grows with how often the case was read.

Run: `.venv/bin/python bench/reads.py [--prior 10000] [--reads 50] [--seconds 5]
[--backends sqlite,postgres]`

Every read goes through the read path the web uses, `application.case_reading.read_case`: load
the case, apply the need-to-know rule, append an entry to the case's access log (hash-chained,
encrypted), all on the event store of each backend (a SQLite file in a temporary directory;
a schema of its own on the PostgreSQL at DA_TEST_POSTGRES_URL, dropped afterwards).

1. Latency: `--reads` reads, one after another, each of a fresh case (empty access log), then
   `--reads` reads of one case whose log already holds `--prior` entries (written straight to
   the store, chained as appends write them). Median and mean ms per read, and the ratio.
2. Throughput: 16 concurrent readers (16 threads, as many as readers, so they truly overlap)
   reading for `--seconds`, first all of one case, then each of a case of its own. Reads/s,
   the ratio one-case ÷ sixteen-cases, and the count of 409 `access_log_appends` (and of any
   other error).

Aims (issue "Nothing dropped", finding 5): a case read 10,000 times within 1.5× a fresh one;
16 readers of one case at least 0.7× the throughput of 16 readers of 16 cases, with no 409.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy

# Run as a script (`python bench/reads.py`): the repository root holds `tests.support`.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from activities.case_store import CaseStore, store_env
from aggregates.access_log import events_appending
from aggregates.errors import ConflictError
from aggregates.report import Actor, Council, Role
from aggregates.staff import StaffProfile
from application.case_reading import read_case
from tests.support import make_report
from web.auth import Principal

READERS = 16
POSTGRES_URL = os.environ.get("DA_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
READER = Principal(staff=StaffProfile(
    staff_id="bench-cw", display_name="Bench", role=Role.CASEWORKER,
    teams=frozenset({"Tenancy Support Team"}), council=Council.DOVER, manager_id=None,
    active=True), via="token")


def open_case(store: CaseStore) -> uuid.UUID:
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                    reason="bench", request_fingerprint=str(case_id))
    store.triage(case_id)
    return case_id


def prefill(store: CaseStore, case_id: uuid.UUID, count: int) -> None:
    """`count` chained access entries, inserted 500 at a time."""
    last, batch = None, []
    for i in range(count):
        events = events_appending(case_id, last, dict(
            staff_id=f"cw-{i % 13}", role="caseworker", action="read_case", outcome="allowed",
            rule="assigned_team", reason="need to know", at=datetime.now(UTC).isoformat()))
        batch += events
        last = events[-1]
        if len(batch) >= 500 or i == count - 1:
            store.recorder.insert_events([store.mapper.to_stored_event(e) for e in batch])
            batch = []


async def read(store: CaseStore, case_id: uuid.UUID) -> None:
    await read_case(store, case_id, READER, "read_case")


async def latency(store: CaseStore, cases: list[uuid.UUID]) -> list[float]:
    """ms of each read of `cases`, in order."""
    times = []
    for case_id in cases:
        started = time.perf_counter()
        await read(store, case_id)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def throughput(store: CaseStore, cases: list[uuid.UUID],
                     seconds: float) -> tuple[float, Counter[str]]:
    """Reads/s of READERS concurrent readers, reader i reading cases[i], and error counts."""
    errors: Counter[str] = Counter()
    done = 0
    stop = time.monotonic() + seconds

    async def reader(case_id: uuid.UUID) -> None:
        nonlocal done
        while time.monotonic() < stop:
            try:
                await read(store, case_id)
                done += 1
            except ConflictError as error:
                errors[f"409 {error.rule}"] += 1
            except Exception as error:
                errors[type(error).__name__] += 1

    started = time.monotonic()
    await asyncio.gather(*(reader(case_id) for case_id in cases))
    return done / (time.monotonic() - started), errors


async def bench(store: CaseStore, args: argparse.Namespace) -> dict[str, object]:
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=READERS))
    fresh = [open_case(store) for _ in range(args.reads)]
    long_case = open_case(store)
    started = time.perf_counter()
    prefill(store, long_case, args.prior)
    prefilled = time.perf_counter() - started
    await latency(store, [open_case(store) for _ in range(3)])  # warm-up
    fresh_ms = await latency(store, fresh)
    long_ms = await latency(store, [long_case] * args.reads)
    one_case = open_case(store)
    one_rate, one_errors = await throughput(store, [one_case] * READERS, args.seconds)
    own = [open_case(store) for _ in range(READERS)]
    own_rate, own_errors = await throughput(store, own, args.seconds)
    entries, broken = store.access_log(one_case)
    return {
        "prefill_s": prefilled,
        "fresh_ms": fresh_ms, "long_ms": long_ms,
        "one_rate": one_rate, "own_rate": own_rate,
        "one_errors": one_errors, "own_errors": own_errors,
        "one_case_entries": len(entries), "one_case_chain_intact": broken is None,
    }


def report(name: str, r: dict[str, object], args: argparse.Namespace) -> None:
    fresh, long = r["fresh_ms"], r["long_ms"]
    assert isinstance(fresh, list) and isinstance(long, list)
    one, own = float(r["one_rate"]), float(r["own_rate"])  # type: ignore[arg-type]
    print(f"\n== {name}")
    print(f"prefilled {args.prior} access entries in {r['prefill_s']:.1f} s")
    print(f"read, fresh case:          median {statistics.median(fresh):7.2f} ms  "
          f"mean {statistics.mean(fresh):7.2f} ms  ({len(fresh)} reads)")
    print(f"read, case read {args.prior:>6}×:  median {statistics.median(long):7.2f} ms  "
          f"mean {statistics.mean(long):7.2f} ms  ({len(long)} reads)")
    print(f"  ratio (median): {statistics.median(long) / statistics.median(fresh):.2f}× "
          "(aim ≤ 1.5×)")
    print(f"{READERS} readers of one case:    {one:8.1f} reads/s  errors {dict(r['one_errors'])}")  # type: ignore[call-overload]
    print(f"{READERS} readers of {READERS} cases:   {own:8.1f} reads/s  "
          f"errors {dict(r['own_errors'])}")  # type: ignore[call-overload]
    print(f"  ratio: {one / own:.2f}× (aim ≥ 0.7×, no 409); one case's log: "
          f"{r['one_case_entries']} entries, chain intact: {r['one_case_chain_intact']}")


def on_sqlite(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'events.sqlite3'}"
        store = CaseStore(store_env(url, os.urandom(32)))
        report("SQLite (file)", asyncio.run(bench(store, args)), args)
        store.close()


def on_postgres(args: argparse.Namespace) -> None:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        store = CaseStore(store_env(POSTGRES_URL, os.urandom(32), schema=schema))
        report("PostgreSQL", asyncio.run(bench(store, args)), args)
        store.close()
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prior", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"bench/reads.py  python {platform.python_version()}  {platform.machine()}  "
          f"cpus {os.cpu_count()}  prior {args.prior}  reads {args.reads}  "
          f"seconds {args.seconds}")
    runs = {"sqlite": on_sqlite, "postgres": on_postgres}
    for backend in args.backends.split(","):
        runs[backend.strip()](args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()

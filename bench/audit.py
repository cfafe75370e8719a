"""What the transparency log costs and gives: appends with the log on and off, proof sizes,
and the time to verify a large store.

Run: `.venv/bin/python bench/audit.py [--appends 1500] [--repeats 3] [--verify 100000,1000000]
[--proofs 10000,100000,1000000] [--postgres-url URL]`

1. **Appends, log on vs off** (same run, same machine, SQLite files in a temporary directory;
   and PostgreSQL, a schema of its own, given `--postgres-url`): one case opened and triaged,
   then `record_contact` commands applied in memory and saved, one event per transaction
   (what a case's workflow does: one command, one transaction) and in batches of 100. "on" is
   the store as deployed (`activities.event_records:Factory`: each event's leaf and subtree
   hashes in its transaction: on PostgreSQL one statement with the event,
   `activities/event_writes.py`); "off" is the library's plain recorders
   (`PERSISTENCE_MODULE=eventsourcing_sqlalchemy`), which write and read through the ORM
   (the snapshots every 50 events read the case's events), so "off: ours" is also shown: the
   deployed recorders (Core writes and reads) with the log taken out
   (bench/no_log_records.py), the log's own cost. The stores alternate, `--repeats` rounds
   each; events/s is the median round, and "paired" the median of each round's on/ours
   ratio (rounds next to each other share the machine's load: on a shared machine the
   steadier figure). Snapshots are taken as in production (every 50 events) in all. The
   load average is printed before and after. Aim: on >= 0.8x off.
2. **Proofs**: a log of N leaves written in bulk (event rows of 200 random bytes, then their
   leaves and nodes through `append_events`, in transactions of 50,000), a checkpoint signed,
   then the inclusion proof of a leaf in the middle and the consistency proof from N/2 to N:
   hashes, bytes, and milliseconds to read the proof from the store (median of 3).
3. **Verify**: `verify_store` (what `casework verify-log` runs: every event re-hashed, the root
   recomputed) against that checkpoint, seconds wall and CPU, median of `--repeats` (one run
   above 500,000 leaves). Aim: 1,000,000 leaves in under 30 s.
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
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsourcing.persistence import StoredEvent

from activities.case_store import CaseStore, store_env
from activities.transparency_store import append_events
from aggregates.commands import CommandContext, apply_command
from aggregates.report import Actor, Role
from application.log_verifier import events_table, verify_store
from application.transparency import TransparencyLog
from tests.support import make_report
from transparency.note import Signer

CASEWORKER = Actor(staff_id="cw-1", role=Role.CASEWORKER)
# The store as deployed; the library's plain recorders (ORM reads, no log); and the deployed
# recorders without the log (Core reads): "on" against each of the others.
MODES = {"on": "activities.event_records:Factory", "off": "eventsourcing_sqlalchemy",
         "core": "bench.no_log_records:Factory"}
BULK = 50_000
STREAM_EVENTS = 100  # events per stream in a bulk-written log
TOPIC = "aggregates.safeguarding:ContactRecorded"


# ---- 1. appends -------------------------------------------------------------------------------

def opened(store: CaseStore) -> uuid.UUID:
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint=str(case_id))
    store.triage(case_id)
    return case_id


def append_round(store: CaseStore, events: int, per_save: int) -> float:
    """Events/s of `events` commands saved `per_save` to a transaction (wall clock)."""
    case = store.get_case(opened(store))
    start = time.perf_counter()
    for n in range(events):
        apply_command(case, "record_contact", {
            "party": "victim", "purpose": "repairs_and_tenancy_management",
            "channel": "telephone", "note": f"Call {n} about the repair."},
            CommandContext(actor=CASEWORKER, at=case.modified_on, command_id=f"c-{n}"))
        if (n + 1) % per_save == 0:
            store.save(case)
    store.save(case)
    return events / (time.perf_counter() - start)


def stores(url: Callable[[str], tuple[str, str | None]]) -> dict[str, CaseStore]:
    found = {}
    for mode, module in MODES.items():
        address, schema = url(mode)
        env = store_env(address, os.urandom(32), schema=schema)
        env["PERSISTENCE_MODULE"] = module
        found[mode] = CaseStore(env)
    return found


def appends(label: str, url: Callable[[str], tuple[str, str | None]], events: int,
            repeats: int) -> None:
    both = stores(url)
    for per_save in (1, 100):
        rates: dict[str, list[float]] = {mode: [] for mode in MODES}
        for _ in range(repeats):
            for mode in ("off", "core", "on"):
                rates[mode].append(append_round(both[mode], events, per_save))
        on, off, core = (statistics.median(rates[m]) for m in ("on", "off", "core"))
        paired = statistics.median(a / b for a, b in zip(rates["on"], rates["core"],
                                                          strict=True))
        print(f"{label:>10} | {per_save:>9} | {off:>12.0f} | {core:>12.0f} | {on:>12.0f} | "
              f"{on / off:>6.2f}x | {on / core:>6.2f}x | {paired:>5.2f}x")


# ---- 2 and 3. a large log ---------------------------------------------------------------------

def bulk_rows(size: int) -> Iterator[list[StoredEvent]]:
    stream = uuid.uuid4()
    batch: list[StoredEvent] = []
    for n in range(size):
        if n % STREAM_EVENTS == 0:
            stream = uuid.uuid4()
        batch.append(StoredEvent(originator_id=stream, originator_version=n % STREAM_EVENTS + 1,
                                 topic=TOPIC, state=os.urandom(200)))
        if len(batch) == BULK:
            yield batch
            batch = []
    if batch:
        yield batch


def large_log(directory: Path, size: int) -> tuple[CaseStore, TransparencyLog, Signer]:
    """A store of `size` events, every one a leaf, and a checkpoint of them all."""
    store = CaseStore(store_env(f"sqlite:///{directory / f'log-{size}.sqlite3'}",
                                os.urandom(32)))
    the_log = TransparencyLog(store.recorder)  # type: ignore[arg-type]
    events = events_table(the_log.tables, "casestore_events")
    next_id = 1
    for batch in bulk_rows(size):
        ids = list(range(next_id, next_id + len(batch)))
        next_id += len(batch)
        with store.recorder.transaction(commit=True) as session:  # type: ignore[attr-defined]
            session.execute(sa.insert(events), [
                {"id": i, "originator_id": e.originator_id,
                 "originator_version": e.originator_version, "topic": e.topic,
                 "state": e.state} for i, e in zip(ids, batch, strict=True)])
            append_events(session, the_log.tables, "casestore_events", batch, ids)
    key = Signer.generate("bench.invalid/da-casework-log")
    the_log.make_checkpoint(key)
    return store, the_log, key


def median_of(repeats: int, action: Callable[[], object]) -> tuple[float, float]:
    """(wall s, CPU s), medians of `repeats` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def proofs_and_verify(directory: Path, size: int, repeats: int, verify: bool) -> None:
    start = time.perf_counter()
    _, the_log, key = large_log(directory, size)
    written = time.perf_counter() - start
    checkpoint = the_log.latest_checkpoint()
    assert checkpoint is not None and checkpoint.size == size
    with the_log.transaction() as session:  # a leaf in the middle: its stream and version
        t = the_log.tables.leaves
        leaf = session.execute(sa.select(t.c.stream_id, t.c.version).where(
            t.c.leaf_index == size // 2)).one()
    inclusion: list[bytes] = []
    consistency: list[bytes] = []

    def prove_inclusion() -> None:
        inclusion[:] = the_log.inclusion(uuid.UUID(leaf.stream_id), leaf.version, size).proof

    def prove_consistency() -> None:
        consistency[:] = the_log.consistency(size // 2, size)

    included_ms = median_of(3, prove_inclusion)[0] * 1000
    consistent_ms = median_of(3, prove_consistency)[0] * 1000
    print(f"{size:>10} | {len(inclusion):>6} | {len(inclusion) * 32:>6} B | "
          f"{included_ms:>6.1f} ms | {len(consistency):>6} | {len(consistency) * 32:>6} B | "
          f"{consistent_ms:>6.1f} ms | written in {written:.0f} s")
    if not verify:
        return
    from transparency.checkpoint import open_checkpoint
    from transparency.note import Verifier

    opened_checkpoint = open_checkpoint(
        checkpoint.note, log_key=Verifier.from_vkey(key.verifier.vkey())).checkpoint

    def check() -> None:
        with the_log.transaction() as session:
            found = verify_store(session, the_log.tables, opened_checkpoint)
        assert found.ok and found.leaves == size, found.problems

    runs = repeats if size <= 500_000 else 1
    wall, cpu = median_of(runs, check)
    VERIFIED.append((size, wall, cpu, runs))


VERIFIED: list[tuple[int, float, float, int]] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--proofs", default="10000,100000,1000000")
    parser.add_argument("--verify", default="100000,1000000")
    parser.add_argument("--postgres-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print("appends: events/s, median of", args.repeats, "rounds of", args.appends)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'database':>10} | {'per save':>9} | {'off: library':>12} | "
              f"{'off: ours':>12} | {'log on':>12} | on/lib. | on/ours | paired")
        appends("sqlite", lambda mode: (f"sqlite:///{directory / f'{mode}.sqlite3'}", None),
                args.appends, args.repeats)
        if args.postgres_url:
            postgres(args.postgres_url, args.appends, args.repeats)
        print(f"load average {os.getloadavg()[0]:.1f}")
        print("\nproofs: hashes, bytes, ms to read from the store (median of 3)")
        print(f"{'leaves':>10} | {'incl.':>6} | {'size':>8} | {'time':>9} | {'cons.':>6} | "
              f"{'size':>8} | {'time':>9}")
        to_verify = {int(s) for s in args.verify.split(",") if s}
        sizes = sorted({int(s) for s in args.proofs.split(",") if s} | to_verify)
        for size in sizes:
            proofs_and_verify(directory, size, args.repeats, size in to_verify)
            for leftover in directory.glob("log-*.sqlite3"):
                leftover.unlink()
    print(f"\nverify_store (casework verify-log) against a checkpoint of every leaf; load "
          f"average {os.getloadavg()[0]:.1f}")
    for size, wall, cpu, runs in VERIFIED:
        print(f"{size:>10} leaves: {wall:6.1f} s wall, {cpu:6.1f} s CPU (median of {runs}); "
              f"{size / wall:,.0f} leaves/s" + ("  (aim < 30 s)" if size == 1_000_000 else ""))


def postgres(url: str, events: int, repeats: int) -> None:
    engine = sa.create_engine(url)
    schemas = {mode: f"bench_{mode}_{uuid.uuid4().hex[:8]}" for mode in MODES}
    with engine.begin() as conn:
        for schema in schemas.values():
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        appends("postgres", lambda mode: (url, schemas[mode]), events, repeats)
    finally:
        with engine.begin() as conn:
            for schema in schemas.values():
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


if __name__ == "__main__":
    main()

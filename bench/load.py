"""Load: a council's worst week, compressed, and the triage capacity of one and two workers.

Run: `.venv/bin/python bench/load.py [--duration 20] [--backends sqlite,postgres]`
(about four minutes with the defaults; `--help` lists the knobs).

1. Worst week, on each event-store backend (the embedded SQLite file, then a PostgreSQL schema
   of its own; Temporal is the dev server with its SQLite file either way), against the whole
   stack as `make run` starts it, with a signed stand-in server per partner that acknowledges
   every referral. For `--duration` seconds at once: intake at `--rate` cases/s with a burst
   of `--burst` cases half way; `--caseworkers` clients reading a case's tasks and completing
   one; `--readers` clients reading the same `--hot` cases over and over; partners
   acknowledging what they receive. Then bare `start_workflow` calls on the same server.
2. Capacity (SQLite, referrals to the recorded stand-in): intake at rising rates
   (`--capacity-rates`), `--step` seconds each, with each worker count in `--workers`; a
   rate passes when triage lag p95 stays under 2 s and every case is triaged. Stops at the
   first rate that fails.

Triage lag, record: from a case's `Opened` event to its `TriageDecided` event, both stamped
by the system as it recorded them, read from the event store. Triage lag, workflow: from
`Opened` to the end of the workflow task that took in the triage (from then on the case's
task list shows it), read from the workflow's history after the load. Neither is observed
by polling, so observing costs the system nothing while it runs. CPU is user + system
seconds of each process from /proc, divided by the cases opened in the phase. The machine's
cores are shared by every process here (and by anything else running), so CPU seconds per
case move less with contention than times do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sys
import time
import uuid
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from calls import bench_starts, http_client, open_case
from lags import WORKFLOW_TRIAGED, RecordClock
from runs import latency_line, percentiles_ms
from stack import Stack, postgres_schema, running_stack
from temporalio.client import Client
from workload import (
    Ops,
    complete_one,
    cpu_line,
    cpu_per_case,
    drain,
    get_json,
    lag_line,
    open_loop,
    warm_up,
)

LAG_TARGET_S = 2.0
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


async def worst_week(args: argparse.Namespace, stack: Stack) -> list[str]:
    """Phase 1 against a running stack; returns the lines of its part of the table."""
    clock = RecordClock(stack.store())
    hot = await warm_up(stack, clock, args.hot)
    created: list[str] = []
    ops = Ops()
    stop = asyncio.Event()
    async with http_client(stack.web_url, stack.token) as http:

        async def intake(n: int) -> None:
            case_id = await ops.timed("intake POST /cases",
                                      open_case(http, f"load-{uuid.uuid4()}", n))
            if isinstance(case_id, str):
                created.append(case_id)

        async def caseworker() -> None:
            while not stop.is_set():
                pool = created[:-20] or hot  # cases opened a while ago: likely triaged
                await complete_one(http, ops, random.choice(pool))

        async def reader(n: int) -> None:
            while not stop.is_set():
                case_id = hot[n % len(hot)]
                await ops.timed("reader GET /cases/{id}", get_json(http, f"/cases/{case_id}"))
                await ops.timed("reader GET /cases/{id}/tasks",
                                get_json(http, f"/cases/{case_id}/tasks"))

        before, began = stack.cpu_seconds(), time.monotonic()
        others = [asyncio.create_task(caseworker()) for _ in range(args.caseworkers)]
        others += [asyncio.create_task(reader(n)) for n in range(args.readers)]
        await open_loop(args.rate, args.duration, intake, burst=args.burst)
        stop.set()
        await asyncio.gather(*others)
        ops.wall = time.monotonic() - began
    ids = {uuid.UUID(c) for c in created}
    temporal = await Client.connect(stack.temporal_address)
    await drain(clock, ids, temporal)
    after = stack.cpu_seconds()  # includes reading the histories: a little too high
    await asyncio.sleep(3)  # the last acknowledgements
    await asyncio.to_thread(clock.read)
    lines = [f"  {'operation':32s} {'ok':>6s} {'/s':>7s}  latency ms p50 / p95 / p99 / max; "
             "errors"]
    for kind in sorted(ops.latencies.keys() | ops.failures.keys()):
        lat, bad = ops.latencies[kind], ops.failures[kind]
        errors = ", ".join(f"{n}× {k}" for k, n in bad.most_common()) or "0"
        lines.append(f"  {kind:32s} {len(lat):6d} {len(lat) / ops.wall:7.1f}  "
                     f"{latency_line(lat)}; {errors}")
    lines.append(f"  triage lag, record (s)          {lag_line(*clock.lags(ids))}")
    lines.append("  triage lag, workflow (s)        "
                 f"{lag_line(*clock.lags(ids, until=WORKFLOW_TRIAGED))}")
    lines.append("  partner ack lag (delivered → acknowledged) "
                 f"{lag_line(*clock.lags(ids, 'ReferralDelivered', 'ReferralAcknowledged'))}")
    cpu = cpu_per_case(before, after, len(ids))
    lines.append(f"  CPU ms per case opened ({len(ids)}): {cpu_line(cpu)}")
    starts = await bench_starts(stack.temporal_address, 16, args.starts, uuid.uuid4().hex[:8])
    lines.append(f"  bare Temporal start_workflow     {starts.succeeded:6d} {starts.rate:7.1f}  "
                 f"{latency_line(starts.latencies)}; {sum(starts.failures.values())}")
    return lines


async def capacity(args: argparse.Namespace, stack: Stack, workers: int) -> list[str]:
    """Phase 2 with `workers` workers: one line per rate tried, and the capacity found."""
    clock = RecordClock(stack.store())
    temporal = await Client.connect(stack.temporal_address)
    await warm_up(stack, clock, 4)
    lines, passed = [], 0.0
    async with http_client(stack.web_url, stack.token) as http:
        for rate in args.capacity_rates:
            created: list[str] = []

            async def intake(n: int, created: list[str] = created) -> None:
                created.append(await open_case(http, f"cap-{uuid.uuid4()}", n))

            before, began = stack.cpu_seconds(), time.monotonic()
            await open_loop(rate, args.step, intake, concurrency=64)
            sent = time.monotonic() - began
            ids = {uuid.UUID(c) for c in created}
            await drain(clock, ids, temporal)
            cpu = cpu_per_case(before, stack.cpu_seconds(), len(ids))
            lags, missing = clock.lags(ids, until=WORKFLOW_TRIAGED)
            ok = not missing and percentiles_ms(lags)["p95"] < LAG_TARGET_S * 1000
            lines.append(f"  {workers} worker(s) {rate:4.1f}/s offered, {len(ids) / sent:4.1f}/s "
                         f"opened {'PASS' if ok else 'FAIL'}: triage lag (s) workflow "
                         f"{lag_line(lags, missing)}; record {lag_line(*clock.lags(ids))}\n"
                         f"      CPU ms per case {cpu_line(cpu)}")
            if not ok:
                break
            passed = rate
    lines.append(f"  capacity with {workers} worker(s): {passed:.1f} cases/s "
                 f"(highest rate tried at which workflows knew of triage within "
                 f"{LAG_TARGET_S:.0f} s of intake at p95)")
    return lines


Phase = Callable[[Stack], Coroutine[Any, Any, list[str]]]


def run_on_stack(phase: Phase, *, workers: int = 1,
                 settings: dict[str, str] | None = None, partners: bool = False) -> list[str]:
    """Start a stack in a fresh directory, run `phase` on it, stop it."""
    with running_stack(workers=workers, settings=settings, partners=partners) as stack:
        return asyncio.run(phase(stack))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--duration", type=float, default=20.0, help="seconds of worst-week load per backend")
    add("--rate", type=float, default=3.0, help="intake cases/s during the worst week")
    add("--burst", type=int, default=30, help="cases opened at once half way")
    add("--caseworkers", type=int, default=4, help="clients completing tasks")
    add("--readers", type=int, default=8, help="clients reading the same few cases")
    add("--hot", type=int, default=3, help="how many cases the readers read")
    add("--starts", type=int, default=200, help="bare start_workflow calls")
    add("--backends", default="sqlite,postgres", help="event stores: sqlite, postgres")
    add("--postgres-url", default=os.environ.get("DA_TEST_POSTGRES_URL", POSTGRES_URL))
    add("--capacity-rates", type=lambda s: [float(x) for x in s.split(",") if x],
        default=[2.0, 4.0, 8.0, 12.0, 16.0], help="intake rates tried, cases/s")
    add("--step", type=float, default=10.0, help="seconds at each capacity rate")
    add("--workers", type=lambda s: [int(x) for x in s.split(",") if x], default=[1, 2],
        help="worker counts for the capacity phase (empty: skip it)")
    add("--setting", action="append", default=[], metavar="DA_X=V",
        help="a setting for every process, e.g. DA_WORKER_WORKFLOW_TASK_SLOTS=4")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = dict(s.split("=", 1) for s in args.setting)
    table = [f"== load benchmark: bench/load.py ==\nmachine: {os.cpu_count()} CPUs, "
             f"{platform.system()} {platform.machine()}, Python {platform.python_version()}; "
             f"load average {os.getloadavg()[0]:.1f} at start; settings {settings or 'default'}"]
    for backend in filter(None, args.backends.split(",")):
        print(f"worst week on {backend} ...", file=sys.stderr, flush=True)
        table.append(f"\nworst week, event store {backend}, {args.duration:.0f} s: intake "
                     f"{args.rate}/s + burst {args.burst}, {args.caseworkers} caseworkers, "
                     f"{args.readers} readers of {args.hot} cases, partners acknowledging")

        phase: Phase = partial(worst_week, args)
        if backend == "postgres":
            with postgres_schema(args.postgres_url) as url:
                table += run_on_stack(phase, settings={**settings, "DA_EVENT_STORE_URL": url},
                                      partners=True)
        else:
            table += run_on_stack(phase, settings=settings, partners=True)
    for workers in args.workers:
        print(f"capacity with {workers} worker(s) ...", file=sys.stderr, flush=True)
        table.append(f"\ntriage capacity, event store sqlite, {args.step:.0f} s per rate")
        table += run_on_stack(partial(capacity, args, workers=workers),
                              workers=workers, settings=settings)
    table.append(f"\nload average {os.getloadavg()[0]:.1f} at the end (other work on the machine "
                 "skews times; CPU ms per case less so)")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())

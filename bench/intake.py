"""Intake throughput: how fast caseworkers can open cases over HTTP, against the ceiling that
Temporal itself sets on the same machine.

Run: `.venv/bin/python bench/intake.py [--clients 16] [--cases 400] [--starts 400]`

It starts the whole embedded default, as `make run` does, in a fresh temporary directory and
on free loopback ports: the Temporal dev server (its own SQLite file), one worker and the web
app, with the event store in SQLite. Then it measures, in one run:

1. Intake: N concurrent clients (one `httpx.AsyncClient` and one staff id each) `POST /cases`
   until `--cases` cases are open, each with its own Idempotency-Key. Every response must be
   201. It reports cases/s and the latency percentiles, then the triage lag of every case
   (from its `Opened` to its `TriageDecided` event, read from the event store, which costs
   the system nothing), and checks that a sample of the workflows say so too: one
   `GET /cases/{id}/tasks` a second per sampled case until `triage_done`.
2. Bare starts: `--starts` calls of `client.start_workflow` of a workflow type no worker
   serves, with the same concurrency N, over one plain client (default data converter). These
   workflows are terminated afterwards.

Why the ratio intake cases/s ÷ start_workflow/s: every intake request stores the case in the
event store and then starts the case's workflow (encrypted payloads), so the bare start rate is
the ceiling intake could reach if storing, HTTP and encryption cost nothing. A ratio near 1
says Temporal's start is the bottleneck; a small ratio says the time goes elsewhere. Bear in
mind that on a small machine everything shares the CPUs: during intake the worker is already
triaging the cases that came in, and the dev server serves both.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import sys
import time
import uuid

import httpx
from calls import bench_starts, http_client, open_case
from lags import WORKFLOW_TRIAGED, RecordClock
from runs import Run, failures_line, latency_line, run_pool, seconds_line
from stack import Stack, running_stack
from temporalio.client import Client

TRIAGE_TIMEOUT_S = 60.0  # how long to wait for triage
POLL_INTERVAL_S = 1.0  # between two reads of one case's tasks (reads cost the system too)
WARMUP_CASES = 4


async def bench_intake(web_url: str, token: str, clients: int, cases: int, run_id: str
                       ) -> tuple[Run, list[str]]:
    """`cases` cases opened by `clients` concurrent clients; returns the run and the case ids."""
    created: list[str] = []
    async with contextlib.AsyncExitStack() as stack:
        https = [await stack.enter_async_context(http_client(web_url, token))
                 for _ in range(clients)]

        async def op(client: int, item: int) -> None:
            created.append(await open_case(https[client], f"{run_id}-case-{item}", item))

        run = await run_pool(clients, cases, op)
    return run, created


async def warm_up(web_url: str, token: str, run_id: str) -> None:
    """A few cases first, triaged before the clock starts: the worker is polling by then."""
    async with http_client(web_url, token) as http:
        ids = [await open_case(http, f"{run_id}-warmup-{i}", i) for i in range(WARMUP_CASES)]
    triaged, _ = await wait_triaged(web_url, token, ids)
    if triaged < len(ids):
        raise SystemExit(f"warm-up: only {triaged}/{len(ids)} cases triaged in "
                         f"{TRIAGE_TIMEOUT_S:.0f}s; is the worker running?")


async def triaged_after(http: httpx.AsyncClient, case_id: str, deadline: float) -> float | None:
    """Seconds on the loop clock at which the case's workflow reported triage done, or None."""
    loop = asyncio.get_running_loop()
    while loop.time() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            response = await http.get(f"/cases/{case_id}/tasks")
            if response.status_code == 200 and response.json()["triage_done"]:
                return loop.time()
        await asyncio.sleep(POLL_INTERVAL_S)
    return None


async def wait_triaged(web_url: str, token: str, case_ids: list[str]) -> tuple[int, float]:
    """How many of the cases got triaged, and how long until the last of them was."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with http_client(web_url, token) as http:
        done = await asyncio.gather(*(
            triaged_after(http, case_id, started + TRIAGE_TIMEOUT_S) for case_id in case_ids))
    times = [t - started for t in done if t is not None]
    return len(times), max(times, default=0.0)


def sample(items: list[str], size: int) -> list[str]:
    """`size` items spread evenly over the list, the last one (opened last) included."""
    if len(items) <= size:
        return list(items)
    step = len(items) / size
    return [items[len(items) - 1 - int(i * step)] for i in range(size)]


# --- Summary ---------------------------------------------------------------------------------


def print_summary(args: argparse.Namespace, intake: Run, sampled: int, triaged: int,
                  triage_s: float, starts: Run, lags: tuple[list[float], int],
                  known: tuple[list[float], int], cpu: dict[str, float]) -> None:
    ratio = intake.rate / starts.rate if starts.rate else float("nan")
    print(f"""
== intake benchmark: bench/intake.py ==
machine:  {os.cpu_count()} CPUs (os.cpu_count()), {platform.system()} {platform.machine()}, \
Python {platform.python_version()}
stack:    Temporal dev server (SQLite) + 1 worker + web app, event store SQLite, all local
clients:  N = {args.clients} concurrent

intake over HTTP (POST /cases: store the case, start its encrypted CaseWorkflow)
  cases:      {intake.succeeded} created of {args.cases} in {intake.wall:.2f} s \
= {intake.rate:.1f} cases/s
  latency ms: {latency_line(intake.latencies)}
  failures:   {failures_line(intake)}
  triage lag: {len(lags[0])} cases triaged, {lags[1]} not within {TRIAGE_TIMEOUT_S:.0f} s; \
s from Opened to TriageDecided event {seconds_line(lags[0])}
  workflows:  {len(known[0])} knew of triage, {known[1]} not; s from Opened to the end of \
the workflow task that took it in {seconds_line(known[0])}
  read back:  {triaged}/{sampled} sampled cases report triage done, the last {triage_s:.2f} s \
after the record showed every case triaged
  CPU ms per case, intake to triage: \
{"  ".join(f"{name} {ms:.1f}" for name, ms in cpu.items())}

bare client.start_workflow (no worker for the type, default data converter)
  starts:     {starts.succeeded} of {args.starts} in {starts.wall:.2f} s \
= {starts.rate:.1f} starts/s
  latency ms: {latency_line(starts.latencies)}
  failures:   {failures_line(starts)}

ratio intake cases/s ÷ start_workflow/s = {ratio:.2f}
""".rstrip())


# --- Main ------------------------------------------------------------------------------------

async def wait_recorded(clock: RecordClock, case_ids: list[str]) -> tuple[list[float], int]:
    """Triage lags of the cases once the record shows all triaged, or at the time limit."""
    ids = {uuid.UUID(c) for c in case_ids}
    deadline = time.monotonic() + TRIAGE_TIMEOUT_S
    while True:
        await asyncio.to_thread(clock.read)
        lags, missing = clock.lags(ids)
        if not missing or time.monotonic() > deadline:
            return lags, missing
        await asyncio.sleep(0.5)


async def measure(args: argparse.Namespace, stack: Stack) -> bool:
    """Both phases against the running stack; True when every case came back 201 and was
    triaged, and the sampled workflows all say so."""
    run_id = uuid.uuid4().hex[:12]
    clock = RecordClock(stack.store())
    await warm_up(stack.web_url, stack.token, run_id)
    before = stack.cpu_seconds()
    intake, created = await bench_intake(stack.web_url, stack.token, args.clients, args.cases,
                                         run_id)
    lags = await wait_recorded(clock, created)
    ids, deadline = {uuid.UUID(c) for c in created}, time.monotonic() + TRIAGE_TIMEOUT_S
    temporal = await Client.connect(stack.temporal_address)
    while True:  # histories are read once each case is triaged in the record
        await clock.read_workflows(temporal, ids)
        known = clock.lags(ids, until=WORKFLOW_TRIAGED)
        if not known[1] or time.monotonic() > deadline:
            break
        await asyncio.sleep(1.0)
    after = stack.cpu_seconds()  # includes reading the histories: a little too high
    cpu = {name: 1000 * (after[name] - before[name]) / max(len(created), 1) for name in after}
    cpu["total"] = sum(cpu.values())
    sampled = sample(created, args.sample)
    triaged, triage_s = await wait_triaged(stack.web_url, stack.token, sampled)
    starts = await bench_starts(stack.temporal_address, args.clients, args.starts, run_id)
    print_summary(args, intake, len(sampled), triaged, triage_s, starts, lags, known, cpu)
    return (intake.succeeded == args.cases and not lags[1] and not known[1]
            and triaged == len(sampled))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (N)")
    parser.add_argument("--cases", type=int, default=400, help="cases to open over HTTP")
    parser.add_argument("--starts", type=int, default=400, help="bare start_workflow calls")
    parser.add_argument("--sample", type=int, default=20, help="cases checked for triage")
    args = parser.parse_args(argv)
    for name in ("clients", "cases", "starts", "sample"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ok = False
    try:
        print("starting Temporal dev server, worker and web app ...", flush=True)
        with running_stack() as stack:
            print(f"ready in {stack.data_dir}; warming up, then {args.cases} cases from "
                  f"{args.clients} clients", flush=True)
            ok = asyncio.run(measure(args, stack))
            if not ok:
                print(stack.log_tails(), file=sys.stderr)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

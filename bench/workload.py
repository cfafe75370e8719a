"""The pieces bench/load.py drives its load with: an open-loop schedule, operations timed by
kind, a caseworker completing a task, waiting for triage, and the lines of its table."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable

import httpx
from calls import http_client, open_case
from lags import WORKFLOW_TRIAGED, RecordClock
from runs import percentiles_ms
from stack import Stack
from temporalio.client import Client

from aggregates.tasks import OUTCOMES, TaskKind

DRAIN_TIMEOUT_S = 45.0  # after a phase, how long to wait for triage to catch up


class Ops:
    """Latencies and failures per kind of operation, and the phase's wall time."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, Counter[str]] = defaultdict(Counter)
        self.wall = 0.0

    async def timed(self, kind: str, call: Awaitable[object]) -> object | None:
        began = time.perf_counter()
        try:
            result = await asyncio.wait_for(call, 30.0)
        except httpx.HTTPStatusError as e:
            self.failures[kind][f"HTTP {e.response.status_code}"] += 1
        except Exception as e:
            self.failures[kind][str(e) if str(e).startswith("HTTP") else type(e).__name__] += 1
        else:
            self.latencies[kind].append(time.perf_counter() - began)
            return result
        return None


async def get_json(http: httpx.AsyncClient, path: str) -> object:
    response = await http.get(path)
    response.raise_for_status()
    return response.json()


async def complete_one(http: httpx.AsyncClient, ops: Ops, case_id: str) -> None:
    """A caseworker opens a case's tasks and completes the first one a generic outcome fits."""
    tasks = await ops.timed("caseworker reads tasks", get_json(http, f"/cases/{case_id}/tasks"))
    if not isinstance(tasks, dict) or not tasks.get("triage_done"):
        return
    for task in tasks["tasks"]:
        outcomes = sorted(OUTCOMES.get(TaskKind(task["kind"]), ()))
        if outcomes:
            async def post(task_id: str = task["task_id"], outcome: str = outcomes[0]) -> None:
                response = await http.post(
                    f"/cases/{case_id}/tasks/{task_id}/complete", json={"outcome": outcome},
                    headers={"Idempotency-Key": str(uuid.uuid4())})
                response.raise_for_status()
            await ops.timed("caseworker completes task", post())
            return


async def open_loop(rate: float, seconds: float, fire: Callable[[int], Awaitable[None]],
                    burst: int = 0, concurrency: int = 16) -> None:
    """Call `fire(n)` `rate` times a second for `seconds` (and `burst` calls at once half
    way), whether or not earlier calls have answered, at most `concurrency` in flight."""
    gate = asyncio.Semaphore(concurrency)
    loop = asyncio.get_running_loop()
    started = loop.time()
    at = [i / rate for i in range(int(rate * seconds))] + [seconds / 2] * burst
    pending = []

    async def one(n: int, when: float) -> None:
        await asyncio.sleep(max(0.0, started + when - loop.time()))
        async with gate:
            await fire(n)

    pending = [asyncio.create_task(one(n, when)) for n, when in enumerate(sorted(at))]
    await asyncio.gather(*pending)


async def drain(clock: RecordClock, ids: set[uuid.UUID], client: Client | None = None) -> None:
    """Wait (bounded) until every case in `ids` has been triaged, in the record and, given a
    Temporal `client`, in its workflow."""
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        await asyncio.to_thread(clock.read)
        if not clock.lags(ids)[1]:
            break
        await asyncio.sleep(0.5)
    while client and time.monotonic() < deadline:
        await clock.read_workflows(client, ids)
        if not clock.lags(ids, until=WORKFLOW_TRIAGED)[1]:
            return
        await asyncio.sleep(1.0)


async def warm_up(stack: Stack, clock: RecordClock, count: int) -> list[str]:
    """`count` cases opened and triaged before any clock starts."""
    async with http_client(stack.web_url, stack.token) as http:
        ids = [await open_case(http, f"warm-{uuid.uuid4()}", i) for i in range(count)]
    await drain(clock, {uuid.UUID(i) for i in ids})
    return ids


def cpu_per_case(before: dict[str, float], after: dict[str, float], cases: int) -> dict[str, float]:
    """CPU ms per case by process, partners' and workers' summed under one name each."""
    out: defaultdict[str, float] = defaultdict(float)
    for name, seconds in after.items():
        group = "partners" if name.startswith("partner-") else name
        group = "workers" if group.startswith("worker-") else group
        out[group] += 1000 * (seconds - before.get(name, seconds)) / max(cases, 1)
    out["total"] = sum(out.values())
    return dict(out)


def lag_line(lags: list[float], missing: int) -> str:
    p = percentiles_ms(lags)
    late = f" ({missing} not reached)" if missing else ""
    return (f"p50 {p['p50'] / 1000:.2f} p95 {p['p95'] / 1000:.2f} p99 {p['p99'] / 1000:.2f} "
            f"max {p['max'] / 1000:.2f}{late}")


def cpu_line(cpu: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.1f}" for k, v in cpu.items())

"""Running many operations with bounded concurrency, count and time, and summarising their
latencies (milliseconds) and failures: shared by bench/intake.py and bench/load.py."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

REQUEST_TIMEOUT_S = 30.0  # one HTTP request or one start_workflow call
PHASE_TIMEOUT_S = 120.0  # no new request is sent after this long in one phase


@dataclass
class Run:
    """What one phase did: latencies of the successes, failures by kind, wall time."""

    requested: int
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0

    @property
    def succeeded(self) -> int:
        return len(self.latencies)

    @property
    def not_attempted(self) -> int:
        return self.requested - self.succeeded - sum(self.failures.values())

    @property
    def rate(self) -> float:
        return self.succeeded / self.wall if self.wall else 0.0


class Refused(Exception):
    """An operation that completed but not as it must (e.g. a status other than 201)."""


Operation = Callable[[int, int], Awaitable[None]]  # (client number, item number)


async def run_pool(concurrency: int, total: int, op: Operation,
                   timeout: float = PHASE_TIMEOUT_S) -> Run:
    """`total` calls of `op`, at most `concurrency` at a time; none starts after `timeout`."""
    run = Run(requested=total)
    items = iter(range(total))
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + timeout

    async def client_loop(client: int) -> None:
        for item in items:  # one shared iterator: each item is taken exactly once
            if loop.time() > deadline:
                return
            began = time.perf_counter()
            try:
                await asyncio.wait_for(op(client, item), REQUEST_TIMEOUT_S)
            except Refused as e:
                run.failures[str(e)] += 1
            except Exception as e:
                run.failures[type(e).__name__] += 1
            else:
                run.latencies.append(time.perf_counter() - began)

    await asyncio.gather(*(client_loop(c) for c in range(concurrency)))
    run.wall = loop.time() - started
    return run


def percentiles_ms(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {k: float("nan") for k in ("p50", "p95", "p99", "max")}
    ms = [s * 1000 for s in latencies]
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(ms)}


def latency_line(latencies: list[float]) -> str:
    return "  ".join(f"{k} {v:.1f}" for k, v in percentiles_ms(latencies).items())


def failures_line(run: Run) -> str:
    parts = [f"{n}× {kind}" for kind, n in run.failures.most_common()]
    if run.not_attempted:
        parts.append(f"{run.not_attempted} not attempted (phase time limit)")
    return f"{sum(run.failures.values()) + run.not_attempted}" + (
        f" ({', '.join(parts)})" if parts else "")


def seconds_line(lags: list[float]) -> str:
    return "  ".join(f"{k} {v / 1000:.2f}" for k, v in percentiles_ms(lags).items())

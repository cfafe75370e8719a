"""The calls the benchmarks make: a caseworker's client opening a case over HTTP (fictional
people), and bare `start_workflow` calls of a workflow no worker serves (Temporal's own
ceiling on this machine)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import httpx
from runs import REQUEST_TIMEOUT_S, Refused, Run, run_pool
from temporalio.client import Client


def report_body(item: int) -> dict[str, object]:
    """A report as a Dover caseworker's client posts it; fictional people."""
    return {
        "council": "dover", "channel": "telephone",
        "reported_at": datetime.now(UTC).isoformat(),
        "reporter": {"kind": "victim"},
        "victim": {"name": f"Bench Victim {item}", "address": f"{item} Bench Street",
                   "phone": "07700 900000"},
        "immediate_risk": False,
        "household": {"adults": [{"name": f"Bench Victim {item}"}], "children": [{"age": 6}]},
        "tenure": "council_general_needs", "perpetrator_lives_at_address": False,
        "summary": "Benchmark report: fictional.",
    }


def http_client(web_url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=web_url, timeout=REQUEST_TIMEOUT_S, trust_env=False,
        headers={"Authorization": f"Bearer {token}"},
    )


async def open_case(http: httpx.AsyncClient, key: str, item: int) -> str:
    response = await http.post("/cases", json=report_body(item), headers={"Idempotency-Key": key})
    if response.status_code != 201:
        raise Refused(f"HTTP {response.status_code}")
    return str(response.json()["case_id"])


async def bench_starts(address: str, clients: int, starts: int, run_id: str) -> Run:
    """`starts` workflows started (never run: no worker polls their queue), then terminated."""
    client = await Client.connect(address)
    queue = f"bench-{run_id}"
    ids = [f"bench-{run_id}-{i}" for i in range(starts + 2)]
    started: list[str] = []

    async def start(_: int, item: int) -> None:
        await client.start_workflow("BenchNoop", id=ids[item], task_queue=queue)
        started.append(ids[item])

    await run_pool(2, 2, lambda c, i: start(c, starts + i))  # warm-up, not measured
    run = await run_pool(clients, starts, start)
    await terminate(client, clients, started)
    return run


async def terminate(client: Client, clients: int, workflow_ids: list[str]) -> None:
    """Best effort: the bench workflows should not linger."""

    async def op(_: int, item: int) -> None:
        await client.get_workflow_handle(workflow_ids[item]).terminate(reason="benchmark done")

    run = await run_pool(clients, len(workflow_ids), op, timeout=60.0)
    if run.succeeded < len(workflow_ids):
        print(f"note: terminated {run.succeeded}/{len(workflow_ids)} bench workflows "
              f"({dict(run.failures)})", file=sys.stderr)

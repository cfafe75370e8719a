"""Scaling out is adding processes: two workers and two web processes on one Temporal dev
server and one PostgreSQL event store. The same report sent to both web processes at once
opens one case; the same task completed through both at once is completed once; every case is
triaged once and its referral delivered once; the task board answers on both; nothing is a
500."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy

from tests.conftest import POSTGRES_URL
from tests.e2e.fault_stack import Stack
from tests.support import eventually, report_body

CASES = 6

pytestmark = pytest.mark.postgres


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own on the PostgreSQL server, dropped afterwards."""
    name = f"replicas_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def stack(tmp_path: Path, database: str) -> Iterator[Stack]:
    running = Stack(tmp_path, event_store_url=database, workers=2, webs=2)
    try:
        running.prepare()
        running.start_all()
        yield running
    finally:
        running.stop()


def never_500(responses: list[httpx.Response]) -> list[httpx.Response]:
    for response in responses:
        assert response.status_code < 500, (response.request.url, response.text)
    return responses


async def both(clients: list[httpx.AsyncClient], method: str, url: str,
               **kwargs: Any) -> list[httpx.Response]:
    """The same request to both web processes at the same moment."""
    return never_500(list(await asyncio.gather(
        *(http.request(method, url, **kwargs) for http in clients))))


async def test_two_workers_and_two_web_processes_handle_each_case_once(stack: Stack) -> None:
    clients = [stack.client(1), stack.client(2)]
    try:
        # Each report is sent to both web processes at once (a client retrying on another
        # replica): one case each.
        case_ids = []
        for _ in range(CASES):
            body, key = report_body(), str(uuid.uuid4())
            answers = await both(clients, "POST", "/cases", json=body,
                                 headers={"Idempotency-Key": key})
            assert sorted(a.status_code for a in answers) == [201, 409], [
                a.text for a in answers]
            assert len({a.json()["case_id"] for a in answers}) == 1
            case_ids.append(answers[0].json()["case_id"])
            # Both read the task board at once while cases are being written.
            await both(clients, "GET", "/work/tasks")
        opened = [c for _, c, is_opened in stack.store().intake_progress(0) if is_opened]
        assert sorted(str(c) for c in opened) == sorted(case_ids)

        # The same task completed through both at once: once.
        for index, case_id in enumerate(case_ids):
            http = clients[index % 2]

            async def triaged(http: httpx.AsyncClient = http, case_id: str = case_id
                              ) -> dict[str, Any] | None:
                response = never_500([await http.get(f"/cases/{case_id}/tasks")])[0]
                body = response.json()
                return body if response.status_code == 200 and body["triage_done"] else None
            tasks = {t["kind"]: t for t in (await eventually(triaged, timeout=60))["tasks"]}
            manager = tasks["tell_line_manager_and_dso"]["task_id"]
            answers = list(never_500(list(await asyncio.gather(*(
                client.post(f"/cases/{case_id}/tasks/{manager}/complete",
                            json={"outcome": "done"}) for client in clients)))))
            assert sorted(a.status_code for a in answers) == [200, 409], [
                a.text for a in answers]

        # Every case triaged once, its referral delivered once, its task completed once.
        store = stack.store()

        def delivered_everywhere() -> bool:
            return all(Counter(e.type for e in store.events_of(uuid.UUID(c)))[
                "ReferralDelivered"] >= 1 for c in case_ids)
        await eventually(lambda: asyncio.to_thread(delivered_everywhere), timeout=60)
        await asyncio.sleep(1.0)
        for case_id in case_ids:
            seen = Counter(e.type for e in store.events_of(uuid.UUID(case_id)))
            assert (seen["Opened"], seen["TriageDecided"], seen["ReferralDelivered"],
                    seen["TaskCompleted"]) == (1, 1, 1, 1), (case_id, seen)
        assert stack.partner is not None
        received = Counter(m["message_id"].split(":")[0]
                           for m in stack.partner.received()["messages"])
        assert received == dict.fromkeys(case_ids, 1)

        # The task board, read on both at once, lists every case's new task on each.
        for board in await both(clients, "GET", "/work/tasks"):
            assert board.status_code == 200, board.text
            for case_id in case_ids:
                assert f"/work/cases/{case_id}/tasks/" in board.text
    finally:
        for http in clients:
            await http.aclose()

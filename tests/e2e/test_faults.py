"""Faults at every step of a case's life: the worker, the web process or the Temporal dev server
is killed with SIGKILL during intake (and the referral's delivery), a task's completion, a
partner's acknowledgement, a deadline falling due, and a continue-as-new; then restarted. No
case is lost, half-written or duplicated, no request gets a 500, and every deadline escalates
exactly once (D 8.14: a missed deadline is escalated, never dropped).

One stack of real processes serves the module; each test opens its own case."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client

from temporal_contracts.payloads import case_workflow_id
from tests.e2e.fault_stack import CHILDRENS, Stack
from tests.support import eventually, report_body

VICTIMS = ["worker-1", "web-1", "temporal"]
KILL_AFTER_S = 0.05  # long enough for the request to be under way, short enough to cut it


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(Path(tmp_path_factory.mktemp("faults")))
    try:
        running.prepare()
        running.start_all()
        yield running
    finally:
        running.stop()


async def until_final(send: Callable[[], Awaitable[httpx.Response]],
                      timeout: float = 60) -> httpx.Response:
    """Send until the answer is final: a dropped connection or a 503 (something restarting)
    is retried, as a client would; a 500 is never acceptable."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        with contextlib.suppress(httpx.TransportError):
            response = await send()
            assert response.status_code != 500, response.text
            if response.status_code != 503:
                return response
        assert asyncio.get_running_loop().time() < deadline, "no final answer"
        await asyncio.sleep(0.3)


async def crash_during(stack: Stack, victim: str,
                       send: Callable[[], Coroutine[Any, Any, httpx.Response]]
                       ) -> httpx.Response:
    """Send a request, kill `victim` while it is under way, restart, and send it again."""
    first = asyncio.create_task(send())
    await asyncio.sleep(KILL_AFTER_S)
    stack.kill(victim)
    stack.restart_dead()
    with contextlib.suppress(httpx.TransportError):
        answer = await first
        assert answer.status_code != 500, answer.text
    return await until_final(send)


def counts(stack: Stack, case_id: str) -> Counter[str]:
    return Counter(e.type for e in stack.store().events_of(uuid.UUID(case_id)))


async def open_case(stack: Stack, **overrides: Any) -> str:
    body = report_body(**overrides)
    async with stack.client() as http:
        opened = await until_final(lambda: http.post(
            "/cases", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}))
        assert opened.status_code == 201, opened.text
        return str(opened.json()["case_id"])


async def tasks_of(stack: Stack, case_id: str) -> dict[str, dict[str, Any]]:
    async with stack.client() as http:
        async def triaged() -> dict[str, Any] | None:
            response = await http.get(f"/cases/{case_id}/tasks")
            return response.json() if response.status_code == 200 and response.json()[
                "triage_done"] else None
        return {t["kind"]: t for t in (await eventually(triaged, timeout=60))["tasks"]}


async def delivered_referral(stack: Stack, case_id: str) -> dict[str, Any]:
    async with stack.client() as http:
        async def probe() -> dict[str, Any] | None:
            response = await http.get(f"/cases/{case_id}/referrals")
            found = [r for r in response.json() if r["status"] != "queued"] if (
                response.status_code == 200) else []
            return found[0] if found else None
        return await eventually(probe, timeout=60)


def escalations_of(stack: Stack, case_id: str, task_id: str) -> int:
    """How many times the task's deadline escalated. Counted per task: a report made just
    before 5pm also has its "tell the line manager" task fall due at close of day (D 8.9),
    which escalates too, rightly, whenever these tests run near 6pm."""
    return sum(1 for e in stack.store().events_of(uuid.UUID(case_id))
               if e.type == "DeadlineEscalated" and e.data.get("task_id") == task_id)


async def escalates_once(stack: Stack, case_id: str, task_id: str) -> None:
    """The task's deadline comes to have escalated, and stays escalated once, a while."""
    await eventually(lambda: asyncio.to_thread(
        lambda: escalations_of(stack, case_id, task_id) >= 1), timeout=60)
    await asyncio.sleep(1.0)
    assert escalations_of(stack, case_id, task_id) == 1, counts(stack, case_id)


async def settles(stack: Stack, case_id: str, event: str, expected: int = 1) -> None:
    """The case comes to hold `expected` events of type `event`, and stays so a while."""
    await eventually(lambda: asyncio.to_thread(
        lambda: counts(stack, case_id)[event] >= expected), timeout=60)
    await asyncio.sleep(1.0)
    assert counts(stack, case_id)[event] == expected, counts(stack, case_id)


@pytest.mark.parametrize("victim", VICTIMS)
async def test_intake_and_delivery_survive_a_kill(stack: Stack, victim: str) -> None:
    store = stack.store()
    position = max((p for p, _, _ in store.intake_progress(0)), default=0)
    body, key = report_body(), str(uuid.uuid4())
    async with stack.client() as http:
        answer = await crash_during(stack, victim, lambda: http.post(
            "/cases", json=body, headers={"Idempotency-Key": key}))
    assert answer.status_code in (201, 409), answer.text
    case_id = answer.json()["case_id"]
    # One case for the one request, triaged once; its referral delivered once.
    assert [str(c) for _, c, opened in store.intake_progress(position) if opened] == [case_id]
    await tasks_of(stack, case_id)
    await delivered_referral(stack, case_id)
    await settles(stack, case_id, "ReferralDelivered")
    seen = counts(stack, case_id)
    assert (seen["Opened"], seen["TriageDecided"], seen["ReferralOpened"]) == (1, 1, 1)
    assert stack.partner is not None
    got = [m for m in stack.partner.received()["messages"]
           if m["message_id"].startswith(case_id)]
    assert len(got) == 1, "the partner got the referral more than once under different ids"


@pytest.mark.parametrize("victim", VICTIMS)
async def test_a_completion_survives_a_kill(stack: Stack, victim: str) -> None:
    case_id = await open_case(stack)
    manager = (await tasks_of(stack, case_id))["tell_line_manager_and_dso"]["task_id"]
    key = str(uuid.uuid4())
    async with stack.client() as http:
        answer = await crash_during(stack, victim, lambda: http.post(
            f"/cases/{case_id}/tasks/{manager}/complete", json={"outcome": "done"},
            headers={"Idempotency-Key": key}))
    assert answer.status_code in (200, 409), answer.text
    await settles(stack, case_id, "TaskCompleted")
    # D 8.28: the safeguarding report follows, once.
    opened = [e.data["task"]["kind"] for e in stack.store().events_of(uuid.UUID(case_id))
              if e.type == "TaskOpened"]
    assert opened.count("log_safeguarding_report") == 1


@pytest.mark.parametrize("victim", VICTIMS)
async def test_an_acknowledgement_survives_a_kill(stack: Stack, victim: str) -> None:
    """The partner retries its acknowledgement with the same id until it gets an answer; a
    genuine acknowledgement is never lost to our crash, nor recorded twice."""
    case_id = await open_case(stack)
    referral = await delivered_referral(stack, case_id)
    body, headers = stack.signed_ack(case_id, referral["referral_id"], referral["digest"])
    async with httpx.AsyncClient(base_url=stack.url(), timeout=60) as partner:
        answer = await crash_during(stack, victim, lambda: partner.post(
            f"/partners/{CHILDRENS}/messages", content=body, headers=headers))
    assert answer.status_code in (202, 401), answer.text
    await settles(stack, case_id, "ReferralAcknowledged")


async def test_an_acknowledgement_cut_off_by_a_crash_of_everything_is_not_lost(
        stack: Stack) -> None:
    """The web process has taken the acknowledgement's id (the replay guard) and waits on the
    case's workflow when the worker, the web process and Temporal all die. The partner's
    retry, with the same id, must still land on the case: a genuine message is never lost to
    our own timing."""
    case_id = await open_case(stack)
    referral = await delivered_referral(stack, case_id)
    body, headers = stack.signed_ack(case_id, referral["referral_id"], referral["digest"])
    stack.kill("worker-1")  # the update now waits in the web process for a worker
    async with httpx.AsyncClient(base_url=stack.url(), timeout=60) as partner:
        first = asyncio.create_task(partner.post(f"/partners/{CHILDRENS}/messages",
                                                 content=body, headers=headers))
        await asyncio.sleep(1.0)
        for name in ("web-1", "temporal"):
            stack.kill(name)
        stack.restart_dead()
        with contextlib.suppress(httpx.TransportError):
            await first
        retry = await until_final(lambda: partner.post(f"/partners/{CHILDRENS}/messages",
                                                       content=body, headers=headers))
    if retry.status_code != 202:  # refused as a replay: only right if it was recorded
        await asyncio.sleep(3)
        assert counts(stack, case_id)["ReferralAcknowledged"] == 1, (
            f"the retry was refused ({retry.status_code} {retry.text}) and the case never "
            "recorded the acknowledgement")
    await settles(stack, case_id, "ReferralAcknowledged")


@pytest.mark.parametrize("victim", VICTIMS)
async def test_a_deadline_fires_once_across_a_kill(stack: Stack, victim: str) -> None:
    """Immediate risk (D 8.10): the police are to be called within the hour. Reported 59
    minutes and a few seconds ago, the deadline falls due while `victim` is down."""
    due_in = timedelta(seconds=6)
    reported = datetime.now(UTC) - timedelta(minutes=60) + due_in
    case_id = await open_case(stack, immediate_risk=True, reported_at=reported.isoformat())
    police = (await tasks_of(stack, case_id))["contact_police_now"]
    stack.kill(victim)
    await asyncio.sleep(max(0.0, (datetime.fromisoformat(police["due_at"])
                                  - datetime.now(UTC)).total_seconds()) + 1)
    stack.restart_dead()
    await escalates_once(stack, case_id, police["task_id"])


@pytest.mark.parametrize("victim", VICTIMS)
async def test_continue_as_new_survives_a_kill_and_keeps_its_deadlines(
        stack: Stack, victim: str) -> None:
    """Commands grow the workflow's history until Temporal suggests a fresh run; `victim` is
    killed as the run continues as new. The tasks carry over and the police deadline, falling
    due after the new run started, escalates exactly once."""
    reported = datetime.now(UTC) - timedelta(minutes=60) + timedelta(seconds=12)
    case_id = await open_case(stack, immediate_risk=True, reported_at=reported.isoformat())
    before = await tasks_of(stack, case_id)
    temporal = await Client.connect(stack.env["DA_TEMPORAL_ADDRESS"])
    handle = temporal.get_workflow_handle(case_workflow_id(case_id))
    first_run = (await handle.describe()).run_id
    contact = {"party": "victim", "purpose": "repairs_and_tenancy_management",
               "channel": "telephone"}
    async with stack.client() as http:
        for _ in range(30):
            recorded = await until_final(lambda: http.post(
                f"/cases/{case_id}/contacts", json=contact,
                headers={"Idempotency-Key": str(uuid.uuid4())}))
            assert recorded.status_code == 200, recorded.text
            if (await handle.describe()).run_id != first_run:
                break
        else:
            raise AssertionError("the workflow never continued as new")
        stack.kill(victim)
        stack.restart_dead()
        after = await until_final(lambda: http.post(
            f"/cases/{case_id}/contacts", json=contact,
            headers={"Idempotency-Key": str(uuid.uuid4())}))
        assert after.status_code == 200, after.text
    assert set(await tasks_of(stack, case_id)) == set(before)
    await escalates_once(stack, case_id, before["contact_police_now"]["task_id"])

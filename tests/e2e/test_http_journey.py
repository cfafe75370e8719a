"""End to end over real HTTP: the web app and the worker as their own processes (started as
`python -m casework web|worker`, exactly as `make run` does) against the Temporal dev server
and a SQLite file. Includes killing both processes mid-case and carrying on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore, store_env
from casework.keys import load_key
from tests.support import PERSONAL_STRINGS, eventually, free_port, report_body

ROOT = Path(__file__).resolve().parents[2]


class System:
    """The worker and web processes of one test, restartable."""

    def __init__(self, tmp_path: Path, payload_key: bytes, temporal_address: str) -> None:
        (tmp_path / "keys").mkdir()
        (tmp_path / "keys" / "payload.key").write_bytes(payload_key)
        self.port = free_port()
        self.env = {
            **os.environ,
            "DA_DATA_DIR": str(tmp_path),
            "DA_EVENT_STORE_URL": f"sqlite:///{tmp_path / 'events.sqlite3'}",
            "DA_EVENT_STORE_KEY_FILE": str(tmp_path / "keys" / "store.key"),
            "DA_TEMPORAL_PAYLOAD_KEY_FILE": str(tmp_path / "keys" / "payload.key"),
            "DA_TEMPORAL_ADDRESS": temporal_address,
            "DA_TEMPORAL_TASK_QUEUE": f"tq-{uuid.uuid4()}",
            "DA_WEB_PORT": str(self.port),
            "DA_RECONCILE_INTERVAL_SECONDS": "0.5",
            # No partner servers here (tests/e2e/test_partner_acknowledgements.py has them).
            "DA_PARTNER_DELIVERY": "recorded_stand_in",
        }
        self.log = tmp_path / "processes.log"
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        for command in (["keys"],
                        ["add-staff", "--staff-id", "cw-17", "--name", "Test caseworker",
                         "--role", "caseworker", "--team", "Tenancy Support Team",
                         "--council", "dover"]):
            subprocess.run([sys.executable, "-m", "casework", *command], env=self.env,
                           cwd=ROOT, check=True, capture_output=True)
        token = subprocess.run(
            [sys.executable, "-m", "casework", "issue-token", "cw-17", "--label", "e2e"],
            env=self.env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
        self.caseworker = {"Authorization": f"Bearer {token}"}

    def start(self) -> None:
        with self.log.open("ab") as log:
            for role in ("worker", "web"):
                self.procs[role] = subprocess.Popen(
                    [sys.executable, "-m", "casework", role], env=self.env, cwd=ROOT,
                    stdout=log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """As a crash would: SIGKILL, no clean shutdown."""
        for proc in self.procs.values():
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def store(self) -> CaseStore:
        """The event store the processes write, opened with the same key."""
        return CaseStore(store_env(self.env["DA_EVENT_STORE_URL"], load_key(
            Path(self.env["DA_EVENT_STORE_KEY_FILE"]), create=False)))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def system(tmp_path: Path, payload_key: bytes, dev_env: WorkflowEnvironment) -> Iterator[System]:
    running = System(tmp_path, payload_key, dev_env.client.service_client.config.target_host)
    running.start()
    try:
        yield running
    finally:
        running.stop()


async def up(http: httpx.AsyncClient) -> bool:
    try:
        return (await http.get("/healthz")).status_code == 200
    except httpx.TransportError:
        return False


async def test_caseworker_journey_over_http_survives_worker_and_web_restarts(
        system: System) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30,
                                 headers=system.caseworker) as http:
        await eventually(lambda: up(http), timeout=60)

        # A victim telephones: the case opens and triage gives its tasks (D 8.9, 8.14, 8.28).
        opened = await http.post("/cases", json=report_body(),
                                 headers={"Idempotency-Key": "intake-1"})
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]
        assert opened.headers["location"] == f"/cases/{case_id}"

        async def triaged() -> dict | None:
            body = (await http.get(f"/cases/{case_id}/tasks")).json()
            return body if body["triage_done"] else None
        tasks = (await eventually(triaged))["tasks"]
        by_kind = {t["kind"]: t for t in tasks}
        assert set(by_kind) == {"contact_victim", "tell_line_manager_and_dso",
                                "tell_housing_team"}
        assert by_kind["contact_victim"]["section"] == "D 8.14"

        # The same request again is a duplicate: 409 naming the case it opened.
        again = await http.post("/cases", json=report_body(),
                                headers={"Idempotency-Key": "intake-1"})
        assert again.status_code == 409 and again.json()["case_id"] == case_id

        # Crash both processes mid-case and bring them back.
        system.kill()
        system.start()
        await eventually(lambda: up(http), timeout=60)

        # The caseworker completes a task; the case moves on (D 8.28: safeguarding report).
        manager = by_kind["tell_line_manager_and_dso"]["task_id"]
        done = await http.post(f"/cases/{case_id}/tasks/{manager}/complete",
                               json={"outcome": "done"})
        assert done.status_code == 200, done.text
        assert "log_safeguarding_report" in {t["kind"] for t in done.json()["tasks"]}

        # Completing it again is a conflict; a bad outcome names the field and the rule.
        twice = await http.post(f"/cases/{case_id}/tasks/{manager}/complete",
                                json={"outcome": "done"})
        assert twice.status_code == 409
        assert twice.json()["errors"][0]["rule"] == "task_completed_once"
        contact = by_kind["contact_victim"]["task_id"]
        wrong = await http.post(f"/cases/{case_id}/tasks/{contact}/complete",
                                json={"outcome": "emailed"})
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0] | {"message": ""} == {
            "field": "outcome", "rule": "outcome_fits_task", "message": ""}

        # Every event is there, in order, with who and why.
        events = (await http.get(f"/cases/{case_id}/events")).json()
        assert [e["type"] for e in events][:3] == ["Opened", "Assigned", "TriageDecided"]
        completed = [e for e in events if e["type"] == "TaskCompleted"]
        assert [e["data"]["task_id"] for e in completed] == [manager]
        assert completed[0]["data"]["actor"] == {"staff_id": "cw-17", "role": "caseworker"}
        # The household has a child: Children's Services were referred at once (D 8.23).
        assert "ReferralOpened" in [e["type"] for e in events]
        assert all(e["data"]["reason"] for e in events)

        summary = (await http.get(f"/cases/{case_id}")).json()
        assert summary["council"] == "dover" and summary["policy_version"] == "dover-2025-09"


async def test_bad_input_gets_clear_errors_and_writes_nothing(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30,
                                 headers=system.caseworker) as http:
        await eventually(lambda: up(http), timeout=60)

        missing = await http.post("/cases", json=report_body(victim={"address": "x"}))
        assert missing.status_code == 422
        assert {"field": "victim.name", "rule": "missing"}.items() <= missing.json()[
            "errors"][0].items()
        # Error bodies never echo what was sent (it may be personal data).
        assert "x" not in [e.get("input") for e in missing.json()["errors"]]

        child = await http.post("/cases", json=report_body(
            household={"children": [{"age": 19}]}))
        assert child.status_code == 422
        error = child.json()["errors"][0]
        assert (error["field"], error["rule"], error["section"]) == (
            "household.children.0.age", "child_is_under_18", "D 7.4")

        async with httpx.AsyncClient(base_url=system.base_url) as anonymous:
            unsigned = await anonymous.post("/cases", json=report_body())
        assert unsigned.status_code == 401

        unknown = uuid.uuid4()
        assert (await http.get(f"/cases/{unknown}/tasks")).status_code == 404
        assert (await http.get(f"/cases/{unknown}/events")).status_code == 404
        assert (await http.post(f"/cases/{unknown}/tasks/t1/complete",
                                json={"outcome": "done"})).status_code == 404
        assert (await http.get("/cases/not-a-uuid")).status_code == 422

    # Nothing was recorded by any of the refused requests.
    assert list(system.store().intake_progress(0)) == []
    log = system.log.read_text()
    for personal in PERSONAL_STRINGS:
        assert personal not in log, "personal data in a process log"

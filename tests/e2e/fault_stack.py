"""The whole system as real processes that a test can kill -9 and restart one by one: the
Temporal dev server (its own SQLite file, so its state survives a restart), one worker and one
web process (`python -m casework worker|web`), a stand-in partner on loopback, and the event
store on a SQLite file or PostgreSQL. Used by test_faults.py and test_replicas.py."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from activities.case_store import CaseStore, store_env
from aggregates.report import Council, Role
from casework.keys import load_key
from casework.settings import Settings
from casework.staff_admin import add_staff, issue_token
from casework.wiring import build_inbound_log, build_sessions, build_store
from gateways.default_partners import registry_document
from gateways.partner_standin import RunningPartner
from gateways.signing import generate_private_key, sign_message, write_private_key
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHILDRENS = "childrens_services"
# Temporal suggests continue-as-new past this many history events: low, so a case's
# workflow starts afresh after a handful of commands (the default is 4096 events).
CONTINUE_AS_NEW_EVENTS = 30


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {timeout}s")


class Stack:
    """Temporal, `workers` worker processes and `webs` web processes, restartable."""

    def __init__(self, tmp: Path, *, event_store_url: str | None = None, workers: int = 1,
                 webs: int = 1) -> None:
        self.tmp = tmp
        self.temporal_port = free_port()
        self.web_ports = [free_port() for _ in range(webs)]
        self.workers = workers
        keys = tmp / "keys"
        keys.mkdir(parents=True, exist_ok=True)
        (keys / "payload.key").write_bytes(os.urandom(32))
        self.env = {
            **os.environ,
            "DA_DATA_DIR": str(tmp),
            "DA_EVENT_STORE_URL": event_store_url or f"sqlite:///{tmp / 'events.sqlite3'}",
            "DA_EVENT_STORE_KEY_FILE": str(keys / "store.key"),
            "DA_TEMPORAL_PAYLOAD_KEY_FILE": str(keys / "payload.key"),
            "DA_TEMPORAL_ADDRESS": f"127.0.0.1:{self.temporal_port}",
            "DA_TEMPORAL_TASK_QUEUE": f"tq-{uuid.uuid4()}",
            "DA_RECONCILE_INTERVAL_SECONDS": "0.5",
            "DA_PARTNERS_FILE": str(tmp / "partners.json"),
            "DA_SIGNING_KEY_FILE": str(keys / "council-signing.pem"),
        }
        self.log = (tmp / "processes.log").open("ab")
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.partner: RunningPartner | None = None
        self.caseworker: dict[str, str] = {}

    # ---- life -----------------------------------------------------------------------------

    def settings(self) -> Settings:
        """The processes' settings, built here without touching this process's environment."""
        return Settings.model_validate({k[3:].lower(): v for k, v in self.env.items()
                                        if k.startswith("DA_")})

    def prepare(self) -> None:
        """Keys, every table, a caseworker with a token, and a stand-in partner that the case
        refers to (done here rather than by the command line, which takes seconds to start)."""
        settings = self.settings()
        for path in (settings.event_store_key_file, settings.temporal_payload_key_file):
            load_key(path, create=True)
        council = generate_private_key()
        write_private_key(settings.signing_key_file, council)
        self.partner = RunningPartner(CHILDRENS, [council.public_key()]).__enter__()
        self.partner.set(send_acks=False)  # the tests send acknowledgements themselves
        settings.partners_file.write_text(json.dumps(registry_document(
            {CHILDRENS: self.partner.inbox_url}, {CHILDRENS: [self.partner.public_key]})))
        # Tables first, so processes starting side by side never race to create them.
        build_store(settings)
        build_sessions(settings)
        build_inbound_log(settings).close()
        add_staff(settings, staff_id="cw-17", name="Test caseworker", role=Role.CASEWORKER,
                  teams=["Tenancy Support Team"], council=Council.DOVER, manager_id=None)
        token = issue_token(settings, staff_id="cw-17", label="faults")
        self.caseworker = {"Authorization": f"Bearer {token}"}

    def start(self, *names: str) -> None:
        """Start the named processes side by side (Temporal first) and wait until they
        listen (web processes) or for a moment (workers poll once they are up)."""
        if "temporal" in names:
            self.procs["temporal"] = self._popen([
                str(BIN / "temporal"), "server", "start-dev", "--headless",
                "--db-filename", str(self.tmp / "temporal.sqlite3"),
                "--ip", "127.0.0.1", "--port", str(self.temporal_port), "--log-level", "error",
                "--dynamic-config-value",
                f"limit.historyCount.suggestContinueAsNew={CONTINUE_AS_NEW_EVENTS}"], self.env)
            wait_for_port(self.temporal_port)
        for name in names:
            role, _, index = name.partition("-")
            if role == "worker":
                self.procs[name] = self._popen(
                    [sys.executable, "-m", "casework", "worker"], self.env)
            elif role == "web":
                self.procs[name] = self._popen(
                    [sys.executable, "-m", "casework", "web"],
                    {**self.env, "DA_WEB_PORT": str(self.web_ports[int(index)])})
        for name in names:
            if name.startswith("web-"):
                wait_for_port(self.web_ports[int(name.partition("-")[2])])

    def _popen(self, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log,
                                stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def names(self) -> list[str]:
        return (["temporal"] + [f"worker-{i}" for i in range(self.workers)]
                + [f"web-{i}" for i in range(len(self.web_ports))])

    def start_all(self) -> None:
        self.start(*self.names)

    def kill(self, name: str) -> None:
        """As a crash would: SIGKILL, no clean shutdown."""
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def restart_dead(self) -> list[str]:
        """Start again every process that is not running (as a supervisor would)."""
        dead = [n for n in self.names if self.procs[n].poll() is not None]
        self.start(*dead)
        return dead

    def stop(self) -> None:
        for name in reversed(self.names):
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGKILL if name == "temporal" else signal.SIGINT)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.partner is not None:
            self.partner.__exit__(None, None, None)
        self.log.close()

    # ---- reading the record ---------------------------------------------------------------

    def store(self) -> CaseStore:
        return CaseStore(store_env(self.env["DA_EVENT_STORE_URL"], load_key(
            Path(self.env["DA_EVENT_STORE_KEY_FILE"]), create=False)))

    def url(self, web: int = 0) -> str:
        return f"http://127.0.0.1:{self.web_ports[web]}"

    def client(self, web: int = 0) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url(web), timeout=60, headers=self.caseworker)

    def signed_ack(self, case_id: str, referral_id: str, digest: str) -> tuple[bytes,
                                                                                 dict[str, Any]]:
        """The partner's signed acknowledgement of a referral (one id, however often sent)."""
        assert self.partner is not None
        signed = sign_message(
            {"type": "acknowledgement", "partner": CHILDRENS,
             "message_id": f"{case_id}:{referral_id}", "digest": digest,
             "received_at": "2026-11-30T10:00:00Z"},
            keys=[self.partner.signing_key], message_id=f"ack-{uuid.uuid4()}",
            timestamp=int(time.time()))
        return signed.body, dict(signed.headers)

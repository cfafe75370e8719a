"""The whole embedded stack for benchmarks, as `make run` starts it, in a temporary directory
on free loopback ports: the Temporal dev server (its own SQLite file), N workers and the web
app, with the event store in SQLite or in a PostgreSQL schema of its own. Also what the
benchmarks share: CPU seconds per process, a bench caseworker's token, and triage lag read
from the event store (so measuring it costs the system nothing).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy

from activities.case_store import CaseStore, store_env
from casework.devstack import DEMO_PARTNERS, DEV_SERVER_SQLITE, temporal_binary, wait_for_port
from casework.keys import load_key
from gateways.default_partners import registry_document
from gateways.signing import (
    generate_private_key,
    load_private_key,
    public_key_b64,
    write_private_key,
)

LOOPBACK = "127.0.0.1"
STOP_TIMEOUT_S = 15.0  # per child, before it is killed
LOG_TAIL_LINES = 20
# The checkout these benchmarks belong to: its code is what the children run, even when the
# virtualenv was installed (editable) from another checkout.
REPO = Path(__file__).resolve().parents[1]
BENCH_STAFF = "bench-cw"


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path


@dataclass
class Stack:
    temporal_address: str
    web_url: str
    children: list[Child] = field(default_factory=list)
    token: str = ""  # a bench caseworker's bearer token
    env: dict[str, str] = field(default_factory=dict)  # what the children were given

    def cpu_seconds(self) -> dict[str, float]:
        """User + system CPU seconds each child has used so far (name → seconds); workers
        are `worker-1`, `worker-2`, ..."""
        return {child.name: cpu_seconds(child.proc.pid) for child in self.children
                if child.proc.poll() is None}

    def store(self) -> CaseStore:
        """The event store the stack writes, opened with its key (to read triage lag)."""
        key = load_key(Path(self.env["DA_EVENT_STORE_KEY_FILE"]), create=False)
        return CaseStore(store_env(self.env["DA_EVENT_STORE_URL"], key))


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc/PID/stat (Linux), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def free_port() -> int:
    """A port nothing listens on at this moment, on the loopback interface."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def create_bench_caseworker(env: dict[str, str], cwd: Path) -> str:
    """Register a Dover caseworker and issue them a bearer token, as an administrator would."""
    casework = [sys.executable, "-m", "casework"]
    subprocess.run([*casework, "add-staff", "--staff-id", BENCH_STAFF, "--name", "Bench",
                    "--role", "caseworker", "--team", "Tenancy Support Team",
                    "--council", "dover"], env=env, cwd=cwd, check=True, capture_output=True)
    issued = subprocess.run([*casework, "issue-token", BENCH_STAFF, "--label", "bench"],
                            env=env, cwd=cwd, check=True, capture_output=True, text=True)
    return issued.stdout.strip()


def spawn(stack: Stack, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> Child:
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    child = Child(name, proc, log)
    stack.children.append(child)
    return child


def casework_env(tmp: Path, temporal_port: int, web_port: int,
                 settings: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `make run` would give its children, every path and port our own;
    `settings` (DA_... → value) are added last, e.g. worker slots."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DA_")}
    env.update({
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
        "DA_ENVIRONMENT": "development",
        "DA_DATA_DIR": str(tmp),
        "DA_EVENT_STORE_URL": f"sqlite:///{tmp / 'events.sqlite3'}",
        "DA_EVENT_STORE_KEY_FILE": str(tmp / "keys" / "event-store.key"),
        "DA_TEMPORAL_PAYLOAD_KEY_FILE": str(tmp / "keys" / "temporal-payload.key"),
        "DA_TEMPORAL_ADDRESS": f"{LOOPBACK}:{temporal_port}",
        "DA_TEMPORAL_TASK_QUEUE": "da-cases",
        "DA_WEB_HOST": LOOPBACK,
        "DA_WEB_PORT": str(web_port),
        # Intake is measured here; delivery to partners has its own benchmark (bench/gateway.py).
        "DA_PARTNER_DELIVERY": "recorded_stand_in",
        "NO_PROXY": f"{LOOPBACK},localhost",
        "no_proxy": f"{LOOPBACK},localhost",
    })
    env.update(settings or {})
    return env


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """The URL of a fresh schema in the PostgreSQL database at `url` (SQLAlchemy form): every
    connection made with it finds its tables there. The schema is dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        joiner = "&" if "?" in url else "?"
        yield f"{url}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def start_partners(stack: Stack, tmp: Path, env: dict[str, str]) -> None:
    """A stand-in server per demo partner, on free ports, that verifies our signed referrals
    and acknowledges each with a signed receipt; `env` is switched to signed delivery."""
    council_key = tmp / "keys" / "council-signing.pem"
    write_private_key(council_key, generate_private_key())
    council_public = public_key_b64(load_private_key(council_key).public_key())
    endpoints, public_keys = {}, {}
    for partner in DEMO_PARTNERS:
        port, key_file = free_port(), tmp / "keys" / f"{partner}.key"
        write_private_key(key_file, generate_private_key())
        endpoints[partner] = f"http://{LOOPBACK}:{port}/inbox"
        public_keys[partner] = [public_key_b64(load_private_key(key_file).public_key())]
        spawn(stack, f"partner-{partner}", [
            sys.executable, "-m", "gateways.partner_standin", "--partner", partner,
            "--port", str(port), "--key-file", str(key_file),
            "--council-public-key", council_public,
            "--ack-url", f"http://{LOOPBACK}:{env['DA_WEB_PORT']}/partners/{partner}/messages",
        ], env, tmp)
        wait_for_port(LOOPBACK, port, partner, stack.children[-1].proc)
    partners_file = tmp / "partners.json"
    partners_file.write_text(json.dumps(registry_document(endpoints, public_keys)))
    env.update({"DA_PARTNER_DELIVERY": "signed_http", "DA_PARTNERS_FILE": str(partners_file),
                "DA_SIGNING_KEY_FILE": str(council_key)})


def start_stack(stack: Stack, tmp: Path, temporal_port: int, web_port: int, *,
                workers: int = 1, settings: dict[str, str] | None = None,
                temporal_args: tuple[str, ...] = (), partners: bool = False) -> None:
    """Start the dev server (with `temporal_args` added to its command line), the partner
    stand-ins if `partners` (else referrals go to the recorded stand-in), `workers` workers
    and the web app, in that order; `stack.children` lists whatever did start."""
    env = casework_env(tmp, temporal_port, web_port, settings)
    stack.env = env
    # Both keys exist before any child could race to create them, as in `make run`.
    load_key(Path(env["DA_EVENT_STORE_KEY_FILE"]), create=True)
    load_key(Path(env["DA_TEMPORAL_PAYLOAD_KEY_FILE"]), create=True)
    stack.token = create_bench_caseworker(env, tmp)
    temporal = spawn(stack, "temporal", [
        temporal_binary(), "server", "start-dev",
        "--db-filename", str(tmp / "temporal.sqlite3"),
        "--ip", LOOPBACK, "--port", str(temporal_port), "--ui-port", str(free_port()),
        "--headless", "--log-level", "error", *DEV_SERVER_SQLITE, *temporal_args,
    ], env, tmp)
    wait_for_port(LOOPBACK, temporal_port, "Temporal dev server", temporal.proc)
    if partners:
        start_partners(stack, tmp, env)
    for n in range(1, workers + 1):
        spawn(stack, f"worker-{n}", [sys.executable, "-m", "casework", "worker"], env, tmp)
    web = spawn(stack, "web", [sys.executable, "-m", "casework", "web"], env, tmp)
    wait_for_port(LOOPBACK, web_port, "web app", web.proc)
    for child in stack.children:
        if child.proc.poll() is not None:
            raise SystemExit(f"{child.name} exited during start-up (code {child.proc.returncode})")


def stop_stack(stack: Stack) -> None:
    """Web and workers get SIGINT, the dev server SIGTERM; whoever lingers is killed."""
    for child in reversed(stack.children):
        if child.proc.poll() is None:
            child.proc.send_signal(signal.SIGTERM if child.name == "temporal" else signal.SIGINT)
    for child in reversed(stack.children):
        try:
            child.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            print(f"{child.name} did not stop in time; killing it", file=sys.stderr)
            child.proc.kill()
            child.proc.wait(timeout=STOP_TIMEOUT_S)


def print_log_tails(stack: Stack) -> None:
    for child in stack.children:
        with contextlib.suppress(OSError):
            lines = child.log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
            print(f"--- last lines of {child.name} ({child.log.name}) ---", file=sys.stderr)
            print("\n".join(lines), file=sys.stderr)

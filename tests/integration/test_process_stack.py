"""The process stack behind `make run`, the fault tests and the benchmarks
(casework/stack.py): a child that dies while starting is named, and stopping lets the app
finish before what it uses (Temporal, partners) goes."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from casework.stack import LOOPBACK, ProcessSpec, ProcessStack, StartFailed, Tier, free_port


def python(code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", textwrap.dedent(code))


def recorder(journal: Path, name: str, linger: float) -> tuple[str, ...]:
    """A child that notes in `journal` when it can be stopped, when SIGTERM reaches it and
    when it has finished (`linger` seconds later)."""
    return python(f"""
        import signal, sys, time
        def stop(*_):
            with open({str(journal)!r}, "a") as out:
                out.write("{name} asked to stop\\n")
            time.sleep({linger})
            with open({str(journal)!r}, "a") as out:
                out.write("{name} stopped\\n")
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        with open({str(journal)!r}, "a") as out:
            out.write("{name} ready\\n")
        while True:
            time.sleep(0.05)
    """)


def wait_for_lines(journal: Path, lines: set[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not (journal.exists() and lines <= set(journal.read_text().splitlines())):
        assert time.monotonic() < deadline, f"never written: {lines}"
        time.sleep(0.05)


def test_a_child_that_exits_while_starting_is_named_with_its_exit_code(tmp_path: Path) -> None:
    stack = ProcessStack([ProcessSpec("web", python("raise SystemExit(3)"),
                                      listens=(LOOPBACK, free_port()))], log_dir=tmp_path)
    try:
        with pytest.raises(StartFailed, match=r"^web exited during start-up \(code 3\)$"):
            stack.start_all()
    finally:
        stack.stop()


def test_stop_lets_the_app_finish_before_the_services_it_uses_are_asked(
        tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    stack = ProcessStack([
        ProcessSpec("temporal", recorder(journal, "temporal", 0.0), tier=Tier.SERVICES),
        ProcessSpec("worker-1", recorder(journal, "worker-1", 0.5)),
    ], log_dir=tmp_path)
    stack.start_all()
    wait_for_lines(journal, {"temporal ready", "worker-1 ready"})
    stack.stop()
    assert journal.read_text().splitlines()[2:] == [
        "worker-1 asked to stop", "worker-1 stopped", "temporal asked to stop",
        "temporal stopped"]
    assert stack.exited() == ["temporal", "worker-1"]


def test_a_killed_child_is_started_again_by_restart_dead(tmp_path: Path) -> None:
    stack = ProcessStack([
        ProcessSpec("temporal", recorder(tmp_path / "j", "temporal", 0.0), tier=Tier.SERVICES),
        ProcessSpec("web-1", recorder(tmp_path / "j", "web-1", 0.0)),
    ], log_dir=tmp_path)
    try:
        stack.start_all()
        wait_for_lines(tmp_path / "j", {"temporal ready", "web-1 ready"})
        first = stack.procs["web-1"].pid
        stack.kill("web-1")
        assert stack.exited() == ["web-1"]
        assert stack.restart_dead() == ["web-1"]
        assert stack.running("web-1") and stack.procs["web-1"].pid != first
        assert stack.running("temporal")
    finally:
        stack.stop()

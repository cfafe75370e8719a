"""`python -m casework checkpoint` with the witnessing stand-ins `make run` starts (real
processes of `gateways.witness_standin`, on loopback): the checkpoint comes back cosigned by
the police and the MARAC, and a witness restarted from its state file still holds what it
cosigned (issue 15 scope 3)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from casework.cli import main
from casework.partner_standins import DEMO_PARTNERS, partner_standins
from casework.settings import Settings
from casework.stack import ProcessSpec, free_port, wait_for_port
from casework.wiring import build_store, log_key
from tests.integration.test_transparency_log import open_case
from transparency.checkpoint import open_checkpoint
from transparency.note import Verifier


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DA_LOG_ORIGIN", "dover.example/da-casework-log")
    return tmp_path


class Witnesses:
    """The witnessing stand-ins among the demo partners, as processes."""

    def __init__(self, specs: list[ProcessSpec]) -> None:
        self.specs = {s.name: s for s in specs if "gateways.witness_standin" in s.argv}
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        spec = self.specs[name]
        process = subprocess.Popen(spec.argv, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        self.running[name] = process
        assert spec.listens is not None
        wait_for_port(*spec.listens, name, process, timeout=30)

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def witnesses(data_dir: Path) -> Iterator[Witnesses]:
    specs = partner_standins(Settings(), [free_port() for _ in DEMO_PARTNERS])
    running = Witnesses(specs)
    try:
        for name in running.specs:
            running.start(name)
        yield running
    finally:
        for name in list(running.running):
            running.stop(name)


def witness_keys(data_dir: Path) -> dict[str, Verifier]:
    registry = json.loads((data_dir / "partners.json").read_text())
    return {p["partner"]: Verifier.from_vkey(p["witness"]["key"])
            for p in registry["partners"] if "witness" in p}


def test_a_checkpoint_made_on_demand_comes_back_cosigned_and_restarts_keep_state(
        data_dir: Path, witnesses: Witnesses, capsys: pytest.CaptureFixture[str]) -> None:
    keys = witness_keys(data_dir)
    assert set(keys) == {"police", "kent_medway_marac"}
    assert set(witnesses.specs) == {"partner-police", "partner-kent_medway_marac"}
    log_vkey = log_key(Settings()).verifier
    store = build_store(Settings())
    open_case(store)
    main(["checkpoint"])
    note = capsys.readouterr().out.encode()
    opened = open_checkpoint(note, log_key=log_vkey, witnesses=list(keys.values()), quorum=2)
    first = opened.checkpoint.size

    # The police stand-in restarts: its state file tells it what it cosigned, so the next
    # checkpoint is checked against it through a consistency proof.
    witnesses.stop("partner-police")
    state = json.loads((data_dir / "partners" / "police.witness.json").read_text())
    assert state["latest"]["dover.example/da-casework-log"]["size"] == first
    witnesses.start("partner-police")
    open_case(store)
    main(["checkpoint"])
    out = capsys.readouterr()
    later = open_checkpoint(out.out.encode(), log_key=log_vkey, witnesses=list(keys.values()),
                            quorum=2)
    assert later.checkpoint.size > first and out.err == ""

    # A witness that is down: the checkpoint is made and kept, and says so.
    witnesses.stop("partner-kent_medway_marac")
    open_case(store)
    main(["checkpoint"])
    out = capsys.readouterr()
    assert "witness kent_medway_marac: unavailable network_error" in out.err
    kept = open_checkpoint(out.out.encode(), log_key=log_vkey, witnesses=[keys["police"]],
                           quorum=1)
    assert kept.checkpoint.size > later.checkpoint.size

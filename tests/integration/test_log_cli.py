"""`python -m casework log-key | checkpoint | verify-log`: what an operator and an auditor run.
The auditor needs the verifier key and a checkpoint they kept, never the cipher key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casework.cli import main
from casework.keys import MissingKeyError
from casework.settings import Settings
from casework.wiring import build_store, log_key
from tests.integration.test_transparency_checkpoints import rewrite_event
from tests.integration.test_transparency_log import open_case
from transparency.note import Signer


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DA_LOG_ORIGIN", "dover.example/da-casework-log")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out


def test_an_auditor_verifies_the_store_and_catches_an_edit(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vkey = run(capsys, "log-key").strip()
    assert vkey.startswith("dover.example/da-casework-log+")
    assert (data_dir / "keys" / "transparency-log.key").stat().st_mode & 0o077 == 0
    store = build_store(Settings())
    case_id = open_case(store)
    note = run(capsys, "checkpoint")
    assert note.startswith("dover.example/da-casework-log\n")
    kept = data_dir / "auditors-checkpoint"
    kept.write_text(note)

    assert run(capsys, "verify-log", "--vkey", vkey, "--checkpoint", str(kept)).startswith("ok:")
    assert run(capsys, "verify-log", "--vkey", vkey).startswith("ok:")  # latest stored

    def edit(state: dict[str, Any]) -> None:
        state["reason"] = "Changed later."

    rewrite_event(store, case_id, 1, edit)
    with pytest.raises(SystemExit) as failed:
        run(capsys, "verify-log", "--vkey", vkey, "--checkpoint", str(kept))
    assert "problems against the checkpoint" in str(failed.value)
    # The report names the edited event: its leaf, stream, version and row.
    assert (f"FAIL leaf 0 (stream {case_id} version 1, casestore_events #1): its stored hash "
            "does not match its event") in capsys.readouterr().out


def test_a_checkpoint_signed_by_another_key_is_refused(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "log-key")
    build_store(Settings())
    note = data_dir / "note"
    note.write_text(run(capsys, "checkpoint"))
    # A key of the same name that is not the log's (a forged checkpoint's signer).
    other = Signer.generate("dover.example/da-casework-log").verifier.vkey()
    with pytest.raises(SystemExit) as refused:
        run(capsys, "verify-log", "--vkey", other, "--checkpoint", str(note))
    assert str(refused.value) == ("verify-log: the checkpoint given is not a valid note signed "
                                  "by the log key: the note has no signature from a known key")


def test_production_needs_the_key_file_and_a_named_log(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DA_ENVIRONMENT", "production")
    with pytest.raises(MissingKeyError, match="does not exist"):
        log_key(Settings())
    monkeypatch.delenv("DA_LOG_ORIGIN")
    with pytest.raises(MissingKeyError, match="DA_LOG_ORIGIN"):
        log_key(Settings())


def test_a_checkpoint_file_that_cannot_be_read_is_one_line_not_a_traceback(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vkey = run(capsys, "log-key").strip()
    build_store(Settings())
    with pytest.raises(SystemExit) as refused:
        run(capsys, "verify-log", "--vkey", vkey, "--checkpoint", str(data_dir / "missing"))
    assert str(refused.value).startswith("verify-log: ")
    assert "No such file" in str(refused.value)

"""`python -m casework evidence-bundle`: an auditor or DSO exports a case under a recorded
decision to share into bundle.json, bundle.html and bundle.pdf (owner-only files), the export
on the case's access log; other roles and missing decisions are refused in words (D 12.5)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from casework.cli import main
from casework.settings import Settings
from casework.wiring import build_store, signing_key
from tests.evidence_support import case_for_the_police
from transparency.bundle import raw_public_key
from transparency.bundle_check import check_bundle
from transparency.note import Verifier


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DA_LOG_ORIGIN", "dover.example/da-casework-log")
    main(["add-staff", "--staff-id", "aud-1", "--name", "An Auditor", "--role", "auditor",
          "--council", "dover"])
    main(["add-staff", "--staff-id", "cw-1", "--name", "A Caseworker", "--role",
          "caseworker", "--team", "Tenancy Support Team", "--council", "dover"])
    return tmp_path


def export(*argv: str) -> None:
    main(["evidence-bundle", *argv])


def test_an_auditor_exports_three_files_that_verify_and_the_export_is_logged(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = build_store(Settings())
    case_id, decision = case_for_the_police(store)
    out = data_dir / "out"
    capsys.readouterr()
    export("--case", str(case_id), "--sharing-decision", decision, "--staff-id", "aud-1",
           "--out", str(out))
    assert capsys.readouterr().out.splitlines() == [
        f"written: {out / name}" for name in ("bundle.json", "bundle.html", "bundle.pdf")]
    for name in ("bundle.json", "bundle.html", "bundle.pdf"):
        assert (out / name).stat().st_mode & 0o077 == 0
    main(["log-key"])
    vkey = capsys.readouterr().out.strip()
    bundle = json.loads((out / "bundle.json").read_text())
    report = check_bundle(bundle, log_key=Verifier.from_vkey(vkey),
                          council_key=raw_public_key(signing_key(Settings())))
    assert report.ok, report.failed
    assert str(case_id) in (out / "bundle.html").read_text()
    assert (out / "bundle.pdf").read_bytes().startswith(b"%PDF-")
    last = store.access_log(case_id)[0][-1]
    assert (last["staff_id"], last["action"], last["outcome"]) == (
        "aud-1", "export_evidence_bundle", "allowed")
    assert last["reason"].endswith(f"under sharing decision {decision} [command line]")


def test_a_caseworker_may_not_export_and_nothing_is_written(data_dir: Path) -> None:
    case_id, decision = case_for_the_police(build_store(Settings()))
    with pytest.raises(SystemExit) as refused:
        export("--case", str(case_id), "--sharing-decision", decision, "--staff-id", "cw-1",
               "--out", str(data_dir / "out"))
    assert str(refused.value) == ("evidence-bundle: the role 'caseworker' may not export "
                                  "evidence (role_may_use_action)")
    assert not (data_dir / "out").exists()


def test_without_a_recorded_decision_no_bundle_is_made(data_dir: Path) -> None:
    case_id, _ = case_for_the_police(build_store(Settings()))
    with pytest.raises(SystemExit) as refused:
        export("--case", str(case_id), "--sharing-decision", str(uuid.uuid4()),
               "--staff-id", "aud-1", "--out", str(data_dir / "out"))
    assert str(refused.value) == ("evidence-bundle: no decision to share with that id is "
                                  "recorded on this case (sharing_decision_recorded)")
    assert not (data_dir / "out").exists()

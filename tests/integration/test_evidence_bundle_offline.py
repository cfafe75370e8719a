"""A bundle verifies offline "with only the public key, in a process that has no database"
(issue 15, Done when): `python -m transparency verify-bundle` in a fresh process with no
settings, whose every import is listed (`python -X importtime`) and none is a database's,
the event store's, Temporal's or the service's."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from activities.case_store import CaseStore
from application.evidence_bundle import BundleRequest, export_evidence_bundle
from tests.evidence_support import auditor, bundle_keys, case_for_the_police
from transparency.bundle import raw_public_key

ROOT = Path(__file__).resolve().parents[2]
# Top-level packages a verifier must never load: databases, the event store, Temporal, the
# web framework, and our own service packages (which hold or reach the cipher keys).
FORBIDDEN = {"sqlalchemy", "psycopg", "sqlite3", "eventsourcing", "eventsourcing_sqlalchemy",
             "temporalio", "fastapi", "starlette", "activities", "application", "aggregates",
             "casework", "web", "workflows", "gateways"}


def verify_offline(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "transparency",
                           "verify-bundle", str(path), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def imported(stderr: str) -> set[str]:
    """Top-level names of every module the process imported (-X importtime lines)."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            if module != "imported package":
                names.add(module.split(".")[0])
    return names


async def test_a_bundle_verifies_in_a_process_with_nothing_but_the_keys(
        sqlite_store: CaseStore, tmp_path: Path) -> None:
    case_id, decision = case_for_the_police(sqlite_store)
    keys = bundle_keys()
    bundle = await export_evidence_bundle(sqlite_store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision)), keys)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    council = base64.b64encode(raw_public_key(keys.council_key)).decode()
    log_key = keys.log_key.verifier.vkey()

    checked = verify_offline(path, "--log-key", log_key, "--council-key", council)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok bundle signature: the council signed these" in checked.stdout
    assert "NOTE" not in checked.stdout
    loaded = imported(checked.stderr)
    assert "transparency" in loaded and "cryptography" in loaded
    assert not loaded & FORBIDDEN, sorted(loaded & FORBIDDEN)

    bundle["entries"][0]["content"]["council"] = "dartford"
    path.write_text(json.dumps(bundle))
    tampered = verify_offline(path, "--log-key", log_key, "--council-key", council)
    assert tampered.returncode == 1
    assert tampered.stdout.splitlines()[0] == (
        "FAIL event 1 (Opened): readable content: the council's signature does not match it "
        "(changed after the council signed it)")
    assert "FAILED: 1 check failed" in tampered.stderr

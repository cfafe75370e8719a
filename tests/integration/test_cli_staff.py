"""`python -m casework` staff commands as a newcomer runs them: a refusal is one line on
stderr and exit status 1, never a Python traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aggregates.staff import StaffMember, staff_member_id
from casework.settings import Settings
from casework.wiring import build_directory, build_sessions

REPO = Path(__file__).resolve().parents[2]
ADD = ["add-staff", "--staff-id", "cw-17", "--name", "Test caseworker", "--role", "caseworker",
       "--team", "Tenancy Support Team", "--council", "dover"]


def casework(tmp_path: Path, *args: str,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DA_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "casework", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_adding_a_staff_id_twice_is_one_line_and_exit_status_1(tmp_path: Path) -> None:
    first = casework(tmp_path, *ADD)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "events.sqlite3").exists()  # under DA_DATA_DIR, not ./data
    again = casework(tmp_path, *ADD[:2], "CW-17", *ADD[3:])  # ids are compared ignoring case
    assert again.returncode == 1
    assert "Traceback" not in again.stderr
    assert again.stderr.strip().splitlines() == [
        "add-staff: the staff id is already registered (staff ids are compared ignoring case) "
        "(staff_id_used_once)"]
    assert again.stdout == ""


def test_issue_token_records_the_command_line_as_issuer_and_expires(tmp_path: Path) -> None:
    """D 8.27: a token from `issue-token` is on the member's staff stream (issuer, label,
    expiry; never the token), expires after DA_API_TOKEN_DAYS, and names its issuer."""
    assert casework(tmp_path, *ADD).returncode == 0
    before = datetime.now(UTC)
    issued = casework(tmp_path, "issue-token", "cw-17", "--label", "nightly",
                      env={"DA_API_TOKEN_DAYS": "7"})
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    settings = Settings(data_dir=tmp_path, environment="development")
    sessions = build_sessions(settings)
    try:
        info = sessions.api_token(token, now=datetime.now(UTC))
        assert info is not None and (info.staff_id, info.issued_by) == ("cw-17", "command line")
        assert before + timedelta(days=7) <= info.expires_at <= datetime.now(UTC) + timedelta(
            days=7)
        assert sessions.api_token(token, now=before + timedelta(days=8)) is None
    finally:
        sessions.close()
    directory = build_directory(settings)
    events = list(directory.repository.event_store.get(staff_member_id("cw-17")))
    recorded = [e for e in events if isinstance(e, StaffMember.TokenIssued)]
    assert [(e.actor["role"], e.label, e.expires_at) for e in recorded] == [
        ("system", "nightly", info.expires_at.isoformat())]
    assert token not in repr([vars(e) for e in events])

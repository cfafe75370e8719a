"""`python -m casework` staff commands as a newcomer runs them: a refusal is one line on
stderr and exit status 1, never a Python traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADD = ["add-staff", "--staff-id", "cw-17", "--name", "Test caseworker", "--role", "caseworker",
       "--team", "Tenancy Support Team", "--council", "dover"]


def casework(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DA_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
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

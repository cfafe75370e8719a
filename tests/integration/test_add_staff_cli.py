"""`python -m casework add-staff` refuses a manager who is not a member of staff (D 8.27: a
manager is told when their DSO breaks glass, so an id nobody holds would tell whoever is
registered under it later)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def casework(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DA_DATA_DIR": str(tmp_path),
           "DA_EVENT_STORE_URL": f"sqlite:///{tmp_path / 'events.sqlite3'}",
           "DA_EVENT_STORE_KEY_FILE": str(tmp_path / "keys" / "store.key"),
           "DA_TEMPORAL_PAYLOAD_KEY_FILE": str(tmp_path / "keys" / "payload.key")}
    return subprocess.run([sys.executable, "-m", "casework", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def add_staff(tmp_path: Path, staff_id: str, role: str, *extra: str,
              ) -> subprocess.CompletedProcess[str]:
    return casework(tmp_path, "add-staff", "--staff-id", staff_id, "--name", "Test person",
                    "--role", role, "--team", "Tenancy Support Team", "--council", "dover",
                    *extra)


def test_add_staff_refuses_a_manager_nobody_holds_and_accepts_a_real_one(
        tmp_path: Path) -> None:
    assert casework(tmp_path, "keys").returncode == 0
    ghost = add_staff(tmp_path, "dso-7", "dso", "--manager-id", "ghost")
    assert ghost.returncode != 0
    assert "(manager_is_active_staff_of_council)" in ghost.stderr
    assert "Traceback" not in ghost.stderr
    assert add_staff(tmp_path, "lm-1", "line_manager").returncode == 0
    real = add_staff(tmp_path, "dso-7", "dso", "--manager-id", "lm-1")
    assert real.returncode == 0, real.stderr
    assert "'dso-7' registered" in real.stdout

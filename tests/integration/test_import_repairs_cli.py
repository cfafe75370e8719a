"""`python -m casework import-repairs FILE` as the repairs team runs it: each bad row printed
by line, field and reason (never its address), the good rows taken, a second run of the same
file taking nothing twice."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli_staff import casework

FEED = ("job_reference,address,job_type,raised_on,council\n"
        'R1,"9 Tower Hamlets Road, Dover",broken_window,2026-10-01,dover\n'
        'R2,"9 Tower Hamlets Road, Dover",lost_keys,2026-10-08,dover\n'
        'R3,"9 Tower Hamlets Road, Dover",bathroom_lock_change,2026-10-15,dover\n'
        'R4,"2 Hidden Lane, Dover",kicked_in,2026-10-15,dover\n'
        'R5,"5 Folkestone Road, Dover",other,2026-10-15,dover\n')


def test_import_prints_each_bad_row_keeps_the_good_and_is_idempotent(tmp_path: Path) -> None:
    feed = tmp_path / "jobs.csv"
    feed.write_text(FEED, encoding="utf-8")
    first = casework(tmp_path, "import-repairs", str(feed))
    assert first.returncode == 1 and "Traceback" not in first.stderr
    assert first.stdout.splitlines() == [
        "line 5: job_type: the job type must be one of: external_door_lock_change, "
        "bathroom_lock_change, broken_window, lost_keys, damaged_internal_door, other "
        "(job_type_is_known)",
        "4 jobs taken, 0 seen before, 1 problems in rows; 1 reviews opened"]
    again = casework(tmp_path, "import-repairs", str(feed))
    assert again.stdout.splitlines()[-1] == (
        "0 jobs taken, 4 seen before, 1 problems in rows; 0 reviews opened")
    assert "Tower" not in first.stdout + first.stderr + again.stdout + again.stderr


def test_a_file_missing_or_not_utf8_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(FEED.replace("Dover", "Douvres \xe9").encode("latin-1"))
    for path in (tmp_path / "missing.csv", latin):
        refused = casework(tmp_path, "import-repairs", str(path))
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert refused.stderr.startswith("import-repairs: ")
        assert "Douvres" not in refused.stderr

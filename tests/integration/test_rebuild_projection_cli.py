"""`python -m casework rebuild-projection NAME`: an operator rebuilds a read model from zero
(issue 17 item 1: "can be rebuilt from zero"), e.g. after its rows were damaged by hand."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from activities.board_projector import WorkTrays
from activities.board_tables import board_tables
from activities.case_store import CaseStore
from activities.projection_running import catch_up
from aggregates.report import Actor
from casework.cli import main
from casework.settings import Settings
from casework.wiring import build_store
from tests.support import make_report


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DA_DATA_DIR", str(tmp_path))
    return tmp_path


def _tasks(url: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = sorted(tuple(r) for r in conn.execute(sa.select(board_tables().tasks)))
    engine.dispose()
    return rows


def test_a_damaged_board_is_rebuilt_from_the_events(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = build_store(Settings())
    for _ in range(3):
        case_id = uuid.uuid4()
        store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                        reason="test", request_fingerprint=str(case_id))
        store.triage(case_id)
    catch_up(WorkTrays, CaseStore, store.env)
    url = store.env["SQLALCHEMY_URL"]
    kept = _tasks(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # someone edits the board by hand
        conn.execute(sa.update(board_tables().tasks).values(title="Wrong"))
        conn.execute(sa.delete(board_tables().cases))
    engine.dispose()

    main(["rebuild-projection", "WorkTrays"])

    said = capsys.readouterr().out
    assert said.startswith("WorkTrays rebuilt from zero: ")
    assert "events/s" in said
    assert _tasks(url) == kept


def test_an_unknown_projection_is_refused_naming_the_ones_there_are(data_dir: Path) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["rebuild-projection", "Trays"])
    assert str(refused.value) == (
        "rebuild-projection: no projection 'Trays'; there are: MonitoringCounts, WorkTrays")

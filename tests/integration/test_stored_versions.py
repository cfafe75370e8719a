"""Every stored version keeps loading: each committed fixture store (`tests/fixtures/
case_store_vN/`, written by version N of the case model, with its snapshots) is loaded by
today's code, and every case shows the same facts as it did to the code that wrote it.

Regenerate nothing here: a fixture store is history. See the README, "How to add a field or
a slice safely".
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from activities.case_replay import replay_case
from activities.case_store import CaseStore
from aggregates.case import Case
from aggregates.case_versions import SHAPES, state_shape
from aggregates.commands import CommandContext, apply_command
from aggregates.report import Actor, Role
from tests.fixtures.stored_versions import HERE, case_facts, open_store
from tests.support import make_report

STORES = sorted(HERE.glob("case_store_v*"))
CASEWORKER = Actor(staff_id="cw-101", role=Role.CASEWORKER)


@dataclass
class Fixture:
    store: CaseStore
    cases: dict[str, dict[str, Any]]  # name -> {"case_id", "facts"}
    class_version: int  # Case.class_version of the code that wrote the store


@pytest.fixture(params=STORES, ids=[p.name for p in STORES])
def fixture_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fixture]:
    """A copy of a committed store (loading may write to SQLite's file; history may not)."""
    directory: Path = request.param
    shutil.copy(directory / "events.sqlite3", tmp_path / "events.sqlite3")
    facts = json.loads((directory / "facts.json").read_text())
    yield Fixture(open_store(directory, tmp_path / "events.sqlite3"), facts["cases"],
                  facts["case_class_version"])


def replayed(store: CaseStore, case_id: UUID, version: int | None = None) -> Case:
    """The case rebuilt from its events alone, never from a snapshot."""
    return replay_case(store.events, case_id, version)


def test_there_is_a_fixture_store_with_snapshots_for_every_stage() -> None:
    assert STORES, "no committed fixture store: see tests/fixtures/stored_versions.py"
    for directory in STORES:
        cases = json.loads((directory / "facts.json").read_text())["cases"]
        assert {"opened", "triaged", "dash_high_risk_marac", "children_referral_acknowledged",
                "sharing_and_consent", "restricted_assigned_break_glass",
                "long_with_snapshots"} <= set(cases)


def test_every_fixture_case_loads_with_the_facts_it_was_written_with(
        fixture_store: Fixture) -> None:
    """Loaded the way the application loads (latest snapshot, then the events after it)."""
    for name, case in fixture_store.cases.items():
        loaded = fixture_store.store.get_case(UUID(case["case_id"]))
        assert case_facts(loaded) == case["facts"], f"{name}: facts changed on loading"


def test_every_fixture_case_replays_from_its_events_to_the_same_facts(
        fixture_store: Fixture) -> None:
    for name, case in fixture_store.cases.items():
        loaded = replayed(fixture_store.store, UUID(case["case_id"]))
        assert case_facts(loaded) == case["facts"], f"{name}: replayed facts differ"
        # State an event adds on its own (not set up when the case opens) would be missing
        # from older snapshots too: it needs a version step (aggregates/case_versions.py).
        assert set(state_shape(loaded)) == set(SHAPES[Case.class_version]), name


def test_a_snapshot_written_by_an_older_version_loads_as_its_events_replay(
        fixture_store: Fixture) -> None:
    """The snapshot itself, not only the events after it: loaded at the snapshot's version,
    the case is what replaying its events to that version gives."""
    snapshots = fixture_store.store.snapshots
    assert snapshots is not None
    seen = 0
    for name, case in fixture_store.cases.items():
        case_id = UUID(case["case_id"])
        for snapshot in snapshots.get(case_id):
            from_snapshot = snapshot.mutate(None)
            assert isinstance(from_snapshot, Case)
            assert set(state_shape(from_snapshot)) == set(SHAPES[Case.class_version]), name
            assert case_facts(from_snapshot) == case_facts(
                replayed(fixture_store.store, case_id, snapshot.originator_version)), name
            seen += 1
    assert seen >= 3, "the fixture store should hold snapshots of its long cases"


def test_each_store_holds_snapshots_of_the_version_that_wrote_it(
        fixture_store: Fixture) -> None:
    """So that every older snapshot version (v1, v2 and v3 so far) is loaded by the tests above."""
    snapshots = fixture_store.store.snapshots
    assert snapshots is not None
    versions = {snapshot.state.get("class_version", 1)
                for case in fixture_store.cases.values()
                for snapshot in snapshots.get(UUID(case["case_id"]))}
    assert versions == {fixture_store.class_version}


def test_every_older_snapshot_version_has_a_committed_store() -> None:
    written = {json.loads((d / "facts.json").read_text())["case_class_version"] for d in STORES}
    assert set(range(1, Case.class_version)) <= written, (
        "write the store of the previous version: see tests/fixtures/stored_versions.py")


def test_a_command_applied_before_the_upgrade_is_not_applied_again_after_it(
        fixture_store: Fixture) -> None:
    """A workflow retrying its last command across a deployment changes nothing."""
    store = fixture_store.store
    for name in ("long_with_snapshots", "long_dash_draft", "sharing_and_consent"):
        case_id = UUID(fixture_store.cases[name]["case_id"])
        commands = [e.data["command_id"] for e in store.events_of(case_id)
                    if str(e.data.get("command_id", "")).startswith("cmd-")]
        before = store.get_case(case_id).version
        store.apply_command(case_id=case_id, name="record_contact", args={
            "party": "victim", "purpose": "marac", "channel": "telephone"},
            actor=CASEWORKER, command_id=commands[-1],
            at=store.get_case(case_id).modified_on)
        assert store.get_case(case_id).version == before, f"{name}: command applied twice"


def test_a_snapshot_weighs_what_the_case_holds_not_how_many_events_it_has_seen(
        sqlite_store: CaseStore) -> None:
    """Contacts add events but no state: the snapshot after 400 of them is the size of the
    one after 100 (version 1 kept every command id, so it grew with every command)."""
    store = sqlite_store
    case_id = UUID(int=7)
    store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint="fp")
    sizes = []
    for batch in range(4):
        case = store.get_case(case_id)
        for n in range(100):
            apply_command(case, "record_contact", {
                "party": "victim", "purpose": "about_abuse", "channel": "telephone"},
                CommandContext(actor=CASEWORKER, at=case.modified_on,
                               command_id=f"cmd-{batch}-{n:03}"))
        store.save(case)
        state = Case.Snapshot.take(store.get_case(case_id)).state
        sizes.append(len(store.mapper.transcoder.encode(state)))
    assert sizes[-1] <= sizes[0] * 1.05, sizes

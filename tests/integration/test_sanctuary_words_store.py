"""Sanctuary referrals and declines written before equality answers and decline reasons were
coded (issue 17) keep loading: `tests/fixtures/sanctuary_words_v3/` was written by the code
of commit 025e83c (tests/fixtures/sanctuary_words.py), with answers in the victim's words and
a decline whose reason is in words only, one case read back from a snapshot taken after the
decline. Today's code shows every answer given as "given in own words (not coded)", never a
code guessed from the words, the decline's reason as "not recorded", and counts them so in
the monitoring return (CAR; SCAR Q7, Q15)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from activities.case_replay import replay_case
from activities.case_store import CaseStore
from activities.monitoring_facts import facts_of
from aggregates.case import Case
from aggregates.sanctuary import SanctuaryMeasuresDeclined, SanctuaryReferred
from tests.fixtures.sanctuary_words import DIRECTORY, WORDS
from tests.fixtures.stored_versions import open_store

FACTS: dict[str, Any] = json.loads((DIRECTORY / "facts.json").read_text())


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    """A copy of the committed store (loading may write to SQLite's file; history may not)."""
    shutil.copy(DIRECTORY / "events.sqlite3", tmp_path / "events.sqlite3")
    return open_store(DIRECTORY, tmp_path / "events.sqlite3")


def case_id(name: str) -> UUID:
    return UUID(FACTS[name]["case_id"])


def test_the_store_was_written_with_words_and_has_a_snapshot_after_the_decline(
        store: CaseStore) -> None:
    assert FACTS["declined_in_words"]["referral"]["protected_characteristics"] == WORDS
    snapshots = store.snapshots
    assert snapshots is not None
    [snapshot] = list(snapshots.get(case_id("declined_in_words")))
    assert snapshot.originator_version > 8  # taken after the decline (event 8)


def test_answers_in_words_load_as_own_words_and_the_decline_as_not_recorded(
        store: CaseStore) -> None:
    """From the snapshot and from the events alone, the same referral: each answer given is
    "own_words", the needs one "own_words", the reason's code "not_recorded" and its words
    kept; everything else as the old code showed it."""
    old = FACTS["declined_in_words"]["referral"]
    from_snapshot = store.get_case(case_id("declined_in_words")).sanctuary.referral
    from_events = replay_case(store.events, case_id("declined_in_words")).sanctuary.referral
    assert from_snapshot == from_events and from_snapshot is not None
    assert from_snapshot.to_dict() == {
        **old, "protected_characteristics": dict.fromkeys(WORDS, "own_words"),
        "communication_needs": ["own_words"], "decline_reason": "not_recorded"}
    assert from_snapshot.outcome_reason == "Would rather move away."


def test_the_upcast_referral_event_keeps_the_words_beside_the_codes(store: CaseStore) -> None:
    events = list(store.events.get(case_id("declined_in_words")))
    [referred] = [e for e in events if isinstance(e, SanctuaryReferred)]
    [declined] = [e for e in events if isinstance(e, SanctuaryMeasuresDeclined)]
    assert referred.protected_characteristics == dict.fromkeys(WORDS, "own_words")
    assert referred.characteristics_in_own_words == WORDS
    assert referred.needs_in_own_words == ["BSL interpreter", "Letters in large print"]
    assert (declined.reason_code, declined.reason) == ("not_recorded", "Would rather move away.")


def test_old_answers_are_counted_as_given_in_own_words_never_as_a_guessed_code(
        store: CaseStore) -> None:
    """CAR: the disability answer "Uses a wheelchair" is "own_words" in the disability report,
    not "limited a lot"; the characteristics not answered are "not given"; no need recorded
    is "none" (SCAR Q15)."""
    rolled: Case | None = None
    found = []
    for event in store.events.get(case_id("referred_in_words")):
        rolled = event.mutate(rolled)
        assert isinstance(rolled, Case)
        found += [(f.report, f.row) for f in facts_of(event, rolled)
                  if f.report.startswith("equality")]
    assert ("equality-disability", "own_words") in found
    assert ("equality-age", "not_given") in found
    assert ("equality-communication", "none") in found
    assert len(found) == 10  # 9 characteristics and the communication needs, once each


def test_a_household_that_declined_before_the_codes_is_counted_as_reason_not_recorded(
        store: CaseStore) -> None:
    rolled: Case | None = None
    rows = []
    for event in store.events.get(case_id("declined_in_words")):
        rolled = event.mutate(rolled)
        assert isinstance(rolled, Case)
        rows += [f.row for f in facts_of(event, rolled) if f.report == "sanctuary-declined"]
    assert rows == ["not_recorded"]

"""Cases stored by version 4 of the case model (before Kent reciprocal transfers, issue 14)
load with an empty transfer slice, from their snapshots as from their events, and take a
transfer afterwards (aggregates/case_versions.py `upcast_v4_v5`)."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from aggregates.transfer_records import TransferState
from aggregates.transfer_rules import TransferStatus
from tests.fixtures.stored_versions import CASEWORKER, HERE, open_store

V4 = HERE / "case_store_v4"


def test_a_version_4_case_loads_from_its_snapshot_with_no_transfer_and_takes_one(
        tmp_path: Path) -> None:
    shutil.copy(V4 / "events.sqlite3", tmp_path / "events.sqlite3")
    facts = json.loads((V4 / "facts.json").read_text())
    assert facts["case_class_version"] == 4
    store = open_store(V4, tmp_path / "events.sqlite3")
    case_id = UUID(facts["cases"]["long_with_snapshots"]["case_id"])
    snapshots = store.snapshots
    assert snapshots is not None and list(snapshots.get(case_id))
    case = store.get_case(case_id)
    assert case.transfer == TransferState()
    at = case.modified_on + timedelta(minutes=1)
    store.apply_command(case_id=case_id, name="record_sharing_decision", args={
        "partner": "landlord_moat_homes", "purpose": "reciprocal_transfer", "shared": True,
        "categories": ["case_reference", "victim_identity", "transfer_destination"],
        "lawful_basis": "vital_interests", "justification": "Safe move (made-up)."},
        actor=CASEWORKER, command_id="v5-share", at=at)
    store.apply_command(case_id=case_id, name="request_reciprocal_transfer", args={
        "transfer_id": "a" * 32, "receiving_landlord": "landlord_moat_homes",
        "destination_area": "Made-up district", "reason": "Made-up reason."},
        actor=CASEWORKER, command_id="v5-request", at=at)
    transfer = store.get_case(case_id).transfer.transfers["a" * 32]
    assert transfer.status is TransferStatus.REQUESTED

"""Exporting a case as an evidence bundle (application/evidence_bundle.py) from a real store,
SQLite and PostgreSQL: only under a recorded decision to share (D 12.5), only what that
decision covers, every event proven in a signed checkpoint, and the export on the case's
access log (D 8.24-8.28: records as evidence)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from activities.case_store import CaseStore
from activities.cosignatures import StoredCosignature
from aggregates.access import StaffFacts
from aggregates.errors import CaseNotFound, ConflictError, RuleViolation
from aggregates.report import Council, Role
from application.evidence_bundle import BundleRequest, export_evidence_bundle
from application.transparency import TransparencyLog
from tests.evidence_support import (
    JUSTIFICATION,
    Exporter,
    auditor,
    bundle_keys,
    case_for_the_police,
    command,
)
from tests.integration.test_transparency_checkpoints import rebuild_log_tables, rewrite_event
from tests.support import NOTE, SUMMARY, VICTIM_ADDRESS, VICTIM_NAME
from transparency.bundle import raw_public_key
from transparency.bundle_check import check_bundle
from transparency.checkpoint import cosign_checkpoint
from transparency.note import Signer, Verifier, parse_note
from transparency.note_keys import ALG_COSIGNATURE_V1

WITHHELD = "Withheld: not needed for your role"


async def test_a_bundle_holds_what_the_decision_covers_and_verifies_offline(
        store: CaseStore) -> None:
    case_id, decision = case_for_the_police(store)
    keys = bundle_keys()
    bundle = await export_evidence_bundle(store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision)), keys)

    report = check_bundle(json.loads(json.dumps(bundle)),
                          log_key=Verifier.from_vkey(keys.log_key.verifier.vkey()),
                          council_key=raw_public_key(keys.council_key))
    assert report.ok, report.failed
    entries = bundle["entries"]
    assert entries[0]["type"] == "Opened"
    assert {"TriageDecided", "SharingDecided", "EntryCorrected"} <= {
        e["type"] for e in entries}
    assert [e["version"] for e in entries] == list(range(1, len(entries) + 1))
    assert bundle["header"]["decision"]["justification"] == JUSTIFICATION
    report_seen = entries[0]["content"]["report"]
    assert report_seen["victim"]["name"] == VICTIM_NAME  # victim_identity: covered
    assert report_seen["victim"]["address"] == WITHHELD  # victim_address: not covered
    assert report_seen["summary"] == WITHHELD  # free text: never in a bundle
    text = json.dumps(bundle)
    for secret in (VICTIM_ADDRESS, SUMMARY, NOTE, "It was by email"):
        assert secret not in text


async def test_the_export_is_on_the_cases_access_log_naming_the_decision(
        store: CaseStore) -> None:
    case_id, decision = case_for_the_police(store)
    bundle = await export_evidence_bundle(store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision)), bundle_keys())
    entries, _ = store.access_log(case_id)
    last = entries[-1]
    assert (last["staff_id"], last["action"], last["outcome"], last["rule"]) == (
        "aud-1", "export_evidence_bundle", "allowed", "sharing_decision_covers_export")
    assert last["reason"] == (f"evidence bundle {bundle['header']['bundle_id']} under "
                              f"sharing decision {decision}")


async def test_no_recorded_decision_no_bundle_and_the_refusal_is_logged(
        store: CaseStore) -> None:
    case_id, _ = case_for_the_police(store)
    unknown = uuid.uuid4()
    with pytest.raises(RuleViolation) as refused:
        await export_evidence_bundle(store, auditor(), BundleRequest(case_id, unknown),
                                     bundle_keys())
    assert (refused.value.rule, refused.value.field) == ("sharing_decision_recorded",
                                                         "sharing_decision_id")
    last = store.access_log(case_id)[0][-1]
    assert (last["action"], last["outcome"], last["rule"]) == (
        "export_evidence_bundle", "denied", "sharing_decision_recorded")
    assert str(unknown) in last["reason"]


async def test_a_decision_not_to_share_or_one_replaced_since_is_no_ground_to_export(
        store: CaseStore) -> None:
    case_id, decision = case_for_the_police(store)
    command(store, case_id, "record_sharing_decision", partner="police",
            purpose="evidence", shared=False, categories=["victim_identity"],
            reasons="The victim asked us not to, and there is no risk now")
    refusal = store.get_case(case_id).sharing_decisions[-1].decision_id
    for which, rule in ((refusal, "sharing_decision_is_to_share"),
                        (decision, "sharing_decision_still_in_force")):
        with pytest.raises(RuleViolation) as refused:
            await export_evidence_bundle(store, auditor(), BundleRequest(
                case_id, uuid.UUID(which)), bundle_keys())
        assert refused.value.rule == rule


async def test_another_councils_auditor_finds_no_such_case(store: CaseStore) -> None:
    case_id, decision = case_for_the_police(store)
    with pytest.raises(CaseNotFound):
        await export_evidence_bundle(store, auditor(Council.DARTFORD), BundleRequest(
            case_id, uuid.UUID(decision)), bundle_keys())


async def test_a_window_holds_the_events_stored_in_it_and_says_so(store: CaseStore) -> None:
    case_id, decision = case_for_the_police(store)
    middle = datetime.now(UTC)
    command(store, case_id, "record_contact", party="victim", purpose="about_abuse",
            channel="telephone")
    keys = bundle_keys()
    bundle = await export_evidence_bundle(store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision), window_from=middle), keys)
    latest = store.get_case(case_id).version
    assert [e["type"] for e in bundle["entries"]] == ["ContactRecorded"]
    assert bundle["header"]["window"]["first_version"] == latest
    assert check_bundle(bundle, log_key=keys.log_key.verifier).ok
    with pytest.raises(RuleViolation) as empty:
        await export_evidence_bundle(store, auditor(), BundleRequest(
            case_id, uuid.UUID(decision), window_from=middle + timedelta(days=1)), keys)
    assert (empty.value.rule, empty.value.field) == ("window_holds_events", "from")
    with pytest.raises(RuleViolation) as backwards:
        await export_evidence_bundle(store, auditor(), BundleRequest(
            case_id, uuid.UUID(decision), window_from=middle,
            window_to=middle - timedelta(days=1)), keys)
    assert (backwards.value.rule, backwards.value.field) == ("window_in_order", "to")


async def test_a_tree_head_kept_under_another_key_is_signed_anew_with_the_bundles(
        store: CaseStore) -> None:
    """A log key rotated out signed the checkpoint of this size: the bundle names the key
    it is checked with, so its checkpoint must carry that key's signature."""
    case_id, decision = case_for_the_police(store)
    TransparencyLog(store.recorder).make_checkpoint(  # type: ignore[arg-type]
        Signer.generate("test.invalid/da-casework-log"))
    keys = bundle_keys()
    bundle = await export_evidence_bundle(store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision)), keys)
    assert check_bundle(bundle, log_key=keys.log_key.verifier).ok


async def test_the_latest_checkpoint_is_used_when_it_holds_the_window(
        store: CaseStore) -> None:
    """It may carry witnesses' cosignatures; one signed at export has none yet."""
    case_id, decision = case_for_the_police(store)
    keys = bundle_keys()
    kept = TransparencyLog(store.recorder).make_checkpoint(keys.log_key)  # type: ignore[arg-type]
    case_for_the_police(store)  # the log grows past it
    bundle = await export_evidence_bundle(store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision)), keys)
    assert bundle["header"]["checkpoint"] == kept.note.decode()
    assert check_bundle(bundle, log_key=keys.log_key.verifier).ok


async def test_no_bundle_is_proven_against_a_log_changed_under_its_checkpoint(
        store: CaseStore) -> None:
    """The insider of issue 15 re-encrypts an event and rebuilds the log's tables to match:
    the export refuses (409) rather than sign a tree that does not extend the last one."""
    case_id, decision = case_for_the_police(store)
    keys = bundle_keys()
    TransparencyLog(store.recorder).make_checkpoint(keys.log_key)  # type: ignore[arg-type]

    def edit(state: dict[str, Any]) -> None:
        state["reason"] = "Changed later."

    rewrite_event(store, case_id, 1, edit)
    rebuild_log_tables(store)
    command(store, case_id, "record_contact", party="victim", purpose="about_abuse",
            channel="telephone")
    with pytest.raises(ConflictError) as refused:
        await export_evidence_bundle(store, auditor(), BundleRequest(
            case_id, uuid.UUID(decision)), keys)
    assert refused.value.rule == "log_extends_checkpoint"


async def test_witnesses_cosignatures_travel_with_the_bundle_and_are_checked(
        store: CaseStore) -> None:
    """A partner that witnesses the log cosigned the checkpoint (issue 15 scope 3): the
    bundle's checkpoint carries its line, and the witness's key named in the bundle checks
    it; a cosignature of a key nobody names is reported unchecked, never trusted."""
    case_id, decision = case_for_the_police(store)
    keys = bundle_keys()
    log = TransparencyLog(store.recorder)  # type: ignore[arg-type]
    kept = log.make_checkpoint(keys.log_key)
    witness = Signer.generate("police.example/witness", ALG_COSIGNATURE_V1)
    line = parse_note(cosign_checkpoint(kept.note, witness, timestamp=1_790_000_000)
                      ).signatures[-1]
    log.cosignatures().add(StoredCosignature(
        tree_size=kept.size, partner="police", key_name=line.name, key_id=line.key_id,
        cosigned_at=1_790_000_000, received_at=1_790_000_001, line=line.line()))
    who = f"police.example/witness+{witness.verifier.key_id:08x}"

    named = await export_evidence_bundle(store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision)), replace(keys, witness_keys=(
            witness.verifier.vkey(),)))
    assert named["header"]["checkpoint"].endswith(line.line())
    report = check_bundle(named, log_key=keys.log_key.verifier)
    assert report.ok, report.failed
    assert f"cosignature {who} (taken from the bundle): verifies" in report.passed

    unnamed = await export_evidence_bundle(store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision)), keys)
    assert check_bundle(unnamed, log_key=keys.log_key.verifier).unchecked == [
        f"cosignature {who}: no key for it was given or is in the bundle"]


async def test_a_court_is_given_a_bundle_under_a_decision_for_evidence(
        store: CaseStore) -> None:
    """D 8.24-8.28, DBC 10.2: records may be called on as evidence by a court. A decision to
    share with the court for evidence is the ground for its bundle; the DSO exporting it
    reads the address, which the decision covers, so the court is given it."""
    case_id, _ = case_for_the_police(store)
    command(store, case_id, "record_sharing_decision", partner="court", purpose="evidence",
            shared=True, categories=["case_reference", "victim_identity", "victim_address"],
            lawful_basis="public_task", justification=JUSTIFICATION)
    decision = store.get_case(case_id).sharing_decisions[-1].decision_id
    team = store.get_case(case_id).assigned_team
    dso = Exporter(StaffFacts(staff_id="dso-1", role=Role.DSO, teams=frozenset({team}),
                              council=Council.DOVER))
    bundle = await export_evidence_bundle(store, dso, BundleRequest(
        case_id, uuid.UUID(decision)), bundle_keys())
    assert bundle["header"]["decision"]["partner"] == "court"
    assert bundle["entries"][0]["content"]["report"]["victim"]["address"] != WITHHELD


def test_no_decision_gives_a_court_where_the_victim_moved_to(store: CaseStore) -> None:
    """D 8.22: the destination of a reciprocal transfer goes to the receiving landlord only,
    so a decision to give it to a court is refused by the partner's profile."""
    case_id, _ = case_for_the_police(store)
    with pytest.raises(RuleViolation) as refused:
        command(store, case_id, "record_sharing_decision", partner="court",
                purpose="evidence", shared=True,
                categories=["case_reference", "transfer_destination"],
                lawful_basis="public_task", justification=JUSTIFICATION)
    assert (refused.value.rule, refused.value.field) == (
        "transfer_destination_only_to_receiving_landlord", "categories")


async def test_a_decision_made_for_a_referral_is_no_ground_for_a_bundle(
        store: CaseStore) -> None:
    """D 8.24-8.28: the whole record goes only under a decision made for evidence; the
    decision triage records to refer to children's services is not one."""
    case_id, _ = case_for_the_police(store)
    command(store, case_id, "record_sharing_decision", partner="childrens_services",
            purpose="child_safeguarding", shared=True,
            categories=["case_reference", "victim_identity", "children"],
            lawful_basis="safeguarding_obligation", justification=JUSTIFICATION)
    decision = store.get_case(case_id).sharing_decisions[-1].decision_id
    with pytest.raises(RuleViolation) as refused:
        await export_evidence_bundle(store, auditor(), BundleRequest(
            case_id, uuid.UUID(decision)), bundle_keys())
    assert (refused.value.rule, refused.value.field) == (
        "evidence_bundle_under_decision_for_evidence", "sharing_decision_id")

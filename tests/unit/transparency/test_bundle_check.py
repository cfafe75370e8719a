"""An evidence bundle is checked offline, and a changed bundle is caught naming the event and
the check (issue 15, scope 4: "a verify command ... says exactly what is wrong if anything
is"; D 8.24-8.28: records may be evidence, provably unaltered)."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.unit.transparency.bundle_builder import Keys, make_bundle
from transparency.bundle import BundleFormatError, raw_public_key
from transparency.bundle_check import BundleReport, check_bundle
from transparency.checkpoint import Checkpoint
from transparency.note import Signer, parse_note

BUNDLE_SIGNATURE_FAILS = ("bundle signature: does not verify: the header, or which events "
                          "are in the bundle and their order, changed after the council "
                          "signed it")


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


@pytest.fixture(scope="module")
def honest(keys: Keys) -> dict[str, Any]:
    return make_bundle(keys)


def checked(bundle: dict[str, Any], keys: Keys, **given: Any) -> BundleReport:
    return check_bundle(bundle, log_key=keys.log.verifier,
                        council_key=raw_public_key(keys.council), **given)


def test_an_honest_bundle_passes_every_check_with_the_published_keys(
        honest: dict[str, Any], keys: Keys) -> None:
    report = checked(honest, keys)
    assert report.ok, report.failed
    assert not report.notes and not report.unchecked
    assert report.passed[0].startswith("checkpoint signature: test.invalid/da-casework-log, "
                                       "11 leaves, root ")
    assert "window: events 1 to 5, all present, in order" in report.passed


def test_with_no_key_given_nothing_is_proven(honest: dict[str, Any]) -> None:
    """Issue 15: a bundle is checked "with nothing but the public key": a key the bundle
    carries proves nothing, since a forger writes their own in, so the check fails."""
    report = check_bundle(honest)
    assert not report.ok
    assert report.failed[0].startswith("log key: none given, so nothing is proven")


def test_the_log_key_alone_checks_a_bundle_whose_council_key_it_vouches_for(
        keys: Keys) -> None:
    """The export adds a note signed with the log key naming the council's bundle key, so
    the one published key (`casework log-key`) checks everything."""
    bundle = vouched(make_bundle(keys), keys, keys.council)
    report = check_bundle(bundle, log_key=keys.log.verifier)
    assert report.ok, report.failed
    assert "council key: vouched for by a note signed with the log key" in report.passed


def test_a_bundle_sealed_with_a_key_of_the_forgers_own_fails_with_the_log_key_alone(
        keys: Keys) -> None:
    """The reviewer's forgery: the wording changed and the bundle sealed again with a new
    Ed25519 key written into it, so every signature inside verifies under that key. The log
    key vouches for no such key (a note naming it, signed by another key, is no better)."""
    forger = Keys()
    forger.log = keys.log  # the checkpoint is the council's own, and genuine
    forged = make_bundle(forger)
    vouched_by_another_log_key = vouched(copy.deepcopy(forged), Keys(), forger.council)
    for bundle in (forged, vouched_by_another_log_key):
        report = check_bundle(bundle, log_key=keys.log.verifier)
        assert not report.ok
        assert [line for line in report.failed if line.startswith("council key: ")]


def test_a_window_of_a_trillion_events_is_counted_not_listed(
        honest: dict[str, Any], keys: Keys) -> None:
    """A hostile header must not make the check run for ever or its report unbounded."""
    import time

    bundle = copy.deepcopy(honest)
    bundle["header"]["window"]["last_version"] = 10**12
    started = time.monotonic()
    report = checked(bundle, keys)
    assert time.monotonic() - started < 5
    window = [line for line in report.failed if line.startswith("window: ")]
    assert len(window) <= 51
    assert window[-1] == f"window: {10**12 - 5 - 50} more events are missing"


def vouched(bundle: dict[str, Any], keys: Keys, council: Ed25519PrivateKey) -> dict[str, Any]:
    """`bundle` with the log key's note vouching for `council` (as the export adds it)."""
    from transparency.bundle import council_key_note_text
    from transparency.note import sign_note

    bundle["council_key_note"] = sign_note(council_key_note_text(
        keys.log.name, raw_public_key(council)), [keys.log]).decode()
    return bundle


def test_changed_readable_content_names_the_event_and_the_councils_signature(
        honest: dict[str, Any], keys: Keys) -> None:
    bundle = copy.deepcopy(honest)
    bundle["entries"][3]["content"]["level"] = "standard"
    assert checked(bundle, keys).failed == [
        "event 4 (DashCompleted): readable content: the council's signature does not match "
        "it (changed after the council signed it)"]


def test_a_changed_stored_record_fails_its_leaf_and_its_inclusion_proof(
        honest: dict[str, Any], keys: Keys) -> None:
    bundle = copy.deepcopy(honest)
    entry = bundle["entries"][1]
    entry["state_sha256"] = base64.b64encode(b"\x07" * 32).decode()
    failed = checked(bundle, keys).failed
    assert failed[0] == ("event 2 (TriageDecided): leaf hash: the stored record's fields do "
                         "not give the leaf hash the bundle carries")
    assert failed[1].startswith("event 2 (TriageDecided): inclusion proof: leaf 3 is not "
                                "proven in the checkpoint of 11 leaves (")
    assert failed[2].startswith("event 2 (TriageDecided): readable content:")


def test_a_dropped_event_is_missing_from_the_window(honest: dict[str, Any],
                                                    keys: Keys) -> None:
    bundle = copy.deepcopy(honest)
    del bundle["entries"][2]
    assert checked(bundle, keys).failed == [
        "window: event 3 is missing (the window holds events 1 to 5)",
        BUNDLE_SIGNATURE_FAILS]


def test_reordered_events_are_out_of_order(honest: dict[str, Any], keys: Keys) -> None:
    bundle = copy.deepcopy(honest)
    entries = bundle["entries"]
    entries[1], entries[2] = entries[2], entries[1]
    assert checked(bundle, keys).failed == [
        "order: event 2 comes after event 3", BUNDLE_SIGNATURE_FAILS]


def test_swapped_proofs_fail_both_events_inclusion(honest: dict[str, Any],
                                                   keys: Keys) -> None:
    bundle = copy.deepcopy(honest)
    first, second = bundle["entries"][0], bundle["entries"][4]
    first["proof"], second["proof"] = second["proof"], first["proof"]
    failed = checked(bundle, keys).failed
    assert [line.split(" (", 2)[0] + " " + line.split(": ")[1] for line in failed] == [
        "event 1 inclusion proof", "event 5 inclusion proof"]
    assert failed[0].startswith("event 1 (Opened): inclusion proof: leaf 1 is not proven in "
                                "the checkpoint of 11 leaves")


def test_a_changed_checkpoint_fails_its_signature_and_proves_nothing(
        honest: dict[str, Any], keys: Keys) -> None:
    bundle = copy.deepcopy(honest)
    note = parse_note(bundle["header"]["checkpoint"].encode())
    bigger = Checkpoint.parse(note.text)
    forged = Checkpoint(bigger.origin, bigger.size + 1, bigger.root_hash)
    bundle["header"]["checkpoint"] = note.encode().decode().replace(note.text, forged.text())
    report = checked(bundle, keys)
    assert report.failed[0] == (
        "checkpoint signature: not a valid signature of the log key "
        f"test.invalid/da-casework-log+{keys.log.verifier.key_id:08x} (invalid signature for "
        f"key test.invalid/da-casework-log+{keys.log.verifier.key_id:08x})")
    assert report.failed[1:] == [BUNDLE_SIGNATURE_FAILS]
    assert "event 3 (TaskOpened): inclusion proof: no valid checkpoint to check it " \
           "against" in report.unchecked


def test_the_wrong_log_key_is_refused(honest: dict[str, Any], keys: Keys) -> None:
    other = Signer.generate("test.invalid/da-casework-log")
    report = check_bundle(honest, log_key=other.verifier,
                          council_key=raw_public_key(keys.council))
    assert report.failed == [
        "checkpoint signature: not a valid signature of the log key "
        f"test.invalid/da-casework-log+{other.verifier.key_id:08x} (the note has no "
        "signature from a known key)"]


def test_the_wrong_council_key_fails_every_signature(honest: dict[str, Any],
                                                     keys: Keys) -> None:
    stranger = raw_public_key(Ed25519PrivateKey.generate())
    report = check_bundle(honest, log_key=keys.log.verifier, council_key=stranger)
    assert len(report.failed) == 6
    assert report.failed[-1] == BUNDLE_SIGNATURE_FAILS


def test_a_type_that_is_not_the_logged_records_is_named(honest: dict[str, Any],
                                                        keys: Keys) -> None:
    bundle = copy.deepcopy(honest)
    bundle["entries"][4]["type"] = "TaskOpened"
    assert checked(bundle, keys).failed[0] == (
        "event 5 (TaskOpened): type: the logged record is a TaskCompleted")


def test_a_witness_cosignature_verifies_and_an_unknown_one_is_unchecked(keys: Keys) -> None:
    bundle = make_bundle(keys, cosigned=True, witness_in_bundle=True)
    report = checked(bundle, keys)
    assert report.ok, report.failed
    who = f"witness.test.invalid+{keys.witness.verifier.key_id:08x}"
    assert f"cosignature {who} (taken from the bundle): verifies" in report.passed
    unnamed = make_bundle(keys, cosigned=True)
    assert checked(unnamed, keys).unchecked == [
        f"cosignature {who}: no key for it was given or is in the bundle"]
    assert f"cosignature {who} (given): verifies" in checked(
        unnamed, keys, witness_keys=[keys.witness.verifier]).passed


def test_a_forged_cosignature_from_a_known_witness_fails(keys: Keys) -> None:
    bundle = make_bundle(keys, cosigned=True, witness_in_bundle=True)
    note = parse_note(bundle["header"]["checkpoint"].encode())
    line = note.signatures[-1]
    forged = type(line)(line.name, line.key_id, line.signature[:-1] + bytes(
        [line.signature[-1] ^ 1]))
    bundle["header"]["checkpoint"] = type(note)(
        note.text, (*note.signatures[:-1], forged)).encode().decode()
    who = f"witness.test.invalid+{keys.witness.verifier.key_id:08x}"
    assert checked(bundle, keys).failed == [
        f"cosignature {who} (taken from the bundle): invalid signature for key {who}",
        BUNDLE_SIGNATURE_FAILS]


def test_something_that_is_not_a_bundle_is_refused_as_such() -> None:
    with pytest.raises(BundleFormatError, match="not an evidence bundle of format"):
        check_bundle({"format": "something else"})


ODD_VALUES: list[Any] = [None, True, -1, 2**70, 1.5, "", "not base64!", [], {}, ["x"],
                         {"a": float("nan")}]


@pytest.mark.parametrize("field", ["version", "type", "recorded_at", "topic", "state_sha256",
                                   "leaf_index", "leaf_hash", "proof", "content",
                                   "signature"])
def test_a_hostile_entry_is_refused_or_failed_never_a_crash(
        honest: dict[str, Any], keys: Keys, field: str) -> None:
    """Whatever a forger puts in a field, the check says the bundle is malformed or names a
    failed check; it never ends in another exception (a verifier that crashes proves
    nothing, and one that passes a broken bundle is worse)."""
    for value in ODD_VALUES:
        bundle = copy.deepcopy(honest)
        bundle["entries"][2][field] = value
        try:
            report = checked(bundle, keys)
        except BundleFormatError:
            continue
        assert not report.ok, (field, value)


@pytest.mark.parametrize("field", ["case_id", "checkpoint", "log_key", "window",
                                   "witness_keys", "decision"])
def test_a_hostile_header_is_refused_or_failed_never_a_crash(
        honest: dict[str, Any], keys: Keys, field: str) -> None:
    for value in ODD_VALUES:
        if value == honest["header"][field]:
            continue  # not a change
        bundle = copy.deepcopy(honest)
        bundle["header"][field] = value
        try:
            report = check_bundle(bundle)
        except BundleFormatError:
            continue
        assert not report.ok, (field, value)


def test_a_window_claiming_millions_of_events_lists_fifty_and_counts_the_rest(
        honest: dict[str, Any], keys: Keys) -> None:
    bundle = copy.deepcopy(honest)
    bundle["header"]["window"]["last_version"] = 10**6
    failed = checked(bundle, keys).failed
    assert failed[50] == "window: 999945 more events are missing"
    assert len(failed) == 52  # and the bundle signature

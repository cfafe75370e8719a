"""The witness (transparency/witness.py, C2SP tlog-witness v1.0.0 "add-checkpoint" and
tlog-cosignature v1): it cosigns a checkpoint only when the log signed it and it extends the
last one cosigned, and refuses, naming why, every proof or checkpoint that would let a log
show two histories (issue 15 scope 3, "Witnesses")."""

from __future__ import annotations

import pytest

from transparency.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from transparency.log_tree import MemoryLog, consistency_proof, root_hash
from transparency.note import Signer
from transparency.note_keys import ALG_COSIGNATURE_V1
from transparency.witness import (
    AddCheckpoint,
    Witness,
    WitnessedTree,
    WitnessRefusal,
    format_add_checkpoint,
    parse_add_checkpoint,
)

ORIGIN = "dover.example.gov.uk/da-casework-log"
LOG_KEY = Signer.generate(ORIGIN)
WITNESS_KEY = Signer.generate("police.example/witness", ALG_COSIGNATURE_V1)
NOW = 1_781_000_000


def history(size: int, tag: bytes = b"") -> MemoryLog:
    log = MemoryLog()
    for i in range(size):
        log.append(tag + b"stored event %d" % i)
    return log


def note(log: MemoryLog, size: int, key: Signer = LOG_KEY) -> bytes:
    return sign_checkpoint(Checkpoint(key.name, size, root_hash(log, size)), key)


def witness(**latest: WitnessedTree) -> Witness:
    return Witness(WITNESS_KEY, {ORIGIN: [LOG_KEY.verifier]}, latest or None)


def add(w: Witness, old: int, proof: list[bytes], message: bytes) -> bytes:
    return w.add_checkpoint(format_add_checkpoint(old, proof, message), now=NOW)


def refusal(w: Witness, old: int, proof: list[bytes], message: bytes) -> WitnessRefusal:
    with pytest.raises(WitnessRefusal) as refused:
        add(w, old, proof, message)
    return refused.value


def test_first_checkpoint_is_cosigned_and_verifies_with_log_and_witness_keys() -> None:
    log, w = history(7), witness()
    lines = add(w, 0, [], note(log, 7))
    opened = open_checkpoint(note(log, 7) + lines, log_key=LOG_KEY.verifier,
                             witnesses=[WITNESS_KEY.verifier], quorum=1)
    assert opened.witnesses == ("police.example/witness",)
    assert w.latest[ORIGIN] == WitnessedTree(7, root_hash(log, 7))
    # The line is a cosignature/v1 at the time given: u64 timestamp after the key ID.
    [signature] = [s for s in opened.note.verified if s.name == WITNESS_KEY.name]
    assert int.from_bytes(signature.signature[:8], "big") == NOW


def test_next_checkpoint_is_cosigned_with_a_consistency_proof_from_the_last() -> None:
    log = history(20)
    w = witness()
    add(w, 0, [], note(log, 7))
    lines = add(w, 7, consistency_proof(log, 7, 20), note(log, 20))
    open_checkpoint(note(log, 20) + lines, log_key=LOG_KEY.verifier,
                    witnesses=[WITNESS_KEY.verifier], quorum=1)
    assert w.latest[ORIGIN].size == 20
    # The same checkpoint again (a retry after a lost answer) is cosigned again.
    add(w, 20, [], note(log, 20))


def test_same_size_another_root_is_a_conflicting_checkpoint_a_split_view() -> None:
    honest, forked = history(9), history(9, tag=b"rewritten ")
    w = witness()
    add(w, 0, [], note(honest, 9))
    refused = refusal(w, 9, [], note(forked, 9))
    assert (refused.reason, refused.status, refused.latest_size) == (
        "conflicting_checkpoint", 409, 9)
    assert refused.signed_by_log  # the log's own signature: evidence against it
    assert w.latest[ORIGIN].root_hash == root_hash(honest, 9)


def test_a_later_checkpoint_that_does_not_extend_the_cosigned_one_is_refused() -> None:
    honest, forked = history(9), history(16, tag=b"rewritten ")
    w = witness()
    add(w, 0, [], note(honest, 9))
    # The forked log's own proof from 9 to 16: it proves its own prefix, not ours.
    refused = refusal(w, 9, consistency_proof(forked, 9, 16), note(forked, 16))
    assert (refused.reason, refused.status) == ("bad_consistency_proof", 422)
    assert w.latest[ORIGIN].size == 9


@pytest.mark.parametrize("tamper", [
    "swap two hashes", "drop the last hash", "extra hash", "flip a bit", "empty proof",
    "proof for another size",
])
def test_hostile_consistency_proofs_are_refused(tamper: str) -> None:
    log = history(21)
    w = witness()
    add(w, 0, [], note(log, 6))
    proof = consistency_proof(log, 6, 21)
    assert len(proof) >= 3
    hostile = {
        "swap two hashes": [proof[1], proof[0], *proof[2:]],
        "drop the last hash": proof[:-1],
        "extra hash": [*proof, proof[0]],
        "flip a bit": [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]],
        "empty proof": [],
        "proof for another size": consistency_proof(log, 5, 21),
    }[tamper]
    assert refusal(w, 6, hostile, note(log, 21)).reason == "bad_consistency_proof"
    assert w.latest[ORIGIN].size == 6


def test_an_older_checkpoint_after_a_larger_one_is_refused() -> None:
    log = history(12)
    w = witness()
    add(w, 0, [], note(log, 12))
    refused = refusal(w, 12, [], note(log, 5))
    assert (refused.reason, refused.status, refused.latest_size) == ("older_checkpoint", 400, 12)


def test_a_stale_old_size_is_answered_with_the_size_held() -> None:
    log = history(12)
    w = witness()
    add(w, 0, [], note(log, 8))
    refused = refusal(w, 0, [], note(log, 12))
    assert (refused.reason, refused.status, refused.latest_size) == ("old_size_mismatch", 409, 8)
    assert refusal(w, 13, [], note(log, 12)).reason == "old_size_beyond_checkpoint"


def test_an_unknown_log_and_a_checkpoint_not_signed_by_the_log_are_refused() -> None:
    log, w = history(4), witness()
    other = Signer.generate("elsewhere.example/log")
    assert refusal(w, 0, [], note(log, 4, other)).status == 404
    # Signed with another key under the council log's name: a forger without the log key.
    impostor = Signer.generate(ORIGIN)
    refused = refusal(w, 0, [], note(log, 4, impostor))
    assert (refused.reason, refused.status, refused.signed_by_log) == (
        "log_signature_invalid", 403, False)
    assert w.latest == {}


def test_a_request_with_a_proof_from_size_zero_is_refused() -> None:
    log, w = history(4), witness()
    assert refusal(w, 0, [root_hash(log, 2)], note(log, 4)).reason == "bad_consistency_proof"


@pytest.mark.parametrize("body", [
    b"old 01\n\n", b"old -1\n\n", b"new 1\n\n", b"old 1\nnot base64!\n\n",
    b"old 1\nAAAA\n\n", b"old 1\n" + b"\n".join([b"A" * 43 + b"="] * 64) + b"\n\n",
    b"old 1\n", b"old 1\n\nnot a note",
])
def test_malformed_requests_are_refused_as_such(body: bytes) -> None:
    with pytest.raises(WitnessRefusal) as refused:
        witness().add_checkpoint(body, now=NOW)
    assert refused.value.reason == "malformed_request"


def test_a_decision_checked_against_a_state_that_moved_is_not_recorded() -> None:
    """tlog-witness: the check and the update are one atomic step, or a late request for a
    smaller tree would roll the witness back."""
    log = history(30)
    w = witness()
    add(w, 0, [], note(log, 10))
    small = w.check(parse_add_checkpoint(format_add_checkpoint(
        10, consistency_proof(log, 10, 20), note(log, 20))), now=NOW)
    add(w, 10, consistency_proof(log, 10, 30), note(log, 30))
    with pytest.raises(WitnessRefusal) as refused:
        w.accept(small)
    assert refused.value.reason == "old_size_mismatch"
    assert w.latest[ORIGIN].size == 30


def test_request_body_round_trips_and_a_note_key_cannot_be_a_witness_key() -> None:
    log = history(5)
    body = format_add_checkpoint(3, consistency_proof(log, 3, 5), note(log, 5))
    assert parse_add_checkpoint(body) == AddCheckpoint(
        3, tuple(consistency_proof(log, 3, 5)), note(log, 5))
    with pytest.raises(ValueError, match="type 0x04"):
        Witness(Signer.generate("w.example/plain"), {ORIGIN: [LOG_KEY.verifier]})

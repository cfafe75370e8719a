"""Signed checkpoints: the C2SP tlog-checkpoint text read strictly, signed by the council's
log key, cosigned by witnesses, and used by an auditor to check inclusion and consistency."""

from __future__ import annotations

import base64
import re

import pytest

from transparency.checkpoint import (
    Checkpoint,
    CheckpointError,
    cosign_checkpoint,
    open_checkpoint,
    sign_checkpoint,
    verify_extends,
    verify_included,
)
from transparency.log_tree import MemoryLog, consistency_proof, inclusion_proof, root_hash
from transparency.merkle import (
    EMPTY_ROOT,
    ConsistencyProofError,
    InclusionProofError,
    hash_leaf,
)
from transparency.note import InvalidSignatureError, Signer, UnverifiedNoteError, sign_note
from transparency.note_keys import ALG_COSIGNATURE_V1

ORIGIN = "dover.example.gov.uk/case-record-log"
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
LOG_KEY = Signer.generate(ORIGIN)
WITNESSES = [Signer.generate(f"witness.example/w{i}", ALG_COSIGNATURE_V1) for i in range(3)]
NOW = 1_781_000_000


def _log(size: int) -> MemoryLog:
    log = MemoryLog()
    for i in range(size):
        log.append(b"stored event %d" % i)
    return log


def _checkpoint(log: MemoryLog, size: int) -> Checkpoint:
    return Checkpoint(ORIGIN, size, root_hash(log, size))


def test_the_specification_example_checkpoint_text_reads_and_writes_back_unchanged() -> None:
    checkpoint = Checkpoint.parse(SPEC_BODY)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.text() == SPEC_BODY
    with_extension = Checkpoint.parse(SPEC_BODY + "extension line\n")
    assert with_extension.extensions == ("extension line",)
    assert with_extension.text() == SPEC_BODY + "extension line\n"


@pytest.mark.parametrize(("text", "reason"), [
    (SPEC_BODY.replace("20852163", "020852163"), "without leading zeros"),
    (SPEC_BODY.replace("20852163", "-1"), "decimal"),
    (SPEC_BODY.replace("20852163", "+5"), "decimal"),
    (SPEC_BODY.replace("20852163", "٣"), "decimal"),
    (SPEC_BODY.replace("20852163", ""), "decimal"),
    (SPEC_BODY.replace("20852163", str(2**64)), r"in \[0, 2\*\*64\)"),
    (SPEC_BODY.replace("20852163", "9" * 5000), "decimal"),
    (SPEC_BODY.replace("example.com/behind-the-sofa", ""), "origin is one non-empty line"),
    (SPEC_BODY.replace("q2I=", "q2J="), "not canonical"),
    (SPEC_BODY.replace("q2I=", "q2"), "base64"),
    (SPEC_BODY.replace("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "AAAA"), "32 bytes"),
    (SPEC_BODY[:-1], "ends in a newline"),
    ("example.com/behind-the-sofa\n20852163\n", "an origin, a tree size and a root hash"),
    (SPEC_BODY + "\n", "extension lines are single non-empty lines"),
    ("log\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "empty tree's root hash"),
])
def test_malformed_checkpoint_text_is_refused(text: str, reason: str) -> None:
    with pytest.raises(CheckpointError, match=reason):
        Checkpoint.parse(text)


def test_the_empty_tree_checkpoint_has_the_empty_root() -> None:
    empty = Checkpoint(ORIGIN, 0, EMPTY_ROOT)
    assert Checkpoint.parse(empty.text()) == empty


def test_a_checkpoint_signed_by_the_log_key_opens_with_its_verifier() -> None:
    log = _log(21)
    checkpoint = _checkpoint(log, 21)
    note = sign_checkpoint(checkpoint, LOG_KEY)
    assert note.decode().startswith(checkpoint.text() + "\n— " + ORIGIN + " ")
    opened = open_checkpoint(note, log_key=LOG_KEY.verifier)
    assert opened.checkpoint == checkpoint
    assert opened.witnesses == ()


def test_a_checkpoint_with_an_altered_size_or_root_is_refused() -> None:
    note = sign_checkpoint(_checkpoint(_log(21), 21), LOG_KEY).decode()
    body, signatures = note.split("\n\n")
    grown = body.replace("\n21\n", "\n22\n")
    with pytest.raises(InvalidSignatureError):
        open_checkpoint(f"{grown}\n\n{signatures}".encode(), log_key=LOG_KEY.verifier)
    other_root = base64.b64encode(root_hash(_log(22), 22)).decode()
    lines = body.split("\n")
    rerooted = "\n".join([*lines[:2], other_root])
    with pytest.raises(InvalidSignatureError):
        open_checkpoint(f"{rerooted}\n\n{signatures}".encode(), log_key=LOG_KEY.verifier)


def test_a_checkpoint_without_the_log_keys_signature_is_refused_even_if_witnessed() -> None:
    checkpoint = _checkpoint(_log(5), 5)
    forged = sign_note(checkpoint.text(), [WITNESSES[0]], timestamp=NOW)
    with pytest.raises(CheckpointError, match=re.escape(f"not signed by the log key {ORIGIN}")):
        open_checkpoint(forged, log_key=LOG_KEY.verifier, witnesses=[WITNESSES[0].verifier])
    stranger = Signer.generate(ORIGIN)
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(sign_checkpoint(checkpoint, stranger), log_key=LOG_KEY.verifier)


def test_a_checkpoint_of_another_log_is_refused() -> None:
    other = Checkpoint("dartford.example.gov.uk/log", 5, root_hash(_log(5), 5))
    with pytest.raises(CheckpointError, match=re.escape("is of dartford.example.gov.uk/log, not ")):
        open_checkpoint(sign_checkpoint(other, LOG_KEY), log_key=LOG_KEY.verifier)


def test_witness_cosignatures_count_towards_the_quorum_and_unknown_ones_do_not() -> None:
    note = sign_checkpoint(_checkpoint(_log(8), 8), LOG_KEY)
    note = cosign_checkpoint(note, WITNESSES[0], timestamp=NOW)
    note = cosign_checkpoint(note, WITNESSES[1], timestamp=NOW + 5)
    outsider = Signer.generate("witness.example/unknown", ALG_COSIGNATURE_V1)
    note = cosign_checkpoint(note, outsider, timestamp=NOW)
    verifiers = [w.verifier for w in WITNESSES]
    opened = open_checkpoint(note, log_key=LOG_KEY.verifier, witnesses=verifiers, quorum=2)
    assert opened.witnesses == ("witness.example/w0", "witness.example/w1")
    assert [s.name for s in opened.note.unverified] == ["witness.example/unknown"]
    with pytest.raises(CheckpointError, match="2 of the 3 witness cosignatures required"):
        open_checkpoint(note, log_key=LOG_KEY.verifier, witnesses=verifiers, quorum=3)
    with pytest.raises(ValueError, match="a quorum of 4 among 3 witnesses"):
        open_checkpoint(note, log_key=LOG_KEY.verifier, witnesses=verifiers, quorum=4)


def test_cosigning_again_replaces_the_witness_signature_rather_than_adding_one() -> None:
    note = sign_checkpoint(_checkpoint(_log(8), 8), LOG_KEY)
    twice = cosign_checkpoint(cosign_checkpoint(note, WITNESSES[0], timestamp=NOW),
                              WITNESSES[0], timestamp=NOW + 60)
    assert twice.decode().count("— witness.example/w0 ") == 1


def test_only_checkpoints_are_cosigned_and_the_log_signs_with_a_note_key() -> None:
    with pytest.raises(CheckpointError):
        cosign_checkpoint(sign_note("not a checkpoint\n", [LOG_KEY]), WITNESSES[0],
                          timestamp=NOW)
    with pytest.raises(CheckpointError, match="not a cosignature key"):
        sign_checkpoint(_checkpoint(_log(2), 2), WITNESSES[0])


def test_an_auditor_checks_an_event_against_the_checkpoints_size_and_root() -> None:
    log = _log(13)
    checkpoint = _checkpoint(log, 13)
    proof = inclusion_proof(log, 5, 13)
    verify_included(checkpoint, leaf_hash=hash_leaf(b"stored event 5"), index=5, proof=proof)
    with pytest.raises(InclusionProofError):
        verify_included(checkpoint, leaf_hash=hash_leaf(b"stored event 5 (altered)"), index=5,
                        proof=proof)
    with pytest.raises(InclusionProofError):
        verify_included(_checkpoint(log, 12), leaf_hash=hash_leaf(b"stored event 5"), index=5,
                        proof=proof)


def test_an_auditor_checks_that_a_later_checkpoint_extends_an_earlier_one() -> None:
    log = _log(30)
    older, newer = _checkpoint(log, 11), _checkpoint(log, 30)
    verify_extends(older, newer, consistency_proof(log, 11, 30))
    rewritten = MemoryLog()
    for i in range(30):
        rewritten.append(b"stored event %d" % i if i != 3 else b"rewritten")
    forged = _checkpoint(rewritten, 30)
    with pytest.raises(ConsistencyProofError):
        verify_extends(older, forged, consistency_proof(rewritten, 11, 30))
    elsewhere = Checkpoint("dartford.example.gov.uk/log", 30, newer.root_hash)
    with pytest.raises(CheckpointError, match="checkpoints of two logs"):
        verify_extends(older, elsewhere, consistency_proof(log, 11, 30))

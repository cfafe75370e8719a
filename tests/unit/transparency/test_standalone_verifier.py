"""`python -m transparency`: an auditor outside the council checks saved proofs with the
verifier key alone, and a proof that does not match the signed checkpoint is refused."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from transparency.checkpoint import Checkpoint, sign_checkpoint
from transparency.log_tree import MemoryLog, consistency_proof, inclusion_proof, root_hash
from transparency.merkle import hash_leaf
from transparency.note import Signer

KEY = Signer.generate("dover.example/da-casework-log")
VKEY = KEY.verifier.vkey()
REPO = Path(__file__).resolve().parents[3]


def b64(values: list[bytes]) -> list[str]:
    return [base64.b64encode(v).decode() for v in values]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """What an auditor saved from the HTTP answers: two checkpoints and two proofs."""
    log = MemoryLog()
    for n in range(13):
        log.append(f"event {n}".encode())
    for name, size in (("older", 7), ("newer", 13)):
        note = sign_checkpoint(Checkpoint(KEY.name, size, root_hash(log, size)), KEY)
        (tmp_path / name).write_bytes(note)
    (tmp_path / "inclusion.json").write_text(json.dumps({
        "leaf_index": 5, "leaf_hash": b64([hash_leaf(b"event 5")])[0], "tree_size": 13,
        "proof": b64(inclusion_proof(log, 5, 13))}))
    (tmp_path / "consistency.json").write_text(json.dumps({
        "old_size": 7, "new_size": 13, "proof": b64(consistency_proof(log, 7, 13))}))
    return tmp_path


def verify(*args: str) -> subprocess.CompletedProcess[str]:
    # Run as an auditor would: a process of its own, this package alone on its path.
    return subprocess.run([sys.executable, "-m", "transparency", *args], cwd=REPO,
                          capture_output=True, text=True, check=False)


def test_saved_proofs_verify_against_the_signed_checkpoints(saved: Path) -> None:
    included = verify("inclusion", "--vkey", VKEY, "--checkpoint", str(saved / "newer"),
                      "--proof", str(saved / "inclusion.json"))
    assert included.returncode == 0, included.stderr
    assert included.stdout.startswith("ok: leaf 5 is in the checkpoint of 13 leaves")
    extends = verify("consistency", "--vkey", VKEY, "--older", str(saved / "older"),
                     "--newer", str(saved / "newer"), "--proof",
                     str(saved / "consistency.json"))
    assert extends.returncode == 0, extends.stderr


def test_a_proof_for_another_leaf_or_tree_fails(saved: Path) -> None:
    other = b64([hash_leaf(b"event 5, edited")])[0]
    refused = verify("inclusion", "--vkey", VKEY, "--checkpoint", str(saved / "newer"),
                     "--proof", str(saved / "inclusion.json"), "--leaf-hash", other)
    assert refused.returncode == 1
    assert refused.stderr.startswith("FAILED:")
    # The proof is for 13 leaves: against the checkpoint of 7 it cannot verify.
    smaller = verify("inclusion", "--vkey", VKEY, "--checkpoint", str(saved / "older"),
                     "--proof", str(saved / "inclusion.json"))
    assert smaller.returncode == 1
    swapped = verify("consistency", "--vkey", VKEY, "--older", str(saved / "newer"),
                     "--newer", str(saved / "older"), "--proof",
                     str(saved / "consistency.json"))
    assert swapped.returncode == 1


def test_a_checkpoint_not_signed_by_the_log_key_is_refused(saved: Path) -> None:
    stranger = Signer.generate("dover.example/da-casework-log").verifier.vkey()
    refused = verify("inclusion", "--vkey", stranger, "--checkpoint", str(saved / "newer"),
                     "--proof", str(saved / "inclusion.json"))
    assert refused.returncode == 1
    assert "no signature from a known key" in refused.stderr


def test_a_proof_file_nested_too_deep_is_refused_in_words_not_a_traceback(
        saved: Path) -> None:
    (saved / "deep.json").write_text("[" * 100_000)
    refused = verify("inclusion", "--vkey", VKEY, "--checkpoint", str(saved / "newer"),
                     "--proof", str(saved / "deep.json"))
    assert refused.returncode == 1
    assert refused.stderr.startswith("FAILED: the proof file is not a proof")
    assert "Traceback" not in refused.stderr

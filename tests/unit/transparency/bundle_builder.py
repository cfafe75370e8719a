"""A small evidence bundle made in memory (no database): a log of other leaves around one
case's events, a signed checkpoint, and the council's signatures, for the bundle checks."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from transparency.bundle import BundleEntry, seal_bundle
from transparency.checkpoint import Checkpoint, cosign_checkpoint, sign_checkpoint
from transparency.leaves import event_leaf_hash
from transparency.log_tree import MemoryLog, inclusion_proof, root_hash
from transparency.note import Signer
from transparency.note_keys import ALG_COSIGNATURE_V1

CASE_ID = "6f1c2a9e-0d4b-4c59-9a51-2f1e8b7c3d10"
ORIGIN = "test.invalid/da-casework-log"
EVENTS: list[tuple[str, dict[str, Any]]] = [
          ("Opened", {"council": "dover", "reason": "A report by telephone."}),
          ("TriageDecided", {"immediate_risk": True, "reason": "Triage."}),
          ("TaskOpened", {"task": {"task_id": "t1", "title": "Contact the victim"}}),
          ("DashCompleted", {"level": "high", "judgement_reason": "Escalating threats."}),
          ("TaskCompleted", {"task_id": "t1", "outcome": "done"})]


class Keys:
    """The log's note key, the council's Ed25519 key and one witness's cosignature key."""

    def __init__(self) -> None:
        self.log = Signer.generate(ORIGIN)
        self.council = Ed25519PrivateKey.generate()
        self.witness = Signer.generate("witness.test.invalid", ALG_COSIGNATURE_V1)


def make_bundle(keys: Keys, *, cosigned: bool = False,
                witness_in_bundle: bool = False) -> dict[str, Any]:
    """A bundle of the five `EVENTS` of `CASE_ID`, interleaved with other streams' leaves."""
    log = MemoryLog()
    placed = []
    for version, (event_type, content) in enumerate(EVENTS, start=1):
        log.append_leaf_hash(hashlib.sha256(f"other {version}".encode()).digest())
        topic = f"aggregates.case:Case.{event_type}"
        state = f"ciphertext of {event_type} {version}".encode()
        leaf = event_leaf_hash(stream_id=CASE_ID, version=version, topic=topic, state=state)
        placed.append((version, event_type, topic, state, content, log.append_leaf_hash(leaf),
                       leaf))
    log.append_leaf_hash(hashlib.sha256(b"after").digest())
    size = len(EVENTS) * 2 + 1
    note = sign_checkpoint(Checkpoint(ORIGIN, size, root_hash(log, size)), keys.log)
    if cosigned:
        note = cosign_checkpoint(note, keys.witness, timestamp=1_790_000_000)
    entries = [BundleEntry(version=v, type=t, recorded_at=f"2026-03-0{v}T10:00:00+00:00",
                           topic=topic, state_sha256=hashlib.sha256(state).digest(),
                           leaf_index=index, leaf_hash=leaf,
                           proof=tuple(inclusion_proof(log, index, size)), content=content)
               for v, t, topic, state, content, index, leaf in placed]
    header = {
        "bundle_id": "b-1", "case_id": CASE_ID, "council": "dover",
        "exported_at": "2026-03-09T12:00:00+00:00",
        "exported_by": {"staff_id": "dv-dso-1", "role": "dso"},
        "decision": {"decision_id": "d-1", "partner": "police",
                     "purpose": "police_notification", "categories": ["case_reference"]},
        "readable_categories": ["case_reference"],
        "window": {"from": None, "to": None, "first_version": 1, "last_version": 5,
                   "case_latest_version": 5},
        "checkpoint": note.decode(), "log_key": keys.log.verifier.vkey(),
        "witness_keys": [keys.witness.verifier.vkey()] if witness_in_bundle else [],
    }
    return seal_bundle(header, entries, keys.council)

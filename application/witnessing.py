"""Witnessing rounds (issue 15 scope 3; C2SP tlog-witness, tlog-cosignature): the latest
signed checkpoint is sent to every witnessing partner with the consistency proof from the
checkpoint that partner last cosigned, and each cosignature that verifies against the
partner's registered witness key is stored with the checkpoint
(`activities/cosignatures.py`), so an auditor gets the checkpoint cosigned
(`TransparencyLog.cosigned_note`).

What can happen to one witness in a round, and what follows:
- cosigned, and the line verifies over our checkpoint with the registered key: stored;
- unavailable (down, timeout, 5xx): logged as a WARNING; nothing stored, so the next round
  (the worker's next checkpoint interval, or `casework checkpoint`) asks again, with the
  latest checkpoint then; checkpoints are never held back for a witness;
- "old_size_mismatch" (the witness holds another size than we stored, e.g. it lost an answer
  of ours): asked again once, at once, with the proof from the size it holds; a size larger
  than our checkpoint means it cosigned a checkpoint we never kept: an alert;
- refused for any other reason, or an answer we cannot believe (not signed by the partner,
  a cosignature by another key or over another checkpoint): an ERROR line and an alert
  (`activities/log_alerts.py`, opened once per distinct finding) naming the partner, the
  witness key and the reason. "conflicting_checkpoint" and "bad_consistency_proof" are what
  a split view looks like: someone showed that witness a checkpoint signed with the log's key
  that our log does not extend.

Nothing here holds personal data: checkpoints are hashes and sizes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from activities.cosignatures import StoredCosignature
from application.transparency import StoredCheckpoint, TransparencyLog
from gateways.registry import PartnerEntry, PartnerRegistry
from gateways.witness_client import (
    WitnessAnswer,
    WitnessAnswerRefused,
    WitnessClient,
    WitnessUnavailable,
)
from transparency.checkpoint import CheckpointError, open_checkpoint
from transparency.note import InvalidSignatureError, NoteError, Verifier
from transparency.witness import format_add_checkpoint

log = logging.getLogger(__name__)

SPLIT_VIEW = frozenset({"conflicting_checkpoint", "bad_consistency_proof", "older_checkpoint",
                        "witness_ahead"})


@dataclass(frozen=True)
class WitnessOutcome:
    """What one witness did with one checkpoint: `cosigned`, `already` (kept before),
    `unavailable` (asked again next round) or `refused`; `reason` says why if not cosigned."""

    partner: str
    tree_size: int
    outcome: str
    reason: str = ""


class Witnessing:
    """Rounds of witnessing for the log `log_` (signed by `log_key`) by the witnessing
    partners of `registry`, through `client`."""

    def __init__(self, log_: TransparencyLog, log_key: Verifier, registry: PartnerRegistry,
                 client: WitnessClient, *, clock: Callable[[], float] = time.time) -> None:
        self.log = log_
        self.log_key = log_key
        self.registry = registry
        self.client = client
        self.clock = clock
        self.cosignatures = log_.cosignatures()

    def round(self) -> list[WitnessOutcome]:
        """Ask every witness to cosign the latest checkpoint (none before the first, or for an
        empty log: there is nothing to witness)."""
        latest = self.log.latest_checkpoint()
        if latest is None or latest.size == 0:
            return []
        return [self.witness(entry, latest) for entry in self.registry.witnesses()]

    def round_logged(self) -> list[WitnessOutcome]:
        """`round`, with any failure to run it logged (the next round tries again)."""
        try:
            return self.round()
        except Exception:
            log.exception("transparency log: witnessing round could not run")
            return []

    def witness(self, entry: PartnerEntry, checkpoint: StoredCheckpoint) -> WitnessOutcome:
        """Have `entry`'s witness cosign `checkpoint`; see the module docstring."""
        if entry.witness is None:
            raise ValueError(f"partner {entry.partner} is not a witness")
        key = entry.witness.key
        if any(c.key_name == key.name and c.key_id == key.key_id
               and self._cosigns(checkpoint, key, c.line.encode())
               for c in self.cosignatures.of_size(checkpoint.size)):
            return WitnessOutcome(entry.partner, checkpoint.size, "already")
        # A kept line that no longer verifies means our checkpoint of that size changed
        # since it was cosigned: the witness is asked, and will say so.
        old = self.cosignatures.last_cosigned_size(key.name, key.key_id)
        for attempt in range(2):
            if old > checkpoint.size:
                return self._refused(entry, key, checkpoint, "witness_ahead",
                                     f"it holds a checkpoint of {old} leaves")
            proof = self.log.consistency(old, checkpoint.size) if old > 0 else []
            body = format_add_checkpoint(old, proof, checkpoint.note)
            try:
                answer = self.client.add_checkpoint(entry, body)
            except WitnessUnavailable as down:
                log.warning("transparency log: witness %s unavailable (%s); the checkpoint "
                            "of %d leaves is asked again next round", entry.partner,
                            down.reason, checkpoint.size)
                return WitnessOutcome(entry.partner, checkpoint.size, "unavailable",
                                      down.reason)
            except WitnessAnswerRefused as bad:
                return self._refused(entry, key, checkpoint, bad.reason,
                                     "its answer is refused")
            if answer.cosigned:
                return self._store(entry, key, checkpoint, answer)
            if (answer.reason == "old_size_mismatch" and answer.latest_size is not None
                    and attempt == 0):
                old = answer.latest_size
                continue
            return self._refused(entry, key, checkpoint, answer.reason,
                                 "it refused to cosign")
        return self._refused(entry, key, checkpoint, "old_size_mismatch", "it refused twice")

    def _cosigns(self, checkpoint: StoredCheckpoint, key: Verifier, line: bytes) -> bool:
        try:
            open_checkpoint(checkpoint.note + line, log_key=self.log_key, witnesses=[key],
                            quorum=1)
        except (NoteError, CheckpointError):
            return False
        return True

    def _store(self, entry: PartnerEntry, key: Verifier, checkpoint: StoredCheckpoint,
               answer: WitnessAnswer) -> WitnessOutcome:
        try:
            # The lines appended to our own note must verify as a cosignature by the
            # registered key over this very checkpoint (C2SP tlog-witness: "concatenate it to
            # the checkpoint, and use a note verification function").
            opened = open_checkpoint(checkpoint.note + answer.cosignatures,
                                     log_key=self.log_key, witnesses=[key], quorum=1)
        except (NoteError, CheckpointError) as bad:
            # A line of the witness's key that fails is over another text (another
            # checkpoint); no line of its key at all is a cosignature by another key.
            reason = ("cosignature_invalid" if isinstance(bad, InvalidSignatureError)
                      else "cosignature_missing")
            return self._refused(entry, key, checkpoint, reason,
                                 "its answer holds no valid cosignature of this checkpoint "
                                 "by its registered key")
        [signature] = [s for s in opened.note.verified
                       if (s.name, s.key_id) == (key.name, key.key_id)]
        self.cosignatures.add(StoredCosignature(
            tree_size=checkpoint.size, partner=entry.partner, key_name=key.name,
            key_id=key.key_id, cosigned_at=int.from_bytes(signature.signature[:8], "big"),
            received_at=int(self.clock()), line=signature.line()))
        log.info("transparency log: witness %s cosigned the checkpoint of %d leaves",
                 entry.partner, checkpoint.size)
        return WitnessOutcome(entry.partner, checkpoint.size, "cosigned")

    def _refused(self, entry: PartnerEntry, key: Verifier, checkpoint: StoredCheckpoint,
                 reason: str, what: str) -> WitnessOutcome:
        summary = (f"witness {entry.partner} ({key.name}) did not cosign the "
                   f"checkpoint of {checkpoint.size} leaves: {what}: {reason}")
        if reason in SPLIT_VIEW:
            summary += (" (a split view: the witness was shown a checkpoint signed with the "
                        "log's key that this log does not extend)")
        log.error("transparency log: %s", summary)
        self.log.alerts().raise_alert(raised_at=int(self.clock()),
                                      checkpoint_size=checkpoint.size, problem_count=1,
                                      summary=summary)
        return WitnessOutcome(entry.partner, checkpoint.size, "refused", reason)


def witnessing_for(log_: TransparencyLog, log_key: Verifier, registry: PartnerRegistry | None,
                   signing_keys: Sequence[Ed25519PrivateKey]) -> Witnessing | None:
    """Rounds for the witnesses `registry` lists (None when there is none), asking them in
    envelopes signed with `signing_keys` (the council's partner signing keys)."""
    if registry is None or not registry.witnesses():
        return None
    return Witnessing(log_, log_key, registry, WitnessClient(signing_keys))

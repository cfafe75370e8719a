"""Exporting one case (or a window of it) as an evidence bundle for the police, a court or the
Ombudsman (issue 15 scope 4; D 8.24-8.28), under a recorded decision to share (D 12.5).

The bundle (transparency/bundle.py, which explains how each readable entry is bound to its
logged record) holds: every event of the window, decrypted and cut to what the decision covers
and the exporter's role may read (`aggregates.data_categories.readable_under_decision`); for
each, its stored record's digest and its inclusion proof; the latest checkpoint if it holds
the window's last event, else one signed now (with every cosignature the witnesses gave it:
`TransparencyLog.cosigned_note`); and the public keys (the log's, the council's, and the
witnesses' given in `BundleKeys`).

Rules, each a `RuleViolation` naming its field (422 at the edge):
- `sharing_decision_recorded`: the decision id is one recorded on this case;
- `sharing_decision_is_to_share`: it is a decision to share, not one not to;
- `sharing_decision_still_in_force`: no later decision for that recipient and purpose
  replaced it, and consent it rests on was not withdrawn (`aggregates.sharing`);
- `log_extends_checkpoint`, `event_is_logged` (a `ConflictError`, 409): the log was changed
  under its last checkpoint, or an event has no leaf, so nothing can be proven against it
  (the self-check alerts on it too);
- `window_in_order`, `window_has_time_zone`, `window_holds_events`: the window, by the time
  each event was stored (as `application.case_history` reads "as it stood"), is a run of
  versions from the first stored at or after `from` to the last stored at or before `to`.
Need to know is the case's own (`CaseNotFound` otherwise). Every attempt past need to know is
written to the case's access log: who, action `export_evidence_bundle`, under which decision
(ids only), allowed or refused and by which rule.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from activities.case_store import CaseStore
from activities.recorded_events import recorded
from activities.transparency_store import SessionTree
from aggregates.access import need_to_know
from aggregates.case import Case
from aggregates.case_events import CaseEvent
from aggregates.data_categories import readable_under_decision, redact_event_for
from aggregates.errors import ConflictError, RuleViolation
from aggregates.sharing import Purpose, SharingRefused, covering_decision
from aggregates.sharing_decisions import SharingDecision
from application.case_reading import Reader, checked_read
from application.transparency import LogError, StoredCheckpoint, TransparencyLog
from transparency.bundle import BundleEntry, council_key_note_text, raw_public_key, seal_bundle
from transparency.checkpoint import Checkpoint, sign_checkpoint
from transparency.log_tree import SubtreeHashes, inclusion_proof
from transparency.note import NoteError, Signer, open_note, parse_note, sign_note

ACTION = "export_evidence_bundle"


@dataclass(frozen=True)
class BundleRequest:
    """Which case, under which recorded sharing decision, and optionally which window (times
    with a time zone; the events stored between them, both ends included)."""

    case_id: UUID
    decision_id: UUID
    window_from: datetime | None = None
    window_to: datetime | None = None


@dataclass(frozen=True)
class BundleKeys:
    """The log's checkpoint key, the council's Ed25519 signing key, and witnesses' verifier
    keys (C2SP vkeys) to name in the bundle."""

    log_key: Signer
    council_key: Ed25519PrivateKey
    witness_keys: tuple[str, ...] = ()


async def export_evidence_bundle(store: CaseStore, reader: Reader, request: BundleRequest,
                                 keys: BundleKeys) -> dict[str, Any]:
    """The sealed bundle (JSON values), after need to know and the rules above; the export,
    or its refusal, is written to the case's access log."""
    case = await checked_read(store, request.case_id, reader, ACTION, need_to_know, why="",
                              log_allowed=False)
    try:
        decision = decision_for_export(case, request)
        bundle = await asyncio.to_thread(build_bundle, store, case, request, decision, keys,
                                         reader)
    except RuleViolation as refused:
        await asyncio.to_thread(_log_export, store, reader, request, "denied", refused.rule)
        raise
    await asyncio.to_thread(_log_export, store, reader, request, "allowed",
                            "sharing_decision_covers_export",
                            bundle_id=bundle["header"]["bundle_id"])
    return bundle


def decision_for_export(case: Case, request: BundleRequest) -> SharingDecision:
    """The recorded decision the export rests on, if it may (the rules of the module)."""
    decision = next((d for d in case.sharing_decisions
                     if d.decision_id == str(request.decision_id)), None)
    if decision is None:
        raise RuleViolation("sharing_decision_recorded", "no decision to share with that id "
                            "is recorded on this case", field="sharing_decision_id",
                            section="D 12.5")
    if not decision.shared:
        raise RuleViolation("sharing_decision_is_to_share", "that decision is a decision not "
                            "to share", field="sharing_decision_id", section="D 12.5")
    # A decision to refer (children's services, MARAC...) is no ground to hand over the whole
    # record: only one made for records given as evidence is (D 8.24-8.28, DBC 10.2).
    if decision.purpose != Purpose.EVIDENCE.value:
        raise RuleViolation("evidence_bundle_under_decision_for_evidence",
                            f"that decision is for {decision.purpose.replace('_', ' ')}, not "
                            "for records given as evidence: record a decision to share for "
                            "evidence with the police, a court or an Ombudsman first",
                            field="sharing_decision_id", section="D 8.24-8.28")
    try:
        coverage = covering_decision([d.to_dict() for d in case.sharing_decisions],
                                     partner=decision.partner, purpose=decision.purpose,
                                     consents=case.consents)
    except SharingRefused as refused:
        raise RuleViolation("sharing_decision_still_in_force", refused.message,
                            field="sharing_decision_id", section=refused.section) from None
    if coverage.decision_id != decision.decision_id:
        raise RuleViolation("sharing_decision_still_in_force", f"a later decision "
                            f"({coverage.decision_id}) for that recipient and purpose "
                            "replaced it", field="sharing_decision_id", section="D 12.5")
    return decision


def build_bundle(store: CaseStore, case: Case, request: BundleRequest,
                 decision: SharingDecision, keys: BundleKeys, reader: Reader) -> dict[str, Any]:
    """Read the window's stored events, sign a checkpoint over them, prove each, seal.
    `ConflictError` when the log cannot prove them (changed under its last checkpoint, or an
    event without its leaf): nothing can be proven against it (the self-check alerts)."""
    try:
        return _build(store, case, request, decision, keys, reader)
    except LogError as refused:
        raise ConflictError(refused.rule, "the transparency log cannot prove these events "
                            "now: it was changed", section="issue 15: transparency log"
                            ) from None


def _build(store: CaseStore, case: Case, request: BundleRequest, decision: SharingDecision,
           keys: BundleKeys, reader: Reader) -> dict[str, Any]:
    stored = _window(store, request)
    log = TransparencyLog(store.recorder)  # type: ignore[arg-type]
    checkpoint = _checkpoint_covering(log, request.case_id, stored[-1].originator_version,
                                      keys.log_key)
    note = log.cosigned_note(checkpoint.size)  # with every witness's cosignature kept
    if not _signed_by(note, keys.log_key):
        # The tree head kept for this size was signed by another key (one rotated out): the
        # tree is the same and was checked to extend the last checkpoint, so sign it anew
        # with the key the bundle names.
        note = sign_checkpoint(Checkpoint(keys.log_key.name, checkpoint.size,
                                          checkpoint.root_hash), keys.log_key)
    facts = reader.facts
    readable = readable_under_decision(decision.categories, facts.role)
    proofs = _proofs(log, request.case_id, [r.originator_version for r in stored],
                     checkpoint.size)
    entries: list[BundleEntry] = []
    for row in stored:
        event = cast(CaseEvent, store.mapper.to_domain_event(row))
        seen = recorded(event)
        index, leaf_hash, proof = proofs[row.originator_version]
        entries.append(BundleEntry(
            version=seen.version, type=seen.type, recorded_at=seen.recorded_at.isoformat(),
            topic=row.topic, state_sha256=hashlib.sha256(row.state).digest(),
            leaf_index=index, leaf_hash=leaf_hash, proof=tuple(proof),
            content=redact_event_for(seen.type, seen.data, readable)))
    header = {
        "bundle_id": str(uuid.uuid4()), "case_id": str(request.case_id),
        "council": case.council.value, "exported_at": datetime.now(UTC).isoformat(),
        "exported_by": {"staff_id": facts.staff_id, "role": facts.role.value},
        "decision": {k: v for k, v in decision.to_dict().items() if k != "reasons"},
        "readable_categories": sorted(c.value for c in readable),
        "window": {"from": _iso(request.window_from), "to": _iso(request.window_to),
                   "first_version": stored[0].originator_version,
                   "last_version": stored[-1].originator_version,
                   # Events may have been added since the case was read for need to know.
                   "case_latest_version": max(case.version,
                                              stored[-1].originator_version)},
        "checkpoint": note.decode(), "log_key": keys.log_key.verifier.vkey(),
        "witness_keys": list(keys.witness_keys),
    }
    bundle = seal_bundle(header, entries, keys.council_key)
    # The log key vouches for the council key, so the log's verifier key alone checks it all.
    bundle["council_key_note"] = sign_note(council_key_note_text(
        keys.log_key.name, raw_public_key(keys.council_key)), [keys.log_key]).decode()
    return bundle


def _window(store: CaseStore, request: BundleRequest) -> Sequence[Any]:
    start, end = request.window_from, request.window_to
    for name, moment in (("from", start), ("to", end)):
        if moment is not None and moment.tzinfo is None:
            raise RuleViolation("window_has_time_zone", "the time must include a time zone",
                                field=name)
    if start is not None and end is not None and end < start:
        raise RuleViolation("window_in_order", "the end of the window is before its start",
                            field="to")
    rows = list(store.recorder.select_events(request.case_id))
    times = [cast(CaseEvent, store.mapper.to_domain_event(r)).timestamp for r in rows] if (
        start or end) else []
    chosen = [r for i, r in enumerate(rows) if not times or (
        (start is None or times[i] >= start) and (end is None or times[i] <= end))]
    if not chosen:
        raise RuleViolation("window_holds_events", "no event of the case was recorded in "
                            "that window", field="from")
    return chosen


class _RememberedTree:
    """A log's subtree hashes, each read once: the proofs of one case's events share most
    of their upper nodes (one proof alone reads about log2(n) of them)."""

    def __init__(self, tree: SubtreeHashes) -> None:
        self._tree = tree
        self._known: dict[tuple[int, int], bytes] = {}

    def full_subtree_hash(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._known:
            self._known[key] = self._tree.full_subtree_hash(level, index)
        return self._known[key]


def _proofs(log: TransparencyLog, case_id: UUID, versions: Sequence[int],
            size: int) -> dict[int, tuple[int, bytes, list[bytes]]]:
    """version → (leaf index, leaf hash, inclusion proof in the tree of `size` leaves), read
    in one transaction (RFC 9162 §2.1.3.1, as `TransparencyLog.inclusion` gives one)."""
    t = log.tables.leaves
    wanted = set(versions)
    with log.transaction() as session:
        rows = session.execute(sa.select(t.c.version, t.c.leaf_index, t.c.leaf_hash).where(
            t.c.stream_id == str(case_id))).all()
        leaves = {int(r[0]): (int(r[1]), bytes(r[2])) for r in rows if int(r[0]) in wanted}
        missing = wanted - set(leaves)
        if missing:
            raise LogError("event_is_logged", f"events {sorted(missing)} are not in the log")
        tree = _RememberedTree(SessionTree(session, log.tables))
        return {v: (i, h, inclusion_proof(tree, i, size)) for v, (i, h) in leaves.items()}


def _checkpoint_covering(log: TransparencyLog, case_id: UUID, last_version: int,
                         log_key: Signer) -> StoredCheckpoint:
    """The latest checkpoint kept, if it holds the window's last event (it may carry
    witnesses' cosignatures, which a checkpoint signed now has not yet); else one signed now
    (which also checks the tree extends the last checkpoint, `LogError` if not)."""
    last_leaf, _ = log.leaf_of(case_id, last_version)
    latest = log.latest_checkpoint()
    if latest is not None and latest.size > last_leaf:
        return latest
    return log.make_checkpoint(log_key)


def _signed_by(note: bytes, key: Signer) -> bool:
    try:
        return open_note(note, [key.verifier]).is_signed_by(key.verifier) and (
            Checkpoint.parse(parse_note(note).text).origin == key.name)
    except NoteError:
        return False


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _log_export(store: CaseStore, reader: Reader, request: BundleRequest, outcome: str,
                rule: str, *, bundle_id: str = "") -> None:
    facts = reader.facts
    what = f"evidence bundle {bundle_id} " if bundle_id else "evidence bundle "
    store.record_access(case_id=request.case_id, staff_id=facts.staff_id,
                        role=facts.role.value, action=ACTION, outcome=outcome, rule=rule,
                        reason=reader.access_reason(
                            f"{what}under sharing decision {request.decision_id}"),
                        at=datetime.now(UTC))

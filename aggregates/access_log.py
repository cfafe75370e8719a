"""The access log of a case: who read it, when, what and why, including refused attempts.

Append-only (an eventsourcing aggregate: nothing is updated in place) and hash-chained: each
entry's hash covers the previous entry's hash, so an entry altered, removed or reordered in the
database breaks the chain and `find_break` reports where.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.domain import Aggregate, DomainEventProtocol

from aggregates.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64
_NAMESPACE = uuid.UUID("0d4f7c52-8a0e-4c55-b7a1-5f8d3e2c9b61")


def access_log_id(case_id: uuid.UUID) -> uuid.UUID:
    """The access log's id, derived from its case's id (no lookup needed)."""
    return uuid.uuid5(_NAMESPACE, f"access-log:{case_id}")


def chain_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """SHA-256 (hex) over the previous hash, a newline and the entry's RFC 8785 JSON.

    Stored hashes were first written with `json.dumps(entry, sort_keys=True, separators=(",",
    ":"), ensure_ascii=False)`; for an entry (ASCII keys, string values) that is byte for byte
    the RFC 8785 form (same key order, same escapes), so every stored hash verifies unchanged
    and the chain needs no version (tests/unit/test_access_log_chain.py holds both to it).
    """
    return sha256_hex(prev_hash.encode("utf-8") + b"\n" + canonical_json(entry))


ENTRY_FIELDS = ("staff_id", "role", "action", "outcome", "rule", "reason", "at")


class CaseAccessLog(Aggregate):
    class Started(Aggregate.Created):
        case_id: str

        def apply(self, log: CaseAccessLog) -> None:
            log.case_id = self.case_id
            log.head = GENESIS
            log.count = 0

    class Recorded(Aggregate.Event):
        staff_id: str
        role: str
        action: str
        outcome: str
        rule: str
        reason: str
        at: str
        prev_hash: str
        entry_hash: str

        def apply(self, log: CaseAccessLog) -> None:
            log.head = self.entry_hash
            log.count += 1

    if TYPE_CHECKING:
        case_id: str
        head: str
        count: int

    @classmethod
    def start(cls, case_id: uuid.UUID) -> CaseAccessLog:
        return cls._create(cls.Started, id=access_log_id(case_id), case_id=str(case_id))

    def record(self, **entry: str) -> None:
        """Append one access: `entry` has exactly the keys of ENTRY_FIELDS."""
        check_entry(entry)
        self.trigger_event(self.Recorded, **entry, prev_hash=self.head,
                           entry_hash=chain_hash(self.head, entry))


def check_entry(entry: dict[str, str]) -> None:
    if set(entry) != set(ENTRY_FIELDS):
        raise ValueError(f"an access entry has the fields {ENTRY_FIELDS}")


def events_appending(case_id: uuid.UUID, last: DomainEventProtocol[uuid.UUID] | None,
                     entry: dict[str, str]) -> list[DomainEventProtocol[uuid.UUID]]:
    """The events that append `entry` to a case's log whose newest stored event is `last`
    (None: the log has not started), chained to it exactly as `CaseAccessLog.record` would.

    Needs only the head, not the log, so appending costs the same however long the log is.
    The caller stores them at the versions they carry; a clash means another append got
    there first, and it is retried on the new head.
    """
    check_entry(entry)
    if last is None:
        log = CaseAccessLog.start(case_id)
        log.record(**entry)
        return cast(list[DomainEventProtocol[uuid.UUID]], log.collect_events())
    head = last.entry_hash if isinstance(last, CaseAccessLog.Recorded) else GENESIS
    fields: dict[str, Any] = dict(entry, prev_hash=head, entry_hash=chain_hash(head, entry))
    return [CaseAccessLog.Recorded(
        originator_id=last.originator_id, originator_version=last.originator_version + 1,
        timestamp=CaseAccessLog.Recorded.create_timestamp(), **fields)]


def find_break(entries: list[dict[str, Any]]) -> int | None:
    """Index of the first entry whose hash does not follow from the ones before, or None."""
    head = GENESIS
    for index, stored in enumerate(entries):
        entry = {k: stored[k] for k in ENTRY_FIELDS}
        if stored["prev_hash"] != head or stored["entry_hash"] != chain_hash(head, entry):
            return index
        head = stored["entry_hash"]
    return None

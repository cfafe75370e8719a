"""The access log's chain hash is stored evidence: entries hashed by the previous version (its
own JSON form, before canonical JSON had one module) must keep verifying, and new entries must
chain on from them."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

from aggregates.access_log import GENESIS, chain_hash, find_break

# Three entries as the previous version stored them (hashes computed by that version's
# `chain_hash`): plain ASCII; quotes, a backslash, a newline, a tab, a control character,
# U+2028, accented, BMP and astral characters; an empty reason.
WRITTEN_BY_PREVIOUS_VERSION: list[dict[str, Any]] = [
    {"staff_id": "cw-1", "role": "caseworker", "action": "read_case", "outcome": "allowed",
     "rule": "assigned_team", "reason": "need to know", "at": "2026-03-02T09:15:00+00:00",
     "prev_hash": GENESIS,
     "entry_hash": "4c4386d8624bfa5eba98fa568b5d0cf50cc1cb9f61585bd8e2be7bd9b449b17a"},
    {"staff_id": "dso-2", "role": "dso", "action": "read_case", "outcome": "allowed",
     "rule": "break_glass",
     "reason": 'Zoë said "urgent" — call back\nline 2\ttab \\ back\x01\u2028 😀 𝄞',
     "at": "2026-03-02T09:16:30.123456+00:00",
     "prev_hash": "4c4386d8624bfa5eba98fa568b5d0cf50cc1cb9f61585bd8e2be7bd9b449b17a",
     "entry_hash": "b0ad824c157490070fa9ef089128cf0ccd5ba2f43aa5ef793fc68ac2ac79ec38"},
    {"staff_id": "cw-9", "role": "caseworker", "action": "read_events", "outcome": "denied",
     "rule": "not_assigned", "reason": "", "at": "2026-03-03T17:00:00+00:00",
     "prev_hash": "b0ad824c157490070fa9ef089128cf0ccd5ba2f43aa5ef793fc68ac2ac79ec38",
     "entry_hash": "60f4410bc846a4b66bb9df0d58a430c9d145c97234759579923f419db897b146"},
]
ENTRY_FIELDS = ("staff_id", "role", "action", "outcome", "rule", "reason", "at")


def previous_chain_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """The previous version's hash, kept here as the reference the current one must match."""
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def test_entries_hashed_by_the_previous_version_verify_unchanged() -> None:
    assert find_break(WRITTEN_BY_PREVIOUS_VERSION) is None
    for stored in WRITTEN_BY_PREVIOUS_VERSION:
        entry = {k: stored[k] for k in ENTRY_FIELDS}
        assert chain_hash(stored["prev_hash"], entry) == stored["entry_hash"]


def test_a_changed_character_in_a_previous_version_entry_is_still_found() -> None:
    forged = [dict(e) for e in WRITTEN_BY_PREVIOUS_VERSION]
    forged[1]["reason"] = forged[1]["reason"].replace("😀", "😁")
    assert find_break(forged) == 1


def test_every_character_hashes_as_the_previous_version_hashed_it() -> None:
    """Every Unicode scalar value (surrogates cannot be stored as UTF-8 by either version), in
    every field, in blocks: the current hash equals the previous version's."""
    scalars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    block = 2048
    for start in range(0, len(scalars), block):
        text = "".join(scalars[start:start + block])
        field = ENTRY_FIELDS[(start // block) % len(ENTRY_FIELDS)]
        entry = dict.fromkeys(ENTRY_FIELDS, "x") | {field: text}
        assert chain_hash(GENESIS, entry) == previous_chain_hash(GENESIS, entry), hex(start)

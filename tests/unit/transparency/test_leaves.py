"""The canonical leaf of a stored event: frozen bytes, and any change to any part of the event
(stream, version, topic or one bit of its encrypted state) changes the leaf hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from transparency.leaves import (
    FORMAT_TAG,
    encode_event_leaf,
    event_leaf_hash,
    stored_event_leaf_hash,
)
from transparency.merkle import hash_leaf

STREAM = UUID("6f1c2a3e-9b4d-4c1a-8e2f-0a1b2c3d4e5f")
TOPIC = "aggregates.case:Case.Triaged"
STATE = bytes.fromhex("a1b2c3d4e5f60718293a4b5c6d7e8f90") * 4  # stands in for ciphertext


@dataclass(frozen=True)
class Row:
    """A stored event row as the recorder returns it."""

    originator_id: UUID | str
    originator_version: int
    topic: str
    state: bytes


ROW = Row(STREAM, 7, TOPIC, STATE)


def test_the_leaf_encoding_is_the_documented_format_1_byte_for_byte() -> None:
    """Frozen: leaves already in the log must be recomputable from their rows for ever."""
    stream = b"6f1c2a3e-9b4d-4c1a-8e2f-0a1b2c3d4e5f"
    expected = (len(FORMAT_TAG).to_bytes(4, "big") + FORMAT_TAG
                + (36).to_bytes(4, "big") + stream
                + (8).to_bytes(4, "big") + (7).to_bytes(8, "big")
                + len(TOPIC).to_bytes(4, "big") + TOPIC.encode()
                + (32).to_bytes(4, "big") + hashlib.sha256(STATE).digest())
    assert encode_event_leaf(stream_id=STREAM, version=7, topic=TOPIC, state=STATE) == expected
    assert stored_event_leaf_hash(ROW) == hash_leaf(expected)
    assert stored_event_leaf_hash(ROW).hex() == (
        "b530cc8e1a792796e031488de7358878de9411e1315fa2b92626a5a992149e80")


@pytest.mark.parametrize("changed", [
    pytest.param(replace(ROW, originator_id=UUID(int=STREAM.int ^ 1)), id="another stream"),
    pytest.param(replace(ROW, originator_version=8), id="next version"),
    pytest.param(replace(ROW, originator_version=7 + 2**32), id="version high bits"),
    pytest.param(replace(ROW, topic="aggregates.case:Case.TaskCompleted"), id="another topic"),
    pytest.param(replace(ROW, state=STATE[:-1]), id="state truncated"),
    pytest.param(replace(ROW, state=STATE + b"\x00"), id="state extended"),
    pytest.param(replace(ROW, state=b""), id="state empty"),
])
def test_any_change_to_a_stored_event_changes_its_leaf_hash(changed: Row) -> None:
    assert stored_event_leaf_hash(changed) != stored_event_leaf_hash(ROW)


def test_flipping_any_bit_of_the_encrypted_state_changes_the_leaf_hash() -> None:
    original = stored_event_leaf_hash(ROW)
    hashes = set()
    for bit in range(len(STATE) * 8):
        flipped = bytearray(STATE)
        flipped[bit // 8] ^= 1 << (bit % 8)
        hashes.add(stored_event_leaf_hash(replace(ROW, state=bytes(flipped))))
    assert len(hashes) == len(STATE) * 8 and original not in hashes


def test_bytes_moved_between_fields_do_not_give_the_same_leaf() -> None:
    one = event_leaf_hash(stream_id="stream-ab", version=1, topic="c", state=b"")
    other = event_leaf_hash(stream_id="stream-a", version=1, topic="bc", state=b"")
    assert one != other


def test_a_stream_id_read_back_as_text_or_in_capitals_gives_the_same_leaf() -> None:
    as_text = replace(ROW, originator_id=str(STREAM))
    in_capitals = replace(ROW, originator_id=str(STREAM).upper())
    assert stored_event_leaf_hash(as_text) == stored_event_leaf_hash(in_capitals) == (
        stored_event_leaf_hash(ROW))


def test_the_leaf_is_not_the_leaf_of_another_encoding_of_the_same_event() -> None:
    """The format tag separates this leaf from any other kind of leaf of the same fields."""
    untagged = encode_event_leaf(stream_id=STREAM, version=7, topic=TOPIC,
                                 state=STATE)[4 + len(FORMAT_TAG):]
    assert hash_leaf(untagged) != stored_event_leaf_hash(ROW)


@pytest.mark.parametrize(("fields", "message"), [
    ({"version": -1}, r"integer in \[0, 2\*\*64\)"),
    ({"version": 2**64}, r"integer in \[0, 2\*\*64\)"),
    ({"version": True}, r"integer in \[0, 2\*\*64\)"),
    ({"topic": ""}, "an event has a topic"),
    ({"stream_id": ""}, "an event has a stream id"),
])
def test_an_event_without_a_valid_version_topic_or_stream_has_no_leaf(
        fields: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"stream_id": STREAM, "version": 7, "topic": TOPIC,
                                    "state": STATE}
    with pytest.raises(ValueError, match=message):
        encode_event_leaf(**{**arguments, **fields})  # type: ignore[arg-type]


def test_a_row_read_by_the_event_store_gives_the_same_leaf() -> None:
    stored = StoredEvent(originator_id=STREAM, originator_version=7, topic=TOPIC, state=STATE)
    assert stored_event_leaf_hash(stored) == stored_event_leaf_hash(ROW)


def test_the_leaf_is_recomputed_from_the_states_digest_alone() -> None:
    """An evidence bundle carries the digest, not the ciphertext (transparency/bundle.py)."""
    from transparency.leaves import encode_event_leaf_of_digest

    assert encode_event_leaf_of_digest(
        stream_id=STREAM, version=7, topic=TOPIC,
        state_sha256=hashlib.sha256(STATE).digest()) == encode_event_leaf(
        stream_id=STREAM, version=7, topic=TOPIC, state=STATE)
    with pytest.raises(ValueError, match="a state digest is 32 bytes"):
        encode_event_leaf_of_digest(stream_id=STREAM, version=7, topic=TOPIC,
                                    state_sha256=STATE[:31])

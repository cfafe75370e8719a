"""The verifier's inlined leaf hash (application/log_verifier.py, for a million rows in under
30 s) gives the same bytes as the leaf format (transparency/leaves.py, RFC 9162 §2.1.1
`H(0x00 || leaf)`) for every event, and refuses what the format refuses."""

from __future__ import annotations

import os
import random
import uuid

import pytest

from application.log_verifier import _canonical_stream, _leaf_hash
from transparency.leaves import MAX_VERSION, event_leaf_hash


def test_the_inlined_hash_is_the_formats_for_any_event() -> None:
    chance = random.Random(15)
    topics = ["aggregates.case:Case.Opened", "aggregates.safeguarding:ContactRecorded",
              "ünïcode.topic:Événement", "x"]
    for _ in range(500):
        stream = str(uuid.UUID(int=chance.getrandbits(128)))
        version = chance.choice([0, 1, chance.getrandbits(20), MAX_VERSION])
        topic = chance.choice(topics)
        state = os.urandom(chance.randrange(0, 400))
        assert _leaf_hash(stream, version, topic, state) == event_leaf_hash(
            stream_id=stream, version=version, topic=topic, state=state)


def test_what_the_format_refuses_the_verifier_refuses() -> None:
    stream = str(uuid.uuid4())
    with pytest.raises(ValueError, match="version"):
        _leaf_hash(stream, MAX_VERSION + 1, "a.b:C", b"")
    with pytest.raises(ValueError, match="topic"):
        _leaf_hash(stream, 1, "", b"")


def test_a_stream_id_reads_as_its_canonical_text_however_stored() -> None:
    stream = uuid.uuid4()
    assert _canonical_stream(stream.bytes) == str(stream)
    assert _canonical_stream(str(stream).upper()) == str(stream)
    assert _canonical_stream("not-a-uuid") == "not-a-uuid"

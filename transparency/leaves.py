"""The canonical leaf of a stored event: the bytes the transparency log hashes (as
`H(0x00 || leaf)`, RFC 9162 §2.1.1) for each event written to the event store.

The leaf binds the event's stream id, version, topic and the SHA-256 of its stored state, which
is the encrypted (and possibly compressed) bytes exactly as the recorder stores them. So a log
entry proves which ciphertext was stored, without putting personal data, or anything that
could be decrypted, in the log; and anyone holding the stored row can recompute the leaf.

Shape (format 1), every field a 4-byte big-endian length then its bytes, in this order:

    FORMAT_TAG                   b"da-referrals/stored-event/v1" (domain separation: another
                                 kind of leaf, or a later format, gets another tag)
    stream id                    UTF-8; a UUID in its lowercase hyphenated form
    version                      8 bytes, big-endian unsigned (the originator version)
    topic                        UTF-8, non-empty (the event's class topic)
    SHA-256(state)               32 bytes

Length prefixes make the encoding injective: no two different events share a leaf, however
their fields' bytes run together. The format is frozen; changing it is a new tag, and leaves
already in the log keep the format they were written with.

Errors: `ValueError` for a version outside [0, 2**64), an empty topic or stream id.
"""

from __future__ import annotations

import hashlib
from typing import Protocol
from uuid import UUID

from transparency.merkle import hash_leaf

FORMAT_TAG = b"da-referrals/stored-event/v1"
MAX_VERSION = 2**64 - 1


class StoredEventLike(Protocol):
    """What a stored event row holds (eventsourcing's `StoredEvent` has these fields)."""

    @property
    def originator_id(self) -> UUID | str: ...

    @property
    def originator_version(self) -> int: ...

    @property
    def topic(self) -> str: ...

    @property
    def state(self) -> bytes: ...


def encode_event_leaf(*, stream_id: UUID | str, version: int, topic: str,
                      state: bytes) -> bytes:
    """The canonical leaf bytes of one stored event (format 1, see the module docstring)."""
    return encode_event_leaf_of_digest(stream_id=stream_id, version=version, topic=topic,
                                       state_sha256=hashlib.sha256(state).digest())


def encode_event_leaf_of_digest(*, stream_id: UUID | str, version: int, topic: str,
                                state_sha256: bytes) -> bytes:
    """The same leaf from the SHA-256 of the stored state instead of the state: all the leaf
    binds of it, so a holder of the digest (an evidence bundle) can recompute the leaf
    without the ciphertext. `ValueError` also for a digest that is not 32 bytes."""
    if not isinstance(version, int) or isinstance(version, bool) or not (
            0 <= version <= MAX_VERSION):
        raise ValueError("an event version is an integer in [0, 2**64)")
    if not topic:
        raise ValueError("an event has a topic")
    if not isinstance(state_sha256, bytes) or len(state_sha256) != 32:
        raise ValueError("a state digest is 32 bytes (SHA-256)")
    stream = _stream_text(stream_id)
    fields = (FORMAT_TAG, stream.encode(), version.to_bytes(8, "big"), topic.encode(),
              state_sha256)
    return b"".join(len(field).to_bytes(4, "big") + field for field in fields)


def event_leaf_hash(*, stream_id: UUID | str, version: int, topic: str, state: bytes) -> bytes:
    """The 32-byte Merkle leaf hash of one stored event."""
    return hash_leaf(encode_event_leaf(stream_id=stream_id, version=version, topic=topic,
                                       state=state))


def stored_event_leaf_hash(event: StoredEventLike) -> bytes:
    """The Merkle leaf hash of a stored event row, as the recorder wrote it."""
    return event_leaf_hash(stream_id=event.originator_id, version=event.originator_version,
                           topic=event.topic, state=event.state)


def _stream_text(stream_id: UUID | str) -> str:
    # A stream id may come back from a database as a UUID or as text, in either case of hex
    # digits; the same stream must give the same leaf, so UUIDs are written one way.
    if isinstance(stream_id, UUID):
        return str(stream_id)
    if not stream_id:
        raise ValueError("an event has a stream id")
    try:
        return str(UUID(stream_id))
    except ValueError:
        return stream_id

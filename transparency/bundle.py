"""An evidence bundle: one case (or a window of it) exported for the police, a court or the
Ombudsman, checkable offline with nothing but public keys (`transparency.bundle_check`).

The linkage problem, and how the bundle answers it. The log's leaf binds each event's
*encrypted* stored state (`transparency.leaves`: stream id, version, topic, SHA-256 of the
ciphertext). A recipient cannot decrypt, and must not be able to (one cipher key covers every
case), so an inclusion proof alone says "this record is in the log, unaltered", never "the
words you read are that record". Two things are proven, by two keys, and the check reports
them apart:

1. The *record*: each entry carries its stored record's stream id, version, topic and the
   SHA-256 of its ciphertext, the leaf hash recomputed from those, and an RFC 9162 inclusion
   proof to a checkpoint signed by the log key (C2SP tlog-checkpoint), cosigned by witnesses
   where they have. Anyone with the log key proves the record was logged and is unchanged,
   and the event's type (from the topic, in clear) is the type the entry claims. This needs
   no trust in whoever produced the bundle. Only the digest travels, not the ciphertext: it is
   all the leaf binds, and a ciphertext would expose the whole event if the key ever leaked.
2. The *reading*: the readable content (decrypted, then cut to what the sharing decision
   covers) is bound to that record by the council's Ed25519 signature over each entry (record
   fields + content + the bundle's id, case and decision), and a second signature over the
   header and the list of entry signatures (so no entry can be dropped, added or moved, and
   the window, the decision and the checkpoint are the council's). This is the council's
   attestation, not a proof: a recipient cannot check the decryption itself. What it gives
   is non-repudiation: the council has signed "record X reads as Y", and a court can order
   the stored row whose digest is in the bundle decrypted before an expert and compared.

A sound scheme that needs no trust in the council for 2 exists but changes the log's leaf:
a leaf format v2 binding a salted commitment per field of the plaintext (as SD-JWT's selective
disclosure does), so a bundle reveals each readable field with its salt and the recipient
recomputes the commitment in the leaf, withheld fields staying hidden. Leaves already written
keep format 1, so old events would still rest on the attestation. Not built.

Shape (JSON; bytes as base64; times ISO 8601):
    {"format": FORMAT, "header": {...HEADER_FIELDS}, "entries": [entry, ...],
     "council_key": raw Ed25519 public key, "signature": over BUNDLE_CONTEXT + JCS({header,
     entry_signatures})}
    entry = {"version", "type", "recorded_at", "topic", "state_sha256", "leaf_index",
             "leaf_hash", "proof": [hash, ...], "content": {...}, "signature": over
             ENTRY_CONTEXT + JCS(entry fields but proof, leaf_index and signature, plus
             bundle_id, case_id and decision_id)}
JCS is RFC 8785 canonical JSON. Errors: `BundleFormatError` (a `ValueError`) for a bundle that
is not of this shape.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from transparency.leaves import encode_event_leaf_of_digest
from transparency.merkle import hash_leaf

FORMAT = "da-referrals/evidence-bundle/v1"
# Domain separation: a signature over an entry can never pass for one over a bundle, or for
# any other message the council's key signs (Standard Webhooks envelopes).
ENTRY_CONTEXT = b"da-referrals/evidence-bundle/v1/entry\n"
BUNDLE_CONTEXT = b"da-referrals/evidence-bundle/v1/bundle\n"
HEADER_FIELDS = ("bundle_id", "case_id", "council", "exported_at", "exported_by",
                 "decision", "readable_categories", "window", "checkpoint", "log_key",
                 "witness_keys")
ENTRY_SIGNED = ("version", "type", "recorded_at", "topic", "state_sha256", "content")


class BundleFormatError(ValueError):
    """The bytes are not an evidence bundle of `FORMAT`."""


@dataclass(frozen=True)
class BundleEntry:
    """One event of the case as exported: its stored record (topic, SHA-256 of the stored
    ciphertext), where it is in the log (leaf index, leaf hash, inclusion proof to the
    bundle's checkpoint) and its readable content (JSON values, already redacted)."""

    version: int
    type: str
    recorded_at: str
    topic: str
    state_sha256: bytes
    leaf_index: int
    leaf_hash: bytes
    proof: tuple[bytes, ...]
    content: Mapping[str, Any]


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def unb64(value: object, what: str) -> bytes:
    """Strict base64 (`BundleFormatError` naming `what` otherwise)."""
    if not isinstance(value, str):
        raise BundleFormatError(f"{what} is base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BundleFormatError(f"{what} is not base64") from None


def event_type_of(topic: str) -> str:
    """The event class name a stored topic names ("aggregates.case:Case.Opened" → "Opened")."""
    return topic.rpartition(":")[2].rpartition(".")[2]


def record_leaf_hash(case_id: str, entry: Mapping[str, Any]) -> bytes:
    """The leaf hash the log holds for an entry's stored record (`transparency.leaves`)."""
    return hash_leaf(encode_event_leaf_of_digest(
        stream_id=case_id, version=entry["version"], topic=entry["topic"],
        state_sha256=unb64(entry["state_sha256"], "a state digest")))


def entry_message(header: Mapping[str, Any], entry: Mapping[str, Any]) -> bytes:
    """The bytes the council signs for one entry: what it says the record reads as."""
    signed = {k: entry[k] for k in ENTRY_SIGNED}
    signed.update(bundle_id=header["bundle_id"], case_id=header["case_id"],
                  decision_id=header["decision"]["decision_id"])
    return ENTRY_CONTEXT + rfc8785.dumps(signed)


def bundle_message(header: Mapping[str, Any], entry_signatures: Sequence[str]) -> bytes:
    """The bytes the council signs for the whole bundle: header and entries in order."""
    return BUNDLE_CONTEXT + rfc8785.dumps({"header": dict(header),
                                           "entry_signatures": list(entry_signatures)})


def raw_public_key(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


# The log key certifies the council's bundle key in a signed note (C2SP signed-note; its own
# text, never a checkpoint's), so a recipient needs only the log's verifier key.
COUNCIL_KEY_NOTE = "da-casework evidence-bundle key v1"


def council_key_note_text(log_origin: str, council_public_key: bytes) -> str:
    """The text of the note by which the log key vouches for the council's bundle key:
    the log's origin, the purpose line and the raw Ed25519 public key (base64)."""
    return f"{log_origin}\n{COUNCIL_KEY_NOTE}\n{b64(council_public_key)}\n"


def seal_bundle(header: Mapping[str, Any], entries: Sequence[BundleEntry],
                council_key: Ed25519PrivateKey) -> dict[str, Any]:
    """The bundle as JSON values, every entry and the whole signed with `council_key`.
    `header` holds `HEADER_FIELDS` (JSON values); `ValueError` if one is missing, or for
    content that RFC 8785 cannot canonicalise (e.g. an integer beyond 2**53)."""
    missing = [f for f in HEADER_FIELDS if f not in header]
    if missing:
        raise ValueError(f"the bundle header lacks {missing}")
    written: list[dict[str, Any]] = []
    for entry in entries:
        values: dict[str, Any] = {
            "version": entry.version, "type": entry.type, "recorded_at": entry.recorded_at,
            "topic": entry.topic, "state_sha256": b64(entry.state_sha256),
            "leaf_index": entry.leaf_index, "leaf_hash": b64(entry.leaf_hash),
            "proof": [b64(h) for h in entry.proof], "content": dict(entry.content)}
        values["signature"] = b64(council_key.sign(entry_message(header, values)))
        written.append(values)
    signature = council_key.sign(bundle_message(header, [e["signature"] for e in written]))
    return {"format": FORMAT, "header": dict(header), "entries": written,
            "council_key": b64(raw_public_key(council_key)), "signature": b64(signature)}

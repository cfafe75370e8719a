"""Checking an evidence bundle (`transparency.bundle`) offline: the log's verifier key (and,
to trust them beyond the bundle's word, the council's and witnesses' public keys) and the
bundle file are all it needs. No database, no network, no cipher key.

What is checked, each reported on its own line naming the event and the check:
- checkpoint signature: the checkpoint note is signed by the log key, its origin is the key's
  name (C2SP tlog-checkpoint); "checkpoint: ..." otherwise;
- cosignatures: every signature line of a witness whose key is given or named in the bundle
  must verify ("cosignature <key>: ..."); lines of keys known to neither are reported as
  UNCHECKED, never trusted (C2SP signed-note "Signatures");
- per event: the type is the one its logged topic names ("type"); the leaf hash recomputed
  from the stored record's fields equals the entry's ("leaf hash"); the inclusion proof leads
  from that leaf to the checkpoint's root (RFC 9162 §2.1.3.2, "inclusion proof"); the
  council's signature binds the readable content to that record ("readable content");
- the window: events in ascending version order ("order"), none missing or repeated between
  the header's first and last version ("window");
- the council's signature over the header and the list of entries ("bundle signature").

The log's verifier key must be given (`casework log-key` prints it; the council publishes
it): a key the bundle carries proves nothing, since a forger writes their own, so a check
without it fails ("log key"), though every other check is still reported. The council's
bundle key is taken from a note in the bundle signed by that log key ("council key"), or
given (`--council-key`); an uncertified key is a failure too. `BundleReport.ok` is true only
when no check failed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from transparency.bundle import (
    COUNCIL_KEY_NOTE,
    FORMAT,
    HEADER_FIELDS,
    BundleFormatError,
    b64,
    bundle_message,
    entry_message,
    event_type_of,
    record_leaf_hash,
    unb64,
)
from transparency.checkpoint import Checkpoint, CheckpointError, verify_included
from transparency.merkle import ProofError
from transparency.note import NoteError, Verifier, open_note, parse_note

# A window that says it holds more events than a bundle carries is listed this far (the
# count of the rest is given): a forged header must not make the report unbounded.
MAX_LISTED = 50


@dataclass
class BundleReport:
    """Lines of the check: `passed`, `failed` (each names the event and check), `unchecked`
    (signatures nobody gave a key for), `notes` (what was trusted on the bundle's word)."""

    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        """Every line, as the command prints them: FAIL first, then the rest."""
        return ([f"FAIL {line}" for line in self.failed]
                + [f"UNCHECKED {line}" for line in self.unchecked]
                + [f"NOTE {line}" for line in self.notes]
                + [f"ok {line}" for line in self.passed])


def check_bundle(bundle: Any, *, log_key: Verifier | None = None,
                 council_key: bytes | None = None,
                 witness_keys: Sequence[Verifier] = ()) -> BundleReport:
    """Check `bundle` (parsed JSON) as the module says. Keys not given are taken from the
    bundle and noted. Raises `BundleFormatError` only for a bundle whose shape makes any
    check meaningless; everything else is a line of the report."""
    header, entries = _shape(bundle)
    report = BundleReport()
    log_verifier = log_key or _bundle_log_key(header, report)
    checkpoint = _checkpoint(header, log_verifier, witness_keys, report)
    council = _council_key(bundle, council_key, log_verifier, report)
    case_id = header["case_id"]
    for entry in entries:
        where = f"event {entry['version']} ({entry['type']})"
        _check_record(case_id, entry, checkpoint, where, report)
        try:
            council.verify(unb64(entry["signature"], "a signature"),
                           entry_message(header, entry))
        except (InvalidSignature, ValueError):
            report.failed.append(f"{where}: readable content: the council's signature does "
                                 "not match it (changed after the council signed it)")
    _check_window(header, entries, report)
    try:
        council.verify(unb64(bundle["signature"], "the signature"),
                       bundle_message(header, [e["signature"] for e in entries]))
        report.passed.append(f"bundle signature: the council signed these {len(entries)} "
                             "events, this window, decision and checkpoint")
    except (InvalidSignature, ValueError):
        report.failed.append("bundle signature: does not verify: the header, or which events "
                             "are in the bundle and their order, changed after the council "
                             "signed it")
    return report


def _shape(bundle: Any) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]]:
    if not isinstance(bundle, Mapping) or bundle.get("format") != FORMAT:
        raise BundleFormatError(f"not an evidence bundle of format {FORMAT}")
    header, entries = bundle.get("header"), bundle.get("entries")
    if not isinstance(header, Mapping) or any(f not in header for f in HEADER_FIELDS):
        raise BundleFormatError(f"the header needs {', '.join(HEADER_FIELDS)}")
    if not isinstance(header["decision"], Mapping) or "decision_id" not in header["decision"]:
        raise BundleFormatError("the header names its sharing decision")
    if not all(isinstance(header[f], str) for f in ("case_id", "checkpoint", "log_key")) or (
            not isinstance(header["window"], Mapping)) or (
            not isinstance(header["witness_keys"], list)):
        raise BundleFormatError("the header's case id, checkpoint and log key are text, its "
                                "window an object and its witness keys a list")
    if not isinstance(entries, list) or not all(_entry_shaped(e) for e in entries):
        raise BundleFormatError(f"each entry has {', '.join(ENTRY_TYPES)} of their types")
    return header, entries


# Each entry's fields and their JSON types (bool is no integer here).
ENTRY_TYPES: dict[str, type] = {
    "version": int, "type": str, "recorded_at": str, "topic": str, "state_sha256": str,
    "leaf_index": int, "leaf_hash": str, "proof": list, "content": dict, "signature": str}


def _entry_shaped(entry: object) -> bool:
    return isinstance(entry, Mapping) and all(
        k in entry and isinstance(entry[k], kind) and not isinstance(entry[k], bool)
        for k, kind in ENTRY_TYPES.items())


def _bundle_log_key(header: Mapping[str, Any], report: BundleReport) -> Verifier:
    try:
        verifier = Verifier.from_vkey(str(header["log_key"]))
    except NoteError:
        raise BundleFormatError("the bundle's log key is not a verifier key") from None
    report.failed.append(f"log key: none given, so nothing is proven: the bundle names "
                         f"{verifier.name}+{verifier.key_id:08x}, but a forger names their "
                         "own; pass the council's published key with --log-key (`casework "
                         "log-key` prints it)")
    return verifier


def _council_key(bundle: Mapping[str, Any], given: bytes | None, log_key: Verifier,
                 report: BundleReport) -> Ed25519PublicKey:
    if given is not None:
        raw = given
    else:
        raw = unb64(bundle.get("council_key"), "the council key")
        certified = _certified_council_key(bundle.get("council_key_note"), log_key)
        if certified is None:
            report.failed.append("council key: the bundle's council key is not vouched for "
                                 "by a note signed with the log key; pass the council's "
                                 "published key with --council-key")
        elif certified != raw:
            report.failed.append("council key: the key the log key vouches for is not the "
                                 "key that signed this bundle")
        else:
            report.passed.append("council key: vouched for by a note signed with the log key")
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise BundleFormatError("the council key is not a raw Ed25519 public key") from None


def _checkpoint(header: Mapping[str, Any], log_key: Verifier, given: Sequence[Verifier],
                report: BundleReport) -> Checkpoint | None:
    note = str(header["checkpoint"]).encode()
    try:
        opened = open_note(note, [log_key])
        checkpoint = Checkpoint.parse(opened.text)
        if checkpoint.origin != log_key.name:
            raise CheckpointError(f"it is of log {checkpoint.origin}, not {log_key.name}")
    except NoteError as failed:
        report.failed.append(f"checkpoint signature: not a valid signature of the log key "
                             f"{log_key.name}+{log_key.key_id:08x} ({failed})")
        return None
    except CheckpointError as failed:
        report.failed.append(f"checkpoint signature: {failed}")
        return None
    report.passed.append(f"checkpoint signature: {checkpoint.origin}, {checkpoint.size} "
                         f"leaves, root {b64(checkpoint.root_hash)}")
    _cosignatures(note, header, log_key, given, report)
    return checkpoint


def _cosignatures(note: bytes, header: Mapping[str, Any], log_key: Verifier,
                  given: Sequence[Verifier], report: BundleReport) -> None:
    named: list[tuple[Verifier, str]] = [(w, "given") for w in given]
    for vkey in header["witness_keys"] or ():
        try:
            witness = Verifier.from_vkey(str(vkey))
        except NoteError:
            report.failed.append("cosignature: a witness key in the bundle is not a key")
            continue
        if all((w.name, w.key_id) != (witness.name, witness.key_id) for w, _ in named):
            named.append((witness, "taken from the bundle"))
    for witness, source in named:
        who = f"{witness.name}+{witness.key_id:08x}"
        try:
            open_note(note, [witness])
            report.passed.append(f"cosignature {who} ({source}): verifies")
        except NoteError as failed:
            report.failed.append(f"cosignature {who} ({source}): {failed}")
    known = {(log_key.name, log_key.key_id), *((w.name, w.key_id) for w, _ in named)}
    for line in parse_note(note).signatures:
        if (line.name, line.key_id) not in known:
            report.unchecked.append(f"cosignature {line.name}+{line.key_id:08x}: no key for "
                                    "it was given or is in the bundle")


def _check_record(case_id: str, entry: Mapping[str, Any], checkpoint: Checkpoint | None,
                  where: str, report: BundleReport) -> None:
    logged_type = event_type_of(str(entry["topic"]))
    if logged_type != entry["type"]:
        report.failed.append(f"{where}: type: the logged record is a {logged_type}")
    try:
        leaf_hash = record_leaf_hash(case_id, entry)
    except ValueError as bad:
        report.failed.append(f"{where}: leaf hash: the stored record is malformed ({bad})")
        return
    if b64(leaf_hash) != entry["leaf_hash"]:
        report.failed.append(f"{where}: leaf hash: the stored record's fields do not give "
                             "the leaf hash the bundle carries")
    if checkpoint is None:
        report.unchecked.append(f"{where}: inclusion proof: no valid checkpoint to check "
                                "it against")
        return
    try:
        proof = [unb64(h, "a proof hash") for h in entry["proof"]]
        verify_included(checkpoint, leaf_hash=leaf_hash, index=entry["leaf_index"],
                        proof=proof)
    except (ProofError, BundleFormatError) as failed:
        report.failed.append(f"{where}: inclusion proof: leaf {entry['leaf_index']} is not "
                             f"proven in the checkpoint of {checkpoint.size} leaves ({failed})")


def _check_window(header: Mapping[str, Any], entries: Sequence[Mapping[str, Any]],
                  report: BundleReport) -> None:
    versions = [int(e["version"]) for e in entries]
    for before, after in pairwise(versions):
        if after <= before:
            report.failed.append(f"order: event {after} comes after event {before}")
    window = header["window"]
    first, last = window.get("first_version"), window.get("last_version")
    if not isinstance(first, int) or not isinstance(last, int):
        report.failed.append("window: the header names no first and last version")
        return
    present = Counter(versions)
    # Counted, not listed: a forged header naming a window of 10**12 events must not make
    # the check run (or its report grow) with it.
    missing_count = max(0, last - first + 1) - len({v for v in present if first <= v <= last})
    listed = 0
    for version in range(first, last + 1):
        if listed >= MAX_LISTED or listed >= missing_count:
            break
        if version not in present:
            report.failed.append(f"window: event {version} is missing (the window holds "
                                 f"events {first} to {last})")
            listed += 1
    if missing_count > listed:
        report.failed.append(f"window: {missing_count - listed} more events are missing")
    for version, times in sorted(present.items()):
        if not first <= version <= last:
            report.failed.append(f"window: event {version} is outside the window of events "
                                 f"{first} to {last}")
        if times > 1:
            report.failed.append(f"window: event {version} appears more than once")
    if not any(line.startswith(("window", "order")) for line in report.failed):
        report.passed.append(f"window: events {first} to {last}, all present, in order")


def _certified_council_key(note: object, log_key: Verifier) -> bytes | None:
    """The council key a note signed with `log_key` vouches for, or None (no note, not
    signed by that key, or not such a note: `transparency.bundle.council_key_note_text`)."""
    if not isinstance(note, str):
        return None
    try:
        text = open_note(note.encode(), [log_key]).text
    except (NoteError, UnicodeError):
        return None
    lines = text.split("\n")
    if len(lines) != 4 or lines[:2] != [log_key.name, COUNCIL_KEY_NOTE] or lines[3]:
        return None
    try:
        return unb64(lines[2], "the council key")
    except (BundleFormatError, ValueError):
        return None

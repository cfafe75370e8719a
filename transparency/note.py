"""C2SP signed notes (https://c2sp.org/signed-note, v1.0.0, "Format" and "Signatures"):
text signed by one or more keys (`transparency.note_keys`), byte-compatible with Go's
golang.org/x/mod/sumdb/note, whose published example notes the tests use.

Shape: UTF-8 text ending in "\\n", a blank line, then lines
"— <key name> <base64(4-byte big-endian key ID || signature)>\\n".

Errors (all `NoteError`, a `ValueError`): `MalformedNoteError` for bytes that are not a note,
`InvalidSignatureError` when a known key's signature fails (the whole note is refused, as the
spec recommends), `UnverifiedNoteError` when no known key signed, `KeyFormatError` for keys.
Signature lines from unknown keys are kept apart and never trusted: the spec says verifiers
MUST ignore them (that is how witnesses and key rotation work).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from transparency.note_keys import (
    SIGNATURE_PREFIX,
    KeyFormatError,
    NoteError,
    NoteSignature,
    Signer,
    Verifier,
    b64decode_canonical,
    is_valid_key_name,
)

__all__ = [
    "MAX_SIGNATURES", "InvalidSignatureError", "KeyFormatError", "MalformedNoteError",
    "NoteError", "NoteSignature", "OpenedNote", "SignedNote", "Signer", "UnverifiedNoteError",
    "Verifier", "open_note", "parse_note", "sign_note",
]

# The spec asks verifiers to accept at least 16 signatures; Go's reader stops at 100.
MAX_SIGNATURES = 100


class MalformedNoteError(NoteError):
    """The bytes are not a well-formed signed note."""


class InvalidSignatureError(NoteError):
    """A signature from a known key does not verify."""


class UnverifiedNoteError(NoteError):
    """No signature from a known key is on the note."""


@dataclass(frozen=True)
class SignedNote:
    """A note's text (ending in "\\n") and its signatures, in the order written."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def encode(self) -> bytes:
        """The note as it is stored and published."""
        lines = "".join(s.line() for s in self.signatures)
        return f"{self.text}\n{lines}".encode()

    def signed_by(self, signers: Sequence[Signer], *, timestamp: int | None = None) -> SignedNote:
        """This note with a signature from each of `signers` added after the ones it has; a
        signer's earlier signature (same name and key ID) is replaced, never duplicated."""
        text = self.text.encode()
        new = [s.sign(text, timestamp=timestamp) for s in signers]
        replaced = {(s.name, s.key_id) for s in new}
        kept = [s for s in self.signatures if (s.name, s.key_id) not in replaced]
        return SignedNote(self.text, (*kept, *new))


@dataclass(frozen=True)
class OpenedNote:
    """A note whose `verified` signatures all checked out; `unverified` are from unknown keys
    and must not be trusted."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]

    def is_signed_by(self, verifier: Verifier) -> bool:
        """Whether a verified signature is `verifier`'s."""
        return any((s.name, s.key_id) == (verifier.name, verifier.key_id)
                   for s in self.verified)


def sign_note(text: str, signers: Sequence[Signer], *, timestamp: int | None = None) -> bytes:
    """A new note with `text` (must end in "\\n") signed by each of `signers`."""
    if not text.endswith("\n") or not signers:
        raise MalformedNoteError("a note's text ends in a newline and has a signature")
    _check_characters(text)
    return SignedNote(text, ()).signed_by(signers, timestamp=timestamp).encode()


def parse_note(message: bytes) -> SignedNote:
    """Split a note into text and signature lines, checking syntax only (signed-note
    "Format"): UTF-8 without control characters but newline; the text ends at the last blank
    line; then 1 to `MAX_SIGNATURES` lines, each "— name base64", the last ending in "\\n".
    Base64 must be canonical, so one signature has exactly one spelling."""
    try:
        decoded = message.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedNoteError("a note is UTF-8") from None
    _check_characters(decoded)
    split = decoded.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("a note has a blank line before its signatures")
    text, block = decoded[:split + 1], decoded[split + 2:]
    if not block.endswith("\n"):
        raise MalformedNoteError("a note ends with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"a note has at most {MAX_SIGNATURES} signatures")
    return SignedNote(text, tuple(_parse_signature_line(line) for line in lines))


def open_note(message: bytes, verifiers: Iterable[Verifier]) -> OpenedNote:
    """Parse a note and verify every signature from a known key (signed-note "Signatures").

    Raises `MalformedNoteError`, `InvalidSignatureError` (a known key's signature fails: the
    note is refused whole), `UnverifiedNoteError` (no known key signed), or `KeyFormatError`
    when two verifiers share a name and key ID."""
    known: dict[tuple[str, int], Verifier] = {}
    for candidate in verifiers:
        if (candidate.name, candidate.key_id) in known:
            raise KeyFormatError(f"two verifiers for {candidate.name}+{candidate.key_id:08x}")
        known[(candidate.name, candidate.key_id)] = candidate
    note = parse_note(message)
    text = note.text.encode()
    verified: dict[tuple[str, int], NoteSignature] = {}
    unverified: list[NoteSignature] = []
    for signature in note.signatures:
        who = (signature.name, signature.key_id)
        verifier = known.get(who)
        if verifier is None:
            if signature not in unverified:
                unverified.append(signature)
            continue
        if not verifier.verify(text, signature.signature):
            raise InvalidSignatureError(
                f"invalid signature for key {signature.name}+{signature.key_id:08x}")
        verified.setdefault(who, signature)
    if not verified:
        raise UnverifiedNoteError("the note has no signature from a known key")
    return OpenedNote(note.text, tuple(verified.values()), tuple(unverified))


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedNoteError("a signature line starts with an em dash and a space")
    name, _, encoded = line[len(SIGNATURE_PREFIX):].partition(" ")
    if not is_valid_key_name(name):
        raise MalformedNoteError("a signature line names a valid key")
    raw = b64decode_canonical(encoded, MalformedNoteError, "signature")
    if len(raw) < 5:
        raise MalformedNoteError("a signature holds a key ID and signature bytes")
    return NoteSignature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def _check_characters(text: str) -> None:
    if any(c < " " and c != "\n" for c in text):
        raise MalformedNoteError("a note holds no control characters but newline")

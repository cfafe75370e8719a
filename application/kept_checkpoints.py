"""Every checkpoint the store keeps, opened with the log key, so the self-check and
`casework verify-log` check the store against all of them, not only the latest
(application/log_verifier.py `verify_store(earlier=...)`)."""

from __future__ import annotations

from collections.abc import Iterable

from transparency.checkpoint import Checkpoint, open_checkpoint
from transparency.note import Verifier


def kept_checkpoints(notes: Iterable[tuple[int, str | bytes]],
                     verifier: Verifier) -> tuple[list[Checkpoint], list[str]]:
    """Open every kept checkpoint note `(size, note)` with the log's `verifier`: the ones that
    open, and a problem for each that does not (a kept checkpoint the log key did not sign,
    or one no longer a well-formed signed note, was written or changed by someone else)."""
    opened: list[Checkpoint] = []
    problems: list[str] = []
    for size, note in notes:
        raw = note.encode() if isinstance(note, str) else note
        try:
            opened.append(open_checkpoint(raw, log_key=verifier).checkpoint)
        except ValueError as refused:  # NoteError, CheckpointError
            problems.append(f"the kept checkpoint of {size} leaves is not a valid note signed "
                            f"by the log key ({refused})")
    return opened, problems

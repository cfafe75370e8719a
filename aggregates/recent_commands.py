"""The window of command ids a case remembers, so that a repeated command is not applied
twice (`Case.has_applied`)."""

from __future__ import annotations

# How many command ids a case remembers. The case's workflow is its single writer and applies
# commands in order, so a command is only ever repeated by a retry of its activity before the
# workflow moves on, or by one of the few updates in flight at once: far fewer than this.
RECENT_COMMANDS = 64


def remember_command(recent: dict[str, None], command_id: str) -> None:
    """Add `command_id` to the window of recent commands, forgetting the oldest beyond
    RECENT_COMMANDS. O(1): the window is an insertion-ordered dict of bounded size."""
    if command_id in recent:
        return
    recent[command_id] = None
    while len(recent) > RECENT_COMMANDS:
        del recent[next(iter(recent))]

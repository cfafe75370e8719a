"""Small checks shared by the case's commands."""

from __future__ import annotations

from datetime import datetime

from aggregates.errors import RuleViolation


def check_aware(moment: datetime, field: str) -> None:
    """Times are compared across councils' clocks: a time without a zone is refused."""
    if moment.tzinfo is None:
        raise RuleViolation("time_has_time_zone", "the time must include a time zone",
                            field=field)


def check_reason(reason: str) -> None:
    """Every decision records why (D 8.25)."""
    if not reason.strip():
        raise RuleViolation("reason_is_recorded", "say why", field="reason", section="D 8.25")

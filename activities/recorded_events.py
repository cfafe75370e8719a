"""Case events as the read side shows them: history pages, the events API, the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aggregates.case_events import CaseEvent
from aggregates.report import Actor


@dataclass(frozen=True)
class RecordedEvent:
    """One stored event, decrypted, for the read side. `data` is the event's fields as JSON
    values (`actor` as {"staff_id", "role"}, as the API has always shown it; `at` in ISO
    8601); `actor` and `at` are the typed who and when; `recorded_at` when it was stored."""

    version: int
    type: str
    recorded_at: datetime
    data: dict[str, Any]
    actor: Actor | None = None
    at: datetime | None = None


def recorded(event: CaseEvent) -> RecordedEvent:
    """A case event for the read side (see `RecordedEvent`)."""
    data = {k: v for k, v in vars(event).items()
            if k not in ("originator_id", "originator_version", "timestamp", "originator_topic")}
    actor = data.get("actor")
    if isinstance(actor, Actor):
        data["actor"] = actor.to_dict()
    at = data.get("at")
    if isinstance(at, datetime):
        data["at"] = at.isoformat()  # pages and the API serialise `data` as JSON
    return RecordedEvent(version=event.originator_version, type=type(event).__name__,
                         recorded_at=event.timestamp, data=data,
                         actor=actor if isinstance(actor, Actor) else None,
                         at=getattr(event, "at", None))

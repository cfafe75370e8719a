"""The base of every event of a case.

`at` is when the fact happened in the business's time: the time of the command that recorded
it (the workflow's clock, or the request's), never the event's `timestamp`, which is when
eventsourcing stored it (a retried activity or an outage may store a decision days after it
was taken). Rules and records that need a time (a task's `opened_at`, a referral's
`opened_at`, a sharing decision's `decided_at`) read `at`.

Versions of the stored event state (`class_version`, upcast by eventsourcing's mapper on
every older event it reads, in place):

1. no `at`;
2. `at` (an aware datetime). Events stored by version 1 get `at` = their `timestamp`: the
   time they were recorded is the best the record holds, and what version 1 showed as the
   time of the fact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate


class CaseEvent(Aggregate.Event):
    """An event of a case. Subclasses add the fields of their fact."""

    class_version = 2

    at: datetime

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.setdefault("at", state["timestamp"])

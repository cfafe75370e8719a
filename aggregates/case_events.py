"""The base of every event of a case: who, which command, why and when.

- `command_id`: the command that recorded the fact (a workflow update's request id, or the
  name of the step that recorded it: "intake", "triage", "escalate-t3", "delivered-r1", ...).
  The idempotency window (`Case.has_applied`) is kept by the events of commands a user gives.
- `actor`: who did it, a typed `Actor` (staff id and role, never a name); the system acting by
  rule is `Actor.system()`. Stored through the `da_actor` transcoding
  (activities/transcodings.py), as snapshots store it.
- `reason`: why, in words; every decision records one (D 8.25).
- `at`: when the fact happened in the business's time: the time of the command that recorded
  it (the workflow's clock, or the request's), never the event's `timestamp`, which is when
  eventsourcing stored it (a retried activity or an outage may store a decision days after it
  was taken). Rules and records that need a time (a task's `opened_at`, a referral's
  `opened_at`, a sharing decision's `decided_at`) read `at`.

Versions of the stored event state (`class_version`; eventsourcing's mapper runs
`upcast_vN_vN1` on every older event it reads, in place, before the event exists):

1. no `at`; `actor` a dict {"staff_id", "role"}; some events had no `command_id`;
2. `at` (an aware datetime). Events stored by version 1 get `at` = their `timestamp`: the
   time they were recorded is the best the record holds, and what version 1 showed as the
   time of the fact;
3. `actor` an `Actor`, and every event has `command_id` and `reason`. Older events' dict
   actors become `Actor`s; an event that had no command id gets "" (no command is known:
   nothing can be repeated against it), one that had no reason gets "".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from aggregates.report import Actor


class CaseEvent(Aggregate.Event):
    """An event of a case. Subclasses add the fields of their fact."""

    class_version = 3

    command_id: str
    actor: Actor
    reason: str
    at: datetime

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.setdefault("at", state["timestamp"])

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        actor = state["actor"]
        if isinstance(actor, dict):
            state["actor"] = Actor.from_dict(actor)
        state.setdefault("command_id", "")
        state.setdefault("reason", "")

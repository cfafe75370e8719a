"""A case as it stood at a moment of its record, rebuilt from its events (never from today's
state), and what changed at that moment: for auditors and for staff who need to know.

A moment is a version of the case (`version=N`: the state after its first N events) or a time
(`at=T`). "As it stood" at T is what the record held at T: the state after the last event
*stored* at or before T (the event's `timestamp`), not the last whose business time (`at`) is
before T. The two differ when a fact is stored late (a retried activity, a partner down for
days records a delivery at the workflow's time, hours before it reached the store): until it
was stored nobody could see it, so it was not part of the case as anyone saw it then. And the
stored order is the case's version order, so the state at T is always a prefix of the events,
a state the case really had; selecting by business time could skip an event and include a
later one, a case that never existed.

`case_view(case)` is one JSON-ready shape for a case (`Moment.view`): facts, open tasks and
deadlines, risk, referrals and their status, sharing decisions, consent, and who could see it.
`redact_view("case_as_at", ...)` (aggregates/data_categories.py) gives a role its part.
Errors: `CaseNotFound` (no events), `RuleViolation` (a moment outside the case's record).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import EventStore

from activities.case_replay import REPLAY_PAGE
from activities.recorded_events import RecordedEvent, recorded
from aggregates.case import Case
from aggregates.case_events import CaseEvent
from aggregates.errors import CaseNotFound, RuleViolation


@dataclass(frozen=True)
class Moment:
    """The case at `version` of `latest` (its version now): `view` then, `before` the view at
    the previous version (None at version 1), and `event` the one that made the change."""

    version: int
    latest: int
    event: RecordedEvent
    view: dict[str, Any]
    before: dict[str, Any] | None


def case_as_at(events: EventStore[Any], case_id: UUID, *, version: int | None = None,
               at: datetime | None = None) -> Moment:
    """The case at `version`, or as it stood at `at` (see the module); its latest version if
    neither is given. `CaseNotFound` if it has no events; `RuleViolation` for a version it
    never had, a time before it was opened, or a time without a time zone."""
    latest = _latest_version(events, case_id)
    if at is not None:
        version = _version_stored_by(events, case_id, at)
    target = latest if version is None else version
    if not 1 <= target <= latest:
        raise RuleViolation("version_within_case",
                            f"the case has versions 1 to {latest}", field="version")
    case: Case | None = None
    before: dict[str, Any] | None = None
    last: CaseEvent | None = None
    for event in _events(events, case_id, target):
        if event.originator_version == target and case is not None:
            before = case_view(case)
        case = cast(Case, event.mutate(case))
        last = event
    if case is None or last is None:
        raise CaseNotFound()
    return Moment(version=target, latest=latest, event=recorded(last), view=case_view(case),
                  before=before)


def _events(events: EventStore[Any], case_id: UUID, upto: int) -> Iterator[CaseEvent]:
    """The case's events 1..`upto`, read a page at a time so memory stays flat."""
    after: int | None = None
    while True:
        page = list(events.get(case_id, gt=after, lte=upto, limit=REPLAY_PAGE))
        yield from (cast(CaseEvent, e) for e in page)
        if len(page) < REPLAY_PAGE:
            return
        after = page[-1].originator_version


def _latest_version(events: EventStore[Any], case_id: UUID) -> int:
    last = list(events.get(case_id, desc=True, limit=1))
    if not last:
        raise CaseNotFound()
    return int(last[0].originator_version)


def _version_stored_by(events: EventStore[Any], case_id: UUID, at: datetime) -> int:
    """The version of the last event of the unbroken run stored at or before `at`."""
    if at.tzinfo is None:
        raise RuleViolation("moment_has_time_zone", "the time must include a time zone",
                            field="at")
    version = 0
    for event in _events(events, case_id, _latest_version(events, case_id)):
        if event.timestamp > at:
            break
        version = event.originator_version
    if version == 0:
        raise RuleViolation("moment_after_opening", "the case was not yet opened then",
                            field="at")
    return version


def case_view(case: Case) -> dict[str, Any]:
    """The case as JSON values: facts, open tasks (with deadlines), risk, referrals, sharing
    and consent, and access (team, officer, restriction, conflicts, break-glass)."""
    return {
        "facts": {
            "council": case.council.value, "policy_version": case.policy_version,
            "opened_at": case.created_on.isoformat(), "triaged": case.triaged,
            "report": case.report.to_dict(),
            "added_children": [c.to_dict() for c in case.added_children],
            "completed_tasks": dict(case.completed), "escalated_tasks": sorted(case.escalated),
        },
        "open_tasks": {t.task_id: t.to_dict() for t in case.open_tasks},
        "risk": {
            "risk_level": case.risk_level.value if case.risk_level else None,
            "assessments": [a.to_dict() for a in case.assessments],
            "dash_in_progress": case.dash_draft is not None,
            "marac_last_heard": (case.marac_last_heard.isoformat()
                                 if case.marac_last_heard else None),
        },
        "referrals": {r.referral_id: r.to_dict() for r in case.referrals.values()},
        "sharing_decisions": {d.decision_id: d.to_dict() for d in case.sharing_decisions},
        "consent": {"support": case.support_consent, "by_purpose": dict(case.consents)},
        "access": {
            "team": case.assigned_team, "officer_id": case.officer_id,
            "restricted_to": (sorted(case.restricted_to)
                              if case.restricted_to is not None else None),
            "conflicted": sorted(case.conflicted),
            "break_glass_until": {staff: until.isoformat()
                                  for staff, until in sorted(case.break_glass_until.items())},
        },
    }


@dataclass(frozen=True)
class Change:
    """One difference between two views: `path` the keys to it (e.g. ("open_tasks", "t2") or
    ("access", "team")), `kind` "added" / "changed" / "removed", and the values before and
    after (None where there is none). A whole item that came or went is one change."""

    kind: str
    path: tuple[str, ...]
    before: Any = None
    after: Any = None


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """What differs from `before` to `after` (views as `case_view` gives them, redacted or not;
    `before` None: the case did not exist, so every part of `after` was added)."""
    found: list[Change] = []
    _compare(before or {}, after, (), found)
    return found


def _compare(before: Any, after: Any, path: tuple[str, ...], found: list[Change]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            if key not in after:
                found.append(Change("removed", (*path, key), before=before[key]))
            elif key not in before:
                found.append(Change("added", (*path, key), after=after[key]))
            else:
                _compare(before[key], after[key], (*path, key), found)
    elif before != after:
        found.append(Change("changed", path, before=before, after=after))

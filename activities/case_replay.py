"""A case rebuilt from its events alone, ignoring snapshots: to check a snapshot against the
record, to measure what applying events costs, or to read a case whose snapshots are in doubt.

The store loads cases from their latest snapshot (`CaseStore.get_case`); this is the slow,
certain path, read in pages so that memory stays flat however long the case.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import EventStore

from aggregates.case import Case
from aggregates.errors import CaseNotFound

REPLAY_PAGE = 200  # events read, decrypted and applied at a time


def replay_case(events: EventStore[Any], case_id: UUID, version: int | None = None) -> Case:
    """The case at `version` (default: its latest) from its events, or `CaseNotFound`."""
    case: Case | None = None
    after: int | None = None
    while True:
        page = list(events.get(case_id, gt=after, lte=version, limit=REPLAY_PAGE))
        for event in page:
            case = cast(Case, cast(Case.Event, event).mutate(case))
        if len(page) < REPLAY_PAGE:
            break
        after = page[-1].originator_version
    if case is None:
        raise CaseNotFound()
    return case

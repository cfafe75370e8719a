"""How long steps of a case take, read after the fact: from the event store's notification log
(the time the system recorded each event) and from Temporal's workflow histories (the time
a case's workflow knew), so measuring them adds no load while the benchmark runs.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import cast
from uuid import UUID

from eventsourcing.utils import get_topic
from temporalio.client import Client

from activities.case_store import CaseStore
from aggregates.case import Case
from aggregates.safeguarding import ReferralAcknowledged, ReferralDelivered
from temporal_contracts.payloads import case_workflow_id

# The moment a case's workflow knew its triage (so its task list showed it).
WORKFLOW_TRIAGED = "WorkflowTriaged"


# --- Lags, from the record -------------------------------------------------------------------


class RecordClock:
    """Reads the notification log for the events that mark a case's progress: e.g. triage lag
    is the time between a case's `Opened` and its `TriageDecided` event, both stamped by the
    system as it recorded them. Reading it adds no load to the web app, workers or Temporal."""

    MARKS: tuple[type[Case.Event], ...] = (Case.Opened, Case.TriageDecided, ReferralDelivered,
                                           ReferralAcknowledged)

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self.seen: dict[str, dict[UUID, datetime]] = {m.__name__: {} for m in self.MARKS}
        self.seen[WORKFLOW_TRIAGED] = {}
        self.position = 0

    def read(self) -> None:
        """Catch up with the notification log (decrypts only the events in MARKS)."""
        topics = [get_topic(m) for m in self.MARKS]
        while True:
            page = self.store.recorder.select_notifications(
                start=self.position + 1, limit=500, topics=topics)
            for notification in page:
                event = cast(Case.Event, self.store.mapper.to_domain_event(notification))
                # The first of each kind per case (a case may have several referrals).
                self.seen[type(event).__name__].setdefault(
                    UUID(str(event.originator_id)), event.timestamp)
                self.position = notification.id
            if len(page) < 500:
                return

    async def read_workflows(self, client: Client, case_ids: set[UUID]) -> None:
        """Add when each case's workflow knew its triage (`WORKFLOW_TRIAGED`), for those
        whose record shows triage and whose workflow is not known to have it yet."""
        known = self.seen[WORKFLOW_TRIAGED]
        asked = {c for c in case_ids if c in self.seen["TriageDecided"] and c not in known}
        known.update(await workflow_triaged(client, asked))

    def lags(self, case_ids: set[UUID], since: str = "Opened", until: str = "TriageDecided"
             ) -> tuple[list[float], int]:
        """Seconds from `since` to `until` for those of `case_ids` that reached both, and how
        many of those that reached `since` did not reach `until`."""
        start, end = self.seen[since], self.seen[until]
        began = [c for c in case_ids if c in start]
        lags = [(end[c] - start[c]).total_seconds() for c in began if c in end]
        return lags, len(began) - len(lags)


async def workflow_triaged(client: Client, case_ids: set[UUID]) -> dict[UUID, datetime]:
    """When each case's workflow knew its triage: the first workflow task completed after its
    first activity (triage) completed, from the workflow's history. Those not there yet are
    left out. Reading histories costs the server a little; call it after the load, not during."""
    found: dict[UUID, datetime] = {}
    gate = asyncio.Semaphore(8)

    async def one(case_id: UUID) -> None:
        async with gate:
            history = await client.get_workflow_handle(case_workflow_id(str(case_id))
                                                       ).fetch_history()
        triaged = False
        for event in history.events:
            kind = event.WhichOneof("attributes")
            triaged = triaged or kind == "activity_task_completed_event_attributes"
            if triaged and kind == "workflow_task_completed_event_attributes":
                found[case_id] = event.event_time.ToDatetime(tzinfo=UTC)
                return

    await asyncio.gather(*(one(c) for c in case_ids))
    return found

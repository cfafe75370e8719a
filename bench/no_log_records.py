"""The deployed recorders (activities/event_records.py: Core reads) without the transparency
log, so `bench/audit.py` can tell the log's own cost from the library's ORM reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy.orm import Session

from activities.event_records import CoreSelectAggregateRecorder, CoreSelectApplicationRecorder
from activities.event_writes import insert_event_rows


class NoLogApplicationRecorder(CoreSelectApplicationRecorder):
    def create_table(self) -> None:
        SQLAlchemyApplicationRecorder.create_table(self)

    def _lock_table(self, session: Session) -> None:
        SQLAlchemyApplicationRecorder._lock_table(self, session)

    def _insert_stored_events(self, session: Session, stored_events: Sequence[StoredEvent],
                              **kwargs: Any) -> Sequence[int]:
        # The deployed insert (Core, activities/event_writes.py) without the leaves.
        SQLAlchemyApplicationRecorder._lock_table(self, session)
        table: Any = self.events_record_cls.__table__  # type: ignore[attr-defined]
        ids = insert_event_rows(session, table, stored_events)
        self._notify_channel(session)
        return ids


class Factory(SQLAlchemyFactory):
    aggregate_recorder_class = CoreSelectAggregateRecorder
    application_recorder_class = NoLogApplicationRecorder

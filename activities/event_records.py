"""The event store's persistence: eventsourcing-sqlalchemy, reading events without the ORM.

`eventsourcing_sqlalchemy` reads a stream through an ORM query: every stored event becomes an
ORM instance (identity map, instance state, expiry) before it becomes a `StoredEvent`. On a
long case that machinery is most of the cost of loading it, and it grows faster than the
number of events (`bench/load_case.py`: 10,000 events took 12-13x the time of 1,000, against
about 10x for decrypting and applying them). These recorders keep everything of the library's
(tables, writes, notifications, tracking) and read a stream's rows with one SQLAlchemy Core
`SELECT` of the three columns an event needs instead.

Selected with `PERSISTENCE_MODULE=activities.event_records:Factory` (`store_env`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import (
    SQLAlchemyAggregateRecorder,
    SQLAlchemyApplicationRecorder,
)
from sqlalchemy import select


class _CoreSelect(SQLAlchemyAggregateRecorder):
    def select_events(self, originator_id: UUID | str, gt: int | None = None,
                      lte: int | None = None, desc: bool = False,
                      limit: int | None = None) -> list[StoredEvent]:
        """The library's `select_events` (same arguments, same result), as a Core query."""
        table: Any = self.events_record_cls.__table__  # type: ignore[attr-defined]
        version = table.c.originator_version
        query = select(table.c.originator_id, version, table.c.topic, table.c.state).where(
            table.c.originator_id == originator_id)
        if gt is not None:
            query = query.where(version > gt)
        if lte is not None:
            query = query.where(version <= lte)
        query = query.order_by(version.desc() if desc else version)
        if limit is not None:
            query = query.limit(limit)
        with self.transaction(commit=False) as session:
            rows = session.execute(query).all()
        return [StoredEvent(originator_id=row[0], originator_version=row[1], topic=row[2],
                            state=bytes(row[3]) if isinstance(row[3], memoryview) else row[3])
                for row in rows]


class CoreSelectAggregateRecorder(_CoreSelect):
    """Snapshots (an aggregate recorder) read by Core."""


class CoreSelectApplicationRecorder(_CoreSelect, SQLAlchemyApplicationRecorder):
    """Events (an application recorder, with notifications) read by Core."""


class Factory(SQLAlchemyFactory):
    aggregate_recorder_class = CoreSelectAggregateRecorder
    application_recorder_class = CoreSelectApplicationRecorder

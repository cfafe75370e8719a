"""The event store's persistence: eventsourcing-sqlalchemy, reading events without the ORM.

`eventsourcing_sqlalchemy` reads a stream through an ORM query: every stored event becomes an
ORM instance (identity map, instance state, expiry) before it becomes a `StoredEvent`. On a
long case that machinery is most of the cost of loading it, and it grows faster than the
number of events (`bench/load_case.py`: 10,000 events took 12-13x the time of 1,000, against
about 10x for decrypting and applying them). These recorders keep everything of the library's
(tables, writes, notifications, tracking) and read a stream's rows with one SQLAlchemy Core
`SELECT` of the three columns an event needs instead.

The application recorder also appends every event it stores to the transparency log
(`activities/transparency_store.py`), in the same transaction and after the library's lock on
the events table: an event is stored with its leaf or not at all. Snapshots are not logged
(they are derived from the events). A store made before the log existed has its events logged
on first start, in notification order (`backfill_log`). The database refuses UPDATE and
DELETE on the events table and the log's tables (`activities.append_only`): the record is
corrected by new events, never edited.

Selected with `PERSISTENCE_MODULE=activities.event_records:Factory` (`store_env`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent, Subscription
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import (
    SQLAlchemyAggregateRecorder,
    SQLAlchemyApplicationRecorder,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from activities.append_only import guard_tables
from activities.notification_poll import NotificationPoll
from activities.transparency_store import (
    LogTables,
    append_events,
    create_log_tables,
    last_logged_notification,
    log_tables,
)

BACKFILL_PAGE = 1000  # events logged per transaction when a store is first logged


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
    """Events (an application recorder, with notifications) read by Core, each appended to
    the transparency log as it is stored."""

    @property
    def log_tables(self) -> LogTables:
        """The transparency log's tables beside this recorder's events."""
        return log_tables(self.schema_name)

    def create_table(self) -> None:
        super().create_table()
        assert self.datastore.engine is not None
        engine = self.datastore.engine
        guard_tables(engine, self.schema_name, [self.events_table_name])  # type: ignore[arg-type]
        create_log_tables(engine, self.schema_name)  # type: ignore[arg-type]
        self.backfill_log()

    def subscribe(self, gt: int | None = None,
                  topics: Sequence[str] = ()) -> Subscription[Any]:
        """The notification log after `gt`, followed on SQLite as on PostgreSQL, never passing
        over an id still being committed (activities/notification_poll.py): what
        eventsourcing's projection runner reads (activities/projections.py)."""
        return NotificationPoll(self, gt=gt, topics=topics)

    def _insert_stored_events(self, session: Session, stored_events: Sequence[StoredEvent],
                              **kwargs: Any) -> Sequence[int]:
        # The library takes the events table's lock, inserts and flushes (so the ids exist);
        # the leaves follow in the same transaction.
        ids = super()._insert_stored_events(session, stored_events, **kwargs)
        append_events(session, self.log_tables, self.events_table_name, stored_events, ids)
        return ids

    def backfill_log(self) -> int:
        """Log the events stored after the last one logged (all of them in a store made before
        the log), in notification order; returns how many. Reads only when there are none,
        so a process with a read-only role may start on a logged store."""
        table: Any = self.events_record_cls.__table__  # type: ignore[attr-defined]
        logged = 0
        while True:
            with self.transaction(commit=False) as session:
                after = last_logged_notification(session, self.log_tables,
                                                 self.events_table_name)
                waiting = session.execute(select(table.c.id).where(table.c.id > after)
                                          .limit(1)).first()
            if waiting is None:
                return logged
            with self.transaction(commit=True) as session:
                self._lock_table(session)
                # Under the lock, so no writer logs these events between our read and ours.
                after = last_logged_notification(session, self.log_tables,
                                                 self.events_table_name)
                rows = session.execute(
                    select(table.c.id, table.c.originator_id, table.c.originator_version,
                           table.c.topic, table.c.state)
                    .where(table.c.id > after).order_by(table.c.id).limit(BACKFILL_PAGE)).all()
                events = [StoredEvent(originator_id=r[1], originator_version=r[2], topic=r[3],
                                      state=bytes(r[4])) for r in rows]
                append_events(session, self.log_tables, self.events_table_name, events,
                              [r[0] for r in rows])
            logged += len(rows)


class Factory(SQLAlchemyFactory):
    aggregate_recorder_class = CoreSelectAggregateRecorder
    application_recorder_class = CoreSelectApplicationRecorder

"""Projections (read models) of the event store's notification log, on eventsourcing's own
projection machinery: `Projection`, `ProjectionRunner`, and eventsourcing-sqlalchemy's
`SQLAlchemyTrackingRecorder` as each projection's view.

A projection is one small class and its tables (README "How to add a projection"):

    class CountsView(ProjectionView):
        def define_tables(self, schema): return [sa.Table("counts", sa.MetaData(schema), ...)]

    class Counts(BatchProjection[CountsView]):
        name = "Counts"                       # its position: table `counts_tracking`
        topics = ("aggregates.case:Case.Opened",)  # none: every event
        view_class = CountsView
        def apply(self, session, prepared): ... # write the batch's rows in `session`

`BatchingRunner` is the library's `ProjectionRunner` (it builds the view from the environment
named after the projection, subscribes to the application after the view's tracked position,
runs the projection in a thread, re-raises its errors) with one change to its loop: events are
handed to the projection one by one as the library does, and the projection writes them in
batches, each batch's rows and its position in ONE transaction: at `batch_size` events, or as
soon as the subscription has nothing more to give (`NotificationPoll.exhausted`), so an idle
projection is never behind by a partial batch. A batch lost to a crash was never tracked, so
it is applied again after a restart; one that committed is never applied again.

The position is written by compare-and-set (`ProjectionView.record_position`): a batch commits
only if the tracked position is still the one this runner started from or last wrote. If two
runners ever follow one projection (two workers; a rebuild beside the worker) the second to
commit a batch rolls back (`PositionMoved`), and `ProjectionWorker` restarts its runner from
the position the other reached: no notification is applied twice, nor rows of an older read
written over a newer one. How notifications are followed without ever skipping one (gaps in
ids on PostgreSQL) is in `activities/notification_poll.py`.
"""

from __future__ import annotations

import threading
import weakref
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import ApplicationSubscription, Projection, ProjectionRunner
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.recorders import SQLAlchemyTrackingRecorder
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from activities.notification_poll import NotificationPoll

BATCH = 500  # events per transaction, at most

Event = DomainEventProtocol[Any]
Batch = Sequence[tuple[Event, Tracking]]


class PositionMoved(IntegrityError):
    """Another runner moved the projection's position first; this batch was rolled back."""


class ProjectionView(SQLAlchemyTrackingRecorder):
    """A projection's tables and its tracking table (one row per application followed),
    written in one transaction. Subclasses name their tables in `define_tables`."""

    def __init__(self, datastore: SQLAlchemyDatastore, *, tracking_table_name: str,
                 schema_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name,
                         schema_name=schema_name, **kwargs)
        self.schema_name = schema_name  # the library's tracking recorder does not keep it
        self.rows: list[sa.Table] = self.define_tables(schema_name)
        self.tables += self.rows  # created by `create_table`, with the tracking table

    def define_tables(self, schema: str | None) -> list[sa.Table]:
        """The projection's own tables (in `schema`), created when the view is."""
        return []

    def record_position(self, session: Session, application: str, previous: int | None,
                        reached: int) -> None:
        """Move the tracked position of `application` from `previous` to `reached` in
        `session`; raise `PositionMoved` if it is no longer `previous`."""
        t = self.tracking_table
        try:
            if previous is None:
                session.execute(sa.insert(t).values(application_name=application,
                                                    notification_id=reached))
                session.flush()
                return
            moved = session.execute(sa.update(t).where(
                t.c.application_name == application, t.c.notification_id == previous,
            ).values(notification_id=reached))
        except sa.exc.IntegrityError:  # another runner inserted the first position
            raise PositionMoved() from None
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise PositionMoved()

    def clear(self, application: str) -> None:
        """Delete every row and the position of `application`: the next runner starts from
        the first notification."""
        t = self.tracking_table
        with self.transaction(commit=True) as session:
            for table in reversed(self.rows):
                session.execute(sa.delete(table))
            session.execute(sa.delete(t).where(t.c.application_name == application))

    def upsert(self, table: sa.Table, rows: list[dict[str, Any]],
               keys: list[str]) -> sa.Executable:
        """INSERT ... ON CONFLICT (keys) DO UPDATE of `rows` (all with the same columns)."""
        assert self.datastore.engine is not None
        dialect = postgresql if self.datastore.engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(table).values(rows)
        return insert.on_conflict_do_update(
            index_elements=keys,
            set_={c: insert.excluded[c] for c in rows[0] if c not in keys})


TView = TypeVar("TView", bound=ProjectionView)


class BatchProjection(Projection[TView], Generic[TView]):
    """A projection written a batch of events at a time. Subclasses set `name` and `topics`
    (as the library's `Projection`), and implement `apply`; `prepare` may read what the
    batch needs (e.g. load aggregates from `self.app`) before the transaction opens."""

    batch_size: int = BATCH
    view_class: type[ProjectionView] = ProjectionView  # the view's tables: set by subclasses

    def __init__(self, view: TView) -> None:
        super().__init__(view)
        self._pending: list[tuple[Event, Tracking]] = []
        self._position: int | None = None
        self._app: Application[Any] | None = None
        self.applied = 0  # events applied by this instance

    @property
    def app(self) -> Application[Any]:
        """The application followed (to load aggregates in `prepare`)."""
        assert self._app is not None, "not bound to a runner yet"
        return self._app

    def bind(self, app: Application[Any], position: int | None) -> None:
        """Called by the runner before the first event: the application and the position
        its subscription starts after."""
        self._app, self._position = app, position

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self._pending.append((domain_event, tracking))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Apply the pending events and record the last one's position, in one transaction."""
        if not self._pending:
            return
        batch, last = self._pending, self._pending[-1][1]
        prepared = self.prepare(batch)
        with self.view.transaction(commit=True) as session:
            self.view.record_position(session, last.application_name, self._position,
                                      last.notification_id)
            self.apply(session, prepared)
        self._position, self._pending = last.notification_id, []
        self.applied += len(batch)

    def prepare(self, batch: Batch) -> Any:
        """What `apply` writes, read outside the transaction; by default the batch itself."""
        return batch

    @abstractmethod
    def apply(self, session: Session, prepared: Any) -> None:
        """Write the rows of one batch in `session` (the view's transaction)."""


class BatchingRunner(ProjectionRunner[Application[Any], TView]):
    """The library's runner; its loop writes a `BatchProjection` in batches (module doc).
    Its application's recorder must subscribe with a `NotificationPoll`."""

    @staticmethod
    def _process_events_loop(subscription: ApplicationSubscription[Any],
                             projection: Any, is_stopping: threading.Event,
                             runner: weakref.ReferenceType[Any]) -> None:
        try:
            polled = subscription.subscription
            assert isinstance(polled, NotificationPoll), type(polled)
            running = runner()
            if running is None:
                return
            projection.bind(running.app, polled.started_after)
            del running  # the runner must stay collectable while this thread runs
            for domain_event, tracking in subscription:
                projection.process_event(domain_event, tracking)
                if polled.exhausted():
                    projection.flush()
        except BaseException as error:  # as the library's loop: raised by run_forever/exit
            running = runner()
            if running is not None:
                running._thread_error = error
        finally:
            is_stopping.set()


def behind(app: Application[Any], position: int | None, upto: int,
           topics: Sequence[str]) -> bool:
    """True if a notification of `topics` (any, if none) in (position, upto] is not yet
    applied: a position short of `upto` is current when only other events lie between."""
    if (position or 0) >= upto:
        return False
    return bool(app.recorder.select_notifications(  # type: ignore[attr-defined]
        start=position or 0, stop=upto, limit=1, topics=topics, inclusive_of_start=False))

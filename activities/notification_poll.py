"""Following the notification log on SQLite and PostgreSQL: the library's pull subscription,
woken by a poll, that never passes over a notification still being committed.

eventsourcing's `ListenNotifySubscription` pulls pages of notifications after the last one it
returned (`select_notifications(start=last, inclusive_of_start=False)`); eventsourcing-
sqlalchemy wakes it with PostgreSQL's LISTEN/NOTIFY and has no subscription for SQLite
(`subscribe()` raises NotImplementedError). `NotificationPoll` keeps the library's pull and
is woken by a timer instead (every `POLL_SECONDS`), so the same code follows both databases.

**Gaps in notification ids.** An id is taken from the table's sequence when a row is inserted,
not when it commits. If a writer that took id 10 committed after one that took id 11, a reader
between the two commits would see 11, move its position past 10 and never read it. The
library's answer (eventsourcing `postgres.py` `_lock_table`, and eventsourcing-sqlalchemy
`_lock_table`): every writer takes `LOCK TABLE <events> IN EXCLUSIVE MODE` before inserting and
holds it to commit, so ids are handed out and committed in the same order and a gap left by a
rolled-back writer is never filled later; readers skip it. SQLite needs no lock: one writer
holds the whole database from its first insert to its commit. A writer that inserts without
the lock (a bulk load, a hand-written migration) breaks that promise, so on PostgreSQL this
subscription also checks every range it is about to pass over: if an id in it is missing and
is newer than anything already known to be settled, it takes `LOCK TABLE ... IN SHARE MODE`,
which waits for every transaction holding a write lock on the table (each writer that took an
id) to end, reads the newest id under that lock (everything up to it is now final: committed
or rolled back for good), and reads the page again. Old gaps cost one such check.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from eventsourcing.persistence import (  # ShutDown: the library's backport for Python < 3.13
    ListenNotifySubscription,
    Notification,
    ShutDown,
)

POLL_SECONDS = 0.05  # how often an idle subscription looks for new notifications
PAGE = 500  # notifications per read (the library's own page size)
SETTLE_LOCK_TIMEOUT = "10s"  # how long to wait for writers in flight before trying again


class NotificationPoll(ListenNotifySubscription[Any]):
    """Notifications after `gt` (optionally of `topics` only), forever, in order, each once.

    `recorder` is an eventsourcing-sqlalchemy application recorder. `started_after` is the
    `gt` it began from (the position a projection must compare-and-set from)."""

    def __init__(self, recorder: Any, gt: int | None = None, topics: Sequence[str] = (),
                 poll_seconds: float = POLL_SECONDS) -> None:
        self.started_after = gt
        self._poll = poll_seconds
        engine = recorder.datastore.engine
        self._guard_gaps = engine is not None and engine.dialect.name == "postgresql"
        self._settled = 0  # every id up to this one is committed or rolled back for good
        self._events: sa.Table = recorder.events_record_cls.__table__
        self._stopped = threading.Event()
        super().__init__(recorder=recorder, gt=gt, topics=topics)

    def stop(self) -> None:
        self._stopped.set()
        super().stop()

    def exhausted(self) -> bool:
        """True if every notification pulled so far has been returned by `next()`: the next
        call would wait for the database. Called by the consuming thread only."""
        return (self._notifications_index == len(self._notifications)
                and self._notifications_queue.empty())

    def _loop_on_pull(self) -> None:
        # The library waits for a NOTIFY here; a poll serves SQLite and PostgreSQL alike.
        try:
            while not self._has_been_stopped:
                self._pull()
                self._stopped.wait(self._poll)
        except BaseException as error:  # handed to the consuming thread, as the library does
            if self._thread_error is None:
                self._thread_error = error
            self.stop()

    def _pull(self) -> None:
        while not self._has_been_stopped:
            after = self._last_notification_id or 0
            page: list[Notification] = self._recorder.select_notifications(
                start=after, limit=PAGE, topics=self._topics,
                inclusive_of_start=False)
            if not page:
                return
            if self._guard_gaps and page[-1].id > self._settled and self._gap(after,
                                                                              page[-1].id):
                self._settle()
                continue  # read the same range again, now that it is final
            try:
                self._notifications_queue.put(page)
            except ShutDown:  # stopped while waiting for room in the queue
                return
            self._last_notification_id = page[-1].id
            if len(page) < PAGE:
                return

    def _gap(self, after: int, upto: int) -> bool:
        """True if an id in (after, upto] has no row (yet)."""
        ids = self._events.c.id
        with self._recorder.transaction(commit=False) as session:
            present = session.execute(sa.select(sa.func.count()).select_from(self._events)
                                      .where(ids > after, ids <= upto)).scalar_one()
        return int(present) < upto - after

    def _settle(self) -> None:
        """Wait for every writer in flight on the events table; then every id up to the
        newest is final."""
        table = self._events
        name = f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
        with self._recorder.transaction(commit=True) as session:
            session.execute(sa.text(f"SET LOCAL lock_timeout = '{SETTLE_LOCK_TIMEOUT}'"))
            session.execute(sa.text(f"LOCK TABLE {name} IN SHARE MODE"))
            newest = session.execute(sa.select(sa.func.max(table.c.id))).scalar()
        self._settled = max(self._settled, int(newest or 0))

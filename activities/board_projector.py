"""The task board's one writer: a projection of the notification log, run by the worker.

`BoardProjector` follows the event store's notification log. For each batch of notifications
it loads every case they touch (so the board never holds a rule of its own) and, in ONE
transaction, records the position it has reached and upserts those cases' rows. Positions are
kept by eventsourcing-sqlalchemy's `SQLAlchemyTrackingRecorder` (table `taskboard_tracking`),
the view `TaskBoardView` being that recorder with the board's tables added.

The position is advanced by compare-and-set (`UPDATE ... WHERE notification_id = <what this
projector read>`) before any row is written, so if two projectors ever run (two workers), the
second to reach a position finds it moved, rolls back and resumes from the new position: rows
are never written by two at once, nor from an older read over a newer one.

Why not eventsourcing's `ProjectionRunner`: eventsourcing-sqlalchemy cannot subscribe to a
SQLite store (`subscribe()` raises NotImplementedError) and SQLite is the embedded default; a
`Projection` is given only its view, not the store it would load cases from; and the runner
writes one transaction per event where a rebuild wants one per batch of cases.

Starting on a database of a previous version (tables `board_cases`, `board_tasks`,
`taskboard_tracking` or `board_position`): the tables and the tracking table of this version
(`tray_*`, `worktrays_tracking`, see `activities/board_tables.py`) are new, so the projector
rebuilds them from position 0 of the notification log; the old tables are no longer read.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from eventsourcing.persistence import InfrastructureFactory, IntegrityError
from eventsourcing.utils import Environment
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.recorders import SQLAlchemyTrackingRecorder
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from activities.board_tables import (
    PROJECTION,
    WATCHED,
    BoardTables,
    board_tables,
    case_row,
    referral_rows,
    task_rows,
)
from activities.case_store import CaseStore
from aggregates.case import Case

log = logging.getLogger(__name__)

BATCH = 500  # notifications of watched events per transaction
POLL_SECONDS = 0.05  # how often an idle projector looks for new notifications


class PositionMoved(Exception):
    """Another projector advanced the position first; this batch is dropped."""


class TaskBoardView(SQLAlchemyTrackingRecorder):
    """The board's tables and its tracking table, written in one transaction."""

    def __init__(self, datastore: SQLAlchemyDatastore, *, tracking_table_name: str,
                 schema_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name,
                         schema_name=schema_name, **kwargs)
        self.board: BoardTables = board_tables(schema_name)
        self.tables += [self.board.cases, self.board.tasks, self.board.referrals]

    def advance(self, session: Session, app: str, old: int | None, new: int) -> None:
        """Move the position from `old` to `new`, or raise `PositionMoved`."""
        t = self.tracking_table
        if old is None:
            # Inserting a row another projector inserted first violates its primary key.
            session.execute(sa.insert(t).values(application_name=app, notification_id=new))
            return
        moved = session.execute(sa.update(t).where(
            t.c.application_name == app, t.c.notification_id == old,
        ).values(notification_id=new))
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise PositionMoved()

    def rewrite(self, session: Session, case_id: str, case: Case) -> None:
        """Upsert the case's row, open tasks and referrals; delete its tasks no longer open."""
        board = self.board
        session.execute(self._upsert(board.cases, [case_row(case_id, case)], ["case_id"]))
        for table, rows, key in ((board.tasks, task_rows(case_id, case), "task_id"),
                                 (board.referrals, referral_rows(case_id, case), "referral_id")):
            gone = sa.delete(table).where(table.c.case_id == case_id)
            if rows:
                gone = gone.where(table.c[key].not_in([r[key] for r in rows]))
            session.execute(gone)
            if rows:
                session.execute(self._upsert(table, rows, ["case_id", key]))

    def _upsert(self, table: sa.Table, rows: list[dict[str, Any]],
                keys: list[str]) -> sa.Executable:
        assert self.datastore.engine is not None
        dialect = postgresql if self.datastore.engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(table).values(rows)
        return insert.on_conflict_do_update(
            index_elements=keys,
            set_={c: insert.excluded[c] for c in rows[0] if c not in keys})


class BoardProjector:
    """Keeps the board up to date with `store`; run it in one process (the worker)."""

    def __init__(self, store: CaseStore, *, poll_seconds: float = POLL_SECONDS) -> None:
        self._store = store
        self._poll = poll_seconds
        env = Environment(PROJECTION, {k: v for k, v in store.env.items()
                                       if k.startswith(("PERSISTENCE_", "SQLALCHEMY_"))})
        self.view = InfrastructureFactory[TaskBoardView].construct(env).tracking_recorder(
            TaskBoardView)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def position(self) -> int | None:
        return self.view.max_tracking_id(self._store.name)

    def run_once(self) -> int:
        """Apply every notification recorded so far; returns how many case rewrites."""
        rewritten = 0
        while True:
            tracked = self.position()
            upto = self._store.recorder.max_notification_id() or 0
            if upto <= (tracked or 0):
                return rewritten
            page = self._store.recorder.select_notifications(
                start=tracked or 0, stop=upto, limit=BATCH, topics=WATCHED,
                inclusive_of_start=False)
            # Ids commit in order (one writer at a time holds the event table), so after a
            # short page every notification up to `upto` has been seen.
            reached = page[-1].id if len(page) == BATCH else upto
            case_ids = sorted({UUID(str(n.originator_id)) for n in page})
            cases = [(str(case_id), self._store.get_case(case_id)) for case_id in case_ids]
            try:
                with self.view.transaction(commit=True) as session:
                    self.view.advance(session, self._store.name, tracked, reached)
                    for case_id, case in cases:
                        self.view.rewrite(session, case_id, case)
            except (PositionMoved, IntegrityError):
                continue  # another projector got there first: resume from where it reached
            rewritten += len(cases)

    # ---- running beside the worker --------------------------------------------------------

    def start(self) -> BoardProjector:
        self._thread = threading.Thread(target=self._loop, name="board-projector", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> BoardProjector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _loop(self) -> None:
        pause = self._poll
        while not self._stopping.is_set():
            try:
                self.run_once()
                pause = self._poll
            except Exception:
                # A database that went away, or another projector's first insert: log (the
                # message holds ids and titles, no personal data) and try again, backing off.
                log.exception("task board projection failed; retrying")
                pause = min(max(pause * 2, 0.5), 10.0)
            self._stopping.wait(pause)

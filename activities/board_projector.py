"""The task board's one writer: the `WorkTrays` projection of the notification log, run by the
worker on the projection machinery of activities/projections.py (eventsourcing's
`ProjectionRunner` and a tracking recorder as the view).

For each batch of case events the projection loads every case they touch (so the board never
holds a rule of its own), outside the transaction, and then, in ONE transaction, records the
position of the batch's last event and upserts those cases' rows (`TaskBoardView.rewrite`).
A case loaded for a batch may already be newer than the batch's last event: its rows are then
ahead for a moment, and the later events rewrite them the same. Positions are kept in the
table `worktrays_tracking`, the same table and meaning (the last notification applied) as
before this projection ran on the library's runner, so a board already built carries on.

Starting on a database of an older shape (tables `board_cases`, `board_tasks`,
`taskboard_tracking` or `board_position`): the tables and the tracking table of this version
(`tray_*`, `worktrays_tracking`, see `activities/board_tables.py`) are new, so the projection
rebuilds them from position 0 of the notification log; the old tables are no longer read.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from uuid import UUID

import sqlalchemy as sa
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
from activities.projection_running import ProjectionWorker, catch_up
from activities.projections import Batch, BatchProjection, ProjectionView
from aggregates.case import Case

REMEMBERED_CASES = 200_000  # cases whose written version a projection remembers


class TaskBoardView(ProjectionView):
    """The board's tables and its tracking table, written in one transaction."""

    board: BoardTables

    def define_tables(self, schema: str | None) -> list[sa.Table]:
        self.board = board_tables(schema)
        return [self.board.cases, self.board.tasks, self.board.referrals]

    def rewrite(self, session: Session, case_id: str, case: Case) -> None:
        """Upsert the case's row, open tasks and referrals; delete its tasks no longer open."""
        board = self.board
        session.execute(self.upsert(board.cases, [case_row(case_id, case)], ["case_id"]))
        for table, rows, key in ((board.tasks, task_rows(case_id, case), "task_id"),
                                 (board.referrals, referral_rows(case_id, case), "referral_id")):
            gone = sa.delete(table).where(table.c.case_id == case_id)
            if rows:
                gone = gone.where(table.c[key].not_in([r[key] for r in rows]))
            session.execute(gone)
            if rows:
                session.execute(self.upsert(table, rows, ["case_id", key]))


class WorkTrays(BatchProjection[TaskBoardView]):
    """The work trays and case search: a row per case, its open tasks and its referrals."""

    name = PROJECTION
    topics = tuple(WATCHED)
    view_class = TaskBoardView

    def __init__(self, view: TaskBoardView) -> None:
        super().__init__(view)
        self.rewritten = 0  # case rewrites by this instance
        # The version of each case whose rows this instance wrote: an event at or below it
        # is already shown (the rows were written from the case as it stood then), so a
        # rebuild loads a case once, not once per batch its events fall in. Bounded: the
        # oldest entries are dropped (a dropped case is only loaded again).
        self._written: OrderedDict[UUID, int] = OrderedDict()

    def prepare(self, batch: Batch) -> list[tuple[str, Case]]:
        store = self.app
        assert isinstance(store, CaseStore)
        newest: dict[UUID, int] = {}
        for event, _ in batch:
            case_id = UUID(str(event.originator_id))
            newest[case_id] = max(newest.get(case_id, 0), event.originator_version)
        stale = sorted(c for c, v in newest.items() if self._written.get(c, 0) < v)
        loaded = [(str(case_id), store.get_case(case_id)) for case_id in stale]
        for case_id, (_, case) in zip(stale, loaded, strict=True):
            self._written[case_id] = case.version
            self._written.move_to_end(case_id)
        while len(self._written) > REMEMBERED_CASES:
            self._written.popitem(last=False)
        return loaded

    def apply(self, session: Session, prepared: list[tuple[str, Case]]) -> None:
        for case_id, case in prepared:
            self.view.rewrite(session, case_id, case)
        self.rewritten += len(prepared)


class BoardProjector(ProjectionWorker):
    """Keeps the board up to date with `store`; run it in one process (the worker)."""

    def __init__(self, store: CaseStore, **_: Any) -> None:
        super().__init__(WorkTrays, CaseStore, store.env)
        self._store = store

    def run_once(self) -> int:
        """Apply every notification recorded so far; returns how many events."""
        return catch_up(WorkTrays, CaseStore, self._store.env)

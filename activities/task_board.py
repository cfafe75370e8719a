"""The task board, read side: the work trays ("assigned to me", "my team", "overdue", "due
this week", "escalated") with their counts, and every open task a member of staff needs to
know.

The rows are a projection of the event store's notification log written by one writer,
`activities.board_projector.BoardProjector`, which runs in the worker. This module only reads
them: a web process never writes a board row, so any number of web replicas can serve the
board at once. Trays are filtered, sorted, counted and paged by the database, need to know
included (`activities/board_visibility.py`). Rows hold task titles and kinds (no personal
data).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from activities.board_tables import WATCHED, BoardTables, board_tables, micros, moment
from activities.board_visibility import visible
from activities.case_store import CaseStore
from activities.projections import behind
from aggregates.access import StaffFacts
from aggregates.tasks import AssigneeKind
from aggregates.working_days import LONDON

log = logging.getLogger(__name__)

# How long a read waits for the board to show every change recorded before the read began
# (so a page shows the user's own change); after that it shows what the board holds.
FRESHNESS_TIMEOUT = 3.0
PAGE_SIZE = 25  # rows of a tray or a search page


class Tray(StrEnum):
    MINE = "mine"
    TEAM = "team"
    OVERDUE = "overdue"
    DUE_THIS_WEEK = "due-this-week"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class BoardTask:
    case_id: str
    task_id: str
    kind: str
    title: str
    assignee_kind: str
    assignee: str
    due_at: datetime | None
    escalated: bool
    requirements: list[str]
    risk_level: str | None = None


@dataclass(frozen=True)
class TrayFilters:
    """Narrowing a tray: None (or "") is no filter. `risk`: "high", "not_high" or
    "not_assessed"."""

    council: str | None = None
    team: str | None = None
    kind: str | None = None
    risk: str | None = None


@dataclass(frozen=True)
class TrayPage:
    tray: Tray
    rows: list[BoardTask]
    total: int  # rows of the tray with the filters
    counts: dict[Tray, int] = field(default_factory=dict)  # each tray, with the filters
    page: int = 1
    pages: int = 1


def end_of_week(now: datetime) -> datetime:
    """Midnight at the start of next Monday, London time: "due this week" is before it."""
    today = now.astimezone(LONDON).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=LONDON)


class TaskBoard:
    """Reads the board. `url` may name a connection that can only read (it is never used to
    write); `store` is the event store, read for the newest position to wait for."""

    def __init__(self, store: CaseStore, url: str, schema: str | None = None, *,
                 freshness_timeout: float = FRESHNESS_TIMEOUT) -> None:
        self._store = store
        self._engine = sa.create_engine(url)
        self._schema = schema
        self.tables: BoardTables = board_tables(schema)
        self._freshness_timeout = freshness_timeout
        self._ready = False

    # ---- freshness ------------------------------------------------------------------------

    def position(self) -> int:
        """The newest notification id whose changes the board shows (0 before any)."""
        if not self._exists():
            return 0
        t = self.tables.tracking
        with self._engine.connect() as conn:
            found = conn.execute(sa.select(t.c.notification_id).where(
                t.c.application_name == self._store.name)).scalar()
        return int(found or 0)

    def wait_until_current(self, timeout: float | None = None) -> bool:
        """Wait (up to `timeout` seconds) until the board shows every change recorded before
        this call; False if it did not within the time (the board is then behind)."""
        target = self._store.recorder.max_notification_id() or 0
        deadline = time.monotonic() + (self._freshness_timeout if timeout is None else timeout)
        pause = 0.005
        # The position is the last case event applied; events of other kinds after it (an
        # access-log entry, a staff change) are not the board's to wait for.
        while behind(self._store, self.position(), target, WATCHED):
            if time.monotonic() >= deadline:
                log.warning("task board is behind the event store (position %s < %s)",
                            self.position(), target)
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
        return True

    def _exists(self) -> bool:
        # The projector creates the tables when the worker starts; until then the board is
        # empty rather than an error.
        if not self._ready:
            self._ready = sa.inspect(self._engine).has_table(
                self.tables.tracking.name, schema=self._schema)
        return self._ready

    def connect(self) -> sa.Connection:
        """A connection to read the board with, once it shows every change recorded before
        this call (or the freshness timeout passed). Check `ready` first."""
        self.wait_until_current()
        return self._engine.connect()

    def ready(self) -> bool:
        """True once the projector has created the board's tables."""
        return self._exists()

    # ---- trays ----------------------------------------------------------------------------

    def tray_rule(self, tray: Tray, staff: StaffFacts, now: datetime) -> ColumnElement[bool]:
        t, c = self.tables.tasks, self.tables.cases
        if tray is Tray.MINE:
            # Exact by the assignee's type: tasks for me by name, for my role, and the team's
            # tasks on the cases I am the officer of.
            return sa.or_(
                sa.and_(t.c.assignee_kind == AssigneeKind.PERSON.value,
                        t.c.assignee == staff.staff_id),
                sa.and_(t.c.assignee_kind == AssigneeKind.ROLE.value,
                        t.c.assignee == staff.role.value,
                        c.c.council == staff.council.value),
                sa.and_(t.c.assignee_kind == AssigneeKind.TEAM.value,
                        c.c.officer_id == staff.staff_id))
        if tray is Tray.TEAM:
            return sa.and_(t.c.assignee_kind == AssigneeKind.TEAM.value,
                           t.c.assignee.in_(sorted(staff.teams)),
                           c.c.council == staff.council.value)
        if tray is Tray.OVERDUE:
            return t.c.due_at <= micros(now)
        if tray is Tray.DUE_THIS_WEEK:
            return sa.and_(t.c.due_at > micros(now), t.c.due_at < micros(end_of_week(now)))
        return t.c.escalated

    def _filters(self, filters: TrayFilters) -> list[ColumnElement[bool]]:
        t, c = self.tables.tasks.c, self.tables.cases.c
        found: list[ColumnElement[bool]] = []
        if filters.council:
            found.append(c.council == filters.council)
        if filters.team:
            found.append(c.team == filters.team)
        if filters.kind:
            found.append(t.kind == filters.kind)
        if filters.risk == "not_assessed":
            found.append(c.risk_level.is_(None))
        elif filters.risk:
            found.append(c.risk_level == filters.risk)
        return found

    def tray(self, staff: StaffFacts, now: datetime, tray: Tray,
             filters: TrayFilters = TrayFilters(), page: int = 1) -> TrayPage:
        """One page of a tray, soonest deadline first then highest risk, with every tray's
        count under the same filters."""
        if not self._exists():
            return TrayPage(tray, [], 0, dict.fromkeys(Tray, 0))
        t, c = self.tables.tasks, self.tables.cases
        joined = t.join(c, t.c.case_id == c.c.case_id)
        with self.connect() as conn:
            seen = sa.and_(visible(conn, self.tables, staff, now), *self._filters(filters))
            # Every tray's count in one pass over the visible tasks.
            totals = conn.execute(sa.select(*(
                sa.func.coalesce(sa.func.sum(sa.case((self.tray_rule(each, staff, now), 1),
                                                     else_=0)), 0)
                for each in Tray)).select_from(joined).where(seen)).one()
            counts = {each: int(n) for each, n in zip(Tray, totals, strict=True)}
            pages = max(1, -(-counts[tray] // PAGE_SIZE))
            page = min(max(1, page), pages)
            rows = conn.execute(
                sa.select(t, c.c.risk_level).select_from(joined)
                .where(seen, self.tray_rule(tray, staff, now))
                .order_by(t.c.due_at.is_(None), t.c.due_at, t.c.risk_rank.desc(),
                          t.c.case_id, t.c.task_id)
                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
        return TrayPage(tray, [_task(r) for r in rows], counts[tray], counts, page, pages)

    def visible_tasks(self, staff: StaffFacts, now: datetime) -> list[BoardTask]:
        """Every open task on the cases `staff` needs to know, soonest deadline first."""
        if not self._exists():
            return []
        t, c = self.tables.tasks, self.tables.cases
        with self.connect() as conn:
            rows = conn.execute(
                sa.select(t, c.c.risk_level).select_from(t.join(c, t.c.case_id == c.c.case_id))
                .where(visible(conn, self.tables, staff, now))
                .order_by(t.c.due_at.is_(None), t.c.due_at, t.c.case_id, t.c.task_id)).all()
        return [_task(r) for r in rows]

    def visible_cases(self, staff: StaffFacts, now: datetime) -> list[tuple[str, int]]:
        """(case id, open tasks) of every case `staff` needs to know."""
        if not self._exists():
            return []
        c = self.tables.cases
        with self.connect() as conn:
            rows = conn.execute(sa.select(c.c.case_id, c.c.open_tasks).where(
                visible(conn, self.tables, staff, now)).order_by(c.c.case_id)).all()
        return [(r.case_id, int(r.open_tasks)) for r in rows]

    def close(self) -> None:
        self._engine.dispose()


def _task(row: sa.Row) -> BoardTask:
    return BoardTask(case_id=row.case_id, task_id=row.task_id, kind=row.kind, title=row.title,
                     assignee_kind=row.assignee_kind, assignee=row.assignee,
                     due_at=moment(row.due_at), escalated=bool(row.escalated),
                     requirements=json.loads(row.requirements), risk_level=row.risk_level)



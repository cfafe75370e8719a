"""The task board, read side: every open task across cases, for "my tasks" and the DSOs'
escalations.

The rows are a projection of the event store's notification log written by one writer,
`activities.board_projector.BoardProjector`, which runs in the worker. This module only reads
them: a web process never writes a board row, so any number of web replicas can serve the
board at once. Who may see which row is decided by the need-to-know rule, on facts stored with
the rows. Rows hold task titles and kinds (no personal data).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from eventsourcing.utils import get_topic

from activities.case_store import CaseStore
from aggregates.access import CaseAccessFacts, StaffFacts, need_to_know
from aggregates.case import Case
from aggregates.report import Council

log = logging.getLogger(__name__)

# The projection's name: its position is kept in the table `taskboard_tracking`.
PROJECTION = "TaskBoard"
# How long a read waits for the board to show every change recorded before the read began
# (so a page shows the user's own change); after that it shows what the board holds.
FRESHNESS_TIMEOUT = 3.0

# Events that change what the board shows: tasks, escalations and who may see the case.
WATCHED = [get_topic(cls) for cls in (
    Case.Opened, Case.Assigned, Case.TaskOpened, Case.TaskCompleted, Case.DeadlineEscalated,
    Case.Restricted, Case.RestrictionLifted, Case.ConflictDeclared, Case.BreakGlassUsed,
)]


@dataclass(frozen=True)
class BoardTask:
    case_id: str
    task_id: str
    kind: str
    title: str
    assignee: str
    due_at: datetime | None
    escalated: bool
    requirements: list[str]


@dataclass(frozen=True)
class BoardTables:
    """The board's tables (the names of the previous version, so deployed rows are reused)."""

    metadata: sa.MetaData
    cases: sa.Table
    tasks: sa.Table
    tracking: sa.Table


def board_tables(schema: str | None = None) -> BoardTables:
    md = sa.MetaData(schema=schema)
    cases = sa.Table(
        "board_cases", md, sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("facts", sa.Text, nullable=False))  # CaseAccessFacts as JSON
    tasks = sa.Table(
        "board_tasks", md,
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("task_id", sa.String(20), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=False),
        sa.Column("due_at", sa.BigInteger, nullable=True),  # microseconds since the epoch
        sa.Column("escalated", sa.Boolean, nullable=False),
        sa.Column("requirements", sa.Text, nullable=False))  # JSON list
    # Written by eventsourcing-sqlalchemy's tracking recorder; declared here to be read.
    tracking = sa.Table(
        f"{PROJECTION.lower()}_tracking", md,
        sa.Column("application_name", sa.String(32), primary_key=True),
        sa.Column("notification_id", sa.BigInteger))
    return BoardTables(md, cases, tasks, tracking)


def micros(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1_000_000)


def _moment(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1_000_000, UTC)


def facts_json(facts: CaseAccessFacts) -> str:
    return json.dumps({
        "council": facts.council.value, "team": facts.team, "officer_id": facts.officer_id,
        "escalated": facts.escalated,
        "restricted_to": sorted(facts.restricted_to) if facts.restricted_to is not None
        else None,
        "conflicted": sorted(facts.conflicted),
        "break_glass_until": {k: v.isoformat() for k, v in facts.break_glass_until.items()},
        "reported_by": facts.reported_by,
    })


class TaskBoard:
    """Reads the board. `url` may name a connection that can only read (it is never used to
    write); `store` is the event store, read for the newest position to wait for."""

    def __init__(self, store: CaseStore, url: str, schema: str | None = None, *,
                 freshness_timeout: float = FRESHNESS_TIMEOUT) -> None:
        self._store = store
        self._engine = sa.create_engine(url)
        self._schema = schema
        self._tables = board_tables(schema)
        self._freshness_timeout = freshness_timeout
        self._ready = False

    # ---- freshness ------------------------------------------------------------------------

    def position(self) -> int:
        """The newest notification id whose changes the board shows (0 before any)."""
        if not self._exists():
            return 0
        t = self._tables.tracking
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
        while self.position() < target:
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
                self._tables.tracking.name, schema=self._schema)
        return self._ready

    # ---- reading --------------------------------------------------------------------------

    def visible_tasks(self, staff: StaffFacts, now: datetime) -> list[BoardTask]:
        """Open tasks on every case `staff` needs to know, soonest deadline first."""
        self.wait_until_current()
        if not self._exists():
            return []
        with self._engine.connect() as conn:
            facts = self._facts(conn)
            rows = list(conn.execute(sa.select(self._tables.tasks)))
        visible = {case_id for case_id, f in facts.items()
                   if need_to_know(staff, f, now).allowed}
        tasks = [BoardTask(case_id=r.case_id, task_id=r.task_id, kind=r.kind, title=r.title,
                           assignee=r.assignee, due_at=_moment(r.due_at),
                           escalated=bool(r.escalated),
                           requirements=json.loads(r.requirements))
                 for r in rows if r.case_id in visible]
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(tasks, key=lambda t: (t.due_at or far, t.case_id, t.task_id))

    def visible_cases(self, staff: StaffFacts, now: datetime) -> list[tuple[str, int]]:
        """(case id, open tasks) of every case `staff` needs to know."""
        self.wait_until_current()
        if not self._exists():
            return []
        tasks = self._tables.tasks
        with self._engine.connect() as conn:
            facts = self._facts(conn)
            counts: dict[str, int] = {
                row[0]: int(row[1]) for row in conn.execute(
                    sa.select(tasks.c.case_id, sa.func.count()).group_by(tasks.c.case_id))}
        return sorted((case_id, int(counts.get(case_id, 0))) for case_id, f in facts.items()
                      if need_to_know(staff, f, now).allowed)

    def _facts(self, conn: sa.Connection) -> dict[str, CaseAccessFacts]:
        return {row.case_id: _facts(json.loads(row.facts))
                for row in conn.execute(sa.select(self._tables.cases))}

    def close(self) -> None:
        self._engine.dispose()


def _facts(data: dict[str, Any]) -> CaseAccessFacts:
    return CaseAccessFacts(
        council=Council(data["council"]), team=data["team"], officer_id=data["officer_id"],
        escalated=data["escalated"],
        restricted_to=frozenset(data["restricted_to"]) if data["restricted_to"] is not None
        else None,
        conflicted=frozenset(data["conflicted"]),
        break_glass_until={k: datetime.fromisoformat(v)
                           for k, v in data["break_glass_until"].items()},
        # Rows written before the reporter was kept have none (the projector rewrites them).
        reported_by=data.get("reported_by"),
    )

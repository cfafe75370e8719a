"""The task board: every open task across cases, for "my tasks" and the DSOs' escalations.

A projection kept up to date from the event store's notification log (not by asking every
workflow): `catch_up()` reads the notifications since its last position, and rewrites the
rows of each case they touch from the case aggregate itself, so the board never holds a rule
of its own. Who may see which row is decided by the need-to-know rule, on facts stored with
the rows. Rows hold task titles and kinds (no personal data).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from eventsourcing.utils import get_topic

from activities.case_store import CaseStore
from aggregates.access import CaseAccessFacts, StaffFacts, need_to_know
from aggregates.case import Case
from aggregates.report import Council

BATCH = 500

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


def _micros(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1_000_000)


def _moment(micros: int | None) -> datetime | None:
    return None if micros is None else datetime.fromtimestamp(micros / 1_000_000, UTC)


class TaskBoard:
    def __init__(self, store: CaseStore, url: str, schema: str | None = None) -> None:
        self._store = store
        self._engine = sa.create_engine(url)
        self._lock = threading.Lock()
        md = sa.MetaData(schema=schema)
        self._position = sa.Table(
            "board_position", md, sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("position", sa.BigInteger, nullable=False))
        self._cases = sa.Table(
            "board_cases", md, sa.Column("case_id", sa.String(36), primary_key=True),
            sa.Column("facts", sa.Text, nullable=False))  # CaseAccessFacts as JSON
        self._tasks = sa.Table(
            "board_tasks", md,
            sa.Column("case_id", sa.String(36), primary_key=True),
            sa.Column("task_id", sa.String(20), primary_key=True),
            sa.Column("kind", sa.String(64), nullable=False),
            sa.Column("title", sa.String(300), nullable=False),
            sa.Column("assignee", sa.String(200), nullable=False),
            sa.Column("due_at", sa.BigInteger, nullable=True),
            sa.Column("escalated", sa.Boolean, nullable=False),
            sa.Column("requirements", sa.Text, nullable=False))
        md.create_all(self._engine, checkfirst=True)

    # ---- keeping up -----------------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply every notification since the last position; returns how many cases changed."""
        with self._lock:
            position = self._read_position()
            changed: set[UUID] = set()
            while True:
                page = self._store.recorder.select_notifications(
                    start=position + 1, limit=BATCH, topics=WATCHED)
                for notification in page:
                    changed.add(UUID(str(notification.originator_id)))
                    position = notification.id
                if len(page) < BATCH:
                    break
            if not changed:
                return 0
            rows = {case_id: self._store.get_case(case_id) for case_id in changed}
            with self._engine.begin() as conn:
                for case_id, case in rows.items():
                    self._rewrite(conn, str(case_id), case)
                conn.execute(self._position.delete())
                conn.execute(self._position.insert().values(id=1, position=position))
            return len(changed)

    def _read_position(self) -> int:
        with self._engine.connect() as conn:
            found = conn.execute(sa.select(self._position.c.position)).scalar()
        return int(found or 0)

    def _rewrite(self, conn: sa.Connection, case_id: str, case: Case) -> None:
        facts = case.access_facts
        conn.execute(self._cases.delete().where(self._cases.c.case_id == case_id))
        conn.execute(self._cases.insert().values(case_id=case_id, facts=json.dumps({
            "council": facts.council.value, "team": facts.team, "officer_id": facts.officer_id,
            "escalated": facts.escalated,
            "restricted_to": sorted(facts.restricted_to) if facts.restricted_to is not None
            else None,
            "conflicted": sorted(facts.conflicted),
            "break_glass_until": {k: v.isoformat() for k, v in facts.break_glass_until.items()},
        })))
        conn.execute(self._tasks.delete().where(self._tasks.c.case_id == case_id))
        for task in case.open_tasks:
            conn.execute(self._tasks.insert().values(
                case_id=case_id, task_id=task.task_id, kind=task.kind.value, title=task.title,
                assignee=task.assignee, due_at=_micros(task.due_at),
                escalated=task.task_id in case.escalated,
                requirements=json.dumps(list(task.requirements))))

    # ---- reading --------------------------------------------------------------------------

    def visible_tasks(self, staff: StaffFacts, now: datetime) -> list[BoardTask]:
        """Open tasks on every case `staff` needs to know, soonest deadline first."""
        self.catch_up()
        with self._engine.connect() as conn:
            facts = {row.case_id: _facts(json.loads(row.facts))
                     for row in conn.execute(sa.select(self._cases))}
            rows = list(conn.execute(sa.select(self._tasks)))
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
        self.catch_up()
        with self._engine.connect() as conn:
            facts = {row.case_id: _facts(json.loads(row.facts))
                     for row in conn.execute(sa.select(self._cases))}
            counts: dict[str, int] = {
                row[0]: int(row[1]) for row in conn.execute(
                    sa.select(self._tasks.c.case_id, sa.func.count())
                    .group_by(self._tasks.c.case_id))}
        return sorted((case_id, int(counts.get(case_id, 0))) for case_id, f in facts.items()
                      if need_to_know(staff, f, now).allowed)

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
    )

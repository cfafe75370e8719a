"""The task board's tables (the work trays and case search read them) and the rows the
projector writes for one case. No personal data: ids, task titles and kinds, teams, staff ids,
risk levels, referral statuses and the time a report was received.

Shape (issue 16): every column a tray or a search filters or sorts on is a column, indexed,
so the database answers them; the need-to-know facts of a case are columns too
(`access.py`'s rule in SQL, `activities/board_visibility.py`), with the full facts kept as
JSON for the few cases the SQL cannot decide (restricted, conflicted, break-glass).

Changing this shape renames the tables and the projection (`PROJECTION`): the projector then
starts from position 0 and rebuilds the new tables from the notification log, and the tables
of the previous version are left unread (`board_cases`, `board_tasks`, `taskboard_tracking`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from aggregates.access import CaseAccessFacts
from aggregates.case import Case
from aggregates.case_events import CaseEvent
from aggregates.report import Council
from aggregates.tasks import Assignee

# The projection's name: its position is kept in the table `worktrays_tracking`.
PROJECTION = "WorkTrays"


def _case_event_topics() -> list[str]:
    """Every event class of a case (each slice's too): any of them may change a row now
    (risk, referral status, tasks, access), and the projector loads the case once per batch
    whatever changed. Other aggregates' events (access logs, staff) are not the board's."""
    found: set[type] = set()
    todo: list[type] = [CaseEvent]
    while todo:
        subclasses: list[type] = todo.pop().__subclasses__()
        for sub in subclasses:
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    # The topic eventsourcing records for a class (`get_topic` of the class the aggregate
    # uses; the metaclass makes copies of some, so the name is read rather than registered).
    return sorted({f"{cls.__module__}:{cls.__qualname__}" for cls in found})


WATCHED = _case_event_topics()
# Sort order of risk: a high-risk case's task comes first among tasks due at the same time.
RISK_RANK = {"high": 2, "not_high": 1, None: 0}


@dataclass(frozen=True)
class BoardTables:
    metadata: sa.MetaData
    cases: sa.Table
    tasks: sa.Table
    referrals: sa.Table
    tracking: sa.Table


def board_tables(schema: str | None = None) -> BoardTables:
    md = sa.MetaData(schema=schema)
    cases = sa.Table(
        "tray_cases", md,
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("council", sa.String(32), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("officer_id", sa.String(200), nullable=True),
        sa.Column("reported_by", sa.String(200), nullable=True),
        sa.Column("escalated", sa.Boolean, nullable=False),
        # Restricted, conflicted or broken into: need to know is decided on `facts` in Python.
        sa.Column("special", sa.Boolean, nullable=False),
        sa.Column("facts", sa.Text, nullable=False),  # CaseAccessFacts as JSON
        sa.Column("reported_at", sa.BigInteger, nullable=False),  # microseconds since epoch
        sa.Column("open_tasks", sa.Integer, nullable=False),
        sa.Column("risk_level", sa.String(16), nullable=True),
        sa.Column("risk_rank", sa.Integer, nullable=False),
        sa.Index("tray_cases_council_team", "council", "team"),
        sa.Index("tray_cases_officer", "officer_id"),
        sa.Index("tray_cases_reported_at", "council", "reported_at"),
        sa.Index("tray_cases_special", "special", "council"))
    tasks = sa.Table(
        "tray_tasks", md,
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("task_id", sa.String(20), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("assignee_kind", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=False),
        sa.Column("due_at", sa.BigInteger, nullable=True),  # microseconds since the epoch
        sa.Column("escalated", sa.Boolean, nullable=False),
        sa.Column("requirements", sa.Text, nullable=False),  # JSON list, in words
        # Copied from the case so that a tray sorts without a join on every row.
        sa.Column("risk_rank", sa.Integer, nullable=False),
        sa.Index("tray_tasks_due", "due_at", "risk_rank"),
        sa.Index("tray_tasks_assignee", "assignee_kind", "assignee", "due_at"),
        sa.Index("tray_tasks_escalated", "escalated", "due_at"))
    referrals = sa.Table(
        "tray_referrals", md,
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("referral_id", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Index("tray_referrals_status", "status", "case_id"))
    # Written by eventsourcing-sqlalchemy's tracking recorder; declared here to be read.
    tracking = sa.Table(
        f"{PROJECTION.lower()}_tracking", md,
        sa.Column("application_name", sa.String(32), primary_key=True),
        sa.Column("notification_id", sa.BigInteger))
    return BoardTables(md, cases, tasks, referrals, tracking)


def micros(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1_000_000)


def moment(value: int | None) -> datetime | None:
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


def facts_of(data: dict[str, Any]) -> CaseAccessFacts:
    return CaseAccessFacts(
        council=Council(data["council"]), team=data["team"], officer_id=data["officer_id"],
        escalated=data["escalated"],
        restricted_to=frozenset(data["restricted_to"]) if data["restricted_to"] is not None
        else None,
        conflicted=frozenset(data["conflicted"]),
        break_glass_until={k: datetime.fromisoformat(v)
                           for k, v in data["break_glass_until"].items()},
        reported_by=data.get("reported_by"),
    )


def is_special(facts: CaseAccessFacts) -> bool:
    """True if need to know on this case depends on more than its council, team, officer,
    reporter and escalation: those cases are decided by `need_to_know` itself."""
    return (facts.restricted_to is not None or bool(facts.conflicted)
            or bool(facts.break_glass_until))


def case_row(case_id: str, case: Case) -> dict[str, Any]:
    facts = case.access_facts
    risk = case.risk_level.value if case.risk_level is not None else None
    return {"case_id": case_id, "council": facts.council.value, "team": facts.team,
            "officer_id": facts.officer_id, "reported_by": facts.reported_by,
            "escalated": facts.escalated, "special": is_special(facts),
            "facts": facts_json(facts), "reported_at": micros(case.report.reported_at),
            "open_tasks": len(case.open_tasks), "risk_level": risk,
            "risk_rank": RISK_RANK[risk]}


def task_rows(case_id: str, case: Case) -> list[dict[str, Any]]:
    teams = case.policy.routed_teams
    rank = RISK_RANK[case.risk_level.value if case.risk_level is not None else None]
    rows = []
    for task in case.open_tasks:
        assignee = Assignee.of(task.assignee, teams)
        rows.append({
            "case_id": case_id, "task_id": task.task_id, "kind": task.kind.value,
            "title": task.title, "assignee_kind": assignee.kind.value,
            "assignee": assignee.name, "due_at": micros(task.due_at),
            "escalated": task.task_id in case.escalated,
            "requirements": json.dumps(list(task.requirements)), "risk_rank": rank})
    return rows


def referral_rows(case_id: str, case: Case) -> list[dict[str, Any]]:
    return [{"case_id": case_id, "referral_id": rid, "status": r.status.value}
            for rid, r in case.referrals.items()]

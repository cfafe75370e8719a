"""Searching the cases a member of staff needs to know (issue 16): by reference, the date the
report was received, team, officer, status, risk level and referral status, answered by the
board's tables (`activities/board_tables.py`) with need to know in the query
(`activities/board_visibility.py`), a page at a time.

Status: a case is "open" while it has open tasks and "closed" when none is left. Auditors
search closed cases too; everyone else searches open ones (closed work is not theirs to do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from activities.board_tables import micros, moment
from activities.board_visibility import visible
from activities.task_board import PAGE_SIZE, TaskBoard
from aggregates.access import StaffFacts
from aggregates.report import Role
from aggregates.working_days import LONDON


@dataclass(frozen=True)
class CaseQuery:
    """What to search for; empty fields do not narrow. Dates are London dates, inclusive."""

    reference: str = ""  # the case id, or its first characters (at least 4)
    received_from: date | None = None
    received_to: date | None = None
    team: str = ""
    officer: str = ""
    status: str = ""  # "open" or "closed"
    risk: str = ""  # "high", "not_high" or "not_assessed"
    referral_status: str = ""  # a ReferralStatus value: any referral of the case has it
    page: int = 1


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    council: str
    team: str
    officer_id: str | None
    received_at: datetime
    open_tasks: int
    risk_level: str | None
    escalated: bool


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int


def _start_of(day: date) -> int:
    return micros(datetime.combine(day, datetime.min.time(), tzinfo=LONDON)) or 0


def conditions(board: TaskBoard, staff: StaffFacts, query: CaseQuery) -> list[ColumnElement[bool]]:
    """The query's filters on the board's cases (need to know aside)."""
    c, r = board.tables.cases.c, board.tables.referrals.c
    found: list[ColumnElement[bool]] = []
    if staff.role is not Role.AUDITOR:
        found.append(c.open_tasks > 0)
    if query.reference.strip():
        found.append(c.case_id.startswith(query.reference.strip().lower(), autoescape=True))
    if query.received_from:
        found.append(c.reported_at >= _start_of(query.received_from))
    if query.received_to and query.received_to < date.max:  # the last date bounds nothing
        found.append(c.reported_at < _start_of(query.received_to + timedelta(days=1)))
    if query.team:
        found.append(c.team == query.team)
    if query.officer:
        found.append(c.officer_id == query.officer)
    if query.status == "open":
        found.append(c.open_tasks > 0)
    elif query.status == "closed":
        found.append(c.open_tasks == 0)
    if query.risk == "not_assessed":
        found.append(c.risk_level.is_(None))
    elif query.risk:
        found.append(c.risk_level == query.risk)
    if query.referral_status:
        found.append(sa.exists().where(r.case_id == c.case_id,
                                       r.status == query.referral_status))
    return found


def search_cases(board: TaskBoard, staff: StaffFacts, now: datetime,
                 query: CaseQuery) -> CasePage:
    """One page of the cases `staff` needs to know that match `query`, newest report first."""
    if not board.ready():
        return CasePage([], 0, 1, 1)
    c = board.tables.cases
    with board.connect() as conn:
        where = sa.and_(visible(conn, board.tables, staff, now),
                        *conditions(board, staff, query))
        total = int(conn.execute(sa.select(sa.func.count()).select_from(c).where(where))
                    .scalar() or 0)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, query.page), pages)
        rows = conn.execute(sa.select(c).where(where)
                            .order_by(c.c.reported_at.desc(), c.c.case_id)
                            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return CasePage([CaseRow(case_id=row.case_id, council=row.council, team=row.team,
                             officer_id=row.officer_id,
                             received_at=moment(row.reported_at) or now,
                             open_tasks=int(row.open_tasks), risk_level=row.risk_level,
                             escalated=bool(row.escalated)) for row in rows],
                    total, page, pages)

"""Need to know as a SQL condition on the board's cases (`activities/board_tables.py`).

`aggregates.access.need_to_know` is the rule; this is the same rule written for the
database, so that trays and search are filtered, counted and paged by the query rather than
by loading every case. Cases the SQL cannot decide alone (`special`: restricted, with a
conflict of interest declared, or opened by break-glass) are read for the staff member's
councils and decided by `need_to_know` itself: a bounded post-filter, as such cases are few.
`tests/unit/test_board_visibility.py` checks the two agree on every kind of case.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from activities.board_tables import BoardTables, facts_of
from aggregates.access import (
    CASE_STAFF_ROLES,
    CROSS_COUNCIL_ARRANGEMENTS,
    CrossCouncilArrangement,
    StaffFacts,
    need_to_know,
)
from aggregates.report import Role


def reachable_councils(staff: StaffFacts,
                       arrangements: Iterable[CrossCouncilArrangement]) -> list[str]:
    """The councils whose cases `staff` may know at all (`within_council`)."""
    councils = {staff.council.value}
    councils |= {a.case_council.value for a in arrangements
                 if a.staff_council is staff.council and staff.role in a.roles}
    return sorted(councils)


def plain_rule(tables: BoardTables, staff: StaffFacts) -> ColumnElement[bool]:
    """`need_to_know` on a case that is not special, as SQL."""
    c = tables.cases.c
    own = c.council == staff.council.value
    grounds: list[ColumnElement[bool]] = []
    if staff.role is Role.AUDITOR:
        grounds.append(sa.true())
    if staff.role in CASE_STAFF_ROLES:
        grounds += [c.officer_id == staff.staff_id, c.reported_by == staff.staff_id,
                    sa.and_(c.team.in_(sorted(staff.teams)), own)]
    if staff.role in (Role.DSO, Role.LINE_MANAGER):
        grounds.append(sa.and_(c.escalated, own))
    return sa.or_(*grounds) if grounds else sa.false()


def visible(conn: sa.Connection, tables: BoardTables, staff: StaffFacts, now: datetime,
            arrangements: Iterable[CrossCouncilArrangement] = CROSS_COUNCIL_ARRANGEMENTS,
            ) -> ColumnElement[bool]:
    """A condition on `tables.cases` true exactly for the cases `staff` needs to know `now`.
    Reads the special cases of the staff member's councils (one indexed query)."""
    c = tables.cases.c
    arrangements = tuple(arrangements)
    councils = reachable_councils(staff, arrangements)
    plain = sa.and_(sa.not_(c.special), c.council.in_(councils), plain_rule(tables, staff))
    special = [row.case_id for row in conn.execute(
        sa.select(c.case_id, c.facts).where(c.special, c.council.in_(councils)))
        if need_to_know(staff, facts_of(json.loads(row.facts)), now, arrangements).allowed]
    return sa.or_(plain, c.case_id.in_(special)) if special else plain

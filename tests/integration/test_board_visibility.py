"""Need to know in SQL (`activities/board_visibility.py`) decides exactly as the rule in
`aggregates/access.py` does, on every combination of the facts it reads: council, team,
officer, reporter, escalation, restriction, conflict of interest and break-glass (in force
and expired), for every role."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from activities.board_tables import board_tables, facts_json, is_special
from activities.board_visibility import visible
from aggregates.access import CaseAccessFacts, StaffFacts, need_to_know
from aggregates.report import Council, Role

NOW = datetime(2026, 6, 8, 9, tzinfo=UTC)
ME = "s-1"
TEAMS = ("Tenancy Support Team", "Housing Solutions & Private Sector Team")


def every_case() -> list[CaseAccessFacts]:
    cases = []
    for council, team, officer, reporter, escalated, restricted, conflicted, glass in (
            itertools.product(Council, TEAMS, (None, ME, "s-2"), (None, ME), (False, True),
                              (None, frozenset({ME}), frozenset({"s-2"})),
                              (frozenset(), frozenset({ME})),
                              ({}, {ME: NOW + timedelta(hours=1)},
                               {ME: NOW - timedelta(hours=1)}))):
        cases.append(CaseAccessFacts(council=council, team=team, officer_id=officer,
                                     escalated=escalated, restricted_to=restricted,
                                     conflicted=conflicted, break_glass_until=glass,
                                     reported_by=reporter))
    return cases


def test_the_sql_rule_shows_exactly_the_cases_need_to_know_allows() -> None:
    engine = sa.create_engine("sqlite://")
    tables = board_tables()
    tables.metadata.create_all(engine)
    cases = every_case()
    with engine.begin() as conn:
        conn.execute(sa.insert(tables.cases), [{
            "case_id": f"c{i:05d}", "council": f.council.value, "team": f.team,
            "officer_id": f.officer_id, "reported_by": f.reported_by, "escalated": f.escalated,
            "special": is_special(f), "facts": facts_json(f), "reported_at": 0,
            "open_tasks": 1, "risk_level": None, "risk_rank": 0} for i, f in enumerate(cases)])
    checked = 0
    with engine.connect() as conn:
        for role, council, teams in itertools.product(
                Role, Council, (frozenset(), frozenset({TEAMS[0]}))):
            staff = StaffFacts(staff_id=ME, role=role, teams=teams, council=council)
            shown = {row[0] for row in conn.execute(sa.select(tables.cases.c.case_id).where(
                visible(conn, tables, staff, NOW)))}
            allowed = {f"c{i:05d}" for i, f in enumerate(cases)
                       if need_to_know(staff, f, NOW).allowed}
            assert shown == allowed, (role, council, teams)
            checked += len(cases)
    assert checked > 10_000

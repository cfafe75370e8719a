"""Rows of the board's tables written directly, for tests and for bench/trays.py: a caseload
of any size without opening cases one by one (the projector writes the same shape, see
`activities/board_tables.py`)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from activities.board_tables import RISK_RANK, BoardTables, facts_json, micros
from aggregates.access import CaseAccessFacts
from aggregates.policies import DARTFORD_2026, DOVER_2025
from aggregates.report import Council
from aggregates.tasks import TITLES, TaskKind

DOVER_TEAM = "Tenancy Support Team"


def case_row(case_id: str, *, council: Council = Council.DOVER, team: str = DOVER_TEAM,
             officer_id: str | None = None, reported_at: datetime, open_tasks: int = 1,
             risk_level: str | None = None, escalated: bool = False,
             restricted_to: frozenset[str] | None = None) -> dict[str, Any]:
    facts = CaseAccessFacts(council=council, team=team, officer_id=officer_id,
                            escalated=escalated, restricted_to=restricted_to)
    return {"case_id": case_id, "council": council.value, "team": team,
            "officer_id": officer_id, "reported_by": officer_id, "escalated": escalated,
            "special": restricted_to is not None, "facts": facts_json(facts),
            "reported_at": micros(reported_at), "open_tasks": open_tasks,
            "risk_level": risk_level, "risk_rank": RISK_RANK[risk_level]}


def task_row(case_id: str, task_id: str, *, kind: TaskKind = TaskKind.CONTACT_VICTIM,
             assignee: tuple[str, str] = ("team", DOVER_TEAM), due_at: datetime | None,
             escalated: bool = False, risk_level: str | None = None,
             requirements: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"case_id": case_id, "task_id": task_id, "kind": kind.value, "title": TITLES[kind],
            "assignee_kind": assignee[0], "assignee": assignee[1], "due_at": micros(due_at),
            "escalated": escalated, "requirements": json.dumps(list(requirements)),
            "risk_rank": RISK_RANK[risk_level]}


def create(engine: sa.Engine, tables: BoardTables, app_name: str, position: int = 0) -> None:
    """The board's tables, and a position so that readers find the board current."""
    tables.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(tables.tracking).values(application_name=app_name,
                                                       notification_id=position))


def caseload(count: int, now: datetime, seed: int = 16) -> Iterator[
        tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """`count` open cases of both councils, as a real caseload looks: 50 officers a council,
    received over the last 30 days, a tenth high risk, 3 open tasks each due from 10 working
    days ago to 10 ahead, overdue ones escalated half the time; a referral on a third."""
    rng = random.Random(seed)
    kinds = list(TaskKind)
    for n in range(count):
        council = Council.DOVER if n % 2 == 0 else Council.DARTFORD
        policy = DOVER_2025 if council is Council.DOVER else DARTFORD_2026
        team = sorted(policy.routed_teams)[n % len(policy.routed_teams)]
        officer = f"{council.value[:2]}-cw-{rng.randrange(50)}"
        risk = rng.choice(["high"] + ["not_high"] * 5 + [None] * 4)
        case_id = f"{rng.getrandbits(128):032x}"
        case_id = (f"{case_id[:8]}-{case_id[8:12]}-4{case_id[13:16]}-a{case_id[17:20]}-"
                   f"{case_id[20:32]}")
        tasks = []
        for t in range(3):
            due = now + timedelta(hours=rng.randrange(-240, 240))
            tasks.append(task_row(case_id, f"t{t + 1}", kind=kinds[rng.randrange(len(kinds))],
                                  assignee=("team", team), due_at=due,
                                  escalated=due < now and rng.random() < 0.5,
                                  risk_level=risk))
        escalated = any(t["escalated"] for t in tasks)
        referrals = ([{"case_id": case_id, "referral_id": "r1",
                       "status": rng.choice(["queued", "delivered", "acknowledged", "failed"])}]
                     if n % 3 == 0 else [])
        yield (case_row(case_id, council=council, team=team, officer_id=officer,
                        reported_at=now - timedelta(minutes=rng.randrange(30 * 24 * 60)),
                        open_tasks=3, risk_level=risk, escalated=escalated),
               tasks, referrals)


def seed(engine: sa.Engine, tables: BoardTables, count: int, now: datetime,
         batch: int = 2_000) -> None:
    """Write `caseload(count, now)` in bulk, `batch` cases a transaction."""
    cases: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    referrals: list[dict[str, Any]] = []

    def flush() -> None:
        with engine.begin() as conn:
            for table, rows in ((tables.cases, cases), (tables.tasks, tasks),
                                (tables.referrals, referrals)):
                if rows:
                    conn.execute(sa.insert(table), rows)
        for rows in (cases, tasks, referrals):
            rows.clear()

    for case, its_tasks, its_referrals in caseload(count, now):
        cases.append(case)
        tasks += its_tasks
        referrals += its_referrals
        if len(cases) >= batch:
            flush()
    flush()

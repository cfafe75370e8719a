"""Work trays and case search at a council's scale (issue 16, "Done when").

Run: `.venv/bin/python bench/trays.py [--sizes 1000,10000,50000] [--runs 60]
[--backends sqlite,postgres]`

For each size, open cases of both councils are written straight into the board's tables in
bulk (tests/board_rows.py: 50 officers a council, 3 open tasks a case, a tenth high risk,
overdue tasks half escalated), on a SQLite file in a temporary directory or a PostgreSQL
schema of its own (DA_TEST_POSTGRES_URL), dropped afterwards. Then, through the code the pages
use (`TaskBoard.tray`, `search_cases`), need to know included, it times:

- a caseworker's tray "my team" (the busiest: half a council's tasks), 25 rows and 5 counts;
- a DSO's tray "escalated", 25 rows and 5 counts;
- a caseworker's search of high-risk cases of their team, 25 rows and the count;
- beside them, bare indexed SQL on the same rows, with no need to know: "bare tray", the
  team's first 25 tasks and the five counts in one pass (the tray's work, less the rule);
  and "bare page", the first 25 overdue tasks of the team alone (no counts).

Prints p50 and p95 in ms of each, and the ratio of each p95 to the bare queries'.
Aim: p95 under 150 ms at 10,000 cases and under 3x the bare query.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

# Run as a script (`python bench/trays.py`): the repository root holds `tests.board_rows`.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from activities.board_tables import board_tables
from activities.case_search import CaseQuery, search_cases
from activities.case_store import CaseStore, store_env
from activities.task_board import PAGE_SIZE, TaskBoard, Tray
from aggregates.access import StaffFacts
from aggregates.report import Council, Role
from tests.board_rows import DOVER_TEAM, create, seed

POSTGRES_URL = os.environ.get("DA_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CASEWORKER = StaffFacts(staff_id="do-cw-7", role=Role.CASEWORKER,
                        teams=frozenset({DOVER_TEAM}), council=Council.DOVER)
DSO = StaffFacts(staff_id="do-dso-1", role=Role.DSO, teams=frozenset(), council=Council.DOVER)


def timed(call: Callable[[], object], runs: int) -> list[float]:
    call()  # warm the connection pool and the database's cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1]


def bare_query(engine: sa.Engine, board: TaskBoard, now: datetime) -> Callable[[], object]:
    t, c = board.tables.tasks, board.tables.cases
    query = (sa.select(t.c.case_id, t.c.task_id, t.c.title, t.c.due_at)
             .select_from(t.join(c, t.c.case_id == c.c.case_id))
             .where(c.c.council == "dover", c.c.team == DOVER_TEAM,
                    t.c.due_at <= int(now.timestamp() * 1_000_000))
             .order_by(t.c.due_at).limit(PAGE_SIZE))

    def run() -> object:
        with engine.connect() as conn:
            return conn.execute(query).all()
    return run


def bare_tray(engine: sa.Engine, board: TaskBoard, now: datetime) -> Callable[[], object]:
    """The caseworker's tray asked by hand: the team's first 25 tasks and five counts in one
    pass, with no need to know (the same work the tray does, less the rule)."""
    t, c = board.tables.tasks, board.tables.cases
    at, week = int(now.timestamp() * 1_000_000), int(now.timestamp() * 1_000_000) + 7 * 86_400e6
    joined = t.join(c, t.c.case_id == c.c.case_id)
    team = sa.and_(c.c.council == "dover", c.c.team == DOVER_TEAM)
    counts = sa.select(*(sa.func.sum(sa.case((cond, 1), else_=0)) for cond in (
        c.c.officer_id == CASEWORKER.staff_id, sa.true(), t.c.due_at <= at,
        sa.and_(t.c.due_at > at, t.c.due_at < week), t.c.escalated))
    ).select_from(joined).where(team)
    page = (sa.select(t).select_from(joined).where(team)
            .order_by(t.c.due_at, t.c.risk_rank.desc()).limit(PAGE_SIZE))

    def run() -> object:
        with engine.connect() as conn:
            return conn.execute(counts).one(), conn.execute(page).all()
    return run


def measure(url: str, schema: str | None, size: int, runs: int) -> dict[str, list[float]]:
    store = CaseStore(store_env(url, os.urandom(32), schema))
    engine = sa.create_engine(url)
    tables = board_tables(schema)
    now = datetime.now(UTC)
    create(engine, tables, store.name)
    started = time.perf_counter()
    seed(engine, tables, size, now)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text(f'ANALYZE "{schema}".tray_cases'))
            conn.execute(sa.text(f'ANALYZE "{schema}".tray_tasks'))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    print(f"  seeded {size:,} cases in {time.perf_counter() - started:.1f} s", flush=True)
    board = TaskBoard(store, url, schema)
    try:
        return {
            "caseworker tray": timed(lambda: board.tray(CASEWORKER, now, Tray.TEAM), runs),
            "DSO tray": timed(lambda: board.tray(DSO, now, Tray.ESCALATED), runs),
            "search": timed(lambda: search_cases(board, CASEWORKER, now, CaseQuery(
                risk="high", team=DOVER_TEAM)), runs),
            "bare tray SQL": timed(bare_tray(engine, board, now), runs),
            "bare page SQL": timed(bare_query(engine, board, now), runs),
        }
    finally:
        board.close()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--backends", default="sqlite")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores; {args.runs} runs each")
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"{backend}, {size:,} open cases:")
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    results = measure(f"sqlite:///{Path(tmp) / 'board.sqlite3'}", None, size,
                                      args.runs)
            else:
                schema = f"bench_{uuid.uuid4().hex[:10]}"
                admin = sa.create_engine(POSTGRES_URL)
                with admin.begin() as conn:
                    conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
                try:
                    results = measure(POSTGRES_URL, schema, size, args.runs)
                finally:
                    with admin.begin() as conn:
                        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()
            tray, page = p(results["bare tray SQL"], 95), p(results["bare page SQL"], 95)
            for name, times in results.items():
                ratio = "" if name.startswith("bare") else (
                    f"  {p(times, 95) / tray:5.1f}x bare tray, {p(times, 95) / page:6.1f}x "
                    "bare page")
                print(f"  {name:15} p50 {p(times, 50):7.1f} ms   p95 {p(times, 95):7.1f} ms"
                      f"{ratio}", flush=True)


if __name__ == "__main__":
    main()

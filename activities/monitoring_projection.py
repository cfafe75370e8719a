"""The monitoring reports' figures as a projection (issue 17 item 2): `MonitoringCounts` keeps
one table of counts, and `ProjectionReportSource` reads it for the monitoring page and
`casework monitoring-export` (a `monitoring.reports.ReportSource`).

Table `monitoring_counts`: one row per (report, row, council, team, financial year, month
0..11) holding a whole number >= 0 (a count, or pence for costs). Nothing else: no case id,
no name, no free text. What adds to which row is in activities/monitoring_facts.py.

How a batch is applied (activities/projections.py runs it): every event of the store is
followed (topics: all), so a case's events in a batch are consecutive versions. In `prepare`,
outside the transaction, each case the batch touches is loaded at the version before its
first event in the batch and the batch's events are applied to it one by one, each giving its
facts from the case as it stood just after it; no rule is repeated here. In `apply` the facts'
sums are added to the counts in the same transaction as the batch's position, so a batch is
counted exactly once (a batch lost to a crash was never tracked, and is counted again from
the same events). A rebuild clears the table and counts from the first event.

Reading (`ProjectionReportSource`): figures are given only while the projection has applied
every event stored, i.e. its tracked position is the event store's newest notification id;
otherwise `monitoring.freshness.FiguresUpdating` (why: that module). A rebuild clears the
position, so a table being refilled is refused the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from activities.complaints_report import OFFERED as COMPLAINTS_REPORTS
from activities.monitoring_facts import facts_of
from activities.projections import Batch, BatchProjection, ProjectionView
from aggregates.case import Case
from aggregates.policies import POLICIES
from aggregates.report import Council
from monitoring.definitions import REPORTS, ReportDefinition
from monitoring.freshness import FiguresUpdating
from monitoring.periods import financial_year_of

Key = tuple[str, str, str, str, int, int]  # report, row, council, team, year, month


def month_of(day: date) -> tuple[int, int]:
    """(financial year, month 0..11 with 0 = April) of a London day."""
    year = financial_year_of(day)
    return year, (day.month - 4) % 12


def counts_table(schema: str | None) -> sa.Table:
    return sa.Table(
        "monitoring_counts", sa.MetaData(schema=schema),
        sa.Column("report", sa.String(40), primary_key=True),
        sa.Column("row", sa.String(60), primary_key=True),
        sa.Column("council", sa.String(20), primary_key=True),
        sa.Column("team", sa.String(80), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("month", sa.Integer, primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False))


class MonitoringCountsView(ProjectionView):
    counts: sa.Table

    def define_tables(self, schema: str | None) -> list[sa.Table]:
        self.counts = counts_table(schema)
        return [self.counts]

    def add(self, session: Session, sums: Mapping[Key, int]) -> None:
        """Add each sum to its row (a new row starts from 0)."""
        if not sums:
            return
        assert self.datastore.engine is not None
        dialect = postgresql if self.datastore.engine.dialect.name == "postgresql" else sqlite
        t = self.counts
        rows = [dict(zip(("report", "row", "council", "team", "year", "month"), key,
                         strict=True), amount=amount) for key, amount in sorted(sums.items())]
        insert = dialect.insert(t).values(rows)
        session.execute(insert.on_conflict_do_update(
            index_elements=["report", "row", "council", "team", "year", "month"],
            set_={"amount": t.c.amount + insert.excluded.amount}))


class MonitoringCounts(BatchProjection[MonitoringCountsView]):
    """The monitoring reports' counts (module doc)."""

    name = "MonitoringCounts"
    topics = ()  # every event: a case is rolled forward one version at a time
    view_class = MonitoringCountsView

    def prepare(self, batch: Batch) -> Counter[Key]:
        sums: Counter[Key] = Counter()
        cases: dict[UUID, Case | None] = {}
        for event, _ in batch:
            case_id = UUID(str(event.originator_id))
            if case_id not in cases:
                # Asked at a version, the repository reconstructs a fresh copy (its cache
                # serves only the newest): rolling it forward changes nothing it holds.
                before = event.originator_version - 1
                cases[case_id] = (self.app.repository.get(case_id, version=before)
                                  if before >= 1 else None)
            case = event.mutate(cases[case_id])  # type: ignore[attr-defined]
            cases[case_id] = case
            if not isinstance(case, Case):
                continue  # not a case: no monitoring facts
            for fact in facts_of(event, case):
                year, month = month_of(fact.day)
                sums[(fact.report, fact.row, fact.council, fact.team, year, month)] += \
                    fact.amount
        return sums

    def apply(self, session: Session, prepared: Counter[Key]) -> None:
        self.view.add(session, prepared)


def council_teams(council: Council) -> tuple[str, ...]:
    """Every team any policy version of `council` routes cases to, sorted: a report's
    columns, the same for every period (a team no case went to shows 0)."""
    return tuple(sorted({team for (c, _), policy in POLICIES.items() if c is council
                         for team in policy.routed_teams}))


def newest_and_applied(conn: sa.Connection, schema: str | None,
                       application: str) -> tuple[int, int]:
    """(the newest notification id of `application`'s event store, the position
    MonitoringCounts has applied for it), 0 for none. Tables not created yet hold nothing:
    a store with no events table has no events, a projection with no tracking table has
    applied none."""
    inspector = sa.inspect(conn)
    found = []
    for name, column, where in (
            (f"{application.lower()}_events", "id", None),
            (f"{MonitoringCounts.name.lower()}_tracking", "notification_id", application)):
        if not inspector.has_table(name, schema=schema):
            found.append(0)
            continue
        table = sa.table(name, sa.column(column), sa.column("application_name"),
                         schema=schema)
        query = sa.select(sa.func.max(table.c[column]))
        if where is not None:
            query = query.where(table.c.application_name == where)
        found.append(int(conn.execute(query).scalar() or 0))
    return found[0], found[1]


class ProjectionReportSource:
    """A `monitoring.reports.ReportSource` over `monitoring_counts`: every report defined.
    Costs are held in pence and given in whole pounds, each month's sum rounded down.
    Raises `FiguresUpdating` while the projection is behind the event store (module doc).
    `application` names the store followed (its events table is `<name>_events`)."""

    def __init__(self, url: str, schema: str | None = None, *,
                 engine: sa.Engine | None = None, application: str = "CaseStore") -> None:
        self._engine = engine or sa.create_engine(url)
        self._counts = counts_table(schema)
        self._schema, self._application = schema, application

    def caught_up(self) -> bool:
        """True if the projection has applied every event stored now."""
        with self._engine.connect() as conn:
            newest, applied = newest_and_applied(conn, self._schema, self._application)
        return applied >= newest

    def close(self) -> None:
        self._engine.dispose()

    def offers(self, report: ReportDefinition) -> bool:
        # Complaints and feedback are the complaints register's, not the cases' events.
        return report.name in REPORTS and report.name not in COMPLAINTS_REPORTS

    def teams(self, council: Council,
              report: ReportDefinition | None = None) -> Sequence[str]:
        return council_teams(council)

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]:
        """rows × teams of each month asked (0 where nothing was counted). Raises
        FiguresUpdating while the projection is behind the event store."""
        teams = list(self.teams(council))
        rows = [code for code, _ in report.rows]
        found = {m: [[0] * len(teams) for _ in rows] for m in months}
        t = self._counts
        query = sa.select(t.c.row, t.c.team, t.c.month, t.c.amount).where(
            t.c.report == report.name, t.c.council == council.value, t.c.year == year,
            t.c.month.in_(list(months)))
        try:
            with self._engine.connect() as conn:
                # The position first: rows read after it are at least as new (a batch's
                # rows commit with its position), never older.
                newest, applied = newest_and_applied(conn, self._schema, self._application)
                if applied < newest:
                    raise FiguresUpdating()
                held: list[Any] = list(conn.execute(query))
        except sa.exc.OperationalError:  # SQLite: the projection has not created it yet
            return found
        except sa.exc.ProgrammingError:  # PostgreSQL: the same
            return found
        pounds = report.name == "sanctuary-cost"
        for row, team, month, amount in held:
            if row in rows and team in teams:
                found[month][rows.index(row)][teams.index(team)] = (
                    amount // 100 if pounds else amount)
        return found

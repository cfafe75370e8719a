"""Alerts raised by the transparency log's self-check, for the information-governance lead:
a table `transparency_alerts` beside the log's tables, which staff pages list.

An alert is not a case task: a failed check concerns the whole record, not one case, and a
task needs a case to live in. It is a row: `alert_id` (1, 2, ...), `raised_at` (POSIX seconds),
`checkpoint_size` (the tree size checked against), `problem_count`, and `summary` (the
verifier's first problems: leaf indexes, stream ids, versions and table names only, never
personal data). Rows are never changed or deleted (`activities.append_only`): an alert stays
on record after it is dealt with.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from activities.append_only import guard_tables

SUMMARY_LIMIT = 4000  # characters of problems kept in an alert; the log line has them all

_TABLES: dict[str | None, sa.Table] = {}


@dataclass(frozen=True)
class LogAlert:
    alert_id: int
    raised_at: int
    checkpoint_size: int
    problem_count: int
    summary: str


def alerts_table(schema: str | None) -> sa.Table:
    """The alerts table in `schema` (one definition per schema per process)."""
    if schema not in _TABLES:
        big = sa.BigInteger().with_variant(sa.Integer, "sqlite")
        _TABLES[schema] = sa.Table(
            "transparency_alerts", sa.MetaData(schema=schema),
            sa.Column("alert_id", big, primary_key=True, autoincrement=True),
            sa.Column("raised_at", sa.BigInteger, nullable=False),
            sa.Column("checkpoint_size", big, nullable=False),
            sa.Column("problem_count", sa.Integer, nullable=False),
            sa.Column("summary", sa.Text, nullable=False),
        )
    return _TABLES[schema]


class LogAlerts:
    """The alerts of the log in the database `engine` reaches (created if missing)."""

    def __init__(self, engine: sa.Engine, schema: str | None) -> None:
        self._engine = engine
        self._table = alerts_table(schema)
        self._table.metadata.create_all(engine, checkfirst=True)
        guard_tables(engine, schema, [self._table.name])

    def raise_alert(self, *, raised_at: int, checkpoint_size: int, problem_count: int,
                    summary: str) -> bool:
        """Record an alert, unless the last one says the same (same checkpoint and
        problems): a check failing every few minutes opens one alert, not hundreds.
        Returns whether one was recorded."""
        t = self._table
        summary = summary[:SUMMARY_LIMIT]
        with self._engine.begin() as conn:
            last = conn.execute(sa.select(t.c.checkpoint_size, t.c.problem_count, t.c.summary)
                                .order_by(t.c.alert_id.desc()).limit(1)).first()
            if last is not None and tuple(last) == (checkpoint_size, problem_count, summary):
                return False
            conn.execute(sa.insert(t).values(raised_at=raised_at,
                                             checkpoint_size=checkpoint_size,
                                             problem_count=problem_count, summary=summary))
        return True

    def alerts(self) -> list[LogAlert]:
        """Every alert raised, newest first."""
        t = self._table
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.alert_id.desc())).all()
        return [LogAlert(int(r.alert_id), int(r.raised_at), int(r.checkpoint_size),
                         int(r.problem_count), str(r.summary)) for r in rows]

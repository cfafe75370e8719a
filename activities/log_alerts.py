"""Alerts raised by the transparency log's self-check, for the information-governance lead:
a table `transparency_alerts` beside the log's tables, which staff pages list.

An alert is not a case task: a failed check concerns the whole record, not one case, and a
task needs a case to live in. It is a row: `alert_id` (1, 2, ...), `raised_at` (POSIX seconds),
`checkpoint_size` (the tree size checked against), `problem_count`, and `summary` (the
verifier's first problems: leaf indexes, stream ids, versions and table names only, never
personal data). Rows are never changed or deleted (`activities.append_only`): an alert stays
on record after it is dealt with.

Acknowledging an alert (the information-governance lead has seen it and taken it on) is a row
of its own in `transparency_alert_acknowledgements`: `alert_id` (the primary key, so an alert
is acknowledged once: a second acknowledgement is refused, `ConflictError`
`alert_acknowledged_once`, even when two arrive at once), `acknowledged_by` (a staff id) and
`acknowledged_at` (POSIX seconds); append-only too.

Errors: `AlertNotFound` (a `LookupError`) for an alert id never raised; `ConflictError` as
above; otherwise whatever the database raises.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from activities.append_only import guard_tables
from aggregates.errors import ConflictError

SUMMARY_LIMIT = 4000  # characters of problems kept in an alert; the log line has them all

_TABLES: dict[str | None, sa.Table] = {}
_ACKS: dict[str | None, sa.Table] = {}


@dataclass(frozen=True)
class LogAlert:
    alert_id: int
    raised_at: int
    checkpoint_size: int
    problem_count: int
    summary: str
    acknowledged_by: str | None = None
    acknowledged_at: int | None = None  # POSIX seconds

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_by is not None


class AlertNotFound(LookupError):
    """No alert was raised with this id."""


def acknowledgements_table(schema: str | None) -> sa.Table:
    """Who acknowledged each alert and when (one row per alert at most)."""
    if schema not in _ACKS:
        big = sa.BigInteger().with_variant(sa.Integer, "sqlite")
        _ACKS[schema] = sa.Table(
            "transparency_alert_acknowledgements", alerts_table(schema).metadata,
            sa.Column("alert_id", big, primary_key=True, autoincrement=False),
            sa.Column("acknowledged_by", sa.String(100), nullable=False),
            sa.Column("acknowledged_at", sa.BigInteger, nullable=False),
        )
    return _ACKS[schema]


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
        self._acks = acknowledgements_table(schema)
        self._table.metadata.create_all(engine, checkfirst=True)
        guard_tables(engine, schema, [self._table.name, self._acks.name])

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
        """Every alert raised, newest first, with its acknowledgement if any."""
        return self._select(None)

    def alert(self, alert_id: int) -> LogAlert:
        """One alert; `AlertNotFound` if none has that id."""
        found = self._select(alert_id)
        if not found:
            raise AlertNotFound(f"no alert {alert_id}")
        return found[0]

    def acknowledge(self, alert_id: int, *, staff_id: str, at: int) -> LogAlert:
        """Record that `staff_id` acknowledged alert `alert_id` at `at` (POSIX seconds);
        `AlertNotFound`, or `ConflictError` `alert_acknowledged_once` naming who did first."""
        self.alert(alert_id)
        try:
            with self._engine.begin() as conn:
                conn.execute(sa.insert(self._acks).values(
                    alert_id=alert_id, acknowledged_by=staff_id, acknowledged_at=at))
        except sa.exc.IntegrityError:
            first = self.alert(alert_id)
            raise ConflictError("alert_acknowledged_once",
                                f"alert {alert_id} was already acknowledged by "
                                f"{first.acknowledged_by}", field="alert_id") from None
        return self.alert(alert_id)

    def _select(self, alert_id: int | None) -> list[LogAlert]:
        t, a = self._table, self._acks
        query = (sa.select(t, a.c.acknowledged_by, a.c.acknowledged_at)
                 .select_from(t.outerjoin(a, a.c.alert_id == t.c.alert_id))
                 .order_by(t.c.alert_id.desc()))
        if alert_id is not None:
            query = query.where(t.c.alert_id == alert_id)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return [LogAlert(int(r.alert_id), int(r.raised_at), int(r.checkpoint_size),
                         int(r.problem_count), str(r.summary), r.acknowledged_by,
                         None if r.acknowledged_at is None else int(r.acknowledged_at))
                for r in rows]

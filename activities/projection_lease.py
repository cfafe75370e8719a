"""One runner per projection at a time: a lease per projection name, in a table beside the
projection's own (`projection_leases`: name, holder, expires_at), taken and renewed by
compare-and-set so two workers (the production layout) never both compute every batch.

- `take` succeeds if nobody holds the lease, this holder holds it, or the holder's lease has
  lapsed (its process was killed, or lost the database for longer than the lease): one
  UPDATE ... WHERE holder = me OR expires_at < now, so of two runners racing for a lapsed
  lease exactly one wins (PostgreSQL re-reads the row under its lock; SQLite has one writer).
- `renew` moves the expiry on while `holder` is still this one; False means another runner
  took the lease and this one must stop applying batches.
- `seize` (a rebuild) takes the lease whoever holds it; the holder finds out at its next
  renewal. `release` lets the next runner take over at once after a clean stop.

Time is the database's clock (seconds since the epoch), so workers on machines whose clocks
disagree still agree on when a lease lapses. The lease saves work; it is not what keeps a
projection right: a stale holder's batch still fails the position's compare-and-set
(`ProjectionView.record_position`), so nothing is ever applied twice.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

log = logging.getLogger(__name__)

TABLE = "projection_leases"


@dataclass(frozen=True)
class LeaseTerms:
    """How long a lease lasts without renewal (`seconds`) and how often its holder renews
    it (`renew_seconds`, also how often a runner without it tries to take it). Settings:
    `DA_PROJECTION_LEASE_SECONDS`, `DA_PROJECTION_LEASE_RENEW_SECONDS`."""

    seconds: float = 30.0
    renew_seconds: float = 10.0

    def __post_init__(self) -> None:
        if not 0 < self.renew_seconds < self.seconds:
            raise ValueError("a lease must be renewed more often than it lasts "
                             f"(renew every {self.renew_seconds} s, lasts {self.seconds} s)")


def holder_id(role: str = "worker") -> str:
    """Who holds a lease, as the logs and the table show it: host, process and a random
    suffix (two runners in one process are two holders). No personal data."""
    return f"{role}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lease_table(schema: str | None) -> sa.Table:
    return sa.Table(
        TABLE, sa.MetaData(schema=schema),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),  # database clock, epoch seconds
    )


def database_now(engine: sa.Engine) -> sa.ColumnElement[float]:
    """The database's clock in seconds since the epoch, as an SQL expression."""
    if engine.dialect.name == "postgresql":
        return sa.cast(sa.func.extract("epoch", sa.func.clock_timestamp()), sa.Float)
    return (sa.func.julianday("now") - 2440587.5) * 86400.0  # SQLite: days since 4713 BC


class ProjectionLease:
    """The lease of the projection `name` in the database of `engine` (and `schema`), held
    as `holder` on `terms`. Every method is one short transaction; database errors are
    raised as SQLAlchemy's."""

    def __init__(self, engine: sa.Engine, schema: str | None, name: str, terms: LeaseTerms,
                 holder: str | None = None) -> None:
        self.engine, self.name, self.terms = engine, name, terms
        self.holder = holder or holder_id()
        self.table = lease_table(schema)
        self._now = database_now(engine)
        self._create()

    def _create(self) -> None:
        try:
            self.table.create(self.engine, checkfirst=True)
        except sa.exc.DatabaseError:  # another runner created it between look and create
            if not sa.inspect(self.engine).has_table(TABLE, schema=self.table.schema):
                raise

    def take(self) -> bool:
        """Hold the lease for `terms.seconds` from now if it is free, lapsed or ours."""
        t = self.table
        with self.engine.begin() as conn:
            taken = conn.execute(sa.update(t).where(
                t.c.name == self.name,
                sa.or_(t.c.holder == self.holder, t.c.expires_at < self._now),
            ).values(holder=self.holder, expires_at=self._now + self.terms.seconds))
            if taken.rowcount == 1:
                return True
            dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
            inserted = conn.execute(dialect.insert(t).values(  # the first runner ever
                name=self.name, holder=self.holder,
                expires_at=self._now + self.terms.seconds,
            ).on_conflict_do_nothing(index_elements=["name"]).returning(t.c.name))
            # No row back: the row exists, held by another. (Not `rowcount`: psycopg gives
            # -1 for an INSERT ... ON CONFLICT.)
            return inserted.first() is not None

    def renew(self) -> bool:
        """Move the expiry on if this holder still holds the lease; False if another took
        it (even a lapsed lease nobody took is still ours: nobody else applied a batch)."""
        t = self.table
        with self.engine.begin() as conn:
            renewed = conn.execute(sa.update(t).where(
                t.c.name == self.name, t.c.holder == self.holder,
            ).values(expires_at=self._now + self.terms.seconds))
        return bool(renewed.rowcount == 1)

    def seize(self) -> str | None:
        """Hold the lease whoever holds it (a rebuild); returns the holder whose lease was
        still running, who stops at its next renewal, or None."""
        t = self.table
        with self.engine.begin() as conn:
            live = conn.execute(sa.select(t.c.holder).where(
                t.c.name == self.name, t.c.holder != self.holder,
                t.c.expires_at >= self._now)).scalar()
        if not self.take():
            with self.engine.begin() as conn:
                conn.execute(sa.update(t).where(t.c.name == self.name).values(
                    holder=self.holder, expires_at=self._now + self.terms.seconds))
        return None if live is None else str(live)

    def release(self) -> None:
        """Let the next runner take the lease now (a clean stop), if it is still ours."""
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(sa.update(t).where(
                t.c.name == self.name, t.c.holder == self.holder,
            ).values(expires_at=self._now - 1.0))

    def current_holder(self) -> str | None:
        """Who holds the lease now (None if nobody, or it lapsed)."""
        t = self.table
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(t.c.holder).where(
                t.c.name == self.name, t.c.expires_at >= self._now)).scalar()
        return None if found is None else str(found)

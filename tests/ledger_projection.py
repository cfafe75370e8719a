"""A projection that keeps one row per notification it applies, in the order it applied them:
what the exactly-once, kill and out-of-order tests count (a notification applied twice shows
as two rows, one skipped as none). It is also the smallest projection there is: a class and
its table (README "How to add a projection")."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from activities.projections import Batch, BatchProjection, ProjectionView


class LedgerView(ProjectionView):
    ledger: sa.Table

    def define_tables(self, schema: str | None) -> list[sa.Table]:
        self.ledger = sa.Table(
            "ledger_rows", sa.MetaData(schema=schema),
            sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),  # order applied
            sa.Column("notification_id", sa.BigInteger, nullable=False),
            sa.Column("originator_id", sa.String(36), nullable=False),
            sa.Column("originator_version", sa.Integer, nullable=False))
        return [self.ledger]


class Ledger(BatchProjection[LedgerView]):
    name = "Ledger"
    topics = ()  # every event of the store
    view_class = LedgerView

    def apply(self, session: Session, prepared: Batch) -> None:
        session.execute(sa.insert(self.view.ledger), [
            {"notification_id": tracking.notification_id,
             "originator_id": str(event.originator_id),
             "originator_version": event.originator_version}
            for event, tracking in prepared])


def ledger_rows(url: str, schema: str | None) -> list[tuple[Any, ...]]:
    """(notification id, originator id, version) in the order applied."""
    engine = sa.create_engine(url)
    table = sa.Table("ledger_rows", sa.MetaData(schema=schema), autoload_with=engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.notification_id, table.c.originator_id,
                                      table.c.originator_version).order_by(table.c.seq)).all()
    engine.dispose()
    return [tuple(r) for r in rows]

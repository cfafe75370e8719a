"""Messages received from partners, by id: the shared replay guard of every web process.

A message id is accepted once; a second presentation is a replay (Standard Webhooks: receivers
deduplicate on `webhook-id`). Kept in the database, not in memory, so that several web
processes guard together.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError


class InboundLog:
    def __init__(self, url: str, schema: str | None = None) -> None:
        self._engine = sa.create_engine(url)
        metadata = sa.MetaData(schema=schema)
        self._table = sa.Table(
            "inbound_partner_messages", metadata,
            sa.Column("message_id", sa.String(200), primary_key=True),
            sa.Column("received_at", sa.BigInteger, nullable=False),
        )
        metadata.create_all(self._engine, checkfirst=True)

    def first_seen(self, message_id: str, *, now: int) -> bool:
        """True the first time `message_id` is presented (and remembers it), False after."""
        try:
            with self._engine.begin() as conn:
                conn.execute(self._table.insert().values(message_id=message_id,
                                                         received_at=now))
        except IntegrityError:
            return False
        return True

    def forget(self, message_id: str) -> None:
        """Undo `first_seen` for a message we failed to process, so the partner's retry of
        it is not taken for a replay."""
        with self._engine.begin() as conn:
            conn.execute(self._table.delete().where(self._table.c.message_id == message_id))

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(self._table))
                       .scalar_one())

    def close(self) -> None:
        self._engine.dispose()


def unix_now() -> int:
    return int(datetime.now(UTC).timestamp())

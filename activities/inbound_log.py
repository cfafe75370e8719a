"""Messages received from partners, by sender and id: the shared replay guard of every web
process.

A message id is accepted once per sender; a second presentation by the same sender is a replay
(Standard Webhooks: receivers deduplicate on `webhook-id`). Ids are unique per sender only —
police's `ack-1` and the support service's `ack-1` are two messages — so the key is
(partner, message id). Kept in the database, not in memory, so that several web processes
guard together.

An id is first *claimed* (`first_seen`), then *settled* (`settle`) once its message is taken
or refused for good, or *released* (`release`) when it was not taken for a reason of ours (the
case not ready yet, the workflow service or the store down): the sender's retry, with the same
id, must then be accepted rather than taken for a replay. A message refused for good keeps its
id. A claim never settled nor released means the process handling it died (a crash between
claiming the id and the case's record): after `CLAIM_SECONDS`, longer than any request is kept
open, the sender's retry takes the claim over instead of being refused as a replay; until then
it is told to retry (`MessageInFlight`), never refused for good — a genuine message is never
lost to our own crash.

Migration: the previous version kept ids alone in `inbound_partner_messages` (id as primary
key, no sender). That table is left in place and no longer written; this version writes
`inbound_partner_message_ids`, keyed on (partner, message_id). An id the previous version saw
within the replay window (twice the signature's timestamp tolerance: any older presentation
fails the timestamp check anyway) is still refused, whichever partner presents it, because we
cannot tell which partner sent it; so an upgrade never opens a window for replays.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from gateways.signing import DEFAULT_TOLERANCE_SECONDS

TABLE = "inbound_partner_message_ids"
LEGACY_TABLE = "inbound_partner_messages"  # written by the previous version: ids only
REPLAY_WINDOW_SECONDS = 2 * DEFAULT_TOLERANCE_SECONDS
# How long an unsettled claim is honoured: well over the longest a web process keeps a
# partner's request open (web/routes_partners.py ACK_ANSWER_SECONDS), so only a dead one's
# claim is ever taken over.
CLAIM_SECONDS = 30


class MessageInFlight(Exception):
    """The id is claimed by a request still being handled (or by one whose process died less
    than `CLAIM_SECONDS` ago): the sender should retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("message_in_flight")
        self.retry_after = retry_after


class InboundLog:
    """The (partner, message id) pairs seen, with when (unix seconds)."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        self._engine = sa.create_engine(url)
        metadata = sa.MetaData(schema=schema)
        self._table = sa.Table(
            TABLE, metadata,
            sa.Column("partner", sa.String(64), primary_key=True),
            sa.Column("message_id", sa.String(200), primary_key=True),
            sa.Column("received_at", sa.BigInteger, nullable=False),
            # False while the request that claimed the id is being handled.
            sa.Column("settled", sa.Boolean, nullable=False, server_default=sa.true()),
        )
        metadata.create_all(self._engine, checkfirst=True)
        self._add_settled_column(schema)
        self._legacy: sa.Table | None = None
        if sa.inspect(self._engine).has_table(LEGACY_TABLE, schema=schema):
            self._legacy = sa.Table(
                LEGACY_TABLE, sa.MetaData(schema=schema),
                sa.Column("message_id", sa.String(200), primary_key=True),
                sa.Column("received_at", sa.BigInteger, nullable=False),
            )

    def for_sender(self, partner: str) -> SenderGuard:
        """The replay guard of one partner's messages (`gateways.signing.ReplayGuard`)."""
        return SenderGuard(self, partner)

    def first_seen(self, partner: str, message_id: str, *, now: int) -> bool:
        """True the first time `partner` presents `message_id` (and claims it), False after it
        was settled — and False for an id the previous version saw within the replay window.
        Raises `MessageInFlight` while another request holds an unsettled claim on it."""
        if self._seen_by_previous_version(message_id, now=now):
            return False
        table = self._table
        try:
            with self._engine.begin() as conn:
                conn.execute(table.insert().values(partner=partner, message_id=message_id,
                                                   received_at=now, settled=False))
            return True
        except IntegrityError:
            pass
        mine = (table.c.partner == partner) & (table.c.message_id == message_id)
        with self._engine.begin() as conn:
            row = conn.execute(sa.select(table.c.received_at, table.c.settled)
                               .where(mine)).first()
            if row is None:  # released meanwhile: claim it afresh
                return self.first_seen(partner, message_id, now=now)
            if row.settled:
                return False
            if row.received_at > now - CLAIM_SECONDS:
                raise MessageInFlight(retry_after=row.received_at + CLAIM_SECONDS - now + 1)
            # The claim of a process that died: take it over (once, if two retries race).
            taken = conn.execute(table.update().where(
                mine, table.c.settled.is_(False), table.c.received_at == row.received_at,
            ).values(received_at=now)).rowcount
        if taken != 1:
            raise MessageInFlight(retry_after=CLAIM_SECONDS)
        return True

    def settle(self, partner: str, message_id: str) -> None:
        """The message was taken, or refused for good: its id is spent."""
        with self._engine.begin() as conn:
            conn.execute(self._table.update().where(
                self._table.c.partner == partner, self._table.c.message_id == message_id,
            ).values(settled=True))

    def release(self, partner: str, message_id: str) -> None:
        """Undo `first_seen` for a message we did not take through no fault of the sender,
        so its retry (same id) is not taken for a replay."""
        with self._engine.begin() as conn:
            conn.execute(self._table.delete().where(self._table.c.partner == partner,
                                                    self._table.c.message_id == message_id))

    def _add_settled_column(self, schema: str | None) -> None:
        """Tables made before claims were settled have no `settled` column: every id in them
        was taken, so it is added as settled."""
        columns = {c["name"] for c in sa.inspect(self._engine).get_columns(TABLE, schema=schema)}
        if "settled" not in columns:
            name = f'"{schema}".{TABLE}' if schema else TABLE
            with self._engine.begin() as conn:
                conn.execute(sa.text(
                    f"ALTER TABLE {name} ADD COLUMN settled BOOLEAN NOT NULL DEFAULT TRUE"))

    def _seen_by_previous_version(self, message_id: str, *, now: int) -> bool:
        if self._legacy is None:
            return False
        legacy = self._legacy
        with self._engine.connect() as conn:
            return conn.execute(sa.select(legacy.c.message_id).where(
                legacy.c.message_id == message_id,
                legacy.c.received_at >= now - REPLAY_WINDOW_SECONDS)).first() is not None

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(self._table))
                       .scalar_one())

    def close(self) -> None:
        self._engine.dispose()


class SenderGuard:
    """One partner's view of the inbound log: what `verify_message` takes as `replay`."""

    def __init__(self, log: InboundLog, partner: str) -> None:
        self._log = log
        self.partner = partner

    def first_seen(self, message_id: str, *, now: int) -> bool:
        return self._log.first_seen(self.partner, message_id, now=now)

    def release(self, message_id: str) -> None:
        self._log.release(self.partner, message_id)

    def settle(self, message_id: str) -> None:
        self._log.settle(self.partner, message_id)


def unix_now() -> int:
    return int(datetime.now(UTC).timestamp())

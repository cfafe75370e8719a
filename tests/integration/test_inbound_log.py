"""The replay guard shared by every web process, on SQLite and PostgreSQL: message ids are
unique per sender, an id whose message we did not take is released for the sender's retry,
and a database written by the previous version (ids alone, no sender) keeps working."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from activities.inbound_log import CLAIM_SECONDS, LEGACY_TABLE, TABLE, InboundLog, MessageInFlight

NOW = 1_795_000_000


def test_the_same_id_from_two_partners_is_two_messages(database: tuple[str, str | None]) -> None:
    log = InboundLog(*database)
    try:
        assert log.first_seen("police", "ack-1", now=NOW)
        assert log.first_seen("support_services", "ack-1", now=NOW)
        log.settle("police", "ack-1")
        log.settle("support_services", "ack-1")
        assert not log.first_seen("police", "ack-1", now=NOW + 1)  # police's own replay
        assert not log.for_sender("support_services").first_seen("ack-1", now=NOW + 1)
    finally:
        log.close()


def test_a_released_id_is_accepted_again_from_its_sender_only(
        database: tuple[str, str | None]) -> None:
    log = InboundLog(*database)
    try:
        police, support = log.for_sender("police"), log.for_sender("support_services")
        assert police.first_seen("ack-1", now=NOW) and support.first_seen("ack-1", now=NOW)
        police.release("ack-1")  # not taken, for a reason of ours: police will retry
        assert police.first_seen("ack-1", now=NOW + 2)
        support.settle("ack-1")
        assert not support.first_seen("ack-1", now=NOW + 2)
    finally:
        log.close()


def test_a_database_written_by_the_previous_version_keeps_working(
        database: tuple[str, str | None]) -> None:
    """The previous version kept ids alone in `inbound_partner_messages`. Its rows stay; an id
    it saw within the replay window (2 × the 300 s timestamp tolerance) is still a replay,
    from whichever partner, since we cannot tell who sent it; older ones no longer matter."""
    url, schema = database
    engine = sa.create_engine(url)
    metadata = sa.MetaData(schema=schema)
    legacy = sa.Table(LEGACY_TABLE, metadata,  # exactly as the previous version made it
                      sa.Column("message_id", sa.String(200), primary_key=True),
                      sa.Column("received_at", sa.BigInteger, nullable=False))
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(legacy.insert(), [{"message_id": "ack-recent", "received_at": NOW - 60},
                                       {"message_id": "ack-old", "received_at": NOW - 3600}])
    log = InboundLog(url, schema)
    try:
        assert not log.first_seen("police", "ack-recent", now=NOW)
        assert not log.first_seen("support_services", "ack-recent", now=NOW)
        assert log.first_seen("police", "ack-old", now=NOW)
        assert log.first_seen("police", "ack-new", now=NOW)
        assert log.first_seen("support_services", "ack-new", now=NOW)
        assert log.count() == 3
        with engine.connect() as conn:  # the old rows are left as they were
            assert conn.execute(sa.select(sa.func.count()).select_from(legacy)).scalar_one() == 2
        log.settle("police", "ack-new")  # taken
        reopened = InboundLog(url, schema)  # a second web process, or a restart
        assert not reopened.first_seen("police", "ack-new", now=NOW + 1)
        reopened.close()
    finally:
        log.close()
        engine.dispose()



def test_a_claim_left_by_a_dead_process_is_taken_over_by_the_senders_retry(
        database: tuple[str, str | None]) -> None:
    """A web process claimed the id and died before settling it: the partner's retry is told
    to come back while the claim could still be live, then takes it over — never "replayed"."""
    log = InboundLog(*database)
    try:
        police = log.for_sender("police")
        assert police.first_seen("ack-1", now=NOW)  # ...and the process dies here
        with pytest.raises(MessageInFlight) as busy:
            police.first_seen("ack-1", now=NOW + 5)
        assert busy.value.retry_after == CLAIM_SECONDS - 5 + 1
        assert police.first_seen("ack-1", now=NOW + CLAIM_SECONDS + 1)  # taken over
        police.settle("ack-1")
        assert not police.first_seen("ack-1", now=NOW + CLAIM_SECONDS + 2)  # now a replay
    finally:
        log.close()


def test_a_table_without_settled_claims_gets_them_as_settled(
        database: tuple[str, str | None]) -> None:
    """The table as first written in this release (no `settled` column): its ids were all
    taken, so they stay replays."""
    url, schema = database
    engine = sa.create_engine(url)
    table = sa.Table(TABLE, sa.MetaData(schema=schema),
                     sa.Column("partner", sa.String(64), primary_key=True),
                     sa.Column("message_id", sa.String(200), primary_key=True),
                     sa.Column("received_at", sa.BigInteger, nullable=False))
    table.create(engine)
    with engine.begin() as conn:
        conn.execute(table.insert().values(partner="police", message_id="ack-1",
                                           received_at=NOW))
    engine.dispose()
    log = InboundLog(url, schema)
    try:
        assert not log.first_seen("police", "ack-1", now=NOW + 1)
        assert log.first_seen("police", "ack-2", now=NOW + 1)
    finally:
        log.close()

"""Sign-in state on a real SQLite file and a real PostgreSQL: sessions and their timeouts,
API tokens, and locking out repeated failed sign-ins. Several `AuthStore`s on one database
stand for several web processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy

from activities.auth_store import (
    UNKNOWN_ISSUER,
    AuthStore,
    SessionInfo,
    TokenInfo,
    to_micros,
    token_digest,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=8)


@pytest.fixture
def stores(database: tuple[str, str | None]) -> Iterator[tuple[AuthStore, AuthStore]]:
    """Two stores on the same tables, as two web processes would have."""
    first, second = AuthStore(*database), AuthStore(*database)
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def auth(stores: tuple[AuthStore, AuthStore]) -> AuthStore:
    return stores[0]


def live(auth: AuthStore, token: str, now: datetime) -> SessionInfo | None:
    return auth.session(token, now=now, idle=IDLE, absolute=ABSOLUTE)


def raw_dump(auth: AuthStore) -> str:
    values: list[str] = []
    with auth.engine.connect() as conn:
        for table in auth.metadata.sorted_tables:
            for row in conn.execute(sqlalchemy.select(table)):
                values.extend(str(v) for v in row)
    return "|".join(values)


# ---- sessions ------------------------------------------------------------------------------


def test_session_holds_who_how_and_when(auth: AuthStore) -> None:
    token, info = auth.create_session(staff_id="cw-17", via="oidc", now=T0)
    assert info == SessionInfo(staff_id="cw-17", csrf_token=info.csrf_token, created_at=T0,
                               via="oidc")
    assert len(token) >= 43 and len(info.csrf_token) >= 43 and token != info.csrf_token
    found = live(auth, token, T0 + timedelta(minutes=1))
    assert found == info and found.created_at.tzinfo is not None
    assert live(auth, "not-a-token", T0) is None
    assert live(auth, "", T0) is None


def test_each_sign_in_gets_a_new_token(auth: AuthStore) -> None:
    first, _ = auth.create_session(staff_id="cw-17", via="password", now=T0)
    second, _ = auth.create_session(staff_id="cw-17", via="password", now=T0)
    assert first != second
    assert live(auth, first, T0) is not None and live(auth, second, T0) is not None


def test_session_is_seen_by_every_process(stores: tuple[AuthStore, AuthStore]) -> None:
    one, other = stores
    token, info = one.create_session(staff_id="cw-17", via="password", now=T0)
    assert live(other, token, T0 + timedelta(minutes=1)) == info
    other.end_session(token, now=T0 + timedelta(minutes=2))
    assert live(one, token, T0 + timedelta(minutes=3)) is None


def test_idle_session_ends_and_stays_ended(auth: AuthStore) -> None:
    token, _ = auth.create_session(staff_id="cw-17", via="password", now=T0)
    assert live(auth, token, T0 + IDLE - timedelta(seconds=1)) is not None
    # Touched at T0 + 29:59, so idle only from then on.
    assert live(auth, token, T0 + 2 * IDLE - timedelta(seconds=2)) is not None
    assert live(auth, token, T0 + 3 * IDLE) is None
    assert live(auth, token, T0 + 2 * IDLE) is None, "an ended session stays ended"


def test_session_idle_exactly_the_limit_has_ended(auth: AuthStore) -> None:
    token, _ = auth.create_session(staff_id="cw-17", via="password", now=T0)
    assert live(auth, token, T0 + IDLE) is None


def test_busy_session_still_ends_at_the_absolute_limit(auth: AuthStore) -> None:
    token, _ = auth.create_session(staff_id="cw-17", via="password", now=T0)
    now = T0
    while now + timedelta(minutes=10) < T0 + ABSOLUTE:
        now += timedelta(minutes=10)
        assert live(auth, token, now) is not None, now
    assert live(auth, token, T0 + ABSOLUTE) is None
    assert live(auth, token, T0 + ABSOLUTE - timedelta(minutes=1)) is None, "stays ended"


def test_signed_out_session_stays_ended(auth: AuthStore) -> None:
    token, _ = auth.create_session(staff_id="cw-17", via="password", now=T0)
    auth.end_session(token, now=T0 + timedelta(minutes=1))
    assert live(auth, token, T0 + timedelta(minutes=2)) is None
    assert live(auth, token, T0) is None
    auth.end_session("unknown", now=T0)  # ignored


def test_ending_someones_sessions_leaves_others(auth: AuthStore) -> None:
    mine = [auth.create_session(staff_id="cw-17", via=via, now=T0)[0]
            for via in ("password", "oidc")]
    theirs, _ = auth.create_session(staff_id="cw-18", via="password", now=T0)
    auth.end_sessions_of("cw-17", now=T0 + timedelta(minutes=1))
    assert [live(auth, t, T0 + timedelta(minutes=2)) for t in mine] == [None, None]
    assert live(auth, theirs, T0 + timedelta(minutes=2)) is not None


def test_unknown_way_of_signing_in_and_naive_times_are_refused(auth: AuthStore) -> None:
    with pytest.raises(ValueError):
        auth.create_session(staff_id="cw-17", via="magic", now=T0)
    with pytest.raises(ValueError):
        auth.create_session(staff_id="cw-17", via="password", now=datetime(2026, 3, 2, 9))


def test_times_in_other_zones_are_the_same_instant(auth: AuthStore) -> None:
    london = datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # 09:00 UTC
    token, info = auth.create_session(staff_id="cw-17", via="password", now=london)
    assert info.created_at == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert info.created_at.utcoffset() == timedelta(0)
    assert live(auth, token, datetime(2026, 7, 1, 9, 29, tzinfo=UTC)) is not None


# ---- API tokens ----------------------------------------------------------------------------


def test_api_token_names_its_owner_until_revoked(stores: tuple[AuthStore, AuthStore]) -> None:
    one, other = stores
    token = one.issue_api_token(staff_id="svc-reports", label="Nightly export", now=T0)
    assert token.startswith("da_") and len(token) >= 46
    assert other.api_token_owner(token, now=T0) == "svc-reports"
    other.revoke_api_token(token, now=T0 + timedelta(days=1))
    assert one.api_token_owner(token, now=T0) is None
    assert one.api_token_owner("da_unknown", now=T0) is None
    assert one.api_token_owner(token[3:], now=T0) is None, "a token without its prefix is not one"
    assert one.api_token_owner("", now=T0) is None


def test_revoking_someones_tokens_leaves_others(auth: AuthStore) -> None:
    mine = [auth.issue_api_token(staff_id="cw-17", label=f"client {n}", now=T0)
            for n in range(2)]
    theirs = auth.issue_api_token(staff_id="cw-18", label="client", now=T0)
    auth.revoke_api_tokens_of("cw-17", now=T0)
    assert [auth.api_token_owner(t, now=T0) for t in mine] == [None, None]
    assert auth.api_token_owner(theirs, now=T0) == "cw-18"


def test_tables_hold_no_token_in_clear(auth: AuthStore) -> None:
    session_token, _ = auth.create_session(staff_id="cw-17", via="password", now=T0)
    api_token = auth.issue_api_token(staff_id="cw-17", label="export", now=T0)
    typed_by_mistake = "my-secret-password-typed-as-id"
    auth.record_failed_sign_in(typed_by_mistake, now=T0)
    dump = raw_dump(auth)
    assert "cw-17" in dump, "the dump reads the tables"
    for secret in [session_token, api_token, api_token[3:], typed_by_mistake]:
        assert secret not in dump


def test_api_token_expires_after_its_lifetime(database: tuple[str, str | None]) -> None:
    auth = AuthStore(*database, token_lifetime=timedelta(days=2))
    try:
        token = auth.issue_api_token(staff_id="cw-17", label="export", now=T0,
                                     issued_by="adm-1 (administrator)")
        last = T0 + timedelta(days=2) - timedelta(microseconds=1)
        assert auth.api_token(token, now=last) == TokenInfo(
            staff_id="cw-17", label="export", issued_by="adm-1 (administrator)",
            expires_at=T0 + timedelta(days=2))
        assert auth.api_token(token, now=T0 + timedelta(days=2)) is None, "expired: as unknown"
        assert auth.api_token_owner(token, now=T0 + timedelta(days=30)) is None
    finally:
        auth.close()


def test_token_table_of_the_previous_version_gains_expiry_and_issuer(
        database: tuple[str, str | None]) -> None:
    """A table made before tokens expired: its tokens expire `token_lifetime` after they were
    created, their issuer is "not recorded", and new tokens can be issued into it."""
    url, schema = database
    engine = sqlalchemy.create_engine(url)
    old = sqlalchemy.Table(  # exactly as the previous version created it
        "auth_api_tokens", sqlalchemy.MetaData(schema=schema),
        sqlalchemy.Column("token_hash", sqlalchemy.String(64), primary_key=True),
        sqlalchemy.Column("staff_id", sqlalchemy.String(64), nullable=False, index=True),
        sqlalchemy.Column("label", sqlalchemy.String(200), nullable=False),
        sqlalchemy.Column("created_at", sqlalchemy.BigInteger, nullable=False),
        sqlalchemy.Column("revoked_at", sqlalchemy.BigInteger, nullable=True),
    )
    old.metadata.create_all(engine)
    token = "da_issued-by-the-previous-version"
    with engine.begin() as conn:
        conn.execute(old.insert().values(token_hash=token_digest(token), staff_id="cw-17",
                                         label="export", created_at=to_micros(T0),
                                         revoked_at=None))
    engine.dispose()
    for _ in range(2):  # a second process (or restart) finds it migrated
        auth = AuthStore(url, schema, token_lifetime=timedelta(days=30))
        try:
            info = auth.api_token(token, now=T0 + timedelta(days=29))
            assert info is not None and info.staff_id == "cw-17"
            assert info.issued_by == UNKNOWN_ISSUER
            assert info.expires_at == T0 + timedelta(days=30)
            assert auth.api_token(token, now=T0 + timedelta(days=30)) is None
            new = auth.issue_api_token(staff_id="cw-18", label="n", now=T0, issued_by="x")
            assert auth.api_token_owner(new, now=T0) == "cw-18"
        finally:
            auth.close()


# ---- failed sign-ins -----------------------------------------------------------------------


def test_locked_after_five_failures_within_the_window(stores: tuple[AuthStore, AuthStore]
                                                      ) -> None:
    one, other = stores
    for n in range(4):
        (one if n % 2 else other).record_failed_sign_in("cw-17", now=T0 + timedelta(minutes=n))
        assert not one.sign_in_locked("cw-17", now=T0 + timedelta(minutes=n))
    other.record_failed_sign_in("cw-17", now=T0 + timedelta(minutes=4))
    assert one.sign_in_locked("cw-17", now=T0 + timedelta(minutes=4))
    assert other.sign_in_locked("cw-17", now=T0 + timedelta(minutes=14))
    assert not one.sign_in_locked("cw-18", now=T0 + timedelta(minutes=4)), "per key"
    # 15 minutes after the first failure only four are left in the window.
    assert not one.sign_in_locked("cw-17", now=T0 + timedelta(minutes=15))
    assert not one.sign_in_locked("cw-17", now=T0 + timedelta(hours=1))


def test_failures_spread_beyond_the_window_do_not_lock(auth: AuthStore) -> None:
    for n in range(10):
        auth.record_failed_sign_in("cw-17", now=T0 + n * timedelta(minutes=4))
        assert not auth.sign_in_locked("cw-17", now=T0 + n * timedelta(minutes=4))
    assert auth.sign_in_locked("cw-17", now=T0 + timedelta(minutes=36), max_failures=3)
    assert auth.sign_in_locked("cw-17", now=T0 + timedelta(minutes=36),
                               window=timedelta(hours=1))


def test_clearing_failures_unlocks(auth: AuthStore) -> None:
    for _ in range(5):
        auth.record_failed_sign_in("cw-17", now=T0)
    assert auth.sign_in_locked("cw-17", now=T0)
    auth.clear_failed_sign_ins("cw-17")
    assert not auth.sign_in_locked("cw-17", now=T0)


def test_tables_are_created_once_and_reused(database: tuple[str, str | None]) -> None:
    first = AuthStore(*database)
    token, _ = first.create_session(staff_id="cw-17", via="password", now=T0)
    first.close()
    again = AuthStore(*database)
    try:
        assert live(again, token, T0) is not None
    finally:
        again.close()

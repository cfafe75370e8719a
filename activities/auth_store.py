"""Sign-in state that is not part of the record: sessions, API tokens and failed sign-ins.

Plain SQLAlchemy Core tables in the same database as the event store (`auth_sessions`,
`auth_api_tokens`, `auth_failed_sign_ins`, in `schema` if given), created on construction
if missing. Nothing that matters is kept in the process, so any number of web processes may
share the database.

- Tokens (session and API) are stored only as SHA-256 hex digests: a copy of the database
  signs no one in. Tokens carry 256 bits of randomness, so a fast hash is enough.
- Failed sign-ins are counted per key (a staff id, an address, ...) stored only as its
  SHA-256 digest, so a password typed into the staff id box is not kept in clear.
- API tokens expire `token_lifetime` after issue and name who issued them (`issued_by`, e.g.
  "adm-1 (administrator)" or "command line"). Tables made before these columns existed are
  migrated on construction: a token there expires `token_lifetime` after it was created and
  its issuer is `UNKNOWN_ISSUER`.
- Times are aware UTC datetimes in the API and whole microseconds since the Unix epoch in
  the tables, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

SESSION_VIAS = frozenset({"password", "oidc"})
API_TOKEN_PREFIX = "da_"
TOKEN_BYTES = 32
# Failed sign-ins older than this are forgotten; `sign_in_locked` windows may not exceed it.
FAILURE_RETENTION = timedelta(days=1)
MAX_LABEL = 200
DEFAULT_TOKEN_LIFETIME = timedelta(days=90)
UNKNOWN_ISSUER = "not recorded (issued before issuers were recorded)"

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class SessionInfo:
    staff_id: str
    csrf_token: str
    created_at: datetime
    via: str            # "password" | "oidc"


@dataclass(frozen=True)
class TokenInfo:
    """What a live API token stands for (never the token)."""

    staff_id: str
    label: str
    issued_by: str
    expires_at: datetime


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def to_micros(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be aware (include a time zone)")
    return (moment - EPOCH) // MICROSECOND


def from_micros(micros: int) -> datetime:
    return EPOCH + micros * MICROSECOND


class AuthStore:
    """Sessions, API tokens and failed sign-ins in the database at `url`."""

    def __init__(self, url: str, schema: str | None = None,
                 token_lifetime: timedelta = DEFAULT_TOKEN_LIFETIME) -> None:
        self.token_lifetime = token_lifetime
        self.engine = sa.create_engine(url)
        metadata = sa.MetaData(schema=schema)
        self.sessions = sa.Table(
            "auth_sessions", metadata,
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("staff_id", sa.String(64), nullable=False, index=True),
            sa.Column("csrf_token", sa.String(64), nullable=False),
            sa.Column("via", sa.String(16), nullable=False),
            sa.Column("created_at", sa.BigInteger, nullable=False),
            sa.Column("last_seen_at", sa.BigInteger, nullable=False),
            sa.Column("ended_at", sa.BigInteger, nullable=True),
        )
        self.api_tokens = sa.Table(
            "auth_api_tokens", metadata,
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("staff_id", sa.String(64), nullable=False, index=True),
            sa.Column("label", sa.String(MAX_LABEL), nullable=False),
            sa.Column("created_at", sa.BigInteger, nullable=False),
            sa.Column("revoked_at", sa.BigInteger, nullable=True),
            # Nullable only because older tables gain them by ALTER (see `_migrate_tokens`).
            sa.Column("expires_at", sa.BigInteger, nullable=True),
            sa.Column("issued_by", sa.String(MAX_LABEL), nullable=True),
        )
        self.failures = sa.Table(
            "auth_failed_sign_ins", metadata,
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                      primary_key=True, autoincrement=True),
            sa.Column("key_hash", sa.String(64), nullable=False),
            sa.Column("at", sa.BigInteger, nullable=False),
            sa.Index("ix_auth_failed_sign_ins_key_at", "key_hash", "at"),
        )
        self.metadata = metadata
        self._create_tables()
        self._migrate_tokens()

    def _migrate_tokens(self) -> None:
        """Add `expires_at` and `issued_by` to a token table made by the previous version and
        fill them for its tokens (created_at + token_lifetime; UNKNOWN_ISSUER)."""
        t = self.api_tokens
        have = {c["name"] for c in sa.inspect(self.engine).get_columns(t.name, schema=t.schema)}
        prep = self.engine.dialect.identifier_preparer
        for name, kind in (("expires_at", "BIGINT"), ("issued_by", f"VARCHAR({MAX_LABEL})")):
            if name not in have:
                try:
                    with self.engine.begin() as conn:
                        conn.execute(sa.text(
                            f"ALTER TABLE {prep.format_table(t)} ADD COLUMN {name} {kind}"))
                except DBAPIError:
                    pass  # another process added it first (a real failure shows just below)
        with self.engine.begin() as conn:
            conn.execute(t.update().where(t.c.expires_at.is_(None)).values(
                expires_at=t.c.created_at + self.token_lifetime // MICROSECOND))
            conn.execute(t.update().where(t.c.issued_by.is_(None))
                         .values(issued_by=UNKNOWN_ISSUER))

    def _create_tables(self) -> None:
        for attempt in range(3):
            try:
                self.metadata.create_all(self.engine)
                return
            except DBAPIError:
                # Another process created one between our check and our CREATE: check again.
                if attempt == 2:
                    raise

    def close(self) -> None:
        self.engine.dispose()

    # ---- sessions -----------------------------------------------------------------------------

    def create_session(self, *, staff_id: str, via: str, now: datetime) -> tuple[str, SessionInfo]:
        """A new session; returns its token (for the cookie) and what it holds."""
        if via not in SESSION_VIAS:
            raise ValueError(f"a session is created via one of {sorted(SESSION_VIAS)}")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        csrf_token = secrets.token_urlsafe(TOKEN_BYTES)
        at = to_micros(now)
        with self.engine.begin() as conn:
            conn.execute(self.sessions.insert().values(
                token_hash=token_digest(token), staff_id=staff_id, csrf_token=csrf_token,
                via=via, created_at=at, last_seen_at=at, ended_at=None))
        return token, SessionInfo(staff_id=staff_id, csrf_token=csrf_token,
                                  created_at=from_micros(at), via=via)

    def session(self, token: str, *, now: datetime, idle: timedelta,
                absolute: timedelta) -> SessionInfo | None:
        """The live session with this token, touched; None if unknown, ended, idle for
        `idle` or more, or `absolute` or more old (an expired session is ended for good)."""
        if not isinstance(token, str) or not token:
            return None
        at = to_micros(now)
        digest = token_digest(token)
        s = self.sessions
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(s).where(s.c.token_hash == digest)).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest) \
                or row.ended_at is not None:
            return None
        if at - row.last_seen_at >= idle // MICROSECOND \
                or at - row.created_at >= absolute // MICROSECOND:
            self._end(s.c.token_hash == digest, at)
            return None
        # Touch only if no other process ended it meanwhile; never move last_seen backwards.
        with self.engine.begin() as conn:
            touched = conn.execute(
                s.update()
                .where(s.c.token_hash == digest, s.c.ended_at.is_(None))
                .values(last_seen_at=sa.case((s.c.last_seen_at < at, at),
                                             else_=s.c.last_seen_at))
            ).rowcount
        if touched != 1:
            return None
        return SessionInfo(staff_id=row.staff_id, csrf_token=row.csrf_token,
                           created_at=from_micros(row.created_at), via=row.via)

    def end_session(self, token: str, *, now: datetime) -> None:
        """Sign out: the session is ended for good (unknown tokens are ignored)."""
        if isinstance(token, str) and token:
            self._end(self.sessions.c.token_hash == token_digest(token), to_micros(now))

    def end_sessions_of(self, staff_id: str, *, now: datetime) -> None:
        """End every session of the member of staff (e.g. when they are deactivated)."""
        self._end(self.sessions.c.staff_id == staff_id, to_micros(now))

    def _end(self, which: Any, at: int) -> None:
        s = self.sessions
        with self.engine.begin() as conn:
            conn.execute(s.update().where(which, s.c.ended_at.is_(None)).values(ended_at=at))

    # ---- API tokens -------------------------------------------------------------------------

    def issue_api_token(self, *, staff_id: str, label: str, now: datetime,
                        issued_by: str = UNKNOWN_ISSUER) -> str:
        """A new bearer token for a machine client acting as the member of staff, valid until
        `now + token_lifetime`. It is shown once: only its digest is stored."""
        token = API_TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        with self.engine.begin() as conn:
            conn.execute(self.api_tokens.insert().values(
                token_hash=token_digest(token), staff_id=staff_id, label=label[:MAX_LABEL],
                created_at=to_micros(now), revoked_at=None,
                expires_at=to_micros(now + self.token_lifetime),
                issued_by=issued_by[:MAX_LABEL]))
        return token

    def api_token(self, token: str, *, now: datetime) -> TokenInfo | None:
        """What the token stands for; None if unknown, revoked or expired (at `expires_at`)."""
        if not isinstance(token, str) or not token.startswith(API_TOKEN_PREFIX):
            return None
        digest = token_digest(token)
        t = self.api_tokens
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.token_hash == digest)).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest) \
                or row.revoked_at is not None:
            return None
        # A row written by a process still on the previous version has no expiry yet.
        expires = row.expires_at if row.expires_at is not None \
            else row.created_at + self.token_lifetime // MICROSECOND
        if to_micros(now) >= expires:
            return None
        return TokenInfo(staff_id=row.staff_id, label=row.label,
                         issued_by=row.issued_by or UNKNOWN_ISSUER,
                         expires_at=from_micros(expires))

    def api_token_owner(self, token: str, *, now: datetime) -> str | None:
        """The staff id the token acts for; None if unknown, revoked or expired."""
        info = self.api_token(token, now=now)
        return info.staff_id if info is not None else None

    def revoke_api_token(self, token: str, *, now: datetime) -> None:
        """Refuse the token from now on (unknown tokens are ignored)."""
        if isinstance(token, str) and token:
            self._revoke(self.api_tokens.c.token_hash == token_digest(token), to_micros(now))

    def revoke_api_tokens_of(self, staff_id: str, *, now: datetime) -> None:
        """Refuse every API token of the member of staff (e.g. when they are deactivated)."""
        self._revoke(self.api_tokens.c.staff_id == staff_id, to_micros(now))

    def _revoke(self, which: Any, at: int) -> None:
        t = self.api_tokens
        with self.engine.begin() as conn:
            conn.execute(t.update().where(which, t.c.revoked_at.is_(None))
                         .values(revoked_at=at))

    # ---- failed sign-ins --------------------------------------------------------------------

    def record_failed_sign_in(self, key: str, *, now: datetime) -> None:
        at = to_micros(now)
        digest = token_digest(key)
        f = self.failures
        with self.engine.begin() as conn:
            conn.execute(f.delete().where(
                f.c.key_hash == digest, f.c.at < at - FAILURE_RETENTION // MICROSECOND))
            conn.execute(f.insert().values(key_hash=digest, at=at))

    def sign_in_locked(self, key: str, *, now: datetime, max_failures: int = 5,
                       window: timedelta = timedelta(minutes=15)) -> bool:
        """True if `key` failed to sign in `max_failures` times or more within `window`."""
        if window > FAILURE_RETENTION:
            raise ValueError(f"the window may be at most {FAILURE_RETENTION}")
        at = to_micros(now)
        f = self.failures
        with self.engine.connect() as conn:
            count = conn.execute(
                sa.select(sa.func.count()).select_from(f).where(
                    f.c.key_hash == token_digest(key),
                    f.c.at > at - window // MICROSECOND)
            ).scalar_one()
        return int(count) >= max_failures

    def clear_failed_sign_ins(self, key: str) -> None:
        """Forget the key's failures (after it signs in)."""
        f = self.failures
        with self.engine.begin() as conn:
            conn.execute(f.delete().where(f.c.key_hash == token_digest(key)))

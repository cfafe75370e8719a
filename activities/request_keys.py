"""Idempotency keys of case commands: which request each member of staff first used a key for.

A caller's key (the API's `Idempotency-Key` header, a page form's hidden `request_id`) makes
the same request sent again (a retry, a double click) change nothing more. The same key with
a *different* request (the browser's back button and a changed form, a client reusing a key)
is not a retry: it is refused (`DuplicateRequest`, 409 `idempotency_key_used_once`, naming
the case the first request was for), never taken for a retry and dropped.

How:
- `claim` is insert-or-compare on one row per (staff id, key): the first request inserts the
  digest of what it asks; a later one with the same digest goes ahead, one with another
  digest is refused. The primary key settles a race between two processes.
- The claim gives the command its id, derived from the staff id, the key and the request's
  digest, so the case's own guard (`Case.has_applied`) cannot take one member of staff's key
  for another's, nor a changed request for a retry, even without this table.
- A request that fails or is refused wrote nothing to the case, so the caller `release`s the
  claim it made: the corrected form, sent again with its same key, is then taken. A repeat
  never releases the first request's claim. A process that dies between claiming and sending
  leaves its claim: the same request again goes through (same command id, applied once); a
  different one is refused with the link to the case — shown, never silently dropped.
- The key and the request are personal to the caller and may hold personal data, so neither
  is stored: the row's key is SHA-256 of (staff id, key) and the request's digest is
  HMAC-SHA256 of its JSON (sorted keys) keyed with the caller's key, which a copy of the
  table does not hold (so it cannot be tested against guesses of the request). Stored too:
  the case id the request was for and when (microseconds since the Unix epoch).

Plain SQLAlchemy Core, in the event store's database (`request_keys`, in `schema` if given),
created on construction if missing, like the sign-in and inbound tables. Intake does not use
it: the case it opens is named by the key and keeps its request's fingerprint
(`CaseStore.open_case`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from activities.auth_store import to_micros
from activities.case_store import DuplicateRequest

TABLE = "request_keys"
# Command ids are UUIDs in this namespace, as case ids opened under a key are (web/).
COMMAND_NAMESPACE = uuid.UUID("0c5b8f7e-6d3a-4f51-9e2b-7a4c1d9e0f36")


@dataclass(frozen=True)
class Claim:
    """A key claimed for one request: `command_id` is what the case records the command as;
    `fresh` if this call made the claim (only such a claim is released)."""

    key_hash: str
    request_digest: str
    command_id: str
    fresh: bool


def key_hash(staff_id: str, key: str) -> str:
    """SHA-256 hex of (staff id, key); staff ids hold no newline, so the pair is unambiguous."""
    return hashlib.sha256(f"{staff_id}\n{key}".encode()).hexdigest()


def request_digest(key: str, request: Mapping[str, Any]) -> str:
    """HMAC-SHA256 hex of `request` as JSON with sorted keys and no whitespace, keyed with the
    caller's `key`. Not RFC 8785: nothing outside this table rebuilds the digest, and any
    value a body may carry (an integer beyond 2**53, a date) must digest rather than fail."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


class RequestKeys:
    """(staff id, key) → digest of the first request made with it, and its case."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        self._engine = sa.create_engine(url)
        metadata = sa.MetaData(schema=schema)
        self._table = sa.Table(
            TABLE, metadata,
            sa.Column("key_hash", sa.String(64), primary_key=True),
            sa.Column("request_digest", sa.String(64), nullable=False),
            sa.Column("case_id", sa.String(36), nullable=False),
            sa.Column("claimed_at", sa.BigInteger, nullable=False),
        )
        metadata.create_all(self._engine, checkfirst=True)

    def claim(self, *, staff_id: str, key: str, case_id: uuid.UUID,
              request: Mapping[str, Any], now: datetime) -> Claim:
        """Claim `key` of `staff_id` for `request` (a JSON object naming the command, its
        arguments and anything else that makes it this request) on `case_id`.

        Returns the claim, whose `command_id` is the same for the same request whenever it is
        sent. Raises `DuplicateRequest` (same_request=False, the case of the first request)
        when the key was used for another request. `now` must be timezone-aware."""
        digest = request_digest(key, request)
        claim = Claim(key_hash(staff_id, key), digest, fresh=True, command_id=str(
            uuid.uuid5(COMMAND_NAMESPACE, f"{staff_id}\n{key}\n{digest}")))
        table = self._table
        try:
            with self._engine.begin() as conn:
                conn.execute(table.insert().values(
                    key_hash=claim.key_hash, request_digest=claim.request_digest,
                    case_id=str(case_id), claimed_at=to_micros(now)))
            return claim
        except IntegrityError:
            pass
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(table.c.request_digest, table.c.case_id)
                               .where(table.c.key_hash == claim.key_hash)).first()
        if row is None:  # released meanwhile: claim it afresh
            return self.claim(staff_id=staff_id, key=key, case_id=case_id, request=request,
                              now=now)
        if not hmac.compare_digest(row.request_digest, claim.request_digest):
            raise DuplicateRequest(uuid.UUID(row.case_id), same_request=False)
        return replace(claim, fresh=False)

    def release(self, claim: Claim) -> None:
        """Undo a fresh `claim` after its request wrote nothing (refused, or failed before the
        case's workflow took it), so the same key may carry the corrected request. A repeat
        (not fresh) leaves the first request's claim alone, whatever became of the repeat."""
        if not claim.fresh:
            return
        with self._engine.begin() as conn:
            conn.execute(self._table.delete().where(
                self._table.c.key_hash == claim.key_hash,
                self._table.c.request_digest == claim.request_digest))

    def close(self) -> None:
        self._engine.dispose()

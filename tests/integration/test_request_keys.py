"""Idempotency keys of case commands on SQLite and PostgreSQL: the same request under a key
is the same command; another request under it is refused with the first one's case; a key
whose request wrote nothing is freed; and neither the key nor the request is kept in clear."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from activities.case_store import DuplicateRequest
from activities.request_keys import TABLE, RequestKeys
from tests.conftest import POSTGRES_URL

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
CASE_A, CASE_B = uuid.uuid4(), uuid.uuid4()
KEY = "form-7f3e"
INCIDENT = {"command": "report_incident",
            "args": {"occurred_on": "2026-11-29", "summary": "Neighbour heard Mr Hale shout"}}
OTHER = {"command": "report_incident",
         "args": {"occurred_on": "2026-11-29", "summary": "Door kicked in at 4 Lydden Hill"}}


@pytest.fixture(params=["sqlite", "postgres"])
def keys(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RequestKeys]:
    """On a fresh SQLite file, or in a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        store = RequestKeys(f"sqlite:///{tmp_path / 'events.sqlite3'}")
        yield store
        store.close()
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    store = RequestKeys(POSTGRES_URL, schema)
    try:
        yield store
    finally:
        store.close()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def claim(keys: RequestKeys, request: dict, staff_id: str = "cw-1", case_id: uuid.UUID = CASE_A,
          key: str = KEY):  # type: ignore[no-untyped-def]
    return keys.claim(staff_id=staff_id, key=key, case_id=case_id, request=request, now=NOW)


def test_the_same_request_again_is_the_same_command(keys: RequestKeys) -> None:
    first = claim(keys, INCIDENT)
    # The same JSON object with its keys in another order is the same request (RFC 8785).
    again = claim(keys, {"args": dict(reversed(INCIDENT["args"].items())), "command":
                         "report_incident"})
    assert first.fresh and not again.fresh
    assert again.command_id == first.command_id


def test_another_request_under_the_key_is_refused_with_the_first_ones_case(
        keys: RequestKeys) -> None:
    claim(keys, INCIDENT)
    for request, case_id in ((OTHER, CASE_A), (INCIDENT, CASE_B)):
        with pytest.raises(DuplicateRequest) as refused:
            claim(keys, {**request, "case_id": str(case_id)}, case_id=case_id)
        assert (refused.value.rule, refused.value.field) == ("idempotency_key_used_once",
                                                             "Idempotency-Key")
        assert refused.value.case_id == CASE_A and not refused.value.same_request


def test_a_key_whose_request_wrote_nothing_is_free_for_the_corrected_one(
        keys: RequestKeys) -> None:
    refused_one = claim(keys, OTHER)
    keys.release(refused_one)
    corrected = claim(keys, INCIDENT)
    assert corrected.fresh and corrected.command_id != refused_one.command_id


def test_a_repeat_that_fails_leaves_the_first_requests_claim(keys: RequestKeys) -> None:
    """A retry of a request that was applied may be refused (the task is completed already);
    freeing the key then would let another request through under it."""
    claim(keys, INCIDENT)
    keys.release(claim(keys, INCIDENT))
    with pytest.raises(DuplicateRequest):
        claim(keys, OTHER)


def test_keys_are_each_callers_own(keys: RequestKeys) -> None:
    mine, theirs = claim(keys, INCIDENT), claim(keys, INCIDENT, staff_id="cw-2")
    assert mine.fresh and theirs.fresh
    assert mine.command_id != theirs.command_id


def test_racing_requests_under_one_key_let_exactly_one_through(keys: RequestKeys) -> None:
    requests = [{"command": "report_incident", "args": {"summary": f"version {n}"}}
                for n in range(8)]

    def attempt(request: dict) -> bool:
        try:
            claim(keys, request)
            return True
        except DuplicateRequest:
            return False

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(attempt, requests))
    assert outcomes.count(True) == 1


def test_neither_the_key_nor_the_request_is_stored_in_clear(keys: RequestKeys) -> None:
    claim(keys, INCIDENT)
    engine = keys._engine  # the table as anyone with a copy of the database reads it
    table = sa.Table(TABLE, sa.MetaData(schema=keys._table.schema), autoload_with=engine)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(table))]
    stored = repr(rows)
    assert len(rows) == 1 and str(CASE_A) in stored
    for clear in (KEY, "Hale", "Neighbour", "report_incident", "cw-1"):
        assert clear not in stored


def test_any_body_the_api_accepts_has_a_digest(keys: RequestKeys) -> None:
    """An integer beyond what every JSON reader holds exactly is still a request (the domain
    judges it), not a failure of the key's bookkeeping."""
    child = {"command": "add_child", "args": {"age": 2**64, "name": None}}
    assert claim(keys, child).command_id == claim(keys, child).command_id

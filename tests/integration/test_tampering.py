"""An insider edits event rows directly in the database, lifting the append-only triggers as
one who owns the tables would (tests/insider.py), and `verify-log` (casework/log_admin.py →
application/log_verifier.py) catches each edit and names the event: its leaf, stream id and
version. On SQLite and PostgreSQL: a change, a deletion, a reordering (two rows' contents
swapped) and an insertion."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from activities.case_store import CaseStore
from application.log_verifier import Verification
from application.transparency import TransparencyLog
from casework.log_admin import verify_log
from tests.insider import guards_lifted
from tests.integration.test_transparency_checkpoints import rewrite_event
from tests.integration.test_transparency_log import open_case
from transparency.note import Signer

Edit = Callable[[Any, sa.Table, uuid.UUID], None]


def leaf_of(store: CaseStore, stream_id: uuid.UUID, version: int) -> int:
    return TransparencyLog(store.recorder).leaf_of(stream_id, version)[0]  # type: ignore[arg-type]


def names(store: CaseStore, stream_id: uuid.UUID, version: int) -> str:
    """How the report names the event: its leaf, stream and version."""
    return f"leaf {leaf_of(store, stream_id, version)} (stream {stream_id} version {version},"


def tamper(store: CaseStore, edit: Edit, case_id: uuid.UUID) -> None:
    table = store.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    with (store.recorder.transaction(commit=True) as session,  # type: ignore[attr-defined]
          guards_lifted(session, store.env.get("SQLALCHEMY_SCHEMA"))):
        edit(session, table, case_id)


def checked(store: CaseStore, key: Signer) -> Verification:
    """What an auditor's `verify-log` reports against the latest checkpoint kept."""
    return verify_log(store.env["SQLALCHEMY_URL"], key.verifier.vkey(), None,
                      schema=store.env.get("SQLALCHEMY_SCHEMA"))


@pytest.fixture
def signed(store: CaseStore) -> tuple[CaseStore, uuid.UUID, Signer]:
    """A store with two cases (the first one edited by the tests) under a signed checkpoint
    that verifies."""
    case_id = open_case(store)
    open_case(store)
    key = Signer.generate("test.invalid/da-casework-log")
    TransparencyLog(store.recorder).make_checkpoint(key)  # type: ignore[arg-type]
    assert checked(store, key).ok
    assert store.get_case(case_id).version >= 3
    return store, case_id, key


def test_a_changed_event_is_named(signed: tuple[CaseStore, uuid.UUID, Signer]) -> None:
    store, case_id, key = signed
    rewrite_event(store, case_id, 1, lambda state: state.update(reason="Changed later."))
    # Re-encrypted validly: the application reads the changed entry as if it were true.
    assert store.events_of(case_id)[0].data["reason"] == "Changed later."
    found = checked(store, key)
    assert not found.ok
    assert any(p.startswith(names(store, case_id, 1)) and "does not match its event" in p
               for p in found.problems), found.problems


def test_a_deleted_event_is_named(signed: tuple[CaseStore, uuid.UUID, Signer]) -> None:
    store, case_id, key = signed
    leaf = names(store, case_id, 2)

    def delete(session: Any, table: sa.Table, case_id: uuid.UUID) -> None:
        session.execute(table.delete().where((table.c.originator_id == case_id)
                                             & (table.c.originator_version == 2)))

    tamper(store, delete, case_id)
    found = checked(store, key)
    assert any(p.startswith(leaf) and "not in the store" in p for p in found.problems), \
        found.problems


def test_two_reordered_events_are_both_named(signed: tuple[CaseStore, uuid.UUID, Signer],
                                             ) -> None:
    store, case_id, key = signed

    def swap(session: Any, table: sa.Table, case_id: uuid.UUID) -> None:
        def row(version: int) -> Any:
            return session.execute(sa.select(table.c.topic, table.c.state).where(
                (table.c.originator_id == case_id)
                & (table.c.originator_version == version))).one()
        second, third = row(2), row(3)
        for version, put in ((2, third), (3, second)):
            session.execute(table.update().where(
                (table.c.originator_id == case_id) & (table.c.originator_version == version)
            ).values(topic=put.topic, state=put.state))

    tamper(store, swap, case_id)
    found = checked(store, key)
    for version in (2, 3):
        assert any(p.startswith(names(store, case_id, version))
                   and "does not match its event" in p for p in found.problems), found.problems
    assert found.problem_count == 3  # the two events, and the root they change


def test_an_inserted_event_is_named(signed: tuple[CaseStore, uuid.UUID, Signer]) -> None:
    store, case_id, key = signed

    def insert(session: Any, table: sa.Table, case_id: uuid.UUID) -> None:
        first = session.execute(sa.select(table.c.topic, table.c.state).where(
            (table.c.originator_id == case_id) & (table.c.originator_version == 1))).one()
        session.execute(table.insert().values(originator_id=case_id, originator_version=99,
                                              topic=first.topic, state=first.state))

    tamper(store, insert, case_id)
    found = checked(store, key)
    assert any(f"(stream {case_id} version 99) is in no leaf" in p
               for p in found.problems), found.problems

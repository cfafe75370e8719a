"""Signed checkpoints, proofs and verification of the transparency log (application/
transparency.py, application/log_verifier.py), on SQLite and PostgreSQL.

The insider of the issue has the database and the cipher key, not the log key (kept outside
the database): they can change an event and re-encrypt it validly, and rewrite the log's own
tables to match. An auditor holding an earlier signed checkpoint catches them.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from activities.case_store import CaseStore
from aggregates.access_log import access_log_id
from application.log_verifier import verify_store
from application.transparency import CheckpointSchedule, LogError, TransparencyLog
from tests.insider import guards_lifted
from tests.integration.test_transparency_log import open_case, read
from transparency.checkpoint import open_checkpoint, verify_extends, verify_included
from transparency.leaves import stored_event_leaf_hash
from transparency.merkle import ConsistencyProofError
from transparency.note import Signer, Verifier

ORIGIN = "test.invalid/da-casework-log"


@pytest.fixture
def log_key() -> Signer:
    return Signer.generate(ORIGIN)


def the_log(store: CaseStore) -> TransparencyLog:
    return TransparencyLog(store.recorder)  # type: ignore[arg-type]


def opened(note: bytes, key: Signer) -> Any:
    return open_checkpoint(note, log_key=Verifier.from_vkey(key.verifier.vkey())).checkpoint


def rewrite_event(store: CaseStore, stream_id: uuid.UUID, version: int,
                  change: Callable[[dict[str, Any]], None]) -> None:
    """What the insider does: decrypt a stored event with the cipher key, change it, encrypt
    it again (validly: the application reads the changed event) and write it in place."""
    mapper = store.mapper
    [stored] = store.recorder.select_events(stream_id, gt=version - 1, lte=version)
    assert mapper.cipher is not None and mapper.compressor is not None
    state = mapper.transcoder.decode(mapper.compressor.decompress(
        mapper.cipher.decrypt(stored.state)))
    change(state)
    sealed = mapper.cipher.encrypt(mapper.compressor.compress(mapper.transcoder.encode(state)))
    table = store.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    with (store.recorder.transaction(commit=True) as session,  # type: ignore[attr-defined]
          guards_lifted(session, store.env.get("SQLALCHEMY_SCHEMA"))):
        session.execute(table.update().where(
            (table.c.originator_id == stream_id) & (table.c.originator_version == version)
        ).values(state=sealed))


def rebuild_log_tables(store: CaseStore, *, checkpoints_too: bool = False) -> None:
    """The insider rewrites the leaf and node tables to match the changed events."""
    tables = the_log(store).tables
    with (store.recorder.transaction(commit=True) as session,  # type: ignore[attr-defined]
          guards_lifted(session, tables.leaves.schema)):
        session.execute(tables.leaves.delete())
        session.execute(tables.nodes.delete())
        if checkpoints_too:
            session.execute(tables.checkpoints.delete())
    store.recorder.backfill_log()  # type: ignore[attr-defined]


def verification(store: CaseStore, checkpoint: Any) -> Any:
    tables = the_log(store).tables
    with store.recorder.transaction(commit=False) as session:  # type: ignore[attr-defined]
        return verify_store(session, tables, checkpoint)


def test_checkpoints_are_signed_kept_and_extend_each_other(store: CaseStore,
                                                           log_key: Signer) -> None:
    log = the_log(store)
    assert log.latest_checkpoint() is None
    assert log.make_checkpoint(log_key, now=500).size == 0  # an empty log has a checkpoint
    first_case = open_case(store)
    first = log.make_checkpoint(log_key, now=1_000)
    assert first.size == log.size() > 0
    older = opened(first.note, log_key)
    assert (older.origin, older.size, older.root_hash) == (ORIGIN, first.size, first.root_hash)
    # Nothing new: no new checkpoint, the last is given back.
    assert log.make_checkpoint(log_key, now=2_000) == first
    read(store, first_case)
    open_case(store)
    second = log.make_checkpoint(log_key, now=3_000)
    assert second.size > first.size
    assert [c.size for c in log.checkpoints()] == [0, first.size, second.size]
    assert log.checkpoint_of_size(first.size) == first  # never overwritten
    newer = opened(second.note, log_key)
    verify_extends(older, newer, log.consistency(first.size, second.size))
    with pytest.raises(LogError) as refused:
        log.consistency(first.size, second.size + 1)
    assert refused.value.rule == "checkpoint_exists"


def test_an_event_and_an_access_entry_are_proved_in_a_checkpoint(store: CaseStore,
                                                                 log_key: Signer) -> None:
    log = the_log(store)
    case_id = open_case(store)
    read(store, case_id)
    checkpoint = opened(log.make_checkpoint(log_key).note, log_key)
    for stream, version in ((case_id, 1), (case_id, 2), (access_log_id(case_id), 2)):
        proof = log.inclusion(stream, version, checkpoint.size)
        # The auditor's leaf hash comes from the stored row, not from the proof's giver.
        [row] = store.recorder.select_events(stream, gt=version - 1, lte=version)
        assert proof.leaf_hash == stored_event_leaf_hash(row)
        verify_included(checkpoint, leaf_hash=proof.leaf_hash, index=proof.leaf_index,
                        proof=proof.proof)
    later = open_case(store)
    with pytest.raises(LogError) as refused:
        log.inclusion(later, 1, checkpoint.size)
    assert refused.value.rule == "event_in_checkpoint"
    with pytest.raises(LogError) as refused:
        log.inclusion(uuid.uuid4(), 1, checkpoint.size)
    assert refused.value.rule == "event_is_logged"


def test_an_untouched_store_verifies_against_its_checkpoint(store: CaseStore,
                                                            log_key: Signer) -> None:
    case_id = open_case(store)
    read(store, case_id)
    checkpoint = opened(the_log(store).make_checkpoint(log_key).note, log_key)
    open_case(store)  # events after the checkpoint are checked against their leaves only
    found = verification(store, checkpoint)
    assert found.ok, found.problems
    assert found.leaves == the_log(store).size() > checkpoint.size


def test_an_insider_edit_rewritten_into_the_log_tables_is_caught(store: CaseStore,
                                                                 log_key: Signer) -> None:
    log = the_log(store)
    case_id = open_case(store)
    read(store, case_id)
    auditors_copy = opened(log.make_checkpoint(log_key).note, log_key)

    def soften(state: dict[str, Any]) -> None:
        state["reason"] = "Nothing reported."

    rewrite_event(store, case_id, 1, soften)
    assert store.events_of(case_id)[0].data["reason"] == "Nothing reported."  # reads fine
    found = verification(store, auditors_copy)
    assert not found.ok
    assert any("stored hash does not match" in p for p in found.problems)

    # The leaf and node tables rewritten to match: the recomputed root still differs.
    rebuild_log_tables(store)
    found = verification(store, auditors_copy)
    assert [p for p in found.problems if "root recomputed" in p], found.problems
    # The log will not sign a tree that does not extend its last checkpoint.
    with pytest.raises(LogError) as refused:
        log.make_checkpoint(log_key)
    assert refused.value.rule == "log_extends_checkpoint"

    # Even with the kept checkpoints deleted and a new one signed over the rewritten tree,
    # the auditor's earlier copy does not extend to it.
    open_case(store)
    rebuild_log_tables(store, checkpoints_too=True)
    newer = opened(log.make_checkpoint(log_key).note, log_key)
    with pytest.raises(ConsistencyProofError):
        verify_extends(auditors_copy, newer, log.consistency(auditors_copy.size, newer.size))


def test_a_removed_event_is_caught(store: CaseStore, log_key: Signer) -> None:
    log = the_log(store)
    case_id = open_case(store)
    checkpoint = opened(log.make_checkpoint(log_key).note, log_key)
    table = store.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    with (store.recorder.transaction(commit=True) as session,  # type: ignore[attr-defined]
          guards_lifted(session, store.env.get("SQLALCHEMY_SCHEMA"))):
        session.execute(table.delete().where(
            (table.c.originator_id == case_id) & (table.c.originator_version == 2)))
    found = verification(store, checkpoint)
    assert any("not in the store" in p for p in found.problems), found.problems
    assert any("root recomputed" in p for p in found.problems)


def test_an_event_without_a_leaf_is_reported(store: CaseStore, log_key: Signer) -> None:
    open_case(store)
    checkpoint = opened(the_log(store).make_checkpoint(log_key).note, log_key)
    tables = the_log(store).tables
    with (store.recorder.transaction(commit=True) as session,  # type: ignore[attr-defined]
          guards_lifted(session, tables.leaves.schema)):
        top = session.execute(sa.select(sa.func.max(tables.leaves.c.leaf_index))).scalar()
        session.execute(tables.leaves.delete().where(tables.leaves.c.leaf_index == top))
    found = verification(store, checkpoint)
    assert any("is in no leaf" in p for p in found.problems), found.problems


async def test_the_worker_schedule_signs_new_trees_and_alerts_on_a_rewritten_one(
        store: CaseStore, log_key: Signer, caplog: pytest.LogCaptureFixture) -> None:
    schedule = CheckpointSchedule(the_log(store), log_key)
    case_id = open_case(store)
    running = asyncio.create_task(schedule.run_forever(0.02))
    try:
        for _ in range(200):
            await asyncio.sleep(0.02)
            latest = the_log(store).latest_checkpoint()
            if latest is not None and latest.size == the_log(store).size():
                break
        assert latest is not None and latest.size == the_log(store).size()
        rewrite_event(store, case_id, 1, lambda state: state.update(reason="Changed."))
        rebuild_log_tables(store)
        open_case(store)
        for _ in range(200):
            await asyncio.sleep(0.02)
            if any("log_extends_checkpoint" in r.getMessage() for r in caplog.records):
                break
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    alerts = [r for r in caplog.records if "log_extends_checkpoint" in r.getMessage()]
    assert alerts and alerts[0].levelname == "ERROR"
    assert the_log(store).latest_checkpoint() == latest  # nothing signed over the rewrite


def test_leaves_pointed_at_a_copy_of_the_untouched_rows_are_caught(store: CaseStore,
                                                                   log_key: Signer) -> None:
    """The insider keeps a copy of the events as they were, points the leaves at it, and
    edits the real table: the verifier reads the tables it knows, not those leaves name."""
    case_id = open_case(store)
    checkpoint = opened(the_log(store).make_checkpoint(log_key).note, log_key)
    tables = the_log(store).tables
    with (store.recorder.transaction(commit=True) as session,  # type: ignore[attr-defined]
          guards_lifted(session, tables.leaves.schema)):
        prep = session.get_bind().dialect.identifier_preparer
        schema = f"{prep.quote(tables.leaves.schema)}." if tables.leaves.schema else ""
        session.execute(sa.text(f"CREATE TABLE {schema}events_as_they_were AS "
                                f"SELECT * FROM {schema}casestore_events"))
        session.execute(tables.leaves.update().values(events_table="events_as_they_were"))
    rewrite_event(store, case_id, 1, lambda state: state.update(reason="Changed."))
    found = verification(store, checkpoint)
    assert any("which is no logged store" in p for p in found.problems), found.problems
    assert any("of casestore_events (stream" in p and "is in no leaf" in p
               for p in found.problems), found.problems

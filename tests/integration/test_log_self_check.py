"""The worker's scheduled self-check (application/log_self_check.py), on SQLite and
PostgreSQL: an untouched store passes quietly; a tampered one is an ERROR naming the event,
with no personal data, and an alert the information-governance lead can list, opened once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import pytest
import sqlalchemy as sa

from activities.case_store import CaseStore
from activities.transparency_store import SessionTree, log_size
from application.log_self_check import LogSelfCheck
from application.transparency import TransparencyLog
from casework.log_admin import verify_log
from tests.integration.test_transparency_checkpoints import rebuild_log_tables, rewrite_event
from tests.integration.test_transparency_log import open_case
from tests.support import PERSONAL_STRINGS
from transparency.checkpoint import Checkpoint, sign_checkpoint
from transparency.log_tree import root_hash
from transparency.note import Signer

ORIGIN = "test.invalid/da-casework-log"


def self_check(store: CaseStore, key: Signer) -> LogSelfCheck:
    the_log = TransparencyLog(store.recorder)  # type: ignore[arg-type]
    return LogSelfCheck(the_log, key.verifier, the_log.alerts())


def signed_store(store: CaseStore) -> tuple[uuid.UUID, Signer]:
    case_id = open_case(store)
    key = Signer.generate(ORIGIN)
    TransparencyLog(store.recorder).make_checkpoint(key)  # type: ignore[arg-type]
    return case_id, key


def test_an_untouched_store_passes_without_an_alert(store: CaseStore,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    check = self_check(store, Signer.generate(ORIGIN))
    assert check.check_once().checkpoint_size == 0  # nothing signed yet: nothing to check
    _, key = signed_store(store)
    check = self_check(store, key)
    result = check.check_once()
    assert result.ok and result.checkpoint_size > 0
    assert check.alerts.alerts() == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_tampered_store_is_an_error_and_one_alert_naming_the_event(
        store: CaseStore, caplog: pytest.LogCaptureFixture) -> None:
    case_id, key = signed_store(store)
    rewrite_event(store, case_id, 1, lambda state: state.update(reason="Changed later."))
    check = self_check(store, key)
    first = check.check_once(now=1_000)
    assert not first.ok and first.alerted
    again = check.check_once(now=2_000)
    assert not again.ok and not again.alerted  # the same finding: no second alert
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2  # but the log line every time
    assert f"stream {case_id} version 1" in errors[0]
    [alert] = check.alerts.alerts()
    assert alert.raised_at == 1_000 and alert.problem_count == first.problem_count
    assert f"stream {case_id} version 1" in alert.summary
    for text in (*errors, alert.summary):
        assert "Changed later." not in text
        assert not [s for s in PERSONAL_STRINGS if s in text]


def test_an_insider_who_rebuilds_the_log_and_signs_again_is_caught_by_the_kept_checkpoint(
        store: CaseStore) -> None:
    """Issue 15: the insider with the database and the log key changes an event, rebuilds
    the leaves and nodes to match and signs a new checkpoint over them. The new checkpoint
    matches; the one kept from before does not, and both the self-check and `verify-log`
    say so (the event itself cannot be named: its old leaf hash was rewritten too)."""
    case_id, key = signed_store(store)
    the_log = TransparencyLog(store.recorder)  # type: ignore[arg-type]
    kept = the_log.latest_checkpoint()
    assert kept is not None
    open_case(store)  # the log grows, so the insider's checkpoint is a new size
    rewrite_event(store, case_id, 1, lambda state: state.update(reason="Changed later."))
    rebuild_log_tables(store)
    # The application refuses to sign a log that no longer extends the last checkpoint, so
    # the insider signs by hand with the key and keeps the note beside the others.
    t = the_log.tables
    with store.recorder.transaction(commit=True) as session:  # type: ignore[attr-defined]
        size = log_size(session, t)
        root = root_hash(SessionTree(session, t), size)
        note = sign_checkpoint(Checkpoint(key.name, size, root), key)
        session.execute(sa.insert(t.checkpoints).values(
            tree_size=size, root_hash=root, made_at=2_000, note=note.decode()))
    assert size > kept.size
    result = self_check(store, key).check_once(now=1_000)
    assert not result.ok and result.alerted
    [alert] = self_check(store, key).alerts.alerts()
    assert (f"the root recomputed from the first {kept.size} events differs from the earlier "
            f"signed checkpoint of {kept.size} leaves") in alert.summary
    # The same from the command line's check, reading the store alone.
    vkey = key.verifier.vkey()
    found = verify_log(store.env["SQLALCHEMY_URL"], vkey, None,
                       schema=store.env.get("SQLALCHEMY_SCHEMA"))
    assert not found.ok and found.summary() == "1 problem"
    assert f"earlier signed checkpoint of {kept.size} leaves" in found.problems[0]


def test_a_forged_checkpoint_is_an_alert(store: CaseStore) -> None:
    signed_store(store)
    check = self_check(store, Signer.generate(ORIGIN))  # not the key that signed it
    result = check.check_once()
    assert not result.ok and result.alerted
    assert "is refused" in check.alerts.alerts()[0].summary


def test_alerts_stay_on_record(store: CaseStore) -> None:
    case_id, key = signed_store(store)
    rewrite_event(store, case_id, 1, lambda state: state.update(reason="Changed later."))
    check = self_check(store, key)
    check.check_once()
    schema = store.env.get("SQLALCHEMY_SCHEMA")
    table = f'"{schema}".transparency_alerts' if schema else "transparency_alerts"
    engine = sa.create_engine(store.env["SQLALCHEMY_URL"])
    try:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(f"DELETE FROM {table}"))
    finally:
        engine.dispose()
    assert len(check.alerts.alerts()) == 1


async def test_the_schedule_finds_a_tampering_made_while_it_runs(
        store: CaseStore, caplog: pytest.LogCaptureFixture) -> None:
    case_id, key = signed_store(store)
    check = self_check(store, key)
    running = asyncio.create_task(check.run_forever(0.02))
    try:
        await asyncio.sleep(0.1)
        assert check.alerts.alerts() == []
        rewrite_event(store, case_id, 1, lambda state: state.update(reason="Changed later."))
        for _ in range(200):
            await asyncio.sleep(0.02)
            if check.alerts.alerts():
                break
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    assert check.alerts.alerts()
    assert any("self-check FAILED" in r.getMessage() for r in caplog.records
               if r.levelno == logging.ERROR)

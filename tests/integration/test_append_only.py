"""The storage refuses to edit the record (activities/append_only.py), on SQLite and
PostgreSQL: UPDATE and DELETE on the events tables and the transparency log's tables are
aborted by the database, whoever sends them, and the application goes on working."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from activities.case_store import CaseStore
from activities.staff_directory import StaffDirectory
from aggregates.report import Actor, Council, Role
from application.transparency import TransparencyLog
from tests.fixtures.stored_versions import HERE, open_store
from tests.integration.test_transparency_log import ADMIN, check_log, open_case, read
from transparency.note import Signer

GUARDED = ("casestore_events", "staffdirectory_events", "transparency_leaves",
           "transparency_nodes", "transparency_checkpoints")
EDITS = ("UPDATE {t} SET {c} = {c}", "DELETE FROM {t}")
FIRST_COLUMN = {"casestore_events": "topic", "staffdirectory_events": "topic",
                "transparency_leaves": "version", "transparency_nodes": "hash",
                "transparency_checkpoints": "note"}


def a_store_with_everything(store: CaseStore) -> None:
    StaffDirectory(store.env).register(
        staff_id="cw-1", display_name="Case Worker", role=Role.CASEWORKER,
        teams=["Tenancy Support Team"], council=Council.DOVER, manager_id=None,
        actor=ADMIN, reason="New starter.")
    case_id = open_case(store)
    read(store, case_id)
    TransparencyLog(store.recorder).make_checkpoint(  # type: ignore[arg-type]
        Signer.generate("test.invalid/da-casework-log"))


def counts(engine: sa.Engine, schema: str | None) -> dict[str, int]:
    prefix = f'"{schema}".' if schema else ""
    with engine.connect() as conn:
        return {t: int(conn.execute(sa.text(f"SELECT count(*) FROM {prefix}{t}")).scalar())
                for t in GUARDED}


@pytest.mark.parametrize("edit", EDITS)
def test_the_database_refuses_to_edit_or_delete_stored_records(store: CaseStore,
                                                               edit: str) -> None:
    a_store_with_everything(store)
    schema = store.env.get("SQLALCHEMY_SCHEMA")
    engine = sa.create_engine(store.env["SQLALCHEMY_URL"])
    try:
        before = counts(engine, schema)
        assert all(before.values()), before  # every guarded table has rows to refuse
        prefix = f'"{schema}".' if schema else ""
        for table in GUARDED:
            statement = edit.format(t=prefix + table, c=FIRST_COLUMN[table])
            with pytest.raises(sa.exc.DBAPIError) as refused, engine.begin() as conn:
                conn.execute(sa.text(statement))
            assert "append-only" in str(refused.value), statement
        assert counts(engine, schema) == before
    finally:
        engine.dispose()


def test_sqlite_refuses_a_replace_over_a_stored_row(sqlite_store: CaseStore) -> None:
    """INSERT OR REPLACE deletes the stored row without firing DELETE triggers (unless
    recursive_triggers is on, which a SQL prompt need not set): the insert is refused."""
    a_store_with_everything(sqlite_store)
    engine = sa.create_engine(sqlite_store.env["SQLALCHEMY_URL"])
    try:
        before = counts(engine, None)
        with engine.connect() as conn:
            first = {t: conn.execute(sa.text(f"SELECT * FROM {t} LIMIT 1")).mappings().one()
                     for t in GUARDED}
        for table in GUARDED:
            row = dict(first[table])
            columns = ", ".join(row)
            values = ", ".join(f":{c}" for c in row)
            for verb in ("INSERT OR REPLACE", "REPLACE"):
                with pytest.raises(sa.exc.DBAPIError, match="append-only"), \
                        engine.begin() as conn:
                    conn.execute(sa.text(f"{verb} INTO {table} ({columns}) VALUES ({values})"),
                                 row)
        assert counts(engine, None) == before
        check_log(sqlite_store)
    finally:
        engine.dispose()


def test_postgresql_refuses_truncate(postgres_store: CaseStore) -> None:
    a_store_with_everything(postgres_store)
    schema = postgres_store.env["SQLALCHEMY_SCHEMA"]
    engine = sa.create_engine(postgres_store.env["SQLALCHEMY_URL"])
    try:
        for table in GUARDED:
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as c:
                c.execute(sa.text(f'TRUNCATE "{schema}".{table} CASCADE'))
    finally:
        engine.dispose()


def test_the_application_works_on_a_guarded_store(store: CaseStore) -> None:
    """Cases are opened and changed (events appended, snapshots taken past 50 events), the
    log grows and checkpoints are kept, all with the triggers in place."""
    a_store_with_everything(store)
    case_id = open_case(store)
    case = store.get_case(case_id)
    for n in range(55):
        store.apply_command(case_id=case_id, name="record_contact", args={
            "party": "victim", "purpose": "repairs_and_tenancy_management",
            "channel": "telephone", "note": f"Call {n}."}, actor=Actor(
                staff_id="cw-1", role=Role.CASEWORKER), command_id=f"c{n}",
            at=datetime.now(UTC))
    assert store.get_case(case_id).version == case.version + 55
    check_log(store)
    log = TransparencyLog(store.recorder)  # type: ignore[arg-type]
    assert log.make_checkpoint(Signer.generate("test.invalid/da-casework-log")).size == \
        log.size()


def test_a_store_made_before_the_guards_gets_them_on_first_start(tmp_path: Path) -> None:
    committed = HERE / "case_store_v1"
    shutil.copy(committed / "events.sqlite3", tmp_path / "events.sqlite3")
    store = open_store(committed, tmp_path / "events.sqlite3")
    engine = sa.create_engine(store.env["SQLALCHEMY_URL"])
    try:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM casestore_events"))
    finally:
        engine.dispose()
    # A second start on a guarded store creates nothing and still works.
    again = open_store(committed, tmp_path / "events.sqlite3")
    open_case(again)
    check_log(again)

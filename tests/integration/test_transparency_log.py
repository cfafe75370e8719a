"""Every stored event is a leaf of one append-only Merkle tree, written in the event's own
transaction (activities/event_records.py, activities/transparency_store.py), on SQLite and
PostgreSQL: case events, access-log entries, partners' receipts and sharing decisions (all
case events), and the staff directory's events, in one sequence however many write at once.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from activities.case_store import CaseStore, DuplicateRequest, store_env
from activities.staff_directory import StaffDirectory
from activities.transparency_store import SessionTree, log_tables
from aggregates.access_log import access_log_id
from aggregates.report import Actor, Council, Role
from aggregates.staff import staff_member_id
from application.log_verifier import events_table
from tests.fixtures.stored_versions import HERE, open_store
from tests.support import make_report
from transparency.leaves import event_leaf_hash
from transparency.log_tree import LeafHashTree, root_hash
from transparency.streaming_root import StreamingRoot

ADMIN = Actor(staff_id="adm-1", role=Role.ADMINISTRATOR)
EVENT_TABLES = ("casestore_events", "staffdirectory_events")


def open_case(store: CaseStore) -> uuid.UUID:
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                    reason="Report received by telephone.", request_fingerprint=str(case_id))
    store.triage(case_id)
    return case_id


def read(store: CaseStore, case_id: uuid.UUID) -> None:
    store.record_access(case_id=case_id, staff_id="aud-1", role="auditor",
                        action="read_summary", outcome="allowed", rule="auditor_reads_council",
                        reason="", at=datetime.now(UTC))


def check_log(store: CaseStore) -> int:
    """The log of the store's database is whole: leaves 0..n-1, exactly one per stored event
    of every events table, each leaf the hash of its event's row, and every stored subtree
    hash (and the root) the one recomputed from the events. Returns n."""
    schema = store.env.get("SQLALCHEMY_SCHEMA")
    tables = log_tables(schema)
    engine = sa.create_engine(store.env["SQLALCHEMY_URL"])
    try:
        with sa.orm.Session(engine) as session:
            leaves = session.execute(sa.select(tables.leaves)
                                     .order_by(tables.leaves.c.leaf_index)).all()
            assert [row.leaf_index for row in leaves] == list(range(len(leaves)))
            recomputed: list[bytes] = []
            by_event = {}
            inspector = sa.inspect(engine)
            for name in EVENT_TABLES:
                if not inspector.has_table(name, schema=schema):
                    continue
                events = events_table(tables, name)
                rows = {r.id: r for r in session.execute(sa.select(events)).all()}
                by_event[name] = rows
                mine = [leaf.notification_id for leaf in leaves if leaf.events_table == name]
                # One leaf per event; one table's leaves in its notification order.
                assert mine == sorted(rows)
            stored_events = sum(len(rows) for rows in by_event.values())
            for leaf in leaves:
                row = by_event[leaf.events_table][leaf.notification_id]
                recomputed.append(event_leaf_hash(
                    stream_id=str(row.originator_id), version=row.originator_version,
                    topic=row.topic, state=bytes(row.state)))
                assert bytes(leaf.leaf_hash) == recomputed[-1]
            assert len(leaves) == stored_events
            streaming = StreamingRoot()
            for leaf_hash in recomputed:
                streaming.append(leaf_hash)
            stored = SessionTree(session, tables)
            assert root_hash(stored, len(leaves)) == streaming.root()
            reference = LeafHashTree(recomputed.__getitem__)
            for node in session.execute(sa.select(tables.nodes)).all():
                assert bytes(node.hash) == reference.full_subtree_hash(node.level,
                                                                       node.node_index)
            return len(leaves)
    finally:
        engine.dispose()


def logged_streams(store: CaseStore) -> dict[str, int]:
    """Stream id → how many of its events are leaves."""
    tables = log_tables(store.env.get("SQLALCHEMY_SCHEMA"))
    with store.recorder.transaction(commit=False) as session:  # type: ignore[attr-defined]
        t = tables.leaves
        rows = session.execute(sa.select(t.c.stream_id, sa.func.count())
                               .group_by(t.c.stream_id)).all()
    return {row[0]: int(row[1]) for row in rows}


def snapshot_count(store: CaseStore) -> int:
    assert store.snapshots is not None
    recorder = store.snapshots.recorder
    with recorder.transaction(commit=False) as session:  # type: ignore[attr-defined]
        table = recorder.events_record_cls.__table__  # type: ignore[attr-defined]
        return int(session.execute(sa.select(sa.func.count()).select_from(table)).scalar())


def test_every_case_event_access_entry_and_staff_event_is_one_leaf(store: CaseStore) -> None:
    directory = StaffDirectory(store.env)
    directory.register(staff_id="cw-1", display_name="Case Worker", role=Role.CASEWORKER,
                       teams=["Tenancy Support Team"], council=Council.DOVER, manager_id=None,
                       actor=ADMIN, reason="New starter.")
    case_id = open_case(store)
    for _ in range(3):
        read(store, case_id)
    case = store.get_case(case_id)
    for n in range(55):  # past a snapshot: snapshots are derived, not leaves
        store.apply_command(case_id=case_id, name="record_contact", args={
            "party": "victim", "purpose": "repairs_and_tenancy_management",
            "channel": "telephone", "note": f"Call {n}."}, actor=Actor(
                staff_id="cw-1", role=Role.CASEWORKER), command_id=f"c{n}",
            at=case.modified_on)
    assert snapshot_count(store) >= 1
    check_log(store)  # one leaf per event of both stores' tables, snapshots none
    streams = logged_streams(store)
    assert streams[str(case_id)] == store.get_case(case_id).version
    # The access log's stream (its creation, then the three reads) and the staff member's.
    assert streams[str(access_log_id(case_id))] == len(
        store.recorder.select_events(access_log_id(case_id))) == 4
    assert streams[str(staff_member_id("cw-1"))] == len(
        directory.recorder.select_events(staff_member_id("cw-1"))) >= 1


def test_a_refused_event_leaves_no_leaf(store: CaseStore) -> None:
    case_id = open_case(store)
    before = check_log(store)
    with pytest.raises(DuplicateRequest):
        store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                        reason="The same report again.", request_fingerprint=str(case_id))
    assert check_log(store) == before


def test_concurrent_writers_of_two_stores_keep_one_consistent_tree(store: CaseStore) -> None:
    """Four writers with stores of their own (connections and locks of their own, as separate
    processes would have): three write cases and reads, one writes staff accounts."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def cases() -> None:
        own = CaseStore(store.env)
        start.wait()
        for _ in range(6):
            case_id = open_case(own)
            read(own, case_id)

    def staff() -> None:
        own = StaffDirectory(store.env)
        start.wait()
        for n in range(6):
            own.register(staff_id=f"cw-{uuid.uuid4().hex[:6]}-{n}", display_name="Someone",
                         role=Role.CASEWORKER, teams=["Tenancy Support Team"],
                         council=Council.DOVER, manager_id=None, actor=ADMIN, reason="Starter.")

    def guarded(work: object) -> None:
        try:
            work()  # type: ignore[operator]
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(w,)) for w in (cases, cases, cases,
                                                                      staff)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    # Each case: its events and an access log of two; each member of staff: at least one.
    assert check_log(store) >= 3 * 6 * (2 + 2) + 6


def test_a_store_written_before_the_log_is_logged_on_first_start(tmp_path: Path) -> None:
    """The committed version-1 store has events and no log: opening it logs them all, in
    notification order, and the next writes follow on."""
    committed = HERE / "case_store_v1"
    shutil.copy(committed / "events.sqlite3", tmp_path / "events.sqlite3")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    assert not sa.inspect(engine).has_table("transparency_leaves")
    with engine.connect() as conn:
        events = conn.execute(sa.text("SELECT count(*) FROM casestore_events")).scalar()
    engine.dispose()
    assert events
    store = open_store(committed, tmp_path / "events.sqlite3")
    assert check_log(store) == events
    case_id = open_case(store)
    added = store.get_case(case_id).version
    assert check_log(store) == events + added
    assert logged_streams(store)[str(case_id)] == added
    # A second start finds nothing left to log.
    again = open_store(committed, tmp_path / "events.sqlite3")
    assert again.recorder.backfill_log() == 0  # type: ignore[attr-defined]
    assert check_log(again) == events + added


def test_a_new_store_starts_an_empty_log(tmp_path: Path) -> None:
    store = CaseStore(store_env(f"sqlite:///{tmp_path / 'e.sqlite3'}", os.urandom(32)))
    assert check_log(store) == 0

"""Gaps in notification ids on PostgreSQL (activities/notification_poll.py): an id is taken
when a row is inserted and seen when it commits, so writers committing out of order could
make a reader pass over an id that appears later. The library serialises its writers with a
table lock so that cannot happen to them; our subscription also waits out writers that
bypass the lock. Issue 17 item 1: "never applies a notification twice or skips one (on
PostgreSQL too, with writers committing out of order)"."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy.recorders import SQLAlchemySubscription

from activities.case_store import CaseStore
from activities.projection_running import ProjectionWorker, catch_up
from aggregates.report import Actor
from tests.ledger_projection import Ledger, ledger_rows
from tests.support import make_report


def _opened(store: CaseStore) -> uuid.UUID:
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                    reason="test", request_fingerprint=str(case_id))
    return case_id


def _copy(event: StoredEvent) -> dict[str, Any]:
    """A row of a new case whose first event is `event` (state holds no id or version)."""
    return {"originator_id": uuid.uuid4(), "originator_version": 1, "topic": event.topic,
            "state": event.state}


def _ids(store: CaseStore) -> list[int]:
    return [n.id for n in store.recorder.select_notifications(start=1, limit=10**6)]


def _wait_for(url: str, schema: str, notification_id: int) -> None:
    deadline = time.monotonic() + 30
    while not any(row[0] == notification_id for row in ledger_rows(url, schema)):
        assert time.monotonic() < deadline, f"notification {notification_id} not applied"
        time.sleep(0.02)


def test_the_libraries_writers_take_ids_in_commit_order_so_a_second_waits_for_the_first(
        postgres_store: CaseStore) -> None:
    """The first writer takes its id and holds its transaction open; the second, saving a
    case through the store, waits on the events table's lock until the first commits, then
    takes a higher id. The projection applies both once, in order."""
    store = postgres_store
    template = store.recorder.select_events(_opened(store))[0]
    recorder: Any = store.recorder
    took, release, second_done = threading.Event(), threading.Event(), threading.Event()
    first_ids: list[int] = []

    def first() -> None:
        with recorder.transaction(commit=True) as session:
            row = _copy(template)
            first_ids.extend(recorder.insert_events(
                [StoredEvent(row["originator_id"], 1, row["topic"], row["state"])],
                session=session))
            took.set()
            release.wait(10)

    def second() -> None:
        _opened(store)
        second_done.set()

    writers = [threading.Thread(target=first)]
    writers[0].start()
    assert took.wait(10)
    writers.append(threading.Thread(target=second))
    writers[1].start()
    assert not second_done.wait(0.5), "the second writer did not wait for the first"
    release.set()
    for w in writers:
        w.join()
    assert _ids(store)[-1] > first_ids[0]  # the later commit has the later id
    catch_up(Ledger, CaseStore, store.env, timeout=60)
    assert [row[0] for row in ledger_rows(store.env["SQLALCHEMY_URL"],
                                          store.env["SQLALCHEMY_SCHEMA"])] == _ids(store)


def test_an_id_taken_first_and_committed_last_is_not_passed_over(
        postgres_store: CaseStore) -> None:
    """Two writers that bypass the library's lock (plain INSERTs, as a bulk load or a
    migration would): A takes id n and stays open; B takes n+1 and commits. The library's own
    PostgreSQL subscription reads n+1, moves past n and never returns it; the projection
    waits for A, then applies n and n+1 once, in order."""
    store = postgres_store
    url, schema = store.env["SQLALCHEMY_URL"], store.env["SQLALCHEMY_SCHEMA"]
    template = store.recorder.select_events(_opened(store))[0]
    table: sa.Table = store.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    before = _ids(store)[-1]
    engine = sa.create_engine(url)
    with ProjectionWorker(Ledger, CaseStore, store.env) as projecting:
        _wait_for(url, schema, before)
        writer_a = engine.connect()
        in_flight = writer_a.begin()
        try:
            id_a, id_b, later, seen_by_library = _race(store, engine, table, template,
                                                       writer_a, before)
        finally:
            if in_flight.is_active:  # a failure above must not leave A holding its lock
                in_flight.rollback()
            writer_a.close()
        _wait_for(url, schema, later[-1])
        assert projecting.restarts == 0  # one runner all along: its subscription waited
    engine.dispose()
    assert seen_by_library == [id_b, *later]  # id_a: passed over by the library's reader
    applied = [row[0] for row in ledger_rows(url, schema)]
    assert applied == _ids(store)
    assert applied[-2 - len(later):] == [id_a, id_b, *later]


def _race(store: CaseStore, engine: sa.Engine, table: sa.Table, template: StoredEvent,
          writer_a: sa.Connection, before: int) -> tuple[int, int, list[int], list[int]]:
    """A takes an id in `writer_a`'s open transaction, B takes the next and commits; the
    library's subscription and the projection read; A commits; a case is saved through the
    store. Returns A's id, B's, the ids saved after, and the ids the library's reader saw."""
    url, schema = store.env["SQLALCHEMY_URL"], store.env["SQLALCHEMY_SCHEMA"]
    id_a = writer_a.execute(sa.insert(table).values(_copy(template))
                            .returning(table.c.id)).scalar_one()
    with engine.begin() as writer_b:
        id_b = writer_b.execute(sa.insert(table).values(_copy(template))
                                .returning(table.c.id)).scalar_one()
    assert id_b == id_a + 1
    library = SQLAlchemySubscription(recorder=store.recorder,  # type: ignore[arg-type]
                                     gt=before)
    seen_by_library: list[int] = []
    reading = threading.Thread(target=lambda: seen_by_library.extend(n.id for n in library))
    with library:
        reading.start()
        time.sleep(0.5)  # both readers have read id_b by now; A is still open
        applied = [row[0] for row in ledger_rows(url, schema)]
        assert id_b not in applied, "the projection passed over an id in flight"
        writer_a.commit()
        _opened(store)  # a writer through the store: its NOTIFY wakes the library's reader
        later = [i for i in _ids(store) if i > id_b]
        time.sleep(0.5)
    reading.join()
    return id_a, id_b, later, seen_by_library

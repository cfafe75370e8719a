"""Every case event carries who (a typed `Actor`), which command, why and when, on one base
(`aggregates/case_events.py`); events stored by older versions (no `at`, a dict actor, no
command id) load with the same facts in the new shape."""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)

from activities import transcodings
from activities.recorded_events import recorded
from aggregates.case_events import CaseEvent
from aggregates.report import Actor, Role
from aggregates.tasks import TaskKind
from tests.unit.builders import CASEWORKER, finish_task, triaged_case


def mapper() -> Mapper:
    """The event store's mapper (its transcodings), without compression or a cipher."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), *transcodings.ALL):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)


def stored_as(event: CaseEvent, m: Mapper, change: dict[str, Any],
              drop: tuple[str, ...]) -> StoredEvent:
    """`event` as an older version stored it: `drop` fields missing, `change` fields
    replaced, and no class_version (version 1)."""
    stored = m.to_stored_event(event)
    state = m.transcoder.decode(stored.state)
    for name in (*drop, "class_version"):
        del state[name]
    state.update(change)
    return StoredEvent(originator_id=stored.originator_id,
                       originator_version=stored.originator_version, topic=stored.topic,
                       state=m.transcoder.encode(state))


def events_of_a_triaged_case() -> list[CaseEvent]:
    case = triaged_case()
    finish_task(case, TaskKind.CONTACT_VICTIM, "discussion_offered")
    return case.collect_events()


def test_every_case_event_is_a_case_event_with_a_typed_actor_command_reason_and_time() -> None:
    for event in events_of_a_triaged_case():
        assert isinstance(event, CaseEvent), type(event).__name__
        assert isinstance(event.actor, Actor), type(event).__name__
        assert event.command_id and event.reason.strip(), type(event).__name__
        assert event.at.tzinfo is not None, type(event).__name__


def test_an_event_stored_by_version_1_loads_with_a_typed_actor_and_at_its_timestamp() -> None:
    m = mapper()
    opened = next(e for e in events_of_a_triaged_case() if type(e).__name__ == "TaskOpened")
    old = m.to_domain_event(stored_as(opened, m, {"actor": CASEWORKER.to_dict()},
                                      drop=("at", "command_id")))
    assert isinstance(old, CaseEvent) and type(old) is type(opened)
    assert old.actor == CASEWORKER and isinstance(old.actor.role, Role)
    assert old.at == opened.timestamp
    assert old.command_id == ""  # no command was recorded: none can be repeated against it
    assert old.reason == opened.reason


def test_an_event_stored_by_version_1_without_a_reason_reads_an_empty_one() -> None:
    m = mapper()
    event = events_of_a_triaged_case()[0]
    old = m.to_domain_event(stored_as(event, m, {"actor": event.actor.to_dict()},
                                      drop=("at", "reason")))
    assert isinstance(old, CaseEvent)
    assert (old.reason, old.actor, old.command_id) == ("", event.actor, event.command_id)


def test_what_this_version_stores_reads_back_unchanged() -> None:
    m = mapper()
    for event in events_of_a_triaged_case():
        again = m.to_domain_event(m.to_stored_event(event))
        assert isinstance(again, CaseEvent) and type(again) is type(event)
        assert (again.actor, again.command_id, again.reason, again.at) == (
            event.actor, event.command_id, event.reason, event.at), type(event).__name__
        assert again.at != again.timestamp  # the command's time, not the storage time


def test_the_read_side_shows_the_actor_as_it_always_has_and_keeps_it_typed() -> None:
    event = events_of_a_triaged_case()[1]  # Assigned: an event of plain values
    shown = recorded(event)
    assert shown.data["actor"] == {"staff_id": "cw-001", "role": "caseworker"}
    assert shown.data["at"] == event.at.isoformat()
    assert json.loads(json.dumps(shown.data)) == shown.data  # what pages and the API send
    assert shown.actor == CASEWORKER and shown.at == event.at
    assert shown.recorded_at == event.timestamp
    assert "timestamp" not in shown.data and "originator_id" not in shown.data


def test_an_actor_is_stored_as_a_pair_and_one_stored_as_a_dict_still_reads_back() -> None:
    """Every event carries an actor: the pair keeps replay as fast as before events had one.
    Snapshots (since version 1) and events stored before hold {"staff_id", "role"}."""
    transcoder = mapper().transcoder
    assert json.loads(transcoder.encode(CASEWORKER)) == {
        "_type_": "da_actor", "_data_": ["cw-001", "caseworker"]}
    assert transcoder.decode(transcoder.encode(CASEWORKER)) == CASEWORKER
    old = b'{"_type_": "da_actor", "_data_": {"staff_id": "cw-001", "role": "caseworker"}}'
    assert transcoder.decode(old) == CASEWORKER

"""Every case event reads in plain language on the history page: one wording per event type
(web/event_wording.py `WORDING`), and a wording never quotes what the reader may not read."""

from __future__ import annotations

from typing import Any

import aggregates.case  # noqa: F401  (imports every slice, so every event class exists)
from aggregates.case_events import CaseEvent
from aggregates.data_categories import EVENTS, Category, readable_by, redact_event
from aggregates.report import Role
from web.event_wording import WORDING, what_happened
from web.presenters import timeline_line


def every_event_type() -> set[str]:
    """The names of every subclass of the case event base, however deep."""
    found: set[str] = set()
    pending = list(CaseEvent.__subclasses__())
    while pending:
        event_class = pending.pop()
        found.add(event_class.__name__)
        pending.extend(event_class.__subclasses__())
    return found


def test_every_case_event_type_has_a_plain_language_wording() -> None:
    missing = sorted(every_event_type() - set(WORDING))
    assert not missing, (
        "These case events have no plain-language wording on the history page: "
        f"{missing}. For each, add to web/event_wording.py a function `def "
        "<snake_name>(data: Mapping[str, Any]) -> str` saying what happened in a sentence "
        "(from the event's fields as redacted for the reader; no free text), and an entry "
        "'<EventName>': <snake_name> in WORDING.")


def test_the_wording_table_names_no_event_that_does_not_exist() -> None:
    assert set(WORDING) <= every_event_type()


def sample(event_type: str, value: Any) -> dict[str, Any]:
    """An event's data with every plain field of its spec (one category, not a shape) set to
    `value`."""
    data: dict[str, Any] = {name: value for name, spec in EVENTS.get(event_type, {}).items()
                            if isinstance(spec, Category)}
    data.update(actor={"staff_id": "cw-001", "role": "caseworker"}, reason="Because.",
                command_id="c-1", at="2026-11-23T10:00:00+00:00")
    return data


def test_each_wording_is_a_sentence_for_whatever_the_role_may_read() -> None:
    for event_type in WORDING:
        for role in (Role.CASEWORKER, Role.AUDITOR):
            data = redact_event(event_type, sample(event_type, "x_value"), role)
            line = what_happened(event_type, data)
            assert line.endswith(".") and line[0].isupper(), (event_type, line)
            assert "{" not in line and "[" not in line, (event_type, line)


def test_a_wording_never_quotes_a_value_withheld_from_the_reader() -> None:
    planted = "Ottoline Marchbanks-Vey"
    auditor_reads = readable_by(Role.AUDITOR)
    for event_type, fields in EVENTS.items():
        data = sample(event_type, "ref")
        data.update({name: planted for name, spec in fields.items()
                     if isinstance(spec, Category) and spec not in auditor_reads})
        line = timeline_line(event_type, redact_event(event_type, data, Role.AUDITOR))
        assert planted not in line, (event_type, line)


def test_the_history_says_who_did_what_in_words_not_codes() -> None:
    opened = what_happened("TaskOpened", {"task": {
        "task_id": "t2", "kind": "contact_victim", "title": "Contact the victim",
        "assignee": "housing_options_team", "due_at": "2026-11-25T17:00:00+00:00",
        "rule": "contact_victim_within_2_working_days", "section": "D 8.14"}})
    assert opened == ("Task opened: Contact the victim (t2), for housing options team, due "
                      "2026-11-25T17:00:00+00:00 under the rule contact victim within 2 "
                      "working days (D 8.14).")
    assert what_happened("SharingDecided", {
        "partner": "police", "purpose": "police_notification", "shared": False,
        "categories": ["victim_identity"], "lawful_basis": None}) == (
        "Decided not to share victim identity with Kent Police for police notification.")
    assert what_happened("RestrictionLifted", {}) == (
        "Restriction lifted: the case's team and officer may see it again.")

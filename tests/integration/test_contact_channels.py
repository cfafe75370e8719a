"""A contact recorded before its channel became a closed set (free text then) still loads from
a real SQLite store, and auditors are shown it as free text: withheld."""

from __future__ import annotations

from uuid import UUID

import pytest

from activities.case_store import CaseStore
from aggregates.data_categories import WITHHELD, redact_event
from aggregates.errors import RuleViolation
from aggregates.report import Role
from aggregates.safeguarding import ContactRecorded
from tests.support import make_report
from tests.unit.builders import CASEWORKER

LEGACY_CHANNEL = "CHANNELMARK 07700900999"


def test_a_free_text_channel_stored_by_the_previous_version_loads_and_is_withheld(
        sqlite_store: CaseStore) -> None:
    store = sqlite_store
    case_id = UUID(int=11)
    store.open_case(case_id=case_id, report=make_report(), actor=CASEWORKER,
                    reason="Report received by telephone.", request_fingerprint="fp")
    case = store.get_case(case_id)
    # What the previous version recorded for any text up to 64 characters.
    case.trigger_event(ContactRecorded, party="victim", purpose="about_abuse",
                       channel=LEGACY_CHANNEL, note="", command_id="old-1",
                       actor=CASEWORKER, reason="Contact with the victim.",
                       at=case.modified_on)
    store.save(case)

    reloaded = store.get_case(case_id)
    assert reloaded.has_applied("old-1")
    [stored] = [e for e in store.events_of(case_id) if e.type == "ContactRecorded"]
    assert stored.data["channel"] == LEGACY_CHANNEL
    assert redact_event(stored.type, stored.data, Role.AUDITOR)["channel"] == WITHHELD
    assert redact_event(stored.type, stored.data, Role.CASEWORKER)["channel"] == LEGACY_CHANNEL
    with pytest.raises(RuleViolation, match="contact_channel_is_known"):
        reloaded.record_contact(party="victim", purpose="about_abuse", channel=LEGACY_CHANNEL,
                                note="", actor=CASEWORKER, at=reloaded.modified_on,
                                command_id="new-1")

"""What each role may read of a case: one table, one redaction (need to know: "what")."""

from __future__ import annotations

import inspect
import json

import pytest
from eventsourcing.domain import Aggregate

from aggregates import (
    case_access,
    case_risk,
    case_work,
    corrections,
    enforcement,
    homelessness,
    repairs,
    safeguarding,
    safer,
    sanctuary,
    sharing_decisions,
    tenancy_options,
)
from aggregates.case import Case
from aggregates.data_categories import (
    COMMON,
    EVENTS,
    READABLE,
    WITHHELD,
    Category,
    redact_event,
    redact_view,
)
from aggregates.report import Role
from tests.unit.builders import open_case


def case_event_classes() -> dict[str, type]:
    nested = {name: cls for name, cls in vars(Case).items()
              if inspect.isclass(cls) and issubclass(cls, Aggregate.Event)}
    for module in (case_work, case_access, case_risk, safeguarding, sharing_decisions,
                   sanctuary, repairs, safer, corrections, homelessness, tenancy_options,
                   enforcement):
        nested.update({name: cls for name, cls in vars(module).items()
                       if inspect.isclass(cls) and issubclass(cls, Aggregate.Event)
                       and cls.__module__ == module.__name__})
    return nested


def declared_fields(cls: type) -> set[str]:
    own: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("aggregates."):
            own |= set(getattr(klass, "__annotations__", {}))
    return own


def test_every_field_of_every_case_event_has_a_category() -> None:
    """A new event or field must be given its category before an auditor can read it."""
    events = case_event_classes()
    assert "Opened" in events and "ContactRecorded" in events and "SharingDecided" in events
    unlisted = {name: sorted(declared_fields(cls) - set(COMMON) - set(EVENTS.get(name, {})))
                for name, cls in events.items()}
    assert {name: fields for name, fields in unlisted.items() if fields} == {}
    assert set(events) - {"Snapshot", "Created", "Event"} <= set(EVENTS)


def test_an_auditor_reads_rules_risk_and_reasons_not_where_the_victim_lives() -> None:
    """Finding 1: address, phone, email, children's and perpetrator's names and free text are
    withheld from auditors; who the victim is, the facts the rules used and why stay."""
    report = json.loads(json.dumps(open_case().report.to_dict()))  # as stored
    report["victim"]["email"] = "victim@example.org"
    report["perpetrator"] = {"name": "P. Erpetrator", "relationship": "ex-partner"}
    report["household"]["children"] = [{"age": 6, "name": "Kid Example"}]
    seen = redact_event("Opened", {"report": report, "reason": "Report taken by telephone.",
                                   "council": "dover"}, Role.AUDITOR)
    victim = seen["report"]["victim"]
    assert (victim["address"], victim["phone"], victim["email"]) == (WITHHELD,) * 3
    assert victim["name"] == report["victim"]["name"]
    assert seen["report"]["household"]["children"] == [{"age": 6, "name": WITHHELD}]
    assert seen["report"]["perpetrator"] == {"name": WITHHELD, "relationship": WITHHELD}
    assert seen["report"]["summary"] == WITHHELD
    assert seen["report"]["tenure"] == report["tenure"]
    assert (seen["reason"], seen["council"]) == ("Report taken by telephone.", "dover")
    assert redact_event("Opened", {"report": report}, Role.CASEWORKER) == {"report": report}


@pytest.mark.parametrize(("event", "free_text"), [
    ("ContactRecorded", "note"), ("IncidentReported", "summary"), ("TaskCompleted", "note"),
    ("MaracActionAgreed", "description"), ("ReferralAcknowledged", "signed_body"),
])
def test_free_text_is_withheld_from_auditors(event: str, free_text: str) -> None:
    data = {free_text: "Spoke to her at 4 Elm Road", "reason": "Recorded."}
    assert redact_event(event, data, Role.AUDITOR) == {free_text: WITHHELD,
                                                       "reason": "Recorded."}
    assert redact_event(event, data, Role.DSO) == data


def test_dash_comments_are_withheld_but_answers_and_judgement_reasons_are_read() -> None:
    dash = {"draft": None, "assessments": [], "risk_level": "high", "questions": [],
            "checklist_version": "v"}
    data = {"answers": {"1": ["yes", "He said he knows where she lives now"]},
            "judgement_reason": "Escalating threats", "level": "high"}
    seen = redact_event("DashCompleted", data, Role.AUDITOR)
    assert seen == {"answers": {"1": ["yes", WITHHELD]},
                    "judgement_reason": "Escalating threats", "level": "high"}
    assert redact_view("dash", dash, Role.AUDITOR) == dash


def test_a_contact_channel_outside_the_closed_set_is_free_text_to_auditors() -> None:
    """Auditors read how contact was made (a case fact), but a channel stored as free text
    before the set was closed ("CHANNELMARK 07700900999") can carry a phone number."""
    stored = {"party": "victim", "purpose": "about_abuse", "note": "x"}
    for channel in ("telephone", "text_message"):
        seen = redact_event("ContactRecorded", {**stored, "channel": channel}, Role.AUDITOR)
        assert (seen["party"], seen["purpose"], seen["channel"]) == (
            "victim", "about_abuse", channel)
    legacy = {**stored, "channel": "CHANNELMARK 07700900999"}
    assert redact_event("ContactRecorded", legacy, Role.AUDITOR)["channel"] == WITHHELD
    assert redact_event("ContactRecorded", legacy, Role.CASEWORKER) == legacy


def test_an_assigned_team_the_policy_does_not_route_to_is_free_text_to_auditors() -> None:
    """D 8.28, DBC 5.1 / Appendix A: the teams a policy routes to are case facts; any other
    team name typed on assignment could hold anything."""
    routed = {"team": "Tenancy Support Team", "officer_id": "cw-1"}
    typed = {"team": "Ring Ottoline on 07700 900987", "officer_id": "cw-1"}
    assert redact_event("Assigned", routed, Role.AUDITOR) == routed
    assert redact_event("Assigned", typed, Role.AUDITOR) == {"team": WITHHELD,
                                                            "officer_id": "cw-1"}
    assert redact_event("Assigned", {**routed, "team": "Housing Scheme and Finance Team"},
                        Role.AUDITOR)["team"] == "Housing Scheme and Finance Team"
    assert redact_event("Assigned", typed, Role.LINE_MANAGER) == typed


def test_a_field_nobody_classified_is_withheld_from_auditors() -> None:
    assert redact_event("ContactRecorded", {"new_field": "x"}, Role.AUDITOR) == {
        "new_field": WITHHELD}
    assert redact_event("SomethingNew", {"reason": "why", "x": 1}, Role.AUDITOR) == {
        "reason": "why", "x": WITHHELD}


def test_administrators_read_nothing_and_case_staff_read_everything() -> None:
    """Everything but where a victim moves on a reciprocal transfer, which only the staff
    named on it read (D 8.22; tests/unit/test_transfer_destination.py)."""
    assert READABLE[Role.ADMINISTRATOR] == frozenset()
    for role in (Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER):
        assert READABLE[role] == frozenset(Category) - {Category.TRANSFER_DESTINATION}

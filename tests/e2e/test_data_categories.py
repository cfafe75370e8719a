"""What each role reads of a case, over JSON and pages: data category × role × route.

A case is given one unmistakable value in each category a person could be found by; each
route is asked as each role, and each value must appear exactly where the table allows it:
where the route carries the category and the role may read it, and nowhere else.

Both tables below are written out by hand, not taken from `aggregates/data_categories.py`, so
a change to what a role may read must be made in both places.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.web_harness import WebSystem, web_system

CW, DSO, LM, AUD = "cw-1", "dso-1", "lm-1", "aud-1"

# Planted values (no characters HTML or JSON would escape): name → (category, value).
PLANTED: dict[str, tuple[str, str]] = {
    "victim_name": ("victim_identity", "Ottoline Marchbanks-Vey"),
    "address": ("victim_address", "42 Quarrystone Lane, Dover CT16 4ZZ"),
    "phone": ("victim_contact", "07700 900987"),
    "email": ("victim_contact", "ottoline.mv@example.org"),
    "child": ("children", "Tobias Wrenfield"),
    "perpetrator": ("perpetrator_details", "Cassius Blackthorne-Dunn"),
    "reporter": ("reporter_details", "Hermione Oakridge"),
    "summary": ("free_text_narrative", "He smashed the kitchen window at midnight"),
    "contact_note": ("free_text_narrative", "Rang the sister on her landline"),
    "incident": ("free_text_narrative", "Car tyres slashed overnight"),
    "dash_comment": ("free_text_narrative", "He holds a shotgun licence"),
    "task_note": ("free_text_narrative", "Told the duty sergeant in person"),
    "sharing_reasons": ("decision_rationale", "Victim declined police involvement for now"),
    "case_note": ("case_note", "Spare key left with the neighbour at number nine"),
}
EVERY_CATEGORY = frozenset(category for category, _ in PLANTED.values())
EVERYTHING = frozenset(PLANTED)


def value(name: str) -> str:
    return PLANTED[name][1]


# What each role may read (DA policy D 8.27 need to know; auditors check what was done and
# why, not where the victim lives or how to reach them).
MAY_READ: dict[str, frozenset[str]] = {
    CW: EVERY_CATEGORY, DSO: EVERY_CATEGORY, LM: EVERY_CATEGORY,
    AUD: frozenset({"victim_identity", "decision_rationale"}),
}

# Which planted values each route shows at all, to a role that may read everything.
CARRIES: dict[str, frozenset[str]] = {
    "GET /cases/{id}": frozenset(),
    "GET /cases/{id}/tasks": frozenset(),
    "GET /cases/{id}/events": EVERYTHING,
    "GET /cases/{id}/dash": frozenset({"dash_comment"}),
    "GET /cases/{id}/referrals": frozenset(),
    "GET /cases/{id}/sharing-decisions": frozenset({"sharing_reasons"}),
    # The timeline shows each note (a contact's, a completed task's, a case note).
    "page /work/cases/{id}": frozenset({"victim_name", "address", "sharing_reasons",
                                        "contact_note", "task_note", "case_note"}),
    "page /work/cases/{id}/history (every step)": EVERYTHING,
    # The case as it stood: its report and decisions; no event's free text (notes, DASH
    # comments, an incident's summary are in the history, not in the state of the case),
    # except the moment's own event in the JSON (here the last: the case note).
    "GET /cases/{id}/as-at": frozenset({"victim_name", "address", "phone", "email", "child",
                                        "perpetrator", "reporter", "summary",
                                        "sharing_reasons", "case_note"}),
    "page /work/cases/{id}/as-at": frozenset({"victim_name", "address", "phone", "email",
                                              "child", "perpetrator", "reporter", "summary",
                                              "sharing_reasons"}),
}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        for staff_id, role in ((CW, Role.CASEWORKER), (DSO, Role.DSO),
                               (LM, Role.LINE_MANAGER)):
            running.add_staff(staff_id, role)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


async def planted_case(system: WebSystem) -> str:
    """A case holding every planted value, in the report and in later steps."""
    case_id = await system.open_case(
        CW, reporter={"kind": "neighbour", "name": value("reporter")},
        victim={"name": value("victim_name"), "address": value("address"),
                "phone": value("phone"), "email": value("email")},
        household={"adults": [], "children": [{"age": 6, "name": value("child")}]},
        perpetrator={"name": value("perpetrator"), "relationship": "ex-partner"},
        summary=value("summary"))
    async with system.client(CW) as http:
        steps = [
            await http.post(f"/cases/{case_id}/contacts", json={
                "party": "victim", "purpose": "about_abuse", "channel": "telephone",
                "note": value("contact_note")}),
            await http.post(f"/cases/{case_id}/incidents", json={
                "occurred_on": "2026-01-05", "summary": value("incident")}),
            await http.put(f"/cases/{case_id}/dash", json={
                "answers": {"1": {"answer": "yes", "comment": value("dash_comment")}}}),
            await http.post(f"/cases/{case_id}/tasks/t2/complete", json={
                "outcome": "done", "note": value("task_note")}),
            await http.post(f"/cases/{case_id}/sharing-decisions", json={
                "partner": "police", "purpose": "police_notification", "shared": False,
                "categories": ["victim_identity"],
                "reasons": value("sharing_reasons")}),
            await http.post(f"/cases/{case_id}/notes", json={"note": value("case_note")}),
        ]
    assert [s.status_code for s in steps] == [200] * len(steps), [s.text for s in steps]
    return case_id


async def route_text(system: WebSystem, who: str, route: str, case_id: str) -> str:
    """Everything the route answers `who`, as text (every history step for the history)."""
    async with system.client(who) as http:
        if route.startswith("page /work/cases/{id}/history"):
            total = len((await http.get(f"/cases/{case_id}/events")).json())
            pages = [await http.get(f"/work/cases/{case_id}/history", params={"step": n})
                     for n in range(1, total + 1)]
        else:
            path = route.split(" ", 1)[1].replace("{id}", case_id)
            pages = [await http.get(path)]
    assert all(p.status_code == 200 for p in pages), (who, route, pages[0].status_code)
    if not route.startswith("page"):
        assert all(p.headers["cache-control"] == "no-store" for p in pages), route
    return "\n".join(p.text for p in pages)


async def test_each_role_reads_exactly_the_categories_the_table_allows_on_every_route(
        system: WebSystem) -> None:
    """Finding 1: the JSON API gave auditors what the pages withheld (address, phone, email,
    children's and perpetrator's names, free text). Now every read path applies one table."""
    case_id = await planted_case(system)
    wrong = []
    for route, carried in CARRIES.items():
        for who, readable in MAY_READ.items():
            shown = await route_text(system, who, route, case_id)
            for name, (category, planted) in PLANTED.items():
                expected = name in carried and category in readable
                if (planted in shown) != expected:
                    wrong.append(f"{route} as {who}: {name} ({category}) "
                                 f"{'missing' if expected else 'shown'}")
    assert not wrong, "\n".join(wrong)


async def test_json_answers_are_not_stored_by_caches_even_when_refused(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    async with system.client(AUD) as auditor, system.client() as anon:
        answers = [await auditor.get(f"/cases/{case_id}/events"),
                   await auditor.get("/cases/00000000-0000-4000-8000-000000000000"),
                   await anon.get("/me")]
    assert [a.status_code for a in answers] == [200, 404, 401]
    assert all(a.headers["cache-control"] == "no-store" for a in answers)

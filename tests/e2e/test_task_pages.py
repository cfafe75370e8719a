"""The task pages over HTTP: my tasks across cases comes from the task board (a projection of
the notification log), soonest deadline first, only for cases I need to know."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from tests.web_harness import WebSystem, web_system


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff("cw-1", Role.CASEWORKER)
        running.add_staff("cw-2", Role.CASEWORKER)
        running.add_staff("cw-dartford", Role.CASEWORKER, teams=("Tenancy Services Team",),
                          council=Council.DARTFORD)
        yield running


async def test_my_team_tray_lists_my_teams_cases_soonest_first_and_nothing_else(
        system: WebSystem) -> None:
    """"Assigned to me" holds the cases I am the officer of (who took the report); "my team"
    every case of my team; neither a case of another council's team."""
    mine = [await system.open_case("cw-1"), await system.open_case("cw-2")]
    # Dover routes every case to its Tenancy Support Team (D 8.28), so a case of another team
    # is one of another council here.
    other_team = await system.open_case("cw-dartford", council="dartford")
    async with system.client("cw-1") as http:
        assigned = (await http.get("/work/tasks")).text
        page = (await http.get("/work/tasks?tray=team")).text
    assert f"/work/cases/{mine[0]}/tasks/t1" in assigned
    assert mine[1] not in assigned and other_team not in assigned
    for case_id in mine:
        assert f"/work/cases/{case_id}/tasks/t1" in page  # contact the victim (D 8.14)
    assert other_team not in page
    # Soonest first: the same-day tasks (D 8.9, D 8.28) before the 2-working-day contacts.
    titles = re.findall(r'/tasks/t\d">([^<]+)</a>', page)
    first_contact = titles.index("Contact the victim to offer a personal discussion")
    assert set(titles[:first_contact]) == {
        "Speak with your line manager and a Designated Safeguarding Officer",
        "Tell the housing team separately about the case"}
    assert "working days left" in page or "Due today" in page or "Overdue" in page


async def test_a_completed_task_leaves_my_tasks(system: WebSystem) -> None:
    case_id = await system.open_case("cw-1")
    async with system.client("cw-1") as http:
        done = await http.post(f"/cases/{case_id}/tasks/t3/complete", json={"outcome": "done"})
        assert done.status_code == 200
        page = (await http.get("/work/tasks")).text
    assert f"/work/cases/{case_id}/tasks/t3" not in page
    assert f"/work/cases/{case_id}/tasks/t1" in page


async def test_the_escalations_page_is_titled_so_and_its_trays_keep_the_dso_on_it(
        system: WebSystem) -> None:
    """A DSO who opens *Escalations* read "My tasks" at the top, and each tray link went to
    /work/tasks, where the break-glass box is not: switching tray lost it."""
    system.add_staff("dso-1", Role.DSO)
    await system.open_case("cw-1")
    async with system.client("dso-1") as http:
        page = (await http.get("/work/escalations")).text
        switched = (await http.get("/work/escalations?tray=team")).text
    assert '<h1 class="govuk-heading-l">Escalations</h1>' in page
    tray_links = re.findall(r'href="(/work/[a-z]+)\?tray=', page)
    assert tray_links and set(tray_links) == {"/work/escalations"}
    assert 'action="/work/break-glass"' in switched


async def test_the_task_filter_names_kinds_in_words_staff_use(system: WebSystem) -> None:
    """The filter read "Marac action", "Complete dash", "Refer to da support" and "Tell line
    manager and dso": the names of the code, lower-cased."""
    async with system.client("cw-1") as http:
        page = (await http.get("/work/tasks")).text
    for name in ("Record MARAC hearing", "Complete DASH", "Refer to domestic abuse support",
                 "Tell line manager and DSO"):
        assert f">{name}</option>" in page
    assert not re.search(r">[^<]*\b(?:marac|dash|dso|da)\b[^<]*</option>", page)


async def test_a_task_names_the_rule_that_opened_it_in_words_not_its_code(
        system: WebSystem) -> None:
    """The task page and the case's task list read "Rule
    victim_report_contact_victim (D 8.14)": the code, underscores and all."""
    case_id = await system.open_case("cw-1")
    async with system.client("cw-1") as http:
        task = (await http.get(f"/work/cases/{case_id}/tasks/t1")).text
        case = (await http.get(f"/work/cases/{case_id}")).text
    # The case page's task list: the line under each task names its rule.
    task_lines = " ".join(re.findall(r'<span class="govuk-body-s">([^<]*\(D [^<]*)</span>', case))
    for text in (task, task_lines):
        assert re.search(r"[A-Za-z ]+ \(D 8\.\d+", text)
        assert not re.search(r"\b[a-z]+_[a-z_]+ \(D ", text)

"""Every open task with a deadline has a timer in the case's workflow: a month after the report,
every task that was given a deadline and never completed has been escalated exactly once,
including the tasks opened later (by a completion, or by an escalation itself). D 8.14: a
missed deadline is escalated, never silently dropped."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import AdditionalNeed, Channel, Reporter, ReporterKind
from tests.conftest import running_worker
from tests.support import eventually
from tests.workflows.steps import completion, start_case, task_of, triaged_tasks

REPORTS: dict[str, dict[str, Any]] = {
    # Contact within 2 working days (D 8.14), whose miss opens two fallback tasks; consent
    # for a support referral (D 8.19).
    "victim_with_needs": {"additional_needs": (AdditionalNeed.ADDICTION,)},
    # The police now (D 8.10) and whether the police know (D 8.12).
    "third_party_immediate_risk": {"channel": Channel.THIRD_PARTY, "immediate_risk": True,
                                   "reporter": Reporter(kind=ReporterKind.NEIGHBOUR)},
}


@pytest.mark.parametrize("report", sorted(REPORTS))
async def test_every_deadline_of_a_case_escalates_exactly_once(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore, report: str) -> None:
    client = time_skipping_env.client
    async with running_worker(client, sqlite_store) as tq:
        case_id, orchestrator = await start_case(time_skipping_env, sqlite_store, tq,
                                                 **REPORTS[report])
        manager = task_of(await triaged_tasks(orchestrator, case_id),
                          "tell_line_manager_and_dso")
        # Opens "log the safeguarding report" with a deadline of its own (D 8.28).
        await orchestrator.complete_task(case_id, completion(manager.task_id, "done"))

        def ledger() -> tuple[set[str], Counter[str]]:
            events = sqlite_store.events_of(uuid.UUID(case_id))
            done = {e.data["task_id"] for e in events if e.type == "TaskCompleted"}
            due = {e.data["task"]["task_id"] for e in events if e.type == "TaskOpened"
                   and e.data["task"]["due_at"]} - done
            return due, Counter(e.data["task_id"] for e in events
                                if e.type == "DeadlineEscalated")

        async def all_escalated() -> bool:
            due, escalated = ledger()
            return bool(due) and due <= set(escalated)

        await time_skipping_env.sleep(timedelta(days=30))
        await eventually(all_escalated, timeout=30)
        await time_skipping_env.sleep(timedelta(days=30))
        await orchestrator.open_tasks(case_id)  # the workflow has run past every deadline
        due, escalated = ledger()
    assert set(escalated) == due
    assert set(escalated.values()) == {1}, escalated
    if report == "victim_with_needs":  # the fallback tasks were timed too
        assert len(due) == 6  # contact, housing team, consent, log report, two fallbacks

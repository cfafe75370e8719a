"""A task is completed once, and only a task the case has: one rule (aggregates/tasks.py
`check_task_open`), applied by the case, by its workflow before history and by the task's
page, and carried across Temporal as one type per refusal, so the caller sees the same answer
(409 or 404) whichever of them refused."""

from __future__ import annotations

import pytest

from aggregates.errors import CaseNotFound, ConflictError, RuleViolation
from aggregates.tasks import TaskKind, TaskNotFound, check_task_open
from temporal_contracts.refusals import as_application_error
from tests.unit.builders import finish_task, task_of, triaged_case


def test_the_case_refuses_a_completed_task_as_the_rule_does() -> None:
    case = triaged_case()
    task = task_of(case.open_tasks, TaskKind.TELL_HOUSING_TEAM)
    assert case.open_task(task.task_id) == task
    finish_task(case, TaskKind.TELL_HOUSING_TEAM, "done")
    with pytest.raises(ConflictError) as completed:
        case.open_task(task.task_id)
    with pytest.raises(TaskNotFound) as unknown:
        case.open_task("t99")
    assert (completed.value.rule, completed.value.field) == ("task_completed_once", "task_id")
    assert (unknown.value.rule, unknown.value.field) == ("task_exists", "task_id")


def test_a_completed_task_is_a_conflict_even_where_only_its_id_is_known() -> None:
    """The workflow's view after continue-as-new holds the ids of completed tasks, not the
    tasks: still 409, never 404."""
    with pytest.raises(ConflictError, match="task_completed_once"):
        check_task_open("t2", None, completed=True)
    with pytest.raises(TaskNotFound, match="task_exists"):
        check_task_open("t99", None, completed=False)
    assert check_task_open("t2", "the task", completed=False) == "the task"


@pytest.mark.parametrize(("error", "kind", "details"), [
    (TaskNotFound("task_exists", "the case has no such task", field="task_id"),
     "TaskNotFound", ("task_exists", "task_id", "")),
    (ConflictError("task_completed_once", "done already", field="task_id"),
     "Conflict", ("task_completed_once", "task_id", "")),
    (RuleViolation("outcome_fits_task", "no", field="outcome", section="D 8.14"),
     "RuleViolation", ("outcome_fits_task", "outcome", "D 8.14")),
    (CaseNotFound(), "CaseNotFound", ()),
])
def test_each_refusal_crosses_temporal_as_one_type_naming_its_rule(
        error: Exception, kind: str, details: tuple[str, ...]) -> None:
    """The store's refusal (an activity) and the validator's (before history) are typed by the
    same function, so web/dispatch.py maps them to the same status."""
    crossed = as_application_error(error)  # type: ignore[arg-type]
    assert crossed.type == kind
    assert crossed.details == details
    assert crossed.non_retryable

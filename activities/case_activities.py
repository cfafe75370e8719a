"""Temporal activities over the case store. Each is idempotent: running it twice changes nothing
more than running it once (steps are keyed on task ids and command ids)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.case_store import CaseStore
from aggregates.case import Case
from aggregates.errors import CaseNotFound, ConflictError, RuleViolation
from aggregates.report import Actor, Role
from workflows.contracts import (
    ApplyCommandInput,
    CaseTasks,
    EscalateInput,
    OpenTask,
    RecordCompletionInput,
    TriageInput,
)

CONFLICT = "Conflict"
RULE_VIOLATION = "RuleViolation"
NOT_FOUND = "CaseNotFound"


def to_case_tasks(case: Case) -> CaseTasks:
    """The case's open tasks, as the workflow tracks them."""
    return CaseTasks(open_tasks=[
        OpenTask(task_id=t.task_id, kind=t.kind.value, title=t.title, assignee=t.assignee,
                 due_at=t.due_at, rule=t.rule, section=t.section,
                 escalated=t.task_id in case.escalated)
        for t in case.open_tasks
    ])


@contextmanager
def domain_errors_as_application_errors() -> Iterator[None]:
    """Domain refusals are final (non-retryable) and keep the rule's name, never personal data."""
    try:
        yield
    except ConflictError as e:
        raise ApplicationError(str(e), e.rule, e.field or "", type=CONFLICT,
                               non_retryable=True) from None
    except RuleViolation as e:
        raise ApplicationError(str(e), e.rule, e.field or "", type=RULE_VIOLATION,
                               non_retryable=True) from None
    except CaseNotFound:
        raise ApplicationError("case not found", type=NOT_FOUND, non_retryable=True) from None


class CaseActivities:
    """The activities a case workflow calls, bound to one case store."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store

    @activity.defn(name="triage_case")
    def triage_case(self, input: TriageInput) -> CaseTasks:
        """Run the council's triage rules on a new case and open its first tasks."""
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.triage(UUID(input.case_id)))

    @activity.defn(name="record_task_completed")
    def record_task_completed(self, input: RecordCompletionInput) -> CaseTasks:
        """Record a completed task and open the tasks that follow from it."""
        c = input.completion
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.complete_task(
                case_id=UUID(input.case_id), task_id=c.task_id, outcome=c.outcome, note=c.note,
                actor=Actor(staff_id=c.staff_id, role=Role(c.role)), command_id=c.request_id,
                at=input.at,
            ))

    @activity.defn(name="escalate_missed_deadline")
    def escalate_missed_deadline(self, input: EscalateInput) -> CaseTasks:
        """Escalate a task whose deadline passed to a DSO and open the policy's fallback tasks."""
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.escalate_missed_deadline(
                case_id=UUID(input.case_id), task_id=input.task_id, at=input.at))

    @activity.defn(name="apply_case_command")
    def apply_case_command(self, input: ApplyCommandInput) -> CaseTasks:
        """Apply an access command (assign, restrict, conflict, break-glass) to the case."""
        c = input.command
        with domain_errors_as_application_errors():
            return to_case_tasks(self._store.apply_command(
                case_id=UUID(input.case_id), name=c.command, args=c.args,
                actor=Actor(staff_id=c.staff_id, role=Role(c.role)), command_id=c.request_id,
                at=input.at))

    def all(self) -> list[Callable[..., object]]:
        return [self.triage_case, self.record_task_completed, self.escalate_missed_deadline,
                self.apply_case_command]

"""The work slice of a case: triage of the report, the human tasks it gives staff, and staff's
notes on the case.

State: `WorkState` (`case.work`). Events: `TriageDecided`, `TaskOpened`, `TaskCompleted`,
`DeadlineEscalated`, named on `Case` (their topics stay `aggregates.case:Case.<name>`, as
since version 1), and `CaseNoteRecorded` (no state). Rules: `aggregates/triage.py` (which
tasks open, and when they are due) and `aggregates/tasks.py` (who completes a task, with
which outcome, and that it is open).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aggregates.adjustments import requirements_for
from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.checks import check_aware
from aggregates.errors import ConflictError, RuleViolation
from aggregates.input_rules import check_text
from aggregates.recent_commands import remember_command
from aggregates.report import Actor
from aggregates.tasks import (
    TITLES,
    Task,
    TaskKind,
    check_completion,
    check_task_exists,
    check_task_open,
)
from aggregates.triage import DSO, TaskSpec, on_completion, on_missed_deadline, triage

if TYPE_CHECKING:
    from aggregates.case import Case

TRIAGE = "triage"  # the command id of triage's events: it runs once per case


@dataclass(frozen=True)
class WorkState:
    """Triage and tasks. The collections are keyed by task id and changed one entry per event
    (never copied): `tasks` every task opened; `completed` task id -> the id of the command
    that completed it; `escalated` the ids of tasks escalated past their deadline."""

    triaged: bool = False
    tasks: dict[str, Task] = field(default_factory=dict)
    completed: dict[str, str] = field(default_factory=dict)
    escalated: set[str] = field(default_factory=set)


# ---- events (named on Case) ---------------------------------------------------------------

class TriageDecided(CaseEvent):
    immediate_risk: bool
    third_party: bool
    rules: list[dict[str, str]]

    def apply(self, case: Case) -> None:
        case.work = replace(case.work, triaged=True)


class TaskOpened(CaseEvent):
    task: dict[str, Any]

    def apply(self, case: Case) -> None:
        task = Task.from_dict(self.task)
        case.work.tasks[task.task_id] = task


class TaskCompleted(CaseEvent):
    task_id: str
    outcome: str
    note: str
    late: bool

    def apply(self, case: Case) -> None:
        case.work.completed[self.task_id] = self.command_id


class DeadlineEscalated(CaseEvent):
    task_id: str
    escalated_to: str
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        case.work.escalated.add(self.task_id)


class CaseNoteRecorded(CaseEvent):
    """A note of staff on the case, in their words. Only the event holds it (the timeline
    reads events): the case's state, and so its snapshots, keep their shape."""

    note: str

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)


# ---- commands -----------------------------------------------------------------------------

class WorkCommands(CaseParts):
    """Triage and task commands of `Case` (mixed into it), and what readers ask of them."""

    @property
    def triaged(self) -> bool:
        return self.work.triaged

    @property
    def tasks(self) -> dict[str, Task]:
        return self.work.tasks

    @property
    def completed(self) -> dict[str, str]:
        """Task id -> the id of the command that completed it."""
        return self.work.completed

    @property
    def escalated(self) -> set[str]:
        return self.work.escalated

    @property
    def open_tasks(self) -> list[Task]:
        done = self.work.completed
        return [t for t in self.work.tasks.values() if t.task_id not in done]

    def triage(self, actor: Actor, *, at: datetime) -> list[Task]:
        """Run triage once, at `at`, in the policy's order, and open the tasks it gives."""
        check_aware(at, "at")
        if self.work.triaged:
            raise ConflictError("triage_runs_once", "the case has already been triaged")
        specs = triage(self.report, self.policy)
        self.trigger_event(
            self.TriageDecided,
            immediate_risk=self.report.immediate_risk,
            third_party=self.report.is_third_party,
            rules=[{"rule": s.rule.name, "section": s.rule.section, "task": s.kind.value}
                   for s in specs],
            actor=actor, at=at, command_id=TRIAGE,
            reason="Triage of a new report in the order of the council's policy.",
        )
        opened = self._open_tasks(specs, actor, at, TRIAGE)
        self.triage_referrals(actor, at, TRIAGE)
        return opened

    def complete_task(self, *, task_id: str, outcome: str, note: str, actor: Actor,
                      at: datetime, command_id: str) -> list[Task]:
        """Complete an open task; returns the tasks that follow from it."""
        check_aware(at, "at")
        task = self.check_task_can_be_completed(task_id, outcome, actor)
        # Due "by" the deadline: at the deadline itself the task is already late, which is
        # also the moment its timer escalates it.
        late = task.due_at is not None and at >= task.due_at
        self.trigger_event(
            self.TaskCompleted, task_id=task_id, outcome=outcome, note=note, late=late,
            command_id=command_id, actor=actor, at=at,
            reason=f"{task.title}: {outcome.replace('_', ' ')}.",
        )
        return self._open_tasks(on_completion(task, outcome, at, self.policy, self.team), actor,
                                at, command_id)

    def open_task(self, task_id: str) -> Task:
        """The open task `task_id`, or the refusal of `check_task_open` (aggregates/tasks.py)."""
        return check_task_open(task_id, self.work.tasks.get(task_id),
                               completed=task_id in self.work.completed)

    def check_task_can_be_completed(self, task_id: str, outcome: str, actor: Actor) -> Task:
        """The rules a completion must meet; usable before anything is recorded."""
        task = self.open_task(task_id)
        check_completion(task.kind, outcome, actor.role.value)
        return task

    def record_case_note(self, *, note: str, actor: Actor, at: datetime,
                         command_id: str) -> None:
        """Record a note on the case (free text: its own data category, `case_note`)."""
        check_aware(at, "at")
        if not note.strip():
            raise RuleViolation("case_note_has_text", "write the note", field="note")
        check_text(note, field="note", multiline=True)
        self.trigger_event(CaseNoteRecorded, note=note, command_id=command_id, actor=actor,
                           at=at, reason="A note on the case.")

    def escalate_missed_deadline(self, *, task_id: str, at: datetime) -> list[Task]:
        """Escalate a task still open past its deadline to a DSO; returns fallback tasks."""
        check_aware(at, "at")
        task = check_task_exists(task_id, self.work.tasks.get(task_id))
        if task_id in self.work.completed or task_id in self.work.escalated:
            raise ConflictError("escalate_open_task_once",
                                "the task is completed or already escalated", field="task_id")
        if task.due_at is None or at < task.due_at:
            raise RuleViolation("escalate_only_after_deadline",
                                "the task's deadline has not passed", field="task_id")
        rule = self.policy.missed_deadline_escalation
        system = Actor.system()
        command_id = f"escalate-{task_id}"
        self.trigger_event(
            self.DeadlineEscalated, task_id=task_id, escalated_to=DSO, rule=rule.name,
            section=rule.section, actor=system, at=at, command_id=command_id,
            reason=f"Deadline passed with the task still open: {task.title}.",
        )
        return self._open_tasks(on_missed_deadline(task, self.policy, self.team), system, at,
                                command_id)

    def _open_tasks(self, specs: list[TaskSpec], actor: Actor, at: datetime,
                    command_id: str) -> list[Task]:
        """Open a task for each spec, opened at `at` by the command `command_id`."""
        opened = []
        for spec in specs:
            task = Task(
                task_id=f"t{len(self.work.tasks) + 1}", kind=spec.kind, title=TITLES[spec.kind],
                assignee=spec.assignee, due_at=spec.due_at, rule=spec.rule.name,
                section=spec.rule.section, opened_at=at,
                requirements=requirements_for(spec.kind, self.report.reasonable_adjustments),
            )
            self.trigger_event(self.TaskOpened, task=task.to_dict(), actor=actor,
                               reason=spec.reason, at=at, command_id=command_id)
            opened.append(task)
        return opened

    def _close_task(self, kind: TaskKind, outcome: str, actor: Actor, at: datetime,
                    command_id: str) -> None:
        """The command that does a task's work also closes the task."""
        for task in self.open_tasks:
            if task.kind is kind:
                self.trigger_event(self.TaskCompleted, task_id=task.task_id, outcome=outcome,
                                   note="", late=task.due_at is not None and at >= task.due_at,
                                   command_id=command_id, actor=actor, at=at,
                                   reason=f"{task.title}: recorded.")

"""The case aggregate: one domestic-abuse case, recorded as an immutable sequence of events.

Every event carries who (staff id and role), when (`at`: the command's time, see
aggregates/case_events.py) and why (`reason`).
Event class names and the case id never hold personal data: the event store keeps them in
clear (only event state is encrypted).
"""

from __future__ import annotations

from collections.abc import KeysView
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from aggregates.access import CaseAccessFacts
from aggregates.access_commands import AccessCommands
from aggregates.adjustments import requirements_for
from aggregates.case_events import CaseEvent
from aggregates.case_versions import remember_command, upcast_v1_v2
from aggregates.checks import check_aware, check_reason
from aggregates.errors import ConflictError, RuleViolation
from aggregates.input_rules import check_date_in_range
from aggregates.policies import Policy, policy_for
from aggregates.report import Actor, Council, Report, Role
from aggregates.safeguarding import SafeguardingCommands, init_safeguarding_state
from aggregates.sharing_decisions import SharingCommands, init_sharing_state
from aggregates.tasks import TITLES, Task, check_completion
from aggregates.triage import DSO, TaskSpec, on_completion, on_missed_deadline, triage
from aggregates.working_days import local_date

MAX_CLOCK_SKEW = timedelta(minutes=5)
TRIAGE = "triage"  # the command id of triage's events: it runs once per case


class TaskNotFound(RuleViolation):
    """The case has no task with this id."""


def check_report(report: Report, now: datetime) -> None:
    """Rules a report must meet before a case is opened on it."""
    if report.reported_at.tzinfo is None:
        raise RuleViolation("report_time_has_time_zone",
                            "the time of the report must include a time zone",
                            field="reported_at")
    # Before any time-zone arithmetic: a year near 1 would overflow it.
    check_date_in_range("reported_at", report.reported_at, now.date())
    if report.reported_at > now + MAX_CLOCK_SKEW:
        raise RuleViolation("report_time_not_in_future",
                            "the time of the report is in the future", field="reported_at")
    for index, child in enumerate(report.household.children):
        if isinstance(child.age, bool) or not isinstance(child.age, int) or not (
                0 <= child.age < 18):
            raise RuleViolation("child_is_under_18", "a child's age must be from 0 to 17",
                                field=f"household.children.{index}.age", section="D 7.4")
    if report.channel.value in {"third_party", "partner_referral"} and not report.is_third_party:
        raise RuleViolation("third_party_channel_has_third_party_reporter",
                            f"a report by channel {report.channel.value!r} must name a reporter "
                            "other than the victim", field="reporter.kind", section="D 8.12")


class Case(AccessCommands, SafeguardingCommands, SharingCommands, Aggregate):
    """A domestic-abuse case of one council, under the policy version in force at intake."""

    # The shape of the state snapshots hold; a change to it is a version step with an upcaster
    # (aggregates/case_versions.py).
    class_version = 2
    upcast_v1_v2 = staticmethod(upcast_v1_v2)

    # ---- events ---------------------------------------------------------------------------

    class Opened(CaseEvent, Aggregate.Created):
        council: str
        policy_version: str
        report: dict[str, Any]
        request_fingerprint: str

        def apply(self, case: Case) -> None:
            case.council_code = self.council
            case.policy_version = self.policy_version
            case.report = Report.from_dict(self.report)
            case.opened_by = self.actor
            case.request_fingerprint = self.request_fingerprint
            case.triaged = False
            case.tasks = {}
            case.completed = {}
            case.escalated = set()
            case.assigned_team = ""
            case.officer_id = None
            case.restricted_to = None
            case.conflicted = set()
            case.break_glass_until = {}
            case.recent_commands = {}
            init_safeguarding_state(case)
            init_sharing_state(case)

    class TriageDecided(CaseEvent):
        immediate_risk: bool
        third_party: bool
        rules: list[dict[str, str]]

        def apply(self, case: Case) -> None:
            case.triaged = True

    class TaskOpened(CaseEvent):
        task: dict[str, Any]

        def apply(self, case: Case) -> None:
            task = Task.from_dict(self.task)
            case.tasks[task.task_id] = task

    class TaskCompleted(CaseEvent):
        task_id: str
        outcome: str
        note: str
        late: bool

        def apply(self, case: Case) -> None:
            case.completed[self.task_id] = self.command_id

    class DeadlineEscalated(CaseEvent):
        task_id: str
        escalated_to: str
        rule: str
        section: str

        def apply(self, case: Case) -> None:
            case.escalated.add(self.task_id)

    class Assigned(CaseEvent):
        team: str
        officer_id: str | None

        def apply(self, case: Case) -> None:
            remember_command(case.recent_commands, self.command_id)
            case.assigned_team = self.team
            case.officer_id = self.officer_id

    class Restricted(CaseEvent):
        named_staff: list[str]

        def apply(self, case: Case) -> None:
            remember_command(case.recent_commands, self.command_id)
            case.restricted_to = frozenset(self.named_staff)

    class RestrictionLifted(CaseEvent):

        def apply(self, case: Case) -> None:
            remember_command(case.recent_commands, self.command_id)
            case.restricted_to = None

    class ConflictDeclared(CaseEvent):
        staff_id: str

        def apply(self, case: Case) -> None:
            remember_command(case.recent_commands, self.command_id)
            case.conflicted.add(self.staff_id)

    class BreakGlassUsed(CaseEvent):
        staff_id: str
        until: str
        notify: list[str]

        def apply(self, case: Case) -> None:
            remember_command(case.recent_commands, self.command_id)
            case.break_glass_until[self.staff_id] = datetime.fromisoformat(self.until)

    class AccessChangeNotified(CaseEvent):
        """Who is told of a change to who may see the case (`change`: restriction_lifted or
        reassigned), read by `CaseStore.notifications_for`."""

        change: str
        notify: list[str]

        def apply(self, case: Case) -> None:
            remember_command(case.recent_commands, self.command_id)

    # State set by the events. Declared only for type checkers: eventsourcing would otherwise
    # turn class annotations into constructor arguments.
    if TYPE_CHECKING:
        council_code: str
        policy_version: str
        report: Report
        opened_by: Actor
        request_fingerprint: str
        triaged: bool
        tasks: dict[str, Task]
        completed: dict[str, str]  # task id -> id of the command that completed it
        escalated: set[str]
        assigned_team: str
        officer_id: str | None
        restricted_to: frozenset[str] | None
        conflicted: set[str]
        break_glass_until: dict[str, datetime]
        recent_commands: dict[str, None]  # ids of the latest commands applied, oldest first

    # ---- commands -------------------------------------------------------------------------

    @classmethod
    def open(cls, *, case_id: UUID, report: Report, policy: Policy, actor: Actor, reason: str,
             request_fingerprint: str, now: datetime) -> Case:
        """Open a case on a report, recording the council's policy version in force."""
        check_report(report, now)
        if policy.council is not report.council:
            raise RuleViolation("policy_belongs_to_council",
                                "the policy is not the case's council's", field="council")
        if policy.in_force_from > local_date(report.reported_at):
            raise RuleViolation("policy_in_force_at_report",
                                "the policy was not yet in force when the report was made",
                                field="reported_at")
        check_reason(reason)
        case = cls._create(
            cls.Opened, id=case_id, council=report.council.value,
            policy_version=policy.version, report=report.to_dict(), actor=actor,
            reason=reason, request_fingerprint=request_fingerprint, at=now, command_id="intake",
        )
        # Need to know starts with the team the policy routes the case to, and the officer who
        # took the report if they are a caseworker. Whoever recorded the report, in any case
        # role, keeps seeing it (`access_facts.reported_by`).
        officer = actor.staff_id if actor.role is Role.CASEWORKER else None
        case.trigger_event(
            cls.Assigned, team=case.team, officer_id=officer, command_id="intake",
            actor=actor, at=now,
            reason=f"Routed to the {case.team} ({policy.housing_team.section}).",
        )
        return case

    @property
    def council(self) -> Council:
        return Council(self.council_code)

    @property
    def policy(self) -> Policy:
        return policy_for(self.council, self.policy_version)

    @property
    def team(self) -> str:
        return self.policy.team_for(self.report.tenure)

    @property
    def access_facts(self) -> CaseAccessFacts:
        """What the need-to-know rule needs of this case."""
        return CaseAccessFacts(
            council=self.council, team=self.assigned_team, officer_id=self.officer_id,
            escalated=bool(self.escalated), restricted_to=self.restricted_to,
            conflicted=frozenset(self.conflicted), break_glass_until=self.break_glass_until,
            reported_by=self.opened_by.staff_id,
        )

    def has_applied(self, command_id: str) -> bool:
        """Whether the command is among the latest RECENT_COMMANDS applied to the case."""
        return command_id in self.recent_commands

    @property
    def applied_commands(self) -> KeysView[str]:
        """Ids of the latest commands applied (a window, not every command ever applied)."""
        return self.recent_commands.keys()

    @property
    def open_tasks(self) -> list[Task]:
        return [t for t in self.tasks.values() if t.task_id not in self.completed]

    def triage(self, actor: Actor, *, at: datetime) -> list[Task]:
        """Run triage once, at `at`, in the policy's order, and open the tasks it gives."""
        check_aware(at, "at")
        if self.triaged:
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

    def check_task_can_be_completed(self, task_id: str, outcome: str, actor: Actor) -> Task:
        """The rules a completion must meet; usable before anything is recorded."""
        task = self.tasks.get(task_id)
        if task is None:
            raise TaskNotFound("task_exists", "the case has no such task", field="task_id")
        if task_id in self.completed:
            raise ConflictError("task_completed_once", "the task has already been completed",
                                field="task_id")
        check_completion(task.kind, outcome, actor.role.value)
        return task

    def escalate_missed_deadline(self, *, task_id: str, at: datetime) -> list[Task]:
        """Escalate a task still open past its deadline to a DSO; returns fallback tasks."""
        check_aware(at, "at")
        task = self.tasks.get(task_id)
        if task is None:
            raise TaskNotFound("task_exists", "the case has no such task", field="task_id")
        if task_id in self.completed or task_id in self.escalated:
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
                task_id=f"t{len(self.tasks) + 1}", kind=spec.kind, title=TITLES[spec.kind],
                assignee=spec.assignee, due_at=spec.due_at, rule=spec.rule.name,
                section=spec.rule.section, opened_at=at,
                requirements=requirements_for(spec.kind, self.report.reasonable_adjustments),
            )
            self.trigger_event(self.TaskOpened, task=task.to_dict(), actor=actor,
                               reason=spec.reason, at=at, command_id=command_id)
            opened.append(task)
        return opened

"""The human tasks a case gives staff, what completes each one, and who may complete them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Role


class TaskKind(StrEnum):
    CONTACT_POLICE_NOW = "contact_police_now"
    ESTABLISH_POLICE_AWARENESS = "establish_police_awareness"
    CONTACT_VICTIM = "contact_victim"
    TELL_LINE_MANAGER_AND_DSO = "tell_line_manager_and_dso"
    LOG_SAFEGUARDING_REPORT = "log_safeguarding_report"
    TELL_HOUSING_TEAM = "tell_housing_team"
    CONTACT_VICTIM_NEXT_WORKING_DAY = "contact_victim_next_working_day"
    REFER_TO_DA_SUPPORT = "refer_to_da_support"
    HOLD_PERSONAL_DISCUSSION = "hold_personal_discussion"
    COMPLETE_DASH = "complete_dash"
    SEEK_SUPPORT_CONSENT = "seek_support_consent"
    RECORD_MARAC_HEARING = "record_marac_hearing"
    MARAC_ACTION = "marac_action"
    RESOLVE_REFERRAL = "resolve_referral"
    EXPLORE_HOUSING_OPTIONS = "explore_housing_options"
    EMERGENCY_REPAIR = "emergency_repair"
    CHASE_EMERGENCY_REPAIR = "chase_emergency_repair"
    CHOOSE_TRANSFER_NEXT_STEP = "choose_transfer_next_step"
    ANSWER_INBOUND_TRANSFER = "answer_inbound_transfer"
    TAKE_HOMELESSNESS_APPLICATION = "take_homelessness_application"
    TENANCY_ROUTE_STEP = "tenancy_route_step"


TITLES: dict[TaskKind, str] = {
    TaskKind.CONTACT_POLICE_NOW: "Contact the police now: there is an immediate risk of harm",
    TaskKind.ESTABLISH_POLICE_AWARENESS:
        "Establish whether the police know of the abuse, and if not make them aware",
    TaskKind.CONTACT_VICTIM: "Contact the victim to offer a personal discussion",
    TaskKind.TELL_LINE_MANAGER_AND_DSO:
        "Speak with your line manager and a Designated Safeguarding Officer",
    TaskKind.LOG_SAFEGUARDING_REPORT: "Log the case as a safeguarding report",
    TaskKind.TELL_HOUSING_TEAM: "Tell the housing team separately about the case",
    TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY:
        "Contact the victim on the next available working day (contact deadline missed)",
    TaskKind.REFER_TO_DA_SUPPORT: "Refer the victim to domestic abuse support services",
    TaskKind.HOLD_PERSONAL_DISCUSSION: "Hold the personal discussion with the victim",
    TaskKind.COMPLETE_DASH: "Complete the DASH risk checklist at the personal discussion",
    TaskKind.SEEK_SUPPORT_CONSENT:
        "Ask the victim whether they consent to a referral to support services",
    TaskKind.RECORD_MARAC_HEARING: "Record the date the MARAC heard the case",
    TaskKind.MARAC_ACTION: "Carry out a MARAC action for housing",
    TaskKind.RESOLVE_REFERRAL:
        "A referral could not be delivered: send it by another channel or record why not",
    TaskKind.EXPLORE_HOUSING_OPTIONS:
        "Sanctuary measures are not suitable: explore other housing options with the victim",
    TaskKind.EMERGENCY_REPAIR:
        "Emergency repair: the contractor confirms the home is secure within 24 hours",
    TaskKind.CHASE_EMERGENCY_REPAIR:
        "An emergency repair passed its deadline unconfirmed: make the home secure now",
    # Titles never name the landlord's area or the home (transfer_destination).
    TaskKind.CHOOSE_TRANSFER_NEXT_STEP: "Transfer refused: choose next step",
    TaskKind.ANSWER_INBOUND_TRANSFER:
        "Answer another landlord's transfer request: offer a home or refuse",
    TaskKind.TAKE_HOMELESSNESS_APPLICATION:
        "Take the homelessness application: assess needs and the prevention and relief duties",
    TaskKind.TENANCY_ROUTE_STEP: "Take the next step of the tenancy route",
}

# The outcomes that complete each kind of task. An attempt that did not reach the victim is not
# an outcome: the task stays open and its deadline keeps running.
OUTCOMES: dict[TaskKind, frozenset[str]] = {
    TaskKind.CONTACT_POLICE_NOW: frozenset({"police_contacted"}),
    TaskKind.ESTABLISH_POLICE_AWARENESS: frozenset({"police_already_aware", "police_made_aware"}),
    TaskKind.CONTACT_VICTIM: frozenset({"discussion_offered", "victim_declined"}),
    TaskKind.TELL_LINE_MANAGER_AND_DSO: frozenset({"done"}),
    TaskKind.LOG_SAFEGUARDING_REPORT: frozenset({"logged"}),
    TaskKind.TELL_HOUSING_TEAM: frozenset({"done"}),
    TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY: frozenset({"discussion_offered", "victim_declined"}),
    TaskKind.REFER_TO_DA_SUPPORT: frozenset({"referred", "victim_declined"}),
    TaskKind.HOLD_PERSONAL_DISCUSSION: frozenset({"held", "victim_declined"}),
    # Completed by recording the DASH (or its refusal: victims are not obliged, D 8.13).
    TaskKind.COMPLETE_DASH: frozenset({"victim_declined"}),
    # Completed only by recording the victim's decision (D 8.19).
    TaskKind.SEEK_SUPPORT_CONSENT: frozenset(),
    TaskKind.RECORD_MARAC_HEARING: frozenset({"referral_not_accepted"}),
    TaskKind.MARAC_ACTION: frozenset({"done"}),
    TaskKind.RESOLVE_REFERRAL: frozenset({"sent_another_way", "decided_not_to_send"}),
    TaskKind.EXPLORE_HOUSING_OPTIONS: frozenset({"options_explored", "victim_declined"}),
    # Completed only by the contractor's signed confirmation (aggregates/repairs.py).
    TaskKind.EMERGENCY_REPAIR: frozenset(),
    TaskKind.CHASE_EMERGENCY_REPAIR: frozenset({"home_made_secure", "repair_confirmed"}),
    TaskKind.CHOOSE_TRANSFER_NEXT_STEP: frozenset({"another_transfer_requested",
                                                   "other_housing_options", "victim_declined"}),
    # Completed only by the answer itself (aggregates/inbound_transfer.py).
    TaskKind.ANSWER_INBOUND_TRANSFER: frozenset(),
    TaskKind.TAKE_HOMELESSNESS_APPLICATION: frozenset({"application_taken", "victim_declined"}),
    # Completed only by recording the step (aggregates/tenancy_options.py).
    TaskKind.TENANCY_ROUTE_STEP: frozenset(),
}

# Tasks the generic completion cannot close: their own command does, with the data it needs.
COMPLETED_BY_COMMAND: dict[TaskKind, str] = {
    TaskKind.COMPLETE_DASH: "complete_dash",
    TaskKind.SEEK_SUPPORT_CONSENT: "record_support_consent",
    TaskKind.RECORD_MARAC_HEARING: "record_marac_hearing",
    TaskKind.ANSWER_INBOUND_TRANSFER: "answer_inbound_transfer",
    TaskKind.TENANCY_ROUTE_STEP: "complete_tenancy_step",
}

# Roles that may complete a task. Auditors read and never change anything.
ROLES_THAT_COMPLETE_TASKS: frozenset[Role] = frozenset(
    {Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER}
)


class TaskNotFound(RuleViolation):
    """The case has no task with this id."""


T = TypeVar("T")


def check_task_exists(task_id: str, task: T | None) -> T:
    """`task`, the case's task `task_id` (None: the case has none, `TaskNotFound`)."""
    if task is None:
        raise TaskNotFound("task_exists", "the case has no such task", field="task_id")
    return task


def check_task_open(task_id: str, task: T | None, *, completed: bool) -> T:
    """A task is completed once, and only a task the case has: the one check of both. The
    case applies it to its record (`Case.check_task_can_be_completed`), the case's workflow to
    its view of the case before a completion enters history (a completion under way counts as
    completed), the task's page before it shows the form. Raises `ConflictError`
    (`task_completed_once`, 409) or `TaskNotFound` (`task_exists`, 404)."""
    if completed:
        raise ConflictError("task_completed_once", "the task has already been completed",
                            field="task_id")
    return check_task_exists(task_id, task)


def check_completion(kind: TaskKind, outcome: str, role: str) -> None:
    """Who may complete a task and with which outcome (pure; the workflow's validator uses it)."""
    if role not in {r.value for r in ROLES_THAT_COMPLETE_TASKS}:
        raise RuleViolation("role_may_complete_task",
                            f"the role {role!r} may not complete tasks", field="role")
    allowed = OUTCOMES[kind]
    if outcome not in allowed:
        command = COMPLETED_BY_COMMAND.get(kind)
        hint = f"; or record it with {command!r}" if command else ""
        raise RuleViolation("outcome_fits_task",
                            f"outcome must be one of {sorted(allowed)} for this task{hint}",
                            field="outcome")


@dataclass(frozen=True)
class Task:
    """An open or completed task as the case records it. Carries no personal data."""

    task_id: str
    kind: TaskKind
    title: str
    assignee: str
    due_at: datetime | None
    rule: str
    section: str
    opened_at: datetime
    requirements: tuple[str, ...] = ()  # adjustments to honour (D 8.16), in words

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "kind": self.kind.value,
            "title": self.title,
            "assignee": self.assignee,
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "rule": self.rule,
            "section": self.section,
            "opened_at": self.opened_at.isoformat(),
            "requirements": list(self.requirements),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Task:
        return cls(
            task_id=data["task_id"],
            kind=TaskKind(data["kind"]),
            title=data["title"],
            assignee=data["assignee"],
            due_at=datetime.fromisoformat(data["due_at"]) if data["due_at"] else None,
            rule=data["rule"],
            section=data["section"],
            opened_at=datetime.fromisoformat(data["opened_at"]),
            requirements=tuple(data.get("requirements", ())),
        )


class AssigneeKind(StrEnum):
    TEAM = "team"
    ROLE = "role"
    PERSON = "person"


# Assignees that name a role rather than a team or a person: a referral that could not be
# delivered goes to whichever DSO picks it up (aggregates.triage.DSO, in words).
ROLE_ASSIGNEES: dict[str, Role] = {"Designated Safeguarding Officer": Role.DSO}


@dataclass(frozen=True)
class Assignee:
    """Who a task is for: a team (by the team's name), a role, or a person (a staff id)."""

    kind: AssigneeKind
    name: str  # the team's name, the role's value, or the staff id

    @classmethod
    def of(cls, recorded: str, teams: frozenset[str]) -> Assignee:
        """The typed assignee of a task's recorded `assignee`, given the teams the case's
        policy routes to (`Policy.routed_teams`). Tasks are opened for a routed team, a role
        (`ROLE_ASSIGNEES`) or, for a MARAC action, its owner's staff id; stored tasks of every
        version record one of these three, so no stored task needs rewriting."""
        if recorded in teams:
            return cls(AssigneeKind.TEAM, recorded)
        if recorded in ROLE_ASSIGNEES:
            return cls(AssigneeKind.ROLE, ROLE_ASSIGNEES[recorded].value)
        return cls(AssigneeKind.PERSON, recorded)

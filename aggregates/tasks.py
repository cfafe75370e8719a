"""The human tasks a case gives staff, what completes each one, and who may complete them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from aggregates.errors import RuleViolation
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
}

# Roles that may complete a task. Auditors read and never change anything.
ROLES_THAT_COMPLETE_TASKS: frozenset[Role] = frozenset(
    {Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER}
)


def check_completion(kind: TaskKind, outcome: str, role: str) -> None:
    """Who may complete a task and with which outcome (pure; the workflow's validator uses it)."""
    if role not in {r.value for r in ROLES_THAT_COMPLETE_TASKS}:
        raise RuleViolation("role_may_complete_task",
                            f"the role {role!r} may not complete tasks", field="role")
    allowed = OUTCOMES[kind]
    if outcome not in allowed:
        raise RuleViolation("outcome_fits_task",
                            f"outcome must be one of {sorted(allowed)} for this task",
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
        )

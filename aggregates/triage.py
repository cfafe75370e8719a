"""Triage: the first decisions on a new report, in the policy's order (D 8.9–8.14, D 8.28).

`triage()` and `on_completion()` and `on_missed_deadline()` are pure functions from the case's
facts and its council's policy to the tasks that must open, each citing the rule behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aggregates.policies import Policy, Rule
from aggregates.report import Report
from aggregates.tasks import Task, TaskKind
from aggregates.working_days import (
    add_working_days,
    close_of_working_day,
    is_working_day,
    local_date,
    next_working_day,
)

DSO = "Designated Safeguarding Officer"
REPAIRS_MANAGER = "Repairs Manager"
# Clock hours the repairs manager has to make the home secure once an emergency repair's
# deadline has passed unconfirmed (configured default: the policies set no time for it).
REPAIR_CHASE_HOURS = 2


@dataclass(frozen=True)
class TaskSpec:
    """A task the rules say must open, before the case gives it an id."""

    kind: TaskKind
    assignee: str
    due_at: datetime | None
    rule: Rule
    reason: str


def close_after_working_days(policy: Policy, moment: datetime, days: int) -> datetime:
    """Close of business `days` working days after the London date of `moment`."""
    day = add_working_days(local_date(moment), days)
    return close_of_working_day(day, policy.close_of_business)


def close_of_this_or_next_working_day(policy: Policy, moment: datetime) -> datetime:
    """Close of business today if today is a working day and the office is still open."""
    day = local_date(moment)
    close = close_of_working_day(day, policy.close_of_business)
    if is_working_day(day) and moment < close:
        return close
    return close_of_working_day(next_working_day(day), policy.close_of_business)


def triage(report: Report, policy: Policy) -> list[TaskSpec]:
    """The tasks a new report opens, in the order the policy puts them."""
    team = policy.team_for(report.tenure)
    at = report.reported_at
    specs: list[TaskSpec] = []
    if report.immediate_risk:
        specs.append(TaskSpec(
            TaskKind.CONTACT_POLICE_NOW, team,
            at + timedelta(minutes=policy.police_now_minutes), policy.police_now,
            "Immediate risk of harm: the police are the first contact, even without consent.",
        ))
    if report.is_third_party:
        specs.append(TaskSpec(
            TaskKind.ESTABLISH_POLICE_AWARENESS, team,
            close_after_working_days(policy, at, policy.police_awareness_working_days),
            policy.police_awareness,
            "Third-party report: establish whether the police know; the victim is not "
            "contacted directly.",
        ))
    elif not report.immediate_risk:
        specs.append(TaskSpec(
            TaskKind.CONTACT_VICTIM, team,
            close_after_working_days(policy, at, policy.victim_contact_working_days),
            policy.victim_contact,
            "The victim contacted us and there is no immediate risk: contact them within "
            f"{policy.victim_contact_working_days} working days to offer a personal discussion.",
        ))
    specs.append(TaskSpec(
        TaskKind.TELL_LINE_MANAGER_AND_DSO, team,
        close_of_this_or_next_working_day(policy, at), policy.tell_line_manager_and_dso,
        "Every domestic abuse case is raised with the line manager and a DSO.",
    ))
    specs.append(TaskSpec(
        TaskKind.TELL_HOUSING_TEAM, team,
        close_of_this_or_next_working_day(policy, at), policy.housing_team,
        f"The {team} is told separately: DSOs do not pass safeguarding reports on.",
    ))
    if report.additional_needs:
        specs.append(TaskSpec(
            TaskKind.SEEK_SUPPORT_CONSENT, team,
            close_after_working_days(policy, at, policy.victim_contact_working_days
                                     + policy.personal_discussion_working_days),
            policy.support_referral_with_consent,
            "Additional needs were reported: a referral to support services needs the "
            "victim's consent.",
        ))
    return specs


def on_completion(task: Task, outcome: str, completed_at: datetime,
                  policy: Policy, team: str) -> list[TaskSpec]:
    """Tasks that follow from completing `task` with `outcome`."""
    if task.kind is TaskKind.TELL_LINE_MANAGER_AND_DSO:
        # D 8.28: the safeguarding report is made after the discussion with the line manager.
        return [TaskSpec(
            TaskKind.LOG_SAFEGUARDING_REPORT, team,
            close_of_this_or_next_working_day(policy, completed_at), policy.safeguarding_report,
            "The line manager has been told: log the case as a safeguarding report.",
        )]
    if (task.kind in (TaskKind.CONTACT_VICTIM, TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY)
            and outcome == "discussion_offered"):
        due = close_after_working_days(policy, completed_at,
                                       policy.personal_discussion_working_days)
        return [
            TaskSpec(TaskKind.HOLD_PERSONAL_DISCUSSION, team, due, policy.personal_discussion,
                     "The victim accepted a personal discussion."),
            # D 8.14: staff complete a DASH checklist at the discussion.
            TaskSpec(TaskKind.COMPLETE_DASH, team, due, policy.victim_contact,
                     "The DASH checklist is completed at the personal discussion."),
        ]
    return []


def on_missed_deadline(task: Task, policy: Policy, team: str) -> list[TaskSpec]:
    """Tasks that open when `task` passes its deadline still open (beyond the DSO escalation)."""
    if task.kind is TaskKind.EMERGENCY_REPAIR and task.due_at is not None:
        # D 8.36: the repairs manager makes the home secure (aggregates/repair_rules.py).
        return [TaskSpec(TaskKind.CHASE_EMERGENCY_REPAIR, REPAIRS_MANAGER,
                         task.due_at + timedelta(hours=REPAIR_CHASE_HOURS),
                         policy.missed_repair_escalation,
                         "The contractor did not confirm the emergency repair by its deadline.")]
    if task.kind is not TaskKind.CONTACT_VICTIM or task.due_at is None:
        return []
    # D 8.14: contact on the next available working day, and refer to DA support services.
    next_day_close = close_after_working_days(policy, task.due_at, 1)
    return [
        TaskSpec(TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY, team, next_day_close,
                 policy.missed_contact_fallback,
                 "The contact deadline passed: contact the victim on the next working day."),
        TaskSpec(TaskKind.REFER_TO_DA_SUPPORT, team, next_day_close,
                 policy.missed_contact_fallback,
                 "The contact deadline passed: refer the victim to DA support services."),
    ]

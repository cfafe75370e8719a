"""When a report was received: the rules on dating a report in the past (issue 16).

A call typed up next morning is dated when it was received, so its deadlines (D 8.14) count
from then, not from when it was typed. How far back, and after how long a reason is needed,
are the council's policy (`Policy.backdating_limit_days`, `Policy.late_entry_after_minutes`).
The future bound and the 1900 bound are `aggregates.case.check_report`'s.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aggregates.errors import RuleViolation
from aggregates.policies import Policy
from aggregates.report import Report


def is_late_entry(report: Report, policy: Policy, now: datetime) -> bool:
    """True if the report is entered more than the policy's minutes after it was received."""
    return report.reported_at < now - timedelta(minutes=policy.late_entry_after_minutes)


def check_received_at(report: Report, policy: Policy, now: datetime) -> None:
    """Raises `RuleViolation` (field `reported_at` or `late_entry_reason`) if the report is
    dated before the policy's backdating limit, or entered late without a reason."""
    if report.reported_at < now - timedelta(days=policy.backdating_limit_days):
        raise RuleViolation(
            policy.backdating_limit.name,
            f"the report must have been received in the last {policy.backdating_limit_days} "
            "days", field="reported_at", section=policy.backdating_limit.section)
    if is_late_entry(report, policy, now) and not (report.late_entry_reason or "").strip():
        raise RuleViolation(
            policy.late_entry.name,
            f"a report entered more than {policy.late_entry_after_minutes} minutes after it "
            "was received needs the reason it is entered late",
            field="late_entry_reason", section=policy.late_entry.section)

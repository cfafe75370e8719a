"""Emergency repairs (D 8.36-8.37): damage that leaves the victim at risk is an emergency job
for the council's repairs contractor, due a number of *clock* hours after the report (24 in
both councils' policies today), never working days: a report at 16:00 on 24 December is due
at 16:00 on 25 December. The contractor is told the address, the job and "priority safety
repair", never the reason. A job still unconfirmed at its deadline goes to a DSO (the case's
usual escalation) and the repairs manager (`triage.on_missed_deadline`).

Pure functions: each refusal raises a `RuleViolation` naming its rule and section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from aggregates.errors import RuleViolation
from aggregates.policies import Policy
from aggregates.report import Tenure
from aggregates.tasks import TaskKind
from aggregates.triage import TaskSpec

PRIORITY = "priority safety repair"
# Homes the council's repairs contractor works on (D 8.36 is the landlord's duty). Other
# tenures: the landlord repairs; improved security comes through SAFER (D 8.37).
COUNCIL_REPAIRS = frozenset({Tenure.COUNCIL_GENERAL_NEEDS, Tenure.COUNCIL_HOUSING_SCHEME,
                             Tenure.TEMPORARY_ACCOMMODATION})


class RepairJobType(StrEnum):
    """Damage that leaves the victim at risk (D 8.36), and lock changes (D 8.37)."""

    UNSECURED_ENTRY = "unsecured_entry"
    BROKEN_WINDOW = "broken_window"
    BROKEN_DOOR = "broken_door"
    BROKEN_LOCK = "broken_lock"
    CHANGE_DOOR_LOCKS = "change_door_locks"
    CHANGE_WINDOW_LOCKS = "change_window_locks"


# What the contractor reads: the job in plain words, nothing about why.
JOB_WORDS: dict[RepairJobType, str] = {
    RepairJobType.UNSECURED_ENTRY: "Make an unsecured entry secure",
    RepairJobType.BROKEN_WINDOW: "Repair or board a broken window",
    RepairJobType.BROKEN_DOOR: "Repair or replace a broken door",
    RepairJobType.BROKEN_LOCK: "Repair a broken lock",
    RepairJobType.CHANGE_DOOR_LOCKS: "Change the locks to the doors",
    RepairJobType.CHANGE_WINDOW_LOCKS: "Change the locks to the windows",
}


class RepairStatus(StrEnum):
    REQUESTED = "requested"    # sent (or being sent) to the contractor
    CONFIRMED = "confirmed"    # the contractor's signed confirmation is on the case


@dataclass(frozen=True)
class RepairJob:
    """An emergency repair as the case records it; no personal data (the address is sent
    from the report when the job is delivered)."""

    job_id: str
    job_type: RepairJobType
    referral_id: str
    task_id: str
    reported_at: datetime
    due_at: datetime
    status: RepairStatus = RepairStatus.REQUESTED
    confirmed_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "job_type": self.job_type.value,
                "referral_id": self.referral_id, "task_id": self.task_id,
                "reported_at": self.reported_at.isoformat(), "due_at": self.due_at.isoformat(),
                "status": self.status.value,
                "confirmed_at": self.confirmed_at and self.confirmed_at.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RepairJob:
        confirmed = data["confirmed_at"]
        return cls(job_id=data["job_id"], job_type=RepairJobType(data["job_type"]),
                   referral_id=data["referral_id"], task_id=data["task_id"],
                   reported_at=datetime.fromisoformat(data["reported_at"]),
                   due_at=datetime.fromisoformat(data["due_at"]),
                   status=RepairStatus(data["status"]),
                   confirmed_at=datetime.fromisoformat(confirmed) if confirmed else None)


def check_council_repairs(tenure: Tenure) -> None:
    """The council's contractor repairs council homes (D 8.36)."""
    if tenure not in COUNCIL_REPAIRS:
        raise RuleViolation("emergency_repair_for_council_home",
                            "the council's contractor repairs council homes; for other homes "
                            "the landlord repairs, and SAFER can improve security",
                            field="tenure", section="D 8.36, D 8.37")


def repair_due_at(reported_at: datetime, policy: Policy) -> datetime:
    """`emergency_repair_hours` elapsed hours after the report, whatever the day: in UTC,
    so a change of the clocks in between neither adds nor removes an hour."""
    if reported_at.tzinfo is None:
        raise RuleViolation("time_has_time_zone", "the time must include a time zone",
                            field="at")
    due = reported_at.astimezone(UTC) + timedelta(hours=policy.emergency_repair_hours)
    return due.astimezone(reported_at.tzinfo)


def repair_spec(job_type: RepairJobType, reported_at: datetime, policy: Policy,
                team: str) -> TaskSpec:
    """The task that watches the job until the contractor confirms it."""
    return TaskSpec(
        TaskKind.EMERGENCY_REPAIR, team, repair_due_at(reported_at, policy),
        policy.emergency_repair,
        f"{JOB_WORDS[job_type]}: an emergency repair, due {policy.emergency_repair_hours} "
        "hours after the report.")


def repair_message(job: RepairJob, case_reference: str) -> dict[str, Any]:
    """The job as the contractor reads it: a reference to quote, the job, its priority and
    deadline. Never the rule, the policy or the case's story."""
    return {"job_reference": f"{case_reference}:{job.referral_id}",
            "job": JOB_WORDS[job.job_type], "priority": PRIORITY,
            "complete_by": job.due_at.isoformat()}

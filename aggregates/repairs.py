"""The emergency-repairs slice of a case (D 8.36-8.37): a job reported, sent to the council's
repairs contractor under a recorded decision to share, watched by a task due 24 clock hours
after the report, and confirmed by the contractor's signed message.

State: `RepairsState` (`case.repairs`: `RepairJob`s by id). Events: `EmergencyRepair*`.
Rules: aggregates/repair_rules.py; the miss goes to a DSO and the repairs manager
(aggregates/triage.py `on_missed_deadline`).

The job reaches the contractor as a referral (kind `emergency_repair`) through the same
delivery as every partner message: signed, retried, and built by the sharing gate from the
address and the job only. The contractor's signed acknowledgement of exactly the job we
delivered is its confirmation that the work is done: `RepairsCommands` comes before the
safeguarding slice in `Case`, so `record_referral_acknowledged` here records the
acknowledgement as every partner's is, then closes the job and its task.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.recent_commands import remember_command
from aggregates.referrals import ReferralKind
from aggregates.repair_rules import (
    JOB_WORDS,
    RepairJob,
    RepairJobType,
    RepairStatus,
    check_council_repairs,
    repair_due_at,
    repair_spec,
)
from aggregates.report import Actor

if TYPE_CHECKING:
    from aggregates.case import Case


@dataclass(frozen=True)
class RepairsState:
    """Emergency repair jobs by id, in the order reported."""

    jobs: dict[str, RepairJob] = field(default_factory=dict)


class EmergencyRepairReported(CaseEvent):
    job_id: str
    job_type: str
    referral_id: str
    task_id: str
    due_at: datetime

    def apply(self, case: Case) -> None:
        case.repairs.jobs[self.job_id] = RepairJob(
            job_id=self.job_id, job_type=RepairJobType(self.job_type),
            referral_id=self.referral_id, task_id=self.task_id, reported_at=self.at,
            due_at=self.due_at)
        remember_command(case.recent_commands, self.command_id)


class EmergencyRepairConfirmed(CaseEvent):
    """The contractor's signed confirmation (kept on `ReferralAcknowledged`) closed the job."""

    job_id: str
    late: bool

    def apply(self, case: Case) -> None:
        jobs = case.repairs.jobs
        jobs[self.job_id] = replace(jobs[self.job_id], status=RepairStatus.CONFIRMED,
                                    confirmed_at=self.at)


class RepairsCommands(CaseParts):
    """Emergency-repair commands of `Case` (mixed into it, before the safeguarding slice)."""

    def report_emergency_repair(self, *, job_type: RepairJobType, actor: Actor, at: datetime,
                                command_id: str) -> None:
        """Damage that leaves the victim at risk, reported at `at`: a job for the contractor,
        due `emergency_repair_hours` clock hours later (D 8.36)."""
        check_council_repairs(self.report.tenure)
        rule = self.policy.emergency_repair
        due_at = repair_due_at(at, self.policy)
        spec = repair_spec(job_type, at, self.policy, self.team)
        task = self._open_tasks([spec], actor, at, command_id)[0]
        referral_id = self._open_referral(
            ReferralKind.EMERGENCY_REPAIR, rule, actor, at,
            f"{JOB_WORDS[job_type]}: the contractor gets the address and the job only.",
            command_id=command_id)
        self.trigger_event(EmergencyRepairReported, job_id=f"j{len(self.repairs.jobs) + 1}",
                           job_type=job_type.value, referral_id=referral_id,
                           task_id=task.task_id, due_at=due_at, actor=actor, at=at,
                           command_id=command_id, reason=spec.reason)

    def repair_job_for(self, referral_id: str) -> RepairJob | None:
        """The job a contractor's referral carries, if it is one."""
        return next((j for j in self.repairs.jobs.values() if j.referral_id == referral_id),
                    None)

    def record_referral_acknowledged(self, *, referral_id: str, ack_message_id: str,
                                     digest: str, signed_body: str, signature: str,
                                     at: datetime) -> None:
        """A partner's verified acknowledgement (recorded by the safeguarding slice); for a
        repair job, the contractor's confirmation that the work is done."""
        job = self.repair_job_for(referral_id)
        super().record_referral_acknowledged(  # type: ignore[safe-super]
            referral_id=referral_id, ack_message_id=ack_message_id, digest=digest,
            signed_body=signed_body, signature=signature, at=at)
        if job is None:
            return
        command_id = f"ack-{ack_message_id}"
        late = at >= job.due_at
        self.trigger_event(EmergencyRepairConfirmed, job_id=job.job_id, late=late,
                           actor=Actor.system(), at=at, command_id=command_id,
                           reason="The repairs contractor confirmed the job is done.")
        if job.task_id not in self.work.completed:
            self.trigger_event(self.TaskCompleted, task_id=job.task_id,
                               outcome="contractor_confirmed", note="", late=late,
                               command_id=command_id, actor=Actor.system(), at=at,
                               reason="The contractor's signed confirmation closes the job.")

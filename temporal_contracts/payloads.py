"""The inputs and outputs that cross Temporal: one dataclass each, so fields can be added.

They carry identifiers and routing facts (task kinds, due times, teams), never names,
addresses or the report. The one free-text field, a completion `note`, is encrypted by the
payload codec like every other payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from temporal_contracts.transfer_payloads import TransferProgress


def case_workflow_id(case_id: str) -> str:
    """The id of a case's workflow: derived from the case id, so it is found without a lookup."""
    return f"case-{case_id}"


@dataclass(frozen=True)
class CaseWorkflowInput:
    case_id: str


@dataclass(frozen=True)
class OpenTask:
    task_id: str
    kind: str
    title: str
    assignee: str
    due_at: datetime | None
    rule: str
    section: str
    escalated: bool = False
    requirements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PendingReferral:
    """A referral recorded on the case and not yet delivered (no personal data)."""

    referral_id: str
    kind: str
    partner: str


@dataclass(frozen=True)
class CaseTasks:
    """The case's open tasks (and referrals awaiting delivery) as the store has them."""

    open_tasks: list[OpenTask] = field(default_factory=list)
    triage_done: bool = True
    pending_referrals: list[PendingReferral] = field(default_factory=list)
    # Ids of tasks completed on the case (short ids such as "t3", no personal data), so a
    # new run after continue-as-new still answers "already completed", not "no such task".
    completed_task_ids: list[str] = field(default_factory=list)
    # The case's Kent reciprocal transfers (ids, landlord id, status): the case workflow
    # starts a transfer's workflow and tells it when the case moves it on.
    transfers: list[TransferProgress] = field(default_factory=list)
    # The request another landlord sent us, if one opened the case (its request id, their id,
    # and "received", "offered" or "refused"): our answer is sent back once given.
    inbound_transfers: list[TransferProgress] = field(default_factory=list)


# `at` on an activity's input is the time of its step, from the workflow's clock
# (`workflow.now()`): the step's business time, whenever the activity runs or is retried. Where
# it is optional (None), an input scheduled by a workflow before the field existed still
# decodes and runs; the store then times the step by its own clock (activities/case_store.py).


@dataclass(frozen=True)
class TriageInput:
    case_id: str
    at: datetime | None = None  # when the workflow triaged the case


@dataclass(frozen=True)
class CompleteTaskInput:
    """A caseworker completing a task. `request_id` makes a retried command a no-op."""

    task_id: str
    outcome: str
    staff_id: str
    role: str
    request_id: str
    note: str = ""


@dataclass(frozen=True)
class RecordCompletionInput:
    case_id: str
    completion: CompleteTaskInput
    at: datetime  # workflow time of the completion: deadlines are judged against it


@dataclass(frozen=True)
class EscalateInput:
    case_id: str
    task_id: str
    at: datetime  # workflow time at which the deadline timer fired


@dataclass(frozen=True)
class CompleteTaskResult:
    task_id: str
    open_tasks: list[OpenTask]


@dataclass(frozen=True)
class CaseCommandInput:
    """A command on the case other than completing a task (see aggregates/commands/)."""

    command: str
    args: dict[str, Any]
    staff_id: str
    role: str
    request_id: str


@dataclass(frozen=True)
class ApplyCommandInput:
    case_id: str
    command: CaseCommandInput
    at: datetime


@dataclass(frozen=True)
class ReferralInput:
    case_id: str
    referral_id: str
    partner: str


@dataclass(frozen=True)
class DeliveryReceipt:
    delivery_id: str
    digest: str
    via: str


@dataclass(frozen=True)
class RecordDeliveryInput:
    case_id: str
    referral_id: str
    receipt: DeliveryReceipt
    at: datetime | None = None  # when the workflow learnt of the delivery


@dataclass(frozen=True)
class RecordFailureInput:
    case_id: str
    referral_id: str
    failure: str  # a reason code, never message contents
    at: datetime


@dataclass(frozen=True)
class AcknowledgementInput:
    """A partner's verified acknowledgement, kept whole as evidence."""

    referral_id: str
    ack_message_id: str
    digest: str
    signed_body: str
    signature: str


@dataclass(frozen=True)
class RecordAcknowledgementInput:
    case_id: str
    ack: AcknowledgementInput
    at: datetime | None = None  # when the workflow took the acknowledgement

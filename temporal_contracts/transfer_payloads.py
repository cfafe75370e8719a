"""What crosses Temporal for a Kent reciprocal transfer (workflows/transfer_workflow.py): ids,
a landlord's id, statuses, codes and dates. The destination area never does: the activity reads
it from the store. The one field of the `transfer_destination` category that does cross is
the receiving landlord's offered address, on its way from the landlord's signed answer to the
case (`StepAnswer.new_address`), inside payloads the codec encrypts
(workflows/payload_codec.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


def transfer_workflow_id(case_id: str, transfer_id: str) -> str:
    """A transfer's workflow id: ids only, found without a lookup."""
    return f"transfer-{case_id}-{transfer_id}"


@dataclass(frozen=True)
class TransferProgress:
    """A transfer as the case workflow tracks it (from the store, after each write)."""

    transfer_id: str
    landlord: str
    status: str  # aggregates.transfer_rules.TransferStatus values


@dataclass(frozen=True)
class TransferWorkflowInput:
    case_id: str
    transfer_id: str
    landlord: str
    # The case's steps already told to the landlord (carried over a continue-as-new).
    sent: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TransferStepInput:
    """One message to the landlord: `step` a gateways.transfer_messages.TransferStep value;
    `poll` numbers an enquiry (0 for a step)."""

    case_id: str
    transfer_id: str
    landlord: str
    step: str
    poll: int = 0


@dataclass(frozen=True)
class StepAnswer:
    """The landlord's verified answer (gateways.transfer_messages.LandlordAnswer)."""

    status: str
    message_id: str
    offer_ref: str = ""
    new_address: str = ""
    tenancy_type: str = ""
    reason: str = ""
    granted_on: str = ""
    security_of_tenure: str = ""


@dataclass(frozen=True)
class TransferStatusInput:
    case_id: str
    transfer_id: str


@dataclass(frozen=True)
class TransferStatusNow:
    status: str  # "" when the case has no such transfer


@dataclass(frozen=True)
class TransferChanged:
    """The case workflow telling a transfer's workflow that the case moved it on."""

    status: str


def inbound_reply_workflow_id(case_id: str, request_id: str) -> str:
    """The id of the workflow sending our answer to another landlord's request."""
    return f"transfer-reply-{case_id}-{request_id}"


@dataclass(frozen=True)
class InboundReplyInput:
    """Our answer to another landlord's request (`request_id`: theirs), read from the store."""

    case_id: str
    request_id: str
    landlord: str

"""Kent reciprocal transfer commands (D 8.22, D 8.35; DBC 4.1.2, DBC 4.2.1): the caseworker's
steps (request, the victim's decision, move date, old tenancy ended, new tenancy granted) and
the system's, from the receiving landlord's verified signed messages (sent, offer, refusal).
The rules are the case's (aggregates/reciprocal_transfer.py, aggregates/transfer_rules.py).

`transfer_id` is a uuid4 hex made by whoever gives the request; every later step names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from aggregates.access import Permission
from aggregates.access_changes import known_staff
from aggregates.case import Case
from aggregates.commands.registry import Command, CommandContext, Directory, handles
from aggregates.commands.safeguarding import parse_date
from aggregates.commands.sanctuary import parse_choice
from aggregates.transfer_rules import RiskFrom, SecurityOfTenure, parse_landlord

CASE_WORK = Permission.RECORD_CASE_WORK
LANDLORD_MESSAGE = Permission.RECORD_PARTNER_MESSAGE


@dataclass(frozen=True)
class RequestReciprocalTransfer(Command):
    """`receiving_landlord`: a KentLandlord id; `destination_area`: the safe area in words;
    `risk_from`: a RiskFrom value; `old_tenancy`: a SecurityOfTenure value (None: the usual
    one of the case's tenure); `dso_id`: the DSO named on the transfer, if any, and
    `directory` what the staff directory says of them (looked up by the edge)."""

    command_name: ClassVar[str] = "request_reciprocal_transfer"
    permission: ClassVar[Permission] = CASE_WORK
    transfer_id: str
    receiving_landlord: str
    destination_area: str
    reason: str
    risk_from: str = RiskFrom.DOMESTIC_ABUSE.value
    old_tenancy: str | None = None
    dso_id: str | None = None
    directory: Directory = field(default_factory=dict)


@dataclass(frozen=True)
class RecordTransferRequestSent(Command):
    command_name: ClassVar[str] = "record_transfer_request_sent"
    permission: ClassVar[Permission] = LANDLORD_MESSAGE
    transfer_id: str
    message_id: str


@dataclass(frozen=True)
class RecordTransferOffer(Command):
    command_name: ClassVar[str] = "record_transfer_offer"
    permission: ClassVar[Permission] = LANDLORD_MESSAGE
    transfer_id: str
    offer_ref: str
    new_address: str
    tenancy_type: str  # a SecurityOfTenure value


@dataclass(frozen=True)
class RecordTransferRefusal(Command):
    command_name: ClassVar[str] = "record_transfer_refusal"
    permission: ClassVar[Permission] = LANDLORD_MESSAGE
    transfer_id: str
    reason: str


@dataclass(frozen=True)
class RecordVictimTransferDecision(Command):
    command_name: ClassVar[str] = "record_victim_transfer_decision"
    permission: ClassVar[Permission] = CASE_WORK
    transfer_id: str
    accepted: bool
    reason: str


@dataclass(frozen=True)
class AgreeTransferMoveDate(Command):
    command_name: ClassVar[str] = "agree_transfer_move_date"
    permission: ClassVar[Permission] = CASE_WORK
    transfer_id: str
    move_date: str  # ISO date


@dataclass(frozen=True)
class RecordOldTenancyEnded(Command):
    command_name: ClassVar[str] = "record_old_tenancy_ended"
    permission: ClassVar[Permission] = CASE_WORK
    transfer_id: str
    ended_on: str  # ISO date


@dataclass(frozen=True)
class RecordNewTenancyGranted(Command):
    command_name: ClassVar[str] = "record_new_tenancy_granted"
    permission: ClassVar[Permission] = CASE_WORK
    transfer_id: str
    granted_on: str  # ISO date
    security_of_tenure: str  # a SecurityOfTenure value


@handles(RequestReciprocalTransfer)
def _request(case: Case, cmd: RequestReciprocalTransfer, ctx: CommandContext) -> None:
    case.request_reciprocal_transfer(
        transfer_id=cmd.transfer_id, receiving_landlord=parse_landlord(cmd.receiving_landlord),
        destination_area=cmd.destination_area,
        risk_from=parse_choice(RiskFrom, cmd.risk_from, "risk_from"),
        old_tenancy=(parse_choice(SecurityOfTenure, cmd.old_tenancy, "old_tenancy")
                     if cmd.old_tenancy else None),
        dso_id=cmd.dso_id or None, reason=cmd.reason, actor=ctx.actor, at=ctx.at,
        command_id=ctx.command_id, known=known_staff(cmd.directory))


@handles(RecordTransferRequestSent)
def _sent(case: Case, cmd: RecordTransferRequestSent, ctx: CommandContext) -> None:
    case.record_transfer_request_sent(transfer_id=cmd.transfer_id, message_id=cmd.message_id,
                                      actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordTransferOffer)
def _offer(case: Case, cmd: RecordTransferOffer, ctx: CommandContext) -> None:
    case.record_transfer_offer(
        transfer_id=cmd.transfer_id, offer_ref=cmd.offer_ref, new_address=cmd.new_address,
        tenancy_type=parse_choice(SecurityOfTenure, cmd.tenancy_type, "tenancy_type"),
        actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordTransferRefusal)
def _refusal(case: Case, cmd: RecordTransferRefusal, ctx: CommandContext) -> None:
    case.record_transfer_refusal(transfer_id=cmd.transfer_id, reason=cmd.reason,
                                 actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordVictimTransferDecision)
def _decision(case: Case, cmd: RecordVictimTransferDecision, ctx: CommandContext) -> None:
    case.record_victim_transfer_decision(transfer_id=cmd.transfer_id, accepted=cmd.accepted,
                                         reason=cmd.reason, actor=ctx.actor, at=ctx.at,
                                         command_id=ctx.command_id)


@handles(AgreeTransferMoveDate)
def _move_date(case: Case, cmd: AgreeTransferMoveDate, ctx: CommandContext) -> None:
    case.agree_transfer_move_date(transfer_id=cmd.transfer_id,
                                  move_date=parse_date(cmd.move_date, "move_date"),
                                  actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordOldTenancyEnded)
def _ended(case: Case, cmd: RecordOldTenancyEnded, ctx: CommandContext) -> None:
    case.record_old_tenancy_ended(transfer_id=cmd.transfer_id,
                                  ended_on=parse_date(cmd.ended_on, "ended_on"),
                                  actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


@handles(RecordNewTenancyGranted)
def _granted(case: Case, cmd: RecordNewTenancyGranted, ctx: CommandContext) -> None:
    case.record_new_tenancy_granted(
        transfer_id=cmd.transfer_id, granted_on=parse_date(cmd.granted_on, "granted_on"),
        security_of_tenure=parse_choice(SecurityOfTenure, cmd.security_of_tenure,
                                        "security_of_tenure"),
        actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)


# ---- the other way: another landlord's request to us (aggregates/inbound_transfer.py) ------

@dataclass(frozen=True)
class RecordInboundTransferRequest(Command):
    """Another landlord's verified request (given by the system after the edge verified it):
    their `request_id`, who sent it, the tenancy the tenant holds, and the message itself."""

    command_name: ClassVar[str] = "record_inbound_transfer_request"
    permission: ClassVar[Permission] = LANDLORD_MESSAGE
    request_id: str
    from_landlord: str
    message_id: str
    current_tenancy: str  # a SecurityOfTenure value
    signed_body: str
    signature: str


@dataclass(frozen=True)
class AnswerInboundTransfer(Command):
    """`offered`: a home is offered (then `offer_ref`, `new_address` and `tenancy_type`, a
    SecurityOfTenure value, are needed) or the request is refused; `reason`: why."""

    command_name: ClassVar[str] = "answer_inbound_transfer"
    permission: ClassVar[Permission] = CASE_WORK
    offered: bool
    reason: str
    offer_ref: str | None = None
    new_address: str | None = None
    tenancy_type: str | None = None


@handles(RecordInboundTransferRequest)
def _inbound(case: Case, cmd: RecordInboundTransferRequest, ctx: CommandContext) -> None:
    case.record_inbound_transfer_request(
        request_id=cmd.request_id,
        from_landlord=parse_landlord(cmd.from_landlord, "from_landlord"),
        message_id=cmd.message_id,
        current_tenancy=parse_choice(SecurityOfTenure, cmd.current_tenancy, "current_tenancy"),
        signed_body=cmd.signed_body, signature=cmd.signature, actor=ctx.actor, at=ctx.at,
        command_id=ctx.command_id)


@handles(AnswerInboundTransfer)
def _answer(case: Case, cmd: AnswerInboundTransfer, ctx: CommandContext) -> None:
    case.answer_inbound_transfer(
        offered=cmd.offered, offer_ref=cmd.offer_ref, new_address=cmd.new_address,
        tenancy_type=(parse_choice(SecurityOfTenure, cmd.tenancy_type, "tenancy_type")
                      if cmd.tenancy_type else None),
        reason=cmd.reason, actor=ctx.actor, at=ctx.at, command_id=ctx.command_id)

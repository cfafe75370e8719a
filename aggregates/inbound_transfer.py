"""A reciprocal transfer the other way (D 8.22: we "support and facilitate" moves between
Kent providers; DBC 4.2.1): another Kent landlord asks us to house their tenant at risk. Their
verified, signed request opens a case of our own (application/inbound_transfers.py) and is
recorded on it (`record_inbound_transfer_request`, the system's command), which opens a task
for the case's team to answer; the answer (`answer_inbound_transfer`, a caseworker's command)
offers a home, at least as secure a tenancy as the one the tenant leaves (D 8.22 "retaining
their tenancy rights"; DBC 4.1.2), or refuses with a reason. The case's workflow sends the
answer back signed.

State: `case.transfer.inbound` (aggregates/transfer_records.py `InboundTransfer`). Events:
aggregates/transfer_events.py. The home we offer is `transfer_destination`.
"""

from __future__ import annotations

from datetime import datetime

from aggregates.case_parts import CaseParts
from aggregates.checks import check_reason
from aggregates.errors import ConflictError, RuleViolation
from aggregates.landlords import LANDLORD_NAMES, OWN_LANDLORD, KentLandlord
from aggregates.report import Actor
from aggregates.tasks import TaskKind
from aggregates.transfer_events import InboundTransferAnswered, InboundTransferRequestReceived
from aggregates.transfer_records import InboundStatus, InboundTransfer
from aggregates.transfer_rules import (
    SecurityOfTenure,
    check_keeps_tenancy_rights,
    transfer_policy,
)
from aggregates.triage import TaskSpec, close_after_working_days


class InboundTransferCommands(CaseParts):
    """Commands of `Case` on a transfer request another landlord sent us (mixed into it)."""

    def _inbound(self, *expected: str) -> InboundTransfer:
        inbound = self.transfer.inbound
        if inbound is None:
            raise RuleViolation("inbound_transfer_exists",
                                "the case was not opened by another landlord's request",
                                field="request_id")
        if expected and inbound.status not in expected:
            raise ConflictError("inbound_transfer_answered_once",
                                "the request has already been answered", field="request_id")
        return inbound

    def record_inbound_transfer_request(self, *, request_id: str, from_landlord: KentLandlord,
                                        message_id: str, current_tenancy: SecurityOfTenure,
                                        signed_body: str, signature: str, actor: Actor,
                                        at: datetime, command_id: str) -> None:
        """The verified request that opened this case, kept as evidence; once per case. Opens
        the task to answer it within the configured working days."""
        if self.transfer.inbound is not None:
            raise ConflictError("inbound_transfer_recorded_once",
                                "the request is already recorded", field="request_id")
        rules = transfer_policy(self.council, self.policy.version)
        if OWN_LANDLORD[self.council] is from_landlord:
            raise RuleViolation(rules.other_provider.name, "a request comes from another "
                                "housing provider", field="from_landlord",
                                section=rules.other_provider.section)
        if not request_id.strip():
            raise RuleViolation("inbound_transfer_names_request", "name the request",
                                field="request_id")
        self.trigger_event(
            InboundTransferRequestReceived, request_id=request_id,
            from_landlord=from_landlord.value, message_id=message_id,
            current_tenancy=current_tenancy.value, signed_body=signed_body, signature=signature,
            actor=actor, at=at, command_id=command_id,
            reason=f"{LANDLORD_NAMES[from_landlord]} asked us to house their tenant at risk "
                   f"({rules.answer_inbound.section}).")
        self._open_tasks([TaskSpec(
            TaskKind.ANSWER_INBOUND_TRANSFER, self.team,
            close_after_working_days(self.policy, at, rules.answer_inbound_working_days),
            rules.answer_inbound, "Another Kent landlord asked us to house their tenant at "
            "risk: offer a home or refuse with a reason.")], actor, at, command_id)

    def answer_inbound_transfer(self, *, offered: bool, offer_ref: str | None,
                                new_address: str | None,
                                tenancy_type: SecurityOfTenure | None, reason: str,
                                actor: Actor, at: datetime, command_id: str) -> None:
        """Offer a home (its reference, address and a tenancy keeping the tenant's rights) or
        refuse, saying why; once. Completes the task to answer."""
        inbound = self._inbound(InboundStatus.RECEIVED)
        check_reason(reason)
        rules = transfer_policy(self.council, self.policy.version)
        if offered:
            if not (offer_ref or "").strip():
                raise RuleViolation("inbound_offer_names_home", "give the offer's reference",
                                    field="offer_ref")
            if not (new_address or "").strip():
                raise RuleViolation("inbound_offer_names_home", "give the address offered",
                                    field="new_address")
            if tenancy_type is None:
                raise RuleViolation(rules.keeps_rights.name, "say which tenancy is offered",
                                    field="tenancy_type", section=rules.keeps_rights.section)
            check_keeps_tenancy_rights(inbound.current_tenancy, tenancy_type,
                                       OWN_LANDLORD[self.council], rules)
        self.trigger_event(
            InboundTransferAnswered, request_id=inbound.request_id, offered=offered,
            offer_ref=offer_ref if offered else None,
            new_address=new_address if offered else None,
            tenancy_type=tenancy_type.value if offered and tenancy_type else None,
            actor=actor, at=at, command_id=command_id, reason=reason)
        self._close_task(TaskKind.ANSWER_INBOUND_TRANSFER,
                         "home_offered" if offered else "refused", actor, at, command_id)

"""The Kent reciprocal transfer slice of a case (D 8.22, D 8.35; DBC 4.1.2, DBC 4.2.1): our
tenant at risk moves to another Kent landlord, in a safe area, keeping their tenancy rights.

Steps (command -> event), one transfer open at a time, each idempotent by its command id:
request (caseworker or DSO, under a recorded decision to share with that landlord for
`reciprocal_transfer`) -> sent (system: the landlord acknowledged receipt) -> offered or
refused (system: the landlord's signed answer; a refusal ends the transfer and opens a task
to choose the next step) -> the victim accepts or declines -> move date -> old tenancy ended ->
new tenancy granted, at least as secure as the old (the rule "keeps tenancy rights").

State: `TransferState` (`case.transfer`, aggregates/transfer_records.py). Events:
aggregates/transfer_events.py. Rules:
aggregates/transfer_rules.py. The destination area and the new address are the data category
`transfer_destination`: never in a task title, a reason or an error message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from aggregates.case_parts import CaseParts
from aggregates.checks import check_reason
from aggregates.errors import ConflictError, RuleViolation
from aggregates.landlords import LANDLORD_NAMES, KentLandlord
from aggregates.report import Actor
from aggregates.tasks import TaskKind
from aggregates.transfer_events import (
    NewTenancyGranted,
    OldTenancyEnded,
    ReciprocalTransferRequested,
    TransferMoveDateAgreed,
    TransferOfferAccepted,
    TransferOfferDeclined,
    TransferOfferReceived,
    TransferRefused,
    TransferRequestSent,
)
from aggregates.transfer_records import ReciprocalTransfer, TransferState
from aggregates.transfer_rules import (
    USUAL_TENANCY,
    RiskFrom,
    SecurityOfTenure,
    TransferStatus,
    check_day_between,
    check_destination_area,
    check_eligible,
    check_keeps_tenancy_rights,
    check_named_dso,
    check_other_provider,
    check_sharing_decided,
    transfer_policy,
)
from aggregates.triage import TaskSpec, close_after_working_days
from aggregates.working_days import local_date

if TYPE_CHECKING:
    from aggregates.access_changes import KnownStaff
    from aggregates.transfer_rules import TransferPolicy

MOVE_DATE_AHEAD = timedelta(days=366)  # a move agreed more than a year ahead is a typing slip


class TransferCommands(CaseParts):
    """Reciprocal transfer commands of `Case` (mixed into it)."""

    @property
    def transfer_rules(self) -> TransferPolicy:
        return transfer_policy(self.council, self.policy.version)

    def _transfer(self, transfer_id: str, *expected: TransferStatus) -> ReciprocalTransfer:
        transfer = self.transfer.transfers.get(transfer_id)
        if transfer is None:
            raise RuleViolation("transfer_exists", "the case has no such transfer",
                                field="transfer_id")
        if expected and transfer.status not in expected:
            raise ConflictError("transfer_step_in_order",
                                f"the transfer is {transfer.status.value.replace('_', ' ')}",
                                field="transfer_id")
        return transfer

    def request_reciprocal_transfer(self, *, transfer_id: str, receiving_landlord: KentLandlord,
                                    destination_area: str, risk_from: RiskFrom,
                                    old_tenancy: SecurityOfTenure | None, dso_id: str | None,
                                    reason: str, actor: Actor, at: datetime, command_id: str,
                                    known: Mapping[str, KnownStaff] | None = None) -> None:
        """Ask another Kent landlord to house our tenant at risk (D 8.22, D 8.35). One open
        transfer at a time; a recorded decision to share with that landlord for the transfer
        comes first (D 12.5). `old_tenancy`: None is the tenure's usual one; `known`: the
        staff directory's facts of the DSO named (`dso_id`), who must be one of the council."""
        rules = self.transfer_rules
        if self.transfer.open is not None:
            raise ConflictError("transfer_one_at_a_time", "the case already has a transfer "
                                "under way", field="transfer_id", section="D 8.22")
        if transfer_id in self.transfer.transfers or not transfer_id.strip():
            raise ConflictError("transfer_id_used_once", "this transfer id is already used",
                                field="transfer_id")
        tenure = self.report.tenure
        check_eligible(tenure, risk_from, rules)
        check_other_provider(receiving_landlord, self.council, rules)
        check_destination_area(destination_area)
        check_named_dso(dso_id, known or {}, self.council)
        check_reason(reason)
        decision_id = check_sharing_decided(
            [d.to_dict() for d in self.sharing.decisions], self.sharing.consents,
            receiving_landlord)
        old = old_tenancy or USUAL_TENANCY[tenure]
        self.trigger_event(
            ReciprocalTransferRequested, transfer_id=transfer_id,
            receiving_landlord=receiving_landlord.value, destination_area=destination_area,
            risk_from=risk_from.value, old_tenancy=old.value, sharing_decision_id=decision_id,
            dso_id=dso_id, actor=actor, at=at, command_id=command_id,
            reason=f"Reciprocal transfer to {LANDLORD_NAMES[receiving_landlord]} requested "
                   f"({rules.eligible.section}): {reason}")

    def record_transfer_request_sent(self, *, transfer_id: str, message_id: str, actor: Actor,
                                     at: datetime, command_id: str) -> None:
        """The receiving landlord acknowledged our signed request (from the workflow)."""
        self._transfer(transfer_id, TransferStatus.REQUESTED)
        self.trigger_event(TransferRequestSent, transfer_id=transfer_id, message_id=message_id,
                           actor=actor, at=at, command_id=command_id,
                           reason="The receiving landlord acknowledged the transfer request.")

    def record_transfer_offer(self, *, transfer_id: str, offer_ref: str, new_address: str,
                              tenancy_type: SecurityOfTenure, actor: Actor, at: datetime,
                              command_id: str) -> None:
        """The receiving landlord's signed offer of a home (from the workflow)."""
        self._transfer(transfer_id, TransferStatus.SENT, TransferStatus.REQUESTED)
        if not offer_ref.strip() or not new_address.strip():
            raise RuleViolation("transfer_offer_names_home", "the offer names its reference "
                                "and the home", field="new_address")
        self.trigger_event(TransferOfferReceived, transfer_id=transfer_id, offer_ref=offer_ref,
                           new_address=new_address, tenancy_type=tenancy_type.value,
                           actor=actor, at=at, command_id=command_id,
                           reason="The receiving landlord offered a home "
                                  f"({tenancy_type.value.replace('_', ' ')} tenancy).")

    def record_transfer_refusal(self, *, transfer_id: str, reason: str, actor: Actor,
                                at: datetime, command_id: str) -> None:
        """The receiving landlord's signed refusal ends the transfer with its reason and
        opens a task for the officer who asked to choose the next step: never stuck."""
        transfer = self._transfer(transfer_id, TransferStatus.SENT, TransferStatus.REQUESTED)
        check_reason(reason)
        rules = self.transfer_rules
        self.trigger_event(TransferRefused, transfer_id=transfer_id, refusal_reason=reason,
                           actor=actor, at=at, command_id=command_id,
                           reason="The receiving landlord refused the transfer.")
        self._open_tasks([TaskSpec(
            TaskKind.CHOOSE_TRANSFER_NEXT_STEP, transfer.requested_by,
            close_after_working_days(self.policy, at, rules.refused_next_step_working_days),
            rules.refused_next_step, "The receiving landlord refused the transfer: choose "
            "the next step with the victim.")], actor, at, command_id)

    def record_victim_transfer_decision(self, *, transfer_id: str, accepted: bool, reason: str,
                                        actor: Actor, at: datetime, command_id: str) -> None:
        """The victim accepts or declines the offer (their choice; the reason is recorded)."""
        self._transfer(transfer_id, TransferStatus.OFFERED)
        check_reason(reason)
        event = TransferOfferAccepted if accepted else TransferOfferDeclined
        self.trigger_event(event, transfer_id=transfer_id, actor=actor, at=at,
                           command_id=command_id, reason=reason)

    def agree_transfer_move_date(self, *, transfer_id: str, move_date: date, actor: Actor,
                                 at: datetime, command_id: str) -> None:
        """The move date both landlords and the victim agreed: from today, within a year."""
        self._transfer(transfer_id, TransferStatus.ACCEPTED, TransferStatus.MOVE_DATE_AGREED)
        today = local_date(at)
        check_day_between(move_date, today, today + MOVE_DATE_AHEAD, "move_date", "move date")
        self.trigger_event(TransferMoveDateAgreed, transfer_id=transfer_id,
                           move_date=move_date.isoformat(), actor=actor, at=at,
                           command_id=command_id, reason="Move date agreed.")

    def record_old_tenancy_ended(self, *, transfer_id: str, ended_on: date, actor: Actor,
                                 at: datetime, command_id: str) -> None:
        """Our tenancy of the old home ended: from the request to today."""
        transfer = self._transfer(transfer_id, TransferStatus.MOVE_DATE_AGREED)
        check_day_between(ended_on, local_date(transfer.requested_at), local_date(at),
                          "ended_on", "date the tenancy ended")
        self.trigger_event(OldTenancyEnded, transfer_id=transfer_id,
                           ended_on=ended_on.isoformat(), actor=actor, at=at,
                           command_id=command_id, reason="The old tenancy ended.")

    def record_new_tenancy_granted(self, *, transfer_id: str, granted_on: date,
                                   security_of_tenure: SecurityOfTenure, actor: Actor,
                                   at: datetime, command_id: str) -> None:
        """The new tenancy, at least as secure as the old (D 8.22; DBC 4.1.2)."""
        transfer = self._transfer(transfer_id, TransferStatus.OLD_TENANCY_ENDED)
        rule = self.transfer_rules.keeps_rights
        check_keeps_tenancy_rights(transfer.old_tenancy, security_of_tenure,
                                   KentLandlord(transfer.receiving_landlord),
                                   self.transfer_rules)
        check_day_between(granted_on, local_date(transfer.requested_at), local_date(at),
                          "granted_on", "date the new tenancy was granted")
        self.trigger_event(NewTenancyGranted, transfer_id=transfer_id,
                           granted_on=granted_on.isoformat(),
                           security_of_tenure=security_of_tenure.value, rule=rule.name,
                           section=rule.section, actor=actor, at=at, command_id=command_id,
                           reason=f"New {security_of_tenure.value.replace('_', ' ')} tenancy "
                                  f"granted: tenancy rights kept ({rule.section}).")


__all__ = ["TransferCommands", "TransferState"]

"""The SAFER slice of a case (DBC 7.4.3, D 8.37): a referral to Kent County Council's SAFER
team (Sanctuary Access For Eligible Residents) for security advice and measures, and the
works KCC says were done.

The referral is a partner referral like any other (kind `safer`, to `kcc_safer`): a recorded
decision to share, a signed delivery retried until KCC takes it, acknowledged by KCC's signed
receipt. The works are recorded only from KCC's own signed message (verified at the edge,
web/routes_partner_works.py), never typed in: a council tenant needs no consent from the
council for them and is only encouraged to tell it (DBC 7.4.3), so KCC's word is the record.

State: `SaferState` (`case.safer`: `SaferWorks` KCC reported). Events: `SaferWorksRecorded`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.checks import check_reason
from aggregates.errors import ConflictError, RuleViolation
from aggregates.recent_commands import remember_command
from aggregates.referrals import ReferralKind, ReferralStatus
from aggregates.report import Actor

if TYPE_CHECKING:
    from aggregates.case import Case


class SaferMeasure(StrEnum):
    """Security measures KCC's SAFER scheme reports as installed."""

    DOOR_LOCKS = "door_locks"
    WINDOW_LOCKS = "window_locks"
    DOOR_REINFORCEMENT = "door_reinforcement"
    DOOR_CHAIN_OR_VIEWER = "door_chain_or_viewer"
    LETTERBOX_FIRE_GUARD = "letterbox_fire_guard"
    SECURITY_LIGHTING = "security_lighting"
    ALARM = "alarm"
    CCTV_OR_DOORBELL_CAMERA = "cctv_or_doorbell_camera"
    SAFETY_ADVICE_ONLY = "safety_advice_only"


@dataclass(frozen=True)
class SaferWorks:
    """Works KCC reported for one referral, by its signed message."""

    referral_id: str
    measures: tuple[SaferMeasure, ...]
    completed_on: date
    message_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"referral_id": self.referral_id, "measures": [m.value for m in self.measures],
                "completed_on": self.completed_on.isoformat(), "message_id": self.message_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SaferWorks:
        return cls(referral_id=data["referral_id"],
                   measures=tuple(SaferMeasure(m) for m in data["measures"]),
                   completed_on=date.fromisoformat(data["completed_on"]),
                   message_id=data["message_id"])


@dataclass(frozen=True)
class SaferState:
    works: list[SaferWorks] = field(default_factory=list)


class SaferWorksRecorded(CaseEvent):
    """KCC's signed message, kept as the evidence of the works."""

    referral_id: str
    measures: list[str]
    completed_on: str  # ISO date
    message_id: str
    signed_body: str
    signature: str

    def apply(self, case: Case) -> None:
        case.safer.works.append(SaferWorks(
            referral_id=self.referral_id,
            measures=tuple(SaferMeasure(m) for m in self.measures),
            completed_on=date.fromisoformat(self.completed_on), message_id=self.message_id))
        remember_command(case.recent_commands, self.command_id)


class SaferCommands(CaseParts):
    """SAFER commands of `Case` (mixed into it)."""

    def refer_to_safer(self, *, reason: str, actor: Actor, at: datetime,
                       command_id: str) -> str:
        """Refer the household to KCC SAFER (any professional may; DBC 7.4.3, D 8.37), with
        the household's agreement, which is the lawful basis of sharing (D 12.6). One
        referral at a time: another only once the last could not be delivered."""
        check_reason(reason)
        for referral in self.safeguarding.referrals.values():
            if referral.kind is ReferralKind.SAFER and referral.status is not (
                    ReferralStatus.FAILED):
                raise ConflictError("safer_one_referral_at_a_time",
                                    "the case already has a SAFER referral", field="reason")
        rule = self.policy.safer_referral
        return self._open_referral(ReferralKind.SAFER, rule, actor, at,
                                   f"Referred to KCC SAFER with the household's agreement: "
                                   f"{reason}", command_id=command_id)

    def record_safer_works(self, *, referral_id: str, measures: list[SaferMeasure],
                           completed_on: date, message_id: str, signed_body: str,
                           signature: str, actor: Actor, at: datetime,
                           command_id: str) -> None:
        """KCC's verified, signed message that works were done under our referral; once per
        referral. A message about a referral KCC has not received from us is refused."""
        referral = self.safeguarding.referrals.get(referral_id)
        if referral is None or referral.kind is not ReferralKind.SAFER:
            raise RuleViolation("safer_works_of_our_referral",
                                "no such SAFER referral on this case", field="message_id",
                                section="DBC 7.4.3")
        if referral.status not in (ReferralStatus.DELIVERED, ReferralStatus.ACKNOWLEDGED):
            raise ConflictError("delivery_recorded_first",
                                "the delivery of this referral is not recorded yet",
                                field="message_id")
        if any(w.referral_id == referral_id for w in self.safer.works):
            raise ConflictError("safer_works_recorded_once",
                                "the works of this referral are recorded", field="message_id")
        if not measures:
            raise RuleViolation("safer_works_name_measures", "name the measures",
                                field="works")
        if completed_on < referral.opened_on or completed_on > at.date():
            raise RuleViolation("safer_works_between_referral_and_today",
                                "the works date must be from the referral to today",
                                field="completed_on")
        self.trigger_event(SaferWorksRecorded, referral_id=referral_id,
                           measures=[m.value for m in measures],
                           completed_on=completed_on.isoformat(), message_id=message_id,
                           signed_body=signed_body, signature=signature, actor=actor, at=at,
                           command_id=command_id,
                           reason="KCC SAFER reported the works done (its signed message).")

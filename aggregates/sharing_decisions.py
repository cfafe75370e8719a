"""Sharing decisions and consent as events on the case (D 12.4–12.6, DBC 12, DAHA)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aggregates.case_events import CaseEvent
from aggregates.case_versions import remember_command
from aggregates.checks import check_reason
from aggregates.errors import RuleViolation
from aggregates.report import Actor
from aggregates.sharing import Purpose, check_decision

if TYPE_CHECKING:
    from aggregates.case import Case


def init_sharing_state(case: Case) -> None:
    case.sharing_decisions = []
    case.consents = {}


class SharingDecided(CaseEvent):
    """A decision to share, or not to share, with a recipient for a purpose."""

    decision_id: str
    partner: str
    purpose: str
    categories: list[str]
    shared: bool
    lawful_basis: str | None
    justification: str
    reasons: str
    under_isa: bool

    def apply(self, case: Case) -> None:
        case.sharing_decisions.append({
            "decision_id": self.decision_id, "partner": self.partner, "purpose": self.purpose,
            "categories": self.categories, "shared": self.shared,
            "lawful_basis": self.lawful_basis, "justification": self.justification,
            "reasons": self.reasons, "under_isa": self.under_isa,
            "decided_by": self.actor.to_dict(), "decided_at": self.at.isoformat()})
        remember_command(case.recent_commands, self.command_id)


class ConsentChanged(CaseEvent):
    """The victim gave or withdrew consent to sharing for a purpose."""

    purpose: str
    given: bool

    def apply(self, case: Case) -> None:
        case.consents[self.purpose] = self.given
        remember_command(case.recent_commands, self.command_id)


class SharingCommands:
    """Sharing commands of `Case` (mixed into it)."""

    if TYPE_CHECKING:
        sharing_decisions: list[dict[str, Any]]
        consents: dict[str, bool]
        recent_commands: dict[str, None]

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    def decide_sharing(self, *, partner: str, purpose: str, categories: list[str], shared: bool,
                       lawful_basis: str | None, justification: str, reasons: str,
                       under_isa: bool, actor: Actor, at: datetime, command_id: str) -> str:
        """Record a decision to share or not to share (the perpetrator is never a recipient)."""
        check_decision(partner=partner, purpose=purpose, categories=categories, shared=shared,
                       lawful_basis=lawful_basis, justification=justification, reasons=reasons)
        decision_id = str(uuid.uuid4())
        self.trigger_event(
            SharingDecided, decision_id=decision_id, partner=partner, purpose=purpose,
            categories=sorted(set(categories)),
            shared=shared, lawful_basis=lawful_basis if shared else None,
            justification=justification, reasons=reasons, under_isa=under_isa,
            command_id=command_id, actor=actor, at=at,
            reason=(f"Decided to share with {partner} for {purpose}." if shared
                    else f"Decided not to share with {partner} for {purpose}."))
        return decision_id

    def change_consent(self, *, purpose: str, given: bool, actor: Actor, reason: str,
                       at: datetime, command_id: str) -> None:
        if purpose not in {p.value for p in Purpose}:
            raise RuleViolation("sharing_purpose_is_known", "unknown purpose", field="purpose")
        check_reason(reason)
        self.trigger_event(ConsentChanged, purpose=purpose, given=given, command_id=command_id,
                           actor=actor, reason=reason, at=at)

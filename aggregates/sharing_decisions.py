"""The sharing slice of a case: decisions to share or not to share, and the victim's consent
(D 12.4–12.6, DBC 12, DAHA).

State: `SharingState` (`case.sharing`), with `SharingDecision` records. Events:
`SharingDecided`, `ConsentChanged`. Rules: aggregates/sharing.py (what a decision must record,
and the gate every outbound message passes).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.checks import check_reason
from aggregates.errors import RuleViolation
from aggregates.recent_commands import remember_command
from aggregates.report import Actor
from aggregates.sharing import Purpose, check_decision

if TYPE_CHECKING:
    from aggregates.case import Case


@dataclass(frozen=True)
class SharingDecision:
    """A decision to share (with its lawful basis and justification) or not to share (with
    its reasons) the listed data categories with a partner for a purpose."""

    decision_id: str
    partner: str
    purpose: str
    categories: tuple[str, ...]
    shared: bool
    lawful_basis: str | None
    justification: str
    reasons: str
    under_isa: bool
    decided_by: Actor
    decided_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """As JSON values, in the shape the API and the sharing gate read."""
        return {"decision_id": self.decision_id, "partner": self.partner,
                "purpose": self.purpose, "categories": list(self.categories),
                "shared": self.shared, "lawful_basis": self.lawful_basis,
                "justification": self.justification, "reasons": self.reasons,
                "under_isa": self.under_isa, "decided_by": self.decided_by.to_dict(),
                "decided_at": self.decided_at.isoformat()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SharingDecision:
        return cls(decision_id=data["decision_id"], partner=data["partner"],
                   purpose=data["purpose"], categories=tuple(data["categories"]),
                   shared=data["shared"], lawful_basis=data["lawful_basis"],
                   justification=data["justification"], reasons=data["reasons"],
                   under_isa=data["under_isa"], decided_by=Actor.from_dict(data["decided_by"]),
                   decided_at=datetime.fromisoformat(data["decided_at"]))


@dataclass(frozen=True)
class SharingState:
    """Every decision in the order made (appended, never copied); consent by purpose."""

    decisions: list[SharingDecision] = field(default_factory=list)
    consents: dict[str, bool] = field(default_factory=dict)


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
        case.sharing.decisions.append(SharingDecision(
            decision_id=self.decision_id, partner=self.partner, purpose=self.purpose,
            categories=tuple(self.categories), shared=self.shared,
            lawful_basis=self.lawful_basis, justification=self.justification,
            reasons=self.reasons, under_isa=self.under_isa, decided_by=self.actor,
            decided_at=self.at))
        remember_command(case.recent_commands, self.command_id)


class ConsentChanged(CaseEvent):
    """The victim gave or withdrew consent to sharing for a purpose."""

    purpose: str
    given: bool

    def apply(self, case: Case) -> None:
        case.sharing.consents[self.purpose] = self.given
        remember_command(case.recent_commands, self.command_id)


class SharingCommands(CaseParts):
    """Sharing commands of `Case` (mixed into it)."""

    @property
    def sharing_decisions(self) -> list[SharingDecision]:
        return self.sharing.decisions

    @property
    def consents(self) -> dict[str, bool]:
        """Purpose -> whether the victim consents to sharing for it (absent: not asked)."""
        return self.sharing.consents

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
        """The victim gives or withdraws consent to sharing for a purpose."""
        if purpose not in {p.value for p in Purpose}:
            raise RuleViolation("sharing_purpose_is_known", "unknown purpose", field="purpose")
        check_reason(reason)
        self.trigger_event(ConsentChanged, purpose=purpose, given=given, command_id=command_id,
                           actor=actor, reason=reason, at=at)

"""The records of a Sanctuary referral (DBC 7.4.2, SCAR): the referral and where it stands,
and each measure installed. Frozen; `to_dict()` is the JSON the API shows and snapshots store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aggregates.report import Tenure
from aggregates.sanctuary_rules import (
    HouseholdType,
    Installer,
    MeasureType,
    ReferrerKind,
    RiskSubject,
    SanctuaryStatus,
)


@dataclass(frozen=True)
class SanctuaryReferral:
    """The case's Sanctuary referral and where it stands."""

    referred_at: datetime
    referrer_kind: ReferrerKind
    referrer_name: str
    referrer_contact: str  # how to tell the referrer the outcome
    referring_agency: str | None
    tenure: Tenure
    household_type: HouseholdType
    protected_characteristics: dict[str, str]  # given by the victim, else empty
    communication_needs: tuple[str, ...]
    status: SanctuaryStatus = SanctuaryStatus.REFERRED
    assessed: frozenset[RiskSubject] = frozenset()
    rule: str | None = None        # the rule that decided it
    section: str | None = None
    outcome_reason: str | None = None  # why not accepted, or why the household declined
    referrer_told_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "referred_at": self.referred_at.isoformat(),
            "referrer_kind": self.referrer_kind.value, "referrer_name": self.referrer_name,
            "referrer_contact": self.referrer_contact,
            "referring_agency": self.referring_agency, "tenure": self.tenure.value,
            "household_type": self.household_type.value,
            "protected_characteristics": dict(self.protected_characteristics),
            "communication_needs": list(self.communication_needs),
            "status": self.status.value, "assessed": sorted(self.assessed),
            "rule": self.rule, "section": self.section, "outcome_reason": self.outcome_reason,
            "referrer_told_at": self.referrer_told_at and self.referrer_told_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SanctuaryReferral:
        told = data["referrer_told_at"]
        return cls(
            referred_at=datetime.fromisoformat(data["referred_at"]),
            referrer_kind=ReferrerKind(data["referrer_kind"]),
            referrer_name=data["referrer_name"], referrer_contact=data["referrer_contact"],
            referring_agency=data["referring_agency"], tenure=Tenure(data["tenure"]),
            household_type=HouseholdType(data["household_type"]),
            protected_characteristics=dict(data["protected_characteristics"]),
            communication_needs=tuple(data["communication_needs"]),
            status=SanctuaryStatus(data["status"]),
            assessed=frozenset(RiskSubject(s) for s in data["assessed"]),
            rule=data["rule"], section=data["section"], outcome_reason=data["outcome_reason"],
            referrer_told_at=datetime.fromisoformat(told) if told else None)


@dataclass(frozen=True)
class Measure:
    """A Sanctuary measure installed: type, date, who installed it, cost in pence."""

    measure_type: MeasureType
    installed_on: date
    installer: Installer
    cost_pence: int

    def to_dict(self) -> dict[str, Any]:
        return {"measure_type": self.measure_type.value,
                "installed_on": self.installed_on.isoformat(),
                "installer": self.installer.value, "cost_pence": self.cost_pence}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Measure:
        return cls(measure_type=MeasureType(data["measure_type"]),
                   installed_on=date.fromisoformat(data["installed_on"]),
                   installer=Installer(data["installer"]), cost_pence=data["cost_pence"])

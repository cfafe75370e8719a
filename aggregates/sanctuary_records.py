"""The records of a Sanctuary referral (DBC 7.4.2, SCAR): the referral and where it stands,
and each measure installed. Frozen; `to_dict()` is the JSON the API shows and snapshots store.

Shapes of a referral's dict: before equality answers and decline reasons were coded (issue
17) it had no "decline_reason", and its "protected_characteristics" and "communication_needs"
held the victim's own words. `from_dict` reads such a dict (a snapshot taken then) as a case
replayed from its upcast events would be: each answer given becomes `OWN_WORDS`, a decline
`NOT_RECORDED`. The words are never parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aggregates.equality import OWN_WORDS
from aggregates.report import Tenure
from aggregates.sanctuary_rules import (
    NOT_RECORDED,
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
    # {characteristic: answer code} (aggregates/equality.py), only those the victim gave
    protected_characteristics: dict[str, str]
    communication_needs: tuple[str, ...]  # `CommunicationNeed` codes (or OWN_WORDS)
    status: SanctuaryStatus = SanctuaryStatus.REFERRED
    assessed: frozenset[RiskSubject] = frozenset()
    rule: str | None = None        # the rule that decided it
    section: str | None = None
    outcome_reason: str | None = None  # why not accepted, or why the household declined
    decline_reason: str | None = None  # a `DeclineReason` (or NOT_RECORDED), once declined
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
            "decline_reason": self.decline_reason,
            "referrer_told_at": self.referrer_told_at and self.referrer_told_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SanctuaryReferral:
        told = data["referrer_told_at"]
        characteristics = dict(data["protected_characteristics"])
        needs = tuple(data["communication_needs"])
        if "decline_reason" in data:
            declined = data["decline_reason"]
        else:  # the shape from before answers were coded: see the module docstring
            characteristics = dict.fromkeys(characteristics, OWN_WORDS)
            needs = (OWN_WORDS,) if needs else ()
            declined = NOT_RECORDED if data["status"] == "declined" else None
        return cls(
            referred_at=datetime.fromisoformat(data["referred_at"]),
            referrer_kind=ReferrerKind(data["referrer_kind"]),
            referrer_name=data["referrer_name"], referrer_contact=data["referrer_contact"],
            referring_agency=data["referring_agency"], tenure=Tenure(data["tenure"]),
            household_type=HouseholdType(data["household_type"]),
            protected_characteristics=characteristics, communication_needs=needs,
            status=SanctuaryStatus(data["status"]),
            assessed=frozenset(RiskSubject(s) for s in data["assessed"]),
            rule=data["rule"], section=data["section"], outcome_reason=data["outcome_reason"],
            decline_reason=declined,
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

"""Referrals to partner agencies: who they go to, the record a case keeps of each (`Referral`),
and the month arithmetic of repeat MARAC."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Partner(StrEnum):
    """The partner agencies a case's information may go to (the registry holds their
    endpoints, keys and profiles)."""

    POLICE = "police"
    KENT_MEDWAY_MARAC = "kent_medway_marac"
    CHILDRENS_SERVICES = "childrens_services"
    ADULT_SOCIAL_CARE = "adult_social_care"
    KCC_SAFER = "kcc_safer"
    DA_SPECIALIST_SERVICES = "da_specialist_services"  # IDVAs, KIDAS providers
    SUPPORT_SERVICES = "support_services"  # addiction and mental-health support (D 8.19)
    KENT_HOUSING_PROVIDERS = "kent_housing_providers"
    REPAIRS_CONTRACTOR = "repairs_contractor"
    # Records given as evidence (D 8.24-8.28, DBC 10.2): an evidence bundle is exported to
    # them under a recorded decision, never sent through a gateway.
    COURT = "court"
    HOUSING_OMBUDSMAN = "housing_ombudsman"
    LOCAL_GOVERNMENT_OMBUDSMAN = "local_government_ombudsman"  # homelessness decisions


class ReferralKind(StrEnum):
    MARAC = "marac"
    REPEAT_MARAC = "repeat_marac"
    CHILDREN = "children"
    ADULT_SAFEGUARDING = "adult_safeguarding"
    SUPPORT_SERVICES = "support_services"
    EMERGENCY_REPAIR = "emergency_repair"  # a job for the repairs contractor (D 8.36)
    SAFER = "safer"  # security advice and measures from KCC (DBC 7.4.3, D 8.37)


class ReferralStatus(StrEnum):
    QUEUED = "queued"              # recorded; delivery under way
    DELIVERED = "delivered"        # the partner's server accepted it
    ACKNOWLEDGED = "acknowledged"  # the partner's signed acknowledgement is on the case
    FAILED = "failed"              # delivery given up (or not covered): a DSO has a task


PARTNER_FOR: dict[ReferralKind, Partner] = {
    ReferralKind.MARAC: Partner.KENT_MEDWAY_MARAC,
    ReferralKind.REPEAT_MARAC: Partner.KENT_MEDWAY_MARAC,
    ReferralKind.CHILDREN: Partner.CHILDRENS_SERVICES,
    ReferralKind.ADULT_SAFEGUARDING: Partner.ADULT_SOCIAL_CARE,
    ReferralKind.SUPPORT_SERVICES: Partner.SUPPORT_SERVICES,
    ReferralKind.EMERGENCY_REPAIR: Partner.REPAIRS_CONTRACTOR,
    ReferralKind.SAFER: Partner.KCC_SAFER,
}

MARAC_KINDS = frozenset({ReferralKind.MARAC, ReferralKind.REPEAT_MARAC})


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def within_months_after(later: date, earlier: date, months: int) -> bool:
    """True when `later` falls on or after `earlier` and no more than `months` after it."""
    return earlier <= later <= add_months(earlier, months)


@dataclass(frozen=True)
class Referral:
    """A referral to a partner as the case records it: what was decided (`kind`, `partner`,
    `rule`, `section`, dated `opened_on` in London, recorded `opened_at`) and where its
    delivery stands. Carries no personal data: the message is built when it is sent."""

    referral_id: str
    kind: ReferralKind
    partner: str
    rule: str
    section: str
    status: ReferralStatus
    opened_on: date
    opened_at: datetime
    delivery_id: str | None = None
    digest: str | None = None
    acknowledged_at: datetime | None = None
    failure: str | None = None  # a rule name or reason code, never message contents
    heard_on: date | None = None  # when the MARAC heard it (MARAC referrals)

    def to_dict(self) -> dict[str, Any]:
        """As JSON values, in the shape the API has always shown (the last three keys only
        once they are known)."""
        data: dict[str, Any] = {
            "referral_id": self.referral_id, "kind": self.kind.value, "partner": self.partner,
            "rule": self.rule, "section": self.section, "status": self.status.value,
            "opened_on": self.opened_on.isoformat(), "opened_at": self.opened_at.isoformat(),
            "delivery_id": self.delivery_id, "digest": self.digest}
        if self.acknowledged_at is not None:
            data["acknowledged_at"] = self.acknowledged_at.isoformat()
        if self.failure is not None:
            data["failure"] = self.failure
        if self.heard_on is not None:
            data["heard_on"] = self.heard_on.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Referral:
        acknowledged, heard = data.get("acknowledged_at"), data.get("heard_on")
        return cls(
            referral_id=data["referral_id"], kind=ReferralKind(data["kind"]),
            partner=data["partner"], rule=data["rule"], section=data["section"],
            status=ReferralStatus(data["status"]),
            opened_on=date.fromisoformat(data["opened_on"]),
            opened_at=datetime.fromisoformat(data["opened_at"]),
            delivery_id=data.get("delivery_id"), digest=data.get("digest"),
            acknowledged_at=datetime.fromisoformat(acknowledged) if acknowledged else None,
            failure=data.get("failure"), heard_on=date.fromisoformat(heard) if heard else None)


def last_marac_referral_on(referrals: Iterable[Referral], *,
                           on_or_before: date) -> date | None:
    """The London date of the case's latest MARAC referral (first or repeat) made on or before
    `on_or_before`, or None when there is none."""
    days = [r.opened_on for r in referrals if r.kind in MARAC_KINDS]
    return max((d for d in days if d <= on_or_before), default=None)


def is_repeat_marac(day: date, last_referred_on: date | None, months: int) -> bool:
    """SafeLives: abuse on `day` is a repeat when it falls within `months` of the last referral
    to MARAC (counted from the referral, not the hearing, so an incident before the hearing is
    a repeat too); later abuse is judged against the risk threshold again."""
    return last_referred_on is not None and within_months_after(day, last_referred_on, months)

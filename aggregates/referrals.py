"""Referrals to partner agencies: who they go to, and the month arithmetic of repeat MARAC."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
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


class ReferralKind(StrEnum):
    MARAC = "marac"
    REPEAT_MARAC = "repeat_marac"
    CHILDREN = "children"
    ADULT_SAFEGUARDING = "adult_safeguarding"
    SUPPORT_SERVICES = "support_services"


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


def last_marac_referral_on(referrals: Mapping[str, Mapping[str, Any]], *,
                           on_or_before: date) -> date | None:
    """The London date of the case's latest MARAC referral (first or repeat) made on or before
    `on_or_before`, or None when there is none."""
    days = [date.fromisoformat(r["opened_on"]) for r in referrals.values()
            if r["kind"] in MARAC_KINDS]
    return max((d for d in days if d <= on_or_before), default=None)


def is_repeat_marac(day: date, last_referred_on: date | None, months: int) -> bool:
    """SafeLives: abuse on `day` is a repeat when it falls within `months` of the last referral
    to MARAC (counted from the referral, not the hearing, so an incident before the hearing is
    a repeat too); later abuse is judged against the risk threshold again."""
    return last_referred_on is not None and within_months_after(day, last_referred_on, months)

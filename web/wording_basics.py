"""The small phrases every event wording uses (web/event_wording.py,
web/home_safety_wording.py): a code in words, yes or no, the rule and section, a partner's
name. A withheld value (aggregates/data_categories.py) says so."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aggregates.data_categories import WITHHELD
from aggregates.landlords import LANDLORD_NAMES, KentLandlord
from aggregates.referrals import Partner
from gateways.default_partners import NAMES


def partner_name(partner: str) -> str:
    """A partner's name ('Kent Police', 'Moat Homes'), or its code in words if it is not one
    we know."""
    try:
        return NAMES[Partner(partner)]
    except ValueError:
        pass
    try:
        return LANDLORD_NAMES[KentLandlord(partner)]
    except ValueError:
        return partner.replace("_", " ")


def words(code: Any) -> str:
    """A code in words: 'contact_victim' → 'contact victim'; a withheld value says so."""
    if code is None:
        return "none"
    if code == WITHHELD:
        return "(withheld)"
    return str(code).replace("_", " ")


def yes_no(value: Any) -> str:
    return "(withheld)" if value == WITHHELD else ("yes" if value else "no")


def rule_phrase(data: Mapping[str, Any]) -> str:
    rule, section = data.get("rule"), data.get("section")
    if not rule:
        return ""
    return f" under the rule {words(rule)}" + (f" ({section})" if section else "")


def referral_phrase(data: Mapping[str, Any]) -> str:
    return f"referral {data.get('referral_id', '?')}"

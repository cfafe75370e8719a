"""Information sharing (D 12.4–12.6, DBC 12, DAHA): every decision to share or not to share is
recorded, and nothing leaves the council unless such a decision covers it.

`sharing_gate` is the one rule every outbound message passes: it is built only from the data
categories a recorded decision covers for that recipient and purpose, and only those the
partner's profile allows; the perpetrator and their representatives are never recipients,
whatever is recorded.

Recipients are an allow-list: a decision names a registered partner by its id (`PARTNER_IDS`,
the ids the partner registry may hold), never free text. Decisions recorded with a free-text
recipient before this rule still load and display; they cover nothing the gate would send.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aggregates.errors import RuleViolation
from aggregates.landlords import LANDLORD_IDS
from aggregates.referrals import Partner, ReferralKind

SECTION = "D 12.5, D 12.6; DBC 12; DAHA"
NEVER_TO_PERPETRATOR = "D 12.4, D 8.42"
REGISTERED_RECIPIENT = "D 12.4, D 12.5"


class Purpose(StrEnum):
    MARAC_REFERRAL = "marac_referral"
    CHILD_SAFEGUARDING = "child_safeguarding"
    ADULT_SAFEGUARDING = "adult_safeguarding"
    SUPPORT_REFERRAL = "support_referral"
    POLICE_NOTIFICATION = "police_notification"
    SECURITY_MEASURES = "security_measures"      # Sanctuary Scheme, KCC SAFER
    HOUSING_TRANSFER = "housing_transfer"        # Kent reciprocal (decisions before issue 14)
    RECIPROCAL_TRANSFER = "reciprocal_transfer"  # a transfer to a named Kent landlord (D 8.22)
    REPAIRS = "repairs"


class DataCategory(StrEnum):
    CASE_REFERENCE = "case_reference"        # ids, council, rule: no personal data
    VICTIM_IDENTITY = "victim_identity"
    VICTIM_CONTACT = "victim_contact"
    VICTIM_ADDRESS = "victim_address"
    CHILDREN = "children"
    ADULTS_CARE_NEEDS = "adults_care_needs"
    RISK_ASSESSMENT = "risk_assessment"
    PERPETRATOR_DETAILS = "perpetrator_details"
    SUPPORT_NEEDS = "support_needs"
    # Where the victim moves to (area, new address): only the receiving landlord (D 8.22).
    TRANSFER_DESTINATION = "transfer_destination"


class LawfulBasis(StrEnum):
    """D 12.6: consent where sought; otherwise public task, safeguarding obligations, or the
    vital interests of the data subject."""

    CONSENT = "consent"
    PUBLIC_TASK = "public_task"
    SAFEGUARDING_OBLIGATION = "safeguarding_obligation"
    VITAL_INTERESTS = "vital_interests"


# The recipients a decision may name: the partner agencies, whose ids are the only ones the
# partner registry may hold (`gateways.registry`), and the landlords of the Kent reciprocal
# agreement (aggregates/landlords.py).
PARTNER_IDS: frozenset[str] = frozenset(p.value for p in Partner) | LANDLORD_IDS
# Words naming the perpetrator or someone acting for them, looked for in the recipient folded
# to lower-case letters and digits, so no spelling, case or separator gets past the named rule.
PERPETRATOR_WORDS = ("perp", "abuser")

PURPOSE_OF: dict[ReferralKind, Purpose] = {
    ReferralKind.MARAC: Purpose.MARAC_REFERRAL,
    ReferralKind.REPEAT_MARAC: Purpose.MARAC_REFERRAL,
    ReferralKind.CHILDREN: Purpose.CHILD_SAFEGUARDING,
    ReferralKind.ADULT_SAFEGUARDING: Purpose.ADULT_SAFEGUARDING,
    ReferralKind.SUPPORT_SERVICES: Purpose.SUPPORT_REFERRAL,
    ReferralKind.EMERGENCY_REPAIR: Purpose.REPAIRS,
    ReferralKind.SAFER: Purpose.SECURITY_MEASURES,
}

# What each kind of referral cannot be sent without, and what it adds when it may.
REQUIRED: dict[ReferralKind, frozenset[DataCategory]] = {
    ReferralKind.MARAC: frozenset({DataCategory.CASE_REFERENCE, DataCategory.VICTIM_IDENTITY,
                                   DataCategory.VICTIM_ADDRESS, DataCategory.RISK_ASSESSMENT}),
    ReferralKind.CHILDREN: frozenset({DataCategory.CASE_REFERENCE,
                                      DataCategory.VICTIM_IDENTITY,
                                      DataCategory.VICTIM_ADDRESS, DataCategory.CHILDREN}),
    ReferralKind.ADULT_SAFEGUARDING: frozenset({DataCategory.CASE_REFERENCE,
                                                DataCategory.VICTIM_IDENTITY,
                                                DataCategory.VICTIM_ADDRESS,
                                                DataCategory.ADULTS_CARE_NEEDS}),
    ReferralKind.SUPPORT_SERVICES: frozenset({DataCategory.CASE_REFERENCE,
                                              DataCategory.VICTIM_IDENTITY,
                                              DataCategory.VICTIM_CONTACT,
                                              DataCategory.SUPPORT_NEEDS}),
    # The contractor gets the address and the job, never who the victim is or why.
    ReferralKind.EMERGENCY_REPAIR: frozenset({DataCategory.CASE_REFERENCE,
                                              DataCategory.VICTIM_ADDRESS}),
    # KCC advises the household and arranges the works: who, where and how to reach them.
    ReferralKind.SAFER: frozenset({DataCategory.CASE_REFERENCE, DataCategory.VICTIM_IDENTITY,
                                   DataCategory.VICTIM_ADDRESS, DataCategory.VICTIM_CONTACT}),
}
REQUIRED[ReferralKind.REPEAT_MARAC] = REQUIRED[ReferralKind.MARAC]
OPTIONAL: dict[ReferralKind, frozenset[DataCategory]] = {
    ReferralKind.MARAC: frozenset({DataCategory.VICTIM_CONTACT, DataCategory.CHILDREN,
                                   DataCategory.PERPETRATOR_DETAILS}),
    ReferralKind.REPEAT_MARAC: frozenset({DataCategory.VICTIM_CONTACT, DataCategory.CHILDREN,
                                          DataCategory.PERPETRATOR_DETAILS}),
    ReferralKind.CHILDREN: frozenset(),
    ReferralKind.ADULT_SAFEGUARDING: frozenset(),
    ReferralKind.SUPPORT_SERVICES: frozenset(),
    ReferralKind.EMERGENCY_REPAIR: frozenset(),
    ReferralKind.SAFER: frozenset(),
}
# The lawful basis a referral made by a rule rests on (D 12.6): safeguarding duties, except
# support services, which need the victim's consent (D 8.19).
BASIS_OF: dict[ReferralKind, LawfulBasis] = {
    ReferralKind.MARAC: LawfulBasis.SAFEGUARDING_OBLIGATION,
    ReferralKind.REPEAT_MARAC: LawfulBasis.SAFEGUARDING_OBLIGATION,
    ReferralKind.CHILDREN: LawfulBasis.SAFEGUARDING_OBLIGATION,
    ReferralKind.ADULT_SAFEGUARDING: LawfulBasis.SAFEGUARDING_OBLIGATION,
    ReferralKind.SUPPORT_SERVICES: LawfulBasis.CONSENT,
    ReferralKind.EMERGENCY_REPAIR: LawfulBasis.PUBLIC_TASK,  # the landlord's repair duty
    ReferralKind.SAFER: LawfulBasis.CONSENT,  # the household asks for the works
}


class SharingRefused(RuleViolation):
    """An outbound message is not covered by a recorded decision (or may never be sent)."""

    def __init__(self, rule: str, message: str, *, missing: Iterable[str] = (),
                 field: str | None = None, section: str = SECTION) -> None:
        super().__init__(rule, message, field=field, section=section)
        self.missing = tuple(missing)


def folded(recipient: str) -> str:
    """`recipient` in compatibility form, case-folded, with only its letters and digits."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", recipient).casefold())


def check_recipient(recipient: object, *, registered: Collection[str] = PARTNER_IDS) -> None:
    """A recipient is a registered partner's id, exactly (`registered`: the allow-list).
    Raises `SharingRefused` naming `never_share_with_perpetrator` when it names the
    perpetrator or anyone acting for them, whatever the spelling or case, and
    `recipient_is_registered_partner` for anything else not registered. The message never
    repeats the value given."""
    if isinstance(recipient, str) and any(w in folded(recipient) for w in PERPETRATOR_WORDS):
        raise SharingRefused("never_share_with_perpetrator",
                             "information about the victim is never shared with the "
                             "perpetrator or their representatives", field="partner",
                             section=NEVER_TO_PERPETRATOR)
    if not isinstance(recipient, str) or recipient not in registered:
        raise SharingRefused("recipient_is_registered_partner",
                             "name a registered partner by its id, not free text",
                             field="partner", section=REGISTERED_RECIPIENT)


def check_decision(*, partner: str, purpose: str, categories: Iterable[str], shared: bool,
                   lawful_basis: str | None, justification: str, reasons: str,
                   registered: Collection[str] = PARTNER_IDS) -> None:
    """A decision names a registered recipient, and a lawful basis and a justification when
    sharing, reasons when not."""
    check_recipient(partner, registered=registered)
    if purpose not in {p.value for p in Purpose}:
        raise RuleViolation("sharing_purpose_is_known", "unknown purpose", field="purpose",
                            section=SECTION)
    unknown = set(categories) - {c.value for c in DataCategory}
    if unknown:
        raise RuleViolation("data_category_is_known", f"unknown categories {sorted(unknown)}",
                            field="categories", section=SECTION)
    if shared:
        if lawful_basis not in {b.value for b in LawfulBasis}:
            raise RuleViolation("sharing_has_lawful_basis", "name the lawful basis",
                                field="lawful_basis", section="D 12.6")
        if not list(categories):
            raise RuleViolation("sharing_names_categories", "name what is shared",
                                field="categories", section=SECTION)
        if not justification.strip():
            raise RuleViolation("sharing_is_justified", "record why it is shared",
                                field="justification", section="D 12.5")
    elif not reasons.strip():
        raise RuleViolation("not_sharing_has_reasons", "record why it is not shared",
                            field="reasons", section="D 12.5")


@dataclass(frozen=True)
class Coverage:
    decision_id: str
    categories: frozenset[str]
    lawful_basis: str


def covering_decision(decisions: Iterable[Mapping[str, Any]], *, partner: str, purpose: str,
                      consents: Mapping[str, bool],
                      registered: Collection[str] = PARTNER_IDS) -> Coverage:
    """The latest decision for this recipient and purpose, if it is to share (a later decision
    not to share, or consent withdrawn for a consent-based one, ends the coverage). The
    recipient must be registered, whatever was recorded for it."""
    check_recipient(partner, registered=registered)
    latest = None
    for decision in decisions:
        if decision["partner"] == partner and decision["purpose"] == purpose:
            latest = decision
    if latest is None or not latest["shared"]:
        raise SharingRefused("sharing_decision_covers_recipient_and_purpose",
                             f"no recorded decision to share with {partner} for {purpose}",
                             missing=("decision",))
    if latest["lawful_basis"] == LawfulBasis.CONSENT and consents.get(purpose) is False:
        raise SharingRefused("consent_not_withdrawn",
                             "the victim withdrew consent for this purpose",
                             missing=("consent",))
    return Coverage(latest["decision_id"], frozenset(latest["categories"]),
                    latest["lawful_basis"])


def sharing_gate(*, partner: str, kind: ReferralKind, content: Mapping[str, Any],
                 decisions: Iterable[Mapping[str, Any]], consents: Mapping[str, bool],
                 profile: frozenset[str],
                 registered: Collection[str] = PARTNER_IDS) -> dict[str, Any]:
    """The message that may go to `partner`: the referral's categories that a recorded
    decision covers and the partner's profile allows. Refuses (naming what is missing) when a
    category the referral cannot do without is not covered or not allowed, and whenever
    `partner` is not one of the `registered` ids or names the perpetrator."""
    coverage = covering_decision(decisions, partner=partner, purpose=PURPOSE_OF[kind],
                                 consents=consents, registered=registered)
    required = REQUIRED[kind]
    not_covered = sorted(c.value for c in required if c.value not in coverage.categories)
    if not_covered:
        raise SharingRefused("sharing_decision_covers_every_category",
                             f"the decision does not cover {not_covered}", missing=not_covered)
    not_allowed = sorted(c.value for c in required if c.value not in profile)
    if not_allowed:
        raise SharingRefused("partner_profile_allows_category",
                             f"the partner's profile does not allow {not_allowed}",
                             missing=not_allowed)
    sendable = (required | OPTIONAL[kind])
    return {
        "decision_id": coverage.decision_id, "lawful_basis": coverage.lawful_basis,
        **{c.value: content[c.value] for c in sorted(sendable)
           if c.value in content and c.value in coverage.categories and c.value in profile},
    }

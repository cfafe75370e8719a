"""The partners every council works with, their data profiles, and a development registry.

Profiles are data minimisation per partner (D 12.4: share only what is necessary): each lists
the data categories that partner may receive at all; the sharing gate also needs a recorded
decision covering each category.
"""

from __future__ import annotations

from typing import Any

from aggregates.landlords import LANDLORD_IDS, LANDLORD_NAMES, KentLandlord
from aggregates.referrals import Partner
from aggregates.sharing import DataCategory as C

NAMES = {
    Partner.POLICE: "Kent Police",
    Partner.KENT_MEDWAY_MARAC: "Kent & Medway MARAC",
    Partner.CHILDRENS_SERVICES: "Kent County Council Children's Social Care",
    Partner.ADULT_SOCIAL_CARE: "Kent County Council Adult Social Care",
    Partner.KCC_SAFER: "KCC SAFER (Sanctuary Access for Eligible Residents)",
    Partner.DA_SPECIALIST_SERVICES: "Specialist DA services (IDVA, KIDAS providers)",
    Partner.SUPPORT_SERVICES: "Addiction and mental health support services",
    Partner.KENT_HOUSING_PROVIDERS: "Kent housing providers (reciprocal agreement)",
    Partner.REPAIRS_CONTRACTOR: "The council's repairs contractor",
    Partner.COURT: "A court (evidence bundle)",
    Partner.HOUSING_OMBUDSMAN: "The Housing Ombudsman",
    Partner.LOCAL_GOVERNMENT_OMBUDSMAN: "The Local Government and Social Care Ombudsman",
}

_IDENTITY = {C.CASE_REFERENCE, C.VICTIM_IDENTITY}
PROFILES: dict[Partner, frozenset[C]] = {
    Partner.POLICE: frozenset(_IDENTITY | {C.VICTIM_CONTACT, C.VICTIM_ADDRESS, C.CHILDREN,
                                           C.RISK_ASSESSMENT, C.PERPETRATOR_DETAILS}),
    Partner.KENT_MEDWAY_MARAC: frozenset(_IDENTITY | {C.VICTIM_CONTACT, C.VICTIM_ADDRESS,
                                                      C.CHILDREN, C.RISK_ASSESSMENT,
                                                      C.PERPETRATOR_DETAILS}),
    Partner.CHILDRENS_SERVICES: frozenset(_IDENTITY | {C.VICTIM_ADDRESS, C.CHILDREN}),
    Partner.ADULT_SOCIAL_CARE: frozenset(_IDENTITY | {C.VICTIM_ADDRESS, C.ADULTS_CARE_NEEDS}),
    Partner.KCC_SAFER: frozenset(_IDENTITY | {C.VICTIM_CONTACT, C.VICTIM_ADDRESS}),
    Partner.DA_SPECIALIST_SERVICES: frozenset(_IDENTITY | {C.VICTIM_CONTACT,
                                                           C.RISK_ASSESSMENT}),
    Partner.SUPPORT_SERVICES: frozenset(_IDENTITY | {C.VICTIM_CONTACT, C.SUPPORT_NEEDS}),
    Partner.KENT_HOUSING_PROVIDERS: frozenset(_IDENTITY | {C.VICTIM_CONTACT, C.CHILDREN}),
    # The contractor needs where and whom to call, never the story or the identity.
    Partner.REPAIRS_CONTRACTOR: frozenset({C.CASE_REFERENCE, C.VICTIM_ADDRESS,
                                           C.VICTIM_CONTACT}),
    # A court may be given the whole record a decision covers, but never where the victim
    # moved to (D 8.22): that stays with the receiving landlord.
    Partner.COURT: frozenset(set(C) - {C.TRANSFER_DESTINATION}),
    # An Ombudsman judges how the council handled the case, not the perpetrator.
    Partner.HOUSING_OMBUDSMAN: frozenset(set(C) - {C.TRANSFER_DESTINATION,
                                                   C.PERPETRATOR_DETAILS}),
    Partner.LOCAL_GOVERNMENT_OMBUDSMAN: frozenset(set(C) - {C.TRANSFER_DESTINATION,
                                                            C.PERPETRATOR_DETAILS}),
}


# A receiving landlord of a Kent reciprocal transfer (D 8.22, D 8.35): who moves, how to reach
# them, their children, the MARAC outcome and action plan, and where to (the one recipient of
# `transfer_destination`). Never the perpetrator's details or the story.
LANDLORD_PROFILE: frozenset[C] = frozenset(_IDENTITY | {
    C.VICTIM_CONTACT, C.CHILDREN, C.RISK_ASSESSMENT, C.TRANSFER_DESTINATION})


def profile_of(partner: str) -> frozenset[str]:
    if partner in LANDLORD_IDS:
        return frozenset(c.value for c in LANDLORD_PROFILE)
    return frozenset(c.value for c in PROFILES[Partner(partner)])


def kind_of(partner: str) -> str:
    """"landlord" (Kent reciprocal agreement) or "agency" (a referral partner)."""
    return "landlord" if partner in LANDLORD_IDS else "agency"


# The partners that cosign the council's transparency-log checkpoints (C2SP tlog-witness), so
# the council cannot show two readers two histories: the police and the MARAC, who hold our
# referrals as evidence and are independent of the council.
WITNESSES = frozenset({Partner.POLICE, Partner.KENT_MEDWAY_MARAC})


def registry_document(endpoints: dict[str, str], public_keys: dict[str, list[str]],
                      witnesses: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """A registry file's contents for these endpoints and keys (development and tests);
    `witnesses` gives a witnessing partner's {"key": cosignature vkey, "endpoint": url}."""
    names = {**{p.value: n for p, n in NAMES.items()},
             **{landlord.value: n for landlord, n in LANDLORD_NAMES.items()}}
    ids = [p.value for p in Partner] + [landlord.value for landlord in KentLandlord]
    return {"partners": [
        {"partner": p, "name": names[p], "kind": kind_of(p), "endpoint": endpoints[p],
         "public_keys": public_keys.get(p, []), "profile": sorted(profile_of(p)),
         "failure_contact": "Designated Safeguarding Officer on duty",
         **({"witness": (witnesses or {})[p]} if p in (witnesses or {}) else {})}
        for p in ids if p in endpoints]}

"""The partners every council works with, their data profiles, and a development registry.

Profiles are data minimisation per partner (D 12.4: share only what is necessary): each lists
the data categories that partner may receive at all; the sharing gate also needs a recorded
decision covering each category.
"""

from __future__ import annotations

from typing import Any

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
}


def profile_of(partner: str) -> frozenset[str]:
    return frozenset(c.value for c in PROFILES[Partner(partner)])


# The partners that cosign the council's transparency-log checkpoints (C2SP tlog-witness), so
# the council cannot show two readers two histories: the police and the MARAC, who hold our
# referrals as evidence and are independent of the council.
WITNESSES = frozenset({Partner.POLICE, Partner.KENT_MEDWAY_MARAC})


def registry_document(endpoints: dict[str, str], public_keys: dict[str, list[str]],
                      witnesses: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """A registry file's contents for these endpoints and keys (development and tests);
    `witnesses` gives a witnessing partner's {"key": cosignature vkey, "endpoint": url}."""
    return {"partners": [
        {"partner": p.value, "name": NAMES[p], "endpoint": endpoints[p.value],
         "public_keys": public_keys.get(p.value, []),
         "profile": sorted(profile_of(p.value)),
         "failure_contact": "Designated Safeguarding Officer on duty",
         **({"witness": (witnesses or {})[p.value]} if p.value in (witnesses or {}) else {})}
        for p in Partner if p.value in endpoints]}

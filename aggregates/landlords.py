"""The housing providers of the Kent Housing Reciprocal Agreement a case may deal with (D 8.22,
D 8.35; DBC 4.2.1 "Kent High Priority Rehousing Reciprocal Scheme").

A landlord is a recipient like any partner agency: its id is on the allow-list of recipients
(`aggregates.sharing.PARTNER_IDS`), so a decision to share names it, the partner registry may
hold it (with its endpoint and keys), and nothing else can be named as one. Each landlord
grants its own kinds of tenancy: a local authority grants secure (or flexible) tenancies, a
registered provider (housing association) assured (or fixed-term) ones.

The list is configuration of the agreement's members this service is set up for; ids carry no
personal data (they are stored in clear in routing facts).
"""

from __future__ import annotations

from enum import StrEnum

from aggregates.report import Council


class LandlordKind(StrEnum):
    LOCAL_AUTHORITY = "local_authority"
    HOUSING_ASSOCIATION = "housing_association"


class KentLandlord(StrEnum):
    """Members of the Kent reciprocal agreement, by id."""

    DOVER_DISTRICT_COUNCIL = "landlord_dover_district_council"
    DARTFORD_BOROUGH_COUNCIL = "landlord_dartford_borough_council"
    MEDWAY_COUNCIL = "landlord_medway_council"
    CANTERBURY_CITY_COUNCIL = "landlord_canterbury_city_council"
    FOLKESTONE_HYTHE_DISTRICT_COUNCIL = "landlord_folkestone_hythe_district_council"
    MOAT_HOMES = "landlord_moat_homes"
    CLARION_HOUSING = "landlord_clarion_housing"
    TOWN_AND_COUNTRY_HOUSING = "landlord_town_and_country_housing"


LANDLORD_NAMES: dict[KentLandlord, str] = {
    KentLandlord.DOVER_DISTRICT_COUNCIL: "Dover District Council",
    KentLandlord.DARTFORD_BOROUGH_COUNCIL: "Dartford Borough Council",
    KentLandlord.MEDWAY_COUNCIL: "Medway Council",
    KentLandlord.CANTERBURY_CITY_COUNCIL: "Canterbury City Council",
    KentLandlord.FOLKESTONE_HYTHE_DISTRICT_COUNCIL: "Folkestone & Hythe District Council",
    KentLandlord.MOAT_HOMES: "Moat Homes",
    KentLandlord.CLARION_HOUSING: "Clarion Housing",
    KentLandlord.TOWN_AND_COUNTRY_HOUSING: "Town & Country Housing",
}

LANDLORD_KINDS: dict[KentLandlord, LandlordKind] = {
    landlord: (LandlordKind.HOUSING_ASSOCIATION if landlord in {
        KentLandlord.MOAT_HOMES, KentLandlord.CLARION_HOUSING,
        KentLandlord.TOWN_AND_COUNTRY_HOUSING} else LandlordKind.LOCAL_AUTHORITY)
    for landlord in KentLandlord
}

# The council's own landlord id: a transfer goes to *another* provider (D 8.22), and an
# inbound request names us as the one receiving it.
OWN_LANDLORD: dict[Council, KentLandlord] = {
    Council.DOVER: KentLandlord.DOVER_DISTRICT_COUNCIL,
    Council.DARTFORD: KentLandlord.DARTFORD_BOROUGH_COUNCIL,
}

LANDLORD_IDS: frozenset[str] = frozenset(landlord.value for landlord in KentLandlord)

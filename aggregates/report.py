"""What a report of domestic abuse records at intake (D 8.6, DBC 7.1–7.2), as plain value types.

Events store these as dicts of primitives (`to_dict`) so the stored form stays stable and
upcastable; the aggregate rebuilds them with `from_dict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Council(StrEnum):
    DOVER = "dover"
    DARTFORD = "dartford"


class Channel(StrEnum):
    """How the council heard of the abuse (D 8.6, DBC 7.1–7.2)."""

    IN_PERSON = "in_person"
    TELEPHONE = "telephone"
    WRITING = "writing"
    ONLINE = "online"
    THIRD_PARTY = "third_party"
    ONE_STOP_SHOP = "one_stop_shop"
    ALLOCATIONS = "allocations"
    ASB_REPORT = "asb_report"
    AUDIT_VISIT = "audit_visit"
    PARTNER_REFERRAL = "partner_referral"
    CONTRACTOR_CONCERN = "contractor_concern"
    PATTERN_OF_REPAIRS = "pattern_of_repairs"


class ReporterKind(StrEnum):
    """Who told us. Anyone but the victim makes it a third-party report (D 8.12)."""

    VICTIM = "victim"
    NEIGHBOUR = "neighbour"
    FAMILY_OR_FRIEND = "family_or_friend"
    POLICE = "police"
    PARTNER_AGENCY = "partner_agency"
    CONTRACTOR = "contractor"
    STAFF = "staff"
    OTHER = "other"


class Tenure(StrEnum):
    COUNCIL_GENERAL_NEEDS = "council_general_needs"
    COUNCIL_HOUSING_SCHEME = "council_housing_scheme"
    TEMPORARY_ACCOMMODATION = "temporary_accommodation"
    HOUSING_ASSOCIATION = "housing_association"
    PRIVATE_RENTED = "private_rented"
    OWNER_OCCUPIER = "owner_occupier"
    LEASEHOLDER = "leaseholder"
    HOMELESS_APPLICANT = "homeless_applicant"
    # A social tenant of another Kent landlord whose request to move here opened the case
    # (the Kent reciprocal agreement, D 8.22): not our tenant yet.
    SOCIAL_TENANT_ELSEWHERE = "social_tenant_elsewhere"


class Adjustment(StrEnum):
    """Reasonable adjustments a victim may ask for (D 8.16; CAR communication needs)."""

    TELEPHONE_ONLY = "telephone_only"
    SAFE_PRIVATE_PLACE = "safe_private_place"
    SAME_SEX_OFFICER = "same_sex_officer"
    TWO_OFFICERS = "two_officers"
    INTERPRETER = "interpreter"
    TRANSLATED_DOCUMENTS = "translated_documents"
    BSL = "bsl"
    RELAY_UK = "relay_uk"
    BRAILLE = "braille"
    LARGE_PRINT = "large_print"
    AUDIO = "audio"


class AdditionalNeed(StrEnum):
    """Needs that call for a referral to support services, with consent (D 8.19)."""

    ADDICTION = "addiction"
    MENTAL_HEALTH = "mental_health"


class Role(StrEnum):
    CASEWORKER = "caseworker"
    DSO = "dso"
    LINE_MANAGER = "line_manager"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    SYSTEM = "system"
    # A council's repairs system, feeding repair jobs with a bearer token (DBC 7.2): a
    # machine client registered like staff, so its council and its tokens are recorded.
    REPAIRS_SYSTEM = "repairs_system"


@dataclass(frozen=True)
class Actor:
    """Who did something: a staff id (never a name) and the role they acted in."""

    staff_id: str
    role: Role

    @classmethod
    def system(cls) -> Actor:
        return cls(staff_id="system", role=Role.SYSTEM)

    def to_dict(self) -> dict[str, str]:
        return {"staff_id": self.staff_id, "role": self.role.value}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Actor:
        return cls(staff_id=data["staff_id"], role=Role(data["role"]))


@dataclass(frozen=True)
class Reporter:
    kind: ReporterKind
    name: str | None = None
    organisation: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Victim:
    name: str
    address: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Perpetrator:
    """A party to the case, never a contact for it (D 8.39–8.45)."""

    name: str | None = None
    relationship: str | None = None


@dataclass(frozen=True)
class Adult:
    name: str | None = None
    care_and_support_needs: bool = False


@dataclass(frozen=True)
class Child:
    age: int
    name: str | None = None


@dataclass(frozen=True)
class Household:
    adults: tuple[Adult, ...] = ()
    children: tuple[Child, ...] = ()

    @property
    def has_children(self) -> bool:
        return bool(self.children)

    @property
    def has_adult_with_care_needs(self) -> bool:
        return any(a.care_and_support_needs for a in self.adults)


@dataclass(frozen=True)
class Report:
    """Everything recorded about the report itself. Personal data lives here and only here."""

    council: Council
    channel: Channel
    reported_at: datetime
    reporter: Reporter
    victim: Victim
    immediate_risk: bool
    household: Household
    tenure: Tenure
    perpetrator_lives_at_address: bool
    summary: str
    reasonable_adjustments: tuple[Adjustment, ...] = field(default_factory=tuple)
    additional_needs: tuple[AdditionalNeed, ...] = field(default_factory=tuple)
    perpetrator: Perpetrator | None = None
    # Why the report is entered long after it was received (a call typed up next morning);
    # None when entered at once. Reports stored before this field have none.
    late_entry_reason: str | None = None

    @property
    def is_third_party(self) -> bool:
        """D 8.12: a report from anyone but the victim."""
        return self.reporter.kind is not ReporterKind.VICTIM

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reported_at"] = self.reported_at.isoformat()
        if self.late_entry_reason is None:
            # A report entered at once is stored as before the field existed.
            del data["late_entry_reason"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        household = data["household"]
        return cls(
            council=Council(data["council"]),
            channel=Channel(data["channel"]),
            reported_at=datetime.fromisoformat(data["reported_at"]),
            reporter=Reporter(**{**data["reporter"],
                                 "kind": ReporterKind(data["reporter"]["kind"])}),
            victim=Victim(**data["victim"]),
            immediate_risk=data["immediate_risk"],
            household=Household(
                adults=tuple(Adult(**a) for a in household["adults"]),
                children=tuple(Child(**c) for c in household["children"]),
            ),
            tenure=Tenure(data["tenure"]),
            perpetrator_lives_at_address=data["perpetrator_lives_at_address"],
            summary=data["summary"],
            reasonable_adjustments=tuple(Adjustment(a) for a in data["reasonable_adjustments"]),
            additional_needs=tuple(AdditionalNeed(a) for a in data.get("additional_needs", ())),
            perpetrator=Perpetrator(**data["perpetrator"]) if data.get("perpetrator") else None,
            late_entry_reason=data.get("late_entry_reason"),
        )

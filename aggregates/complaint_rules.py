"""The rules and vocabulary of complaints (D 10, DBC 11) that aggregates/complaints.py and
aggregates/feedback.py apply: channels, subjects, areas of service and which Ombudsman each
goes to, outcomes, the number of stages, and the checks of dates and text that name the
rule and field they refuse (never the value given).

Errors: `RuleViolation` naming the rule, field and section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from aggregates.errors import RuleViolation

# The corporate procedures of both councils are not in the policies (D 10.4, DBC 11.1 point
# to them); two stages is the Housing Ombudsman's Complaint Handling Code (2024, 5 and 6),
# which both councils, as social landlords, must follow: configured default.
STAGES = 2
STAGES_SECTION = "configured default (Housing Ombudsman Complaint Handling Code 5-6; D 10.4)"
MIN_SUMMARY = 10   # characters: enough to say what the complaint is about
MIN_REASON = 10    # characters: why a stage was answered as it was
MAX_ADJUSTMENTS = 10
# A complaint typed up later may be dated back, within the council's intake limit for reports.
MAX_BACKDATE = timedelta(days=30)
E = TypeVar("E", bound=StrEnum)


class ComplaintChannel(StrEnum):
    """How the complaint was made (D 10.2); "however made" (D 10.1) is `OTHER`."""

    LETTER = "letter"
    EMAIL = "email"
    ONLINE_FORM = "online_form"
    LEAFLET = "leaflet"
    TELEPHONE = "telephone"
    IN_PERSON_BY_APPOINTMENT = "in_person_by_appointment"
    OTHER = "other"


class ComplaintSubject(StrEnum):
    """What the complaint is about (D 10.2)."""

    SERVICE = "service"
    OFFICER = "officer"
    CONTRACTOR = "contractor"


class ServiceArea(StrEnum):
    """Which Ombudsman the area falls to once the council's process is exhausted."""

    LANDLORD = "landlord"            # tenants and leaseholders of the council (DBC 11.3)
    HOUSING_OPTIONS = "housing_options"  # allocations, homelessness, advice (DBC 11.4)


class Ombudsman(StrEnum):
    HOUSING = "housing_ombudsman"
    LOCAL_GOVERNMENT = "local_government_and_social_care_ombudsman"


OMBUDSMAN_FOR: dict[ServiceArea, tuple[Ombudsman, str]] = {
    ServiceArea.LANDLORD: (Ombudsman.HOUSING, "DBC 11.3"),
    ServiceArea.HOUSING_OPTIONS: (Ombudsman.LOCAL_GOVERNMENT, "DBC 11.4"),
}


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


@dataclass(frozen=True)
class StageResponse:
    stage: int
    outcome: Outcome
    reason: str
    by: str
    at: str  # ISO 8601


def choice(kind: type[E], value: str, field: str, rule: str, section: str) -> E:
    """`value` as a member of `kind`, or `RuleViolation` naming the field (never the value)."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise RuleViolation(rule, f"{field} is one of: {allowed}", field=field,
                            section=section) from None


def check_received_at(received_at: datetime, at: datetime, *, what: str = "complaint",
                      field: str = "received_at", section: str = "D 10.1") -> None:
    """A complaint (or feedback: `what`) is dated when the council received it: not after
    it is recorded, nor more than MAX_BACKDATE before (configured default, as reports:
    D 8.11)."""
    if received_at.tzinfo is None:
        raise RuleViolation("time_has_zone", "give the time with its zone (e.g. Z)",
                            field=field)
    if received_at > at:
        raise RuleViolation(f"{what}_received_not_in_future",
                            f"the {what} cannot be received after it is recorded",
                            field=field, section=section)
    if at - received_at > MAX_BACKDATE:
        raise RuleViolation(f"{what}_recorded_within_30_days",
                            f"the {what} is recorded within 30 days of receiving it",
                            field=field, section="configured default (D 8.11)")


def check_text(value: str, field: str, minimum: int, rule: str, section: str) -> str:
    text = value.strip()
    if len(text) < minimum:
        raise RuleViolation(rule, f"{field} needs at least {minimum} characters",
                            field=field, section=section)
    return text

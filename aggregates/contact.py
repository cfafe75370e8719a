"""Contact with the parties to a case (D 8.39–8.45): who, why and how, as closed sets an
auditor may read, and the rule that keeps the perpetrator from learning of the abuse record.
Pure: `check_contact` returns nothing or raises a `RuleViolation`."""

from __future__ import annotations

from enum import StrEnum

from aggregates.errors import RuleViolation
from aggregates.policies import Rule

PARTIES = ("victim", "reporter", "perpetrator")
CONTACT_PURPOSES = ("about_abuse", "marac", "tenancy_enforcement", "behaviour_change_support",
                    "repairs_and_tenancy_management")


class ContactChannel(StrEnum):
    """How staff were in touch with a party: a closed set, so the record holds a fact an
    auditor may read, never free text that could carry a phone number or an address."""

    TELEPHONE = "telephone"
    IN_PERSON = "in_person"
    EMAIL = "email"
    LETTER = "letter"
    VIDEO_CALL = "video_call"
    TEXT_MESSAGE = "text_message"
    OTHER = "other"  # what it was goes in the note (free text)


# D 8.42: never discuss the abuse or the reports with the perpetrator, nor tell them of MARAC.
FORBIDDEN_WITH_PERPETRATOR = frozenset({"about_abuse", "marac"})


def check_contact(party: str, purpose: str, channel: str, never_contact: Rule) -> None:
    """A known party, purpose and channel; never the perpetrator about the abuse, the reports
    or MARAC (`never_contact`: the council's rule, D 8.42)."""
    if party not in PARTIES:
        raise RuleViolation("party_is_known", f"party must be one of {list(PARTIES)}",
                            field="party")
    if purpose not in CONTACT_PURPOSES:
        raise RuleViolation("contact_purpose_is_known",
                            f"purpose must be one of {list(CONTACT_PURPOSES)}",
                            field="purpose")
    if channel not in set(ContactChannel):
        raise RuleViolation("contact_channel_is_known",
                            f"channel must be one of {[c.value for c in ContactChannel]}",
                            field="channel")
    if party == "perpetrator" and purpose in FORBIDDEN_WITH_PERPETRATOR:
        raise RuleViolation(never_contact.name, "staff must not contact the perpetrator about "
                            "the abuse, the reports or MARAC", field="purpose",
                            section=never_contact.section)

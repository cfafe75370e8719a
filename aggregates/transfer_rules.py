"""The rules of a Kent reciprocal transfer (D 8.22, D 8.35; DBC 4.1.2, DBC 4.2.1): a social
tenant at risk from domestic abuse, sexual violence or other violence against women and girls
moves to another housing provider in Kent and Medway, in a safe area, keeping their tenancy
rights. Pure functions: each refusal raises a `RuleViolation` naming its rule and section.

Each council cites its own sections (`TRANSFER_POLICIES`, by council and policy version, like
aggregates/policies.py): Dover's policy states the agreement and its terms (D 8.22, D 8.35);
Dartford's names the scheme (DBC 4.2.1) and the duty to grant a new secure tenancy to a secure
tenant leaving because of abuse (DBC 4.1.2), and is silent on who may move, so that rule is a
configured default following D 8.22, cited as such. The two agree on what is allowed (a
lifetime tenancy stays a lifetime one); they differ in the sections cited, and in where a
refused transfer sends the officer next (Dover's options advice, D 8.31; Dartford's housing
solutions, DBC 7.4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aggregates.errors import RuleViolation
from aggregates.landlords import LANDLORD_KINDS, OWN_LANDLORD, KentLandlord, LandlordKind
from aggregates.policies import DEFAULT, Rule
from aggregates.report import Council, Role, Tenure
from aggregates.sharing import DataCategory, Purpose, SharingRefused, covering_decision

if TYPE_CHECKING:
    from aggregates.access_changes import KnownStaff

PURPOSE = Purpose.RECIPROCAL_TRANSFER
# What a transfer cannot go without, so the decision to share must cover it: the case, who
# moves and where to (the packet sent is activities/transfer_packet.py).
TRANSFER_CATEGORIES = frozenset({DataCategory.CASE_REFERENCE.value,
                                 DataCategory.VICTIM_IDENTITY.value, "transfer_destination"})
SHARING_SECTION = "D 12.5; DBC 12"
AREA_MAX = 120  # characters: an area's name (a town, a district), never an address


class TransferStatus(StrEnum):
    REQUESTED = "requested"                # recorded here; the workflow sends it
    SENT = "sent"                          # the receiving landlord acknowledged receipt
    OFFERED = "offered"                    # they offered a home
    REFUSED = "refused"                    # they refused (ends the transfer)
    ACCEPTED = "accepted"                  # the victim accepted the offer
    DECLINED = "declined"                  # the victim declined it (ends the transfer)
    MOVE_DATE_AGREED = "move_date_agreed"
    OLD_TENANCY_ENDED = "old_tenancy_ended"
    COMPLETED = "completed"                # the new tenancy is granted


# A transfer in one of these has ended; another may then be requested.
ENDED = frozenset({TransferStatus.REFUSED, TransferStatus.DECLINED, TransferStatus.COMPLETED})


class RiskFrom(StrEnum):
    """What the tenant is at risk of harm from (D 8.22)."""

    DOMESTIC_ABUSE = "domestic_abuse"
    SEXUAL_VIOLENCE = "sexual_violence"
    OTHER_VAWG = "other_violence_against_women_and_girls"


class SecurityOfTenure(StrEnum):
    """The kinds of social tenancy, by how secure they are."""

    SECURE = "secure"                     # council, lifetime (Housing Act 1985)
    ASSURED = "assured"                   # housing association, lifetime (Housing Act 1988)
    FLEXIBLE = "flexible"                 # council, fixed term
    FIXED_TERM_ASSURED_SHORTHOLD = "fixed_term_assured_shorthold"  # housing association
    INTRODUCTORY = "introductory"         # council, probationary
    STARTER = "starter"                   # housing association, probationary


# How secure each is: a lifetime tenancy outranks a fixed term, a fixed term a probationary one.
RANK: dict[SecurityOfTenure, int] = {
    SecurityOfTenure.SECURE: 3, SecurityOfTenure.ASSURED: 3,
    SecurityOfTenure.FLEXIBLE: 2, SecurityOfTenure.FIXED_TERM_ASSURED_SHORTHOLD: 2,
    SecurityOfTenure.INTRODUCTORY: 1, SecurityOfTenure.STARTER: 1,
}
GRANTED_BY: dict[LandlordKind, frozenset[SecurityOfTenure]] = {
    LandlordKind.LOCAL_AUTHORITY: frozenset({SecurityOfTenure.SECURE, SecurityOfTenure.FLEXIBLE,
                                             SecurityOfTenure.INTRODUCTORY}),
    LandlordKind.HOUSING_ASSOCIATION: frozenset({
        SecurityOfTenure.ASSURED, SecurityOfTenure.FIXED_TERM_ASSURED_SHORTHOLD,
        SecurityOfTenure.STARTER}),
}
# Social tenants: the agreement is between social landlords (D 8.22).
SOCIAL_TENURES = frozenset({Tenure.COUNCIL_GENERAL_NEEDS, Tenure.COUNCIL_HOUSING_SCHEME,
                            Tenure.HOUSING_ASSOCIATION})
# The tenancy a social tenant holds when the officer does not say: a council's is secure, a
# housing association's assured (their lifetime tenancies).
USUAL_TENANCY: dict[Tenure, SecurityOfTenure] = {
    Tenure.COUNCIL_GENERAL_NEEDS: SecurityOfTenure.SECURE,
    Tenure.COUNCIL_HOUSING_SCHEME: SecurityOfTenure.SECURE,
    Tenure.HOUSING_ASSOCIATION: SecurityOfTenure.ASSURED,
}


@dataclass(frozen=True)
class TransferPolicy:
    """One council's rules of the reciprocal agreement, each with its section."""

    eligible: Rule            # a social tenant at risk (who may move)
    other_provider: Rule      # to another provider in Kent and Medway
    keeps_rights: Rule        # keeping their tenancy rights
    refused_next_step: Rule   # a refusal opens a task to choose the next step
    refused_next_step_working_days: int
    answer_inbound: Rule      # a request to us as the receiving landlord is answered
    answer_inbound_working_days: int


DOVER_TRANSFERS = TransferPolicy(
    eligible=Rule("transfer_for_social_tenant_at_risk", "D 8.22, D 8.35"),
    other_provider=Rule("transfer_to_another_kent_provider", "D 8.22"),
    keeps_rights=Rule("transfer_keeps_tenancy_rights", "D 8.22, D 8.35"),
    refused_next_step=Rule("transfer_refused_choose_next_step",
                           f"D 8.21, D 8.31; {DEFAULT} (5 working days)"),
    refused_next_step_working_days=5,
    answer_inbound=Rule("answer_inbound_transfer_request",
                        f"D 8.22 (we support and facilitate moves); {DEFAULT} (10 working days)"),
    answer_inbound_working_days=10,
)
DARTFORD_TRANSFERS = TransferPolicy(
    eligible=Rule("transfer_for_social_tenant_at_risk",
                  f"DBC 4.2.1; {DEFAULT} (D 8.22: DBC names the scheme only)"),
    other_provider=Rule("transfer_to_another_kent_provider", "DBC 4.2.1"),
    keeps_rights=Rule("transfer_keeps_tenancy_rights", "DBC 4.1.2, DBC 4.2.1"),
    refused_next_step=Rule("transfer_refused_choose_next_step",
                           f"DBC 7.4; {DEFAULT} (5 working days)"),
    refused_next_step_working_days=5,
    answer_inbound=Rule("answer_inbound_transfer_request",
                        f"DBC 4.2.1; {DEFAULT} (10 working days)"),
    answer_inbound_working_days=10,
)
TRANSFER_POLICIES: dict[tuple[Council, str], TransferPolicy] = {
    (Council.DOVER, "dover-2025-09"): DOVER_TRANSFERS,
    (Council.DARTFORD, "dartford-2026-draft"): DARTFORD_TRANSFERS,
}


def transfer_policy(council: Council, version: str) -> TransferPolicy:
    """The transfer rules of the policy a case recorded (a version with none of its own uses
    its council's latest here)."""
    found = TRANSFER_POLICIES.get((council, version))
    if found is not None:
        return found
    return [p for (c, _), p in TRANSFER_POLICIES.items() if c is council][-1]


def parse_landlord(value: str, field: str = "receiving_landlord") -> KentLandlord:
    """A member of the Kent reciprocal agreement, by id (never free text)."""
    try:
        return KentLandlord(value)
    except ValueError:
        raise RuleViolation("landlord_is_kent_reciprocal_member",
                            "name a landlord of the Kent reciprocal agreement by its id",
                            field=field, section="D 8.22") from None


def check_eligible(tenure: Tenure, risk_from: RiskFrom, policy: TransferPolicy) -> None:
    """Only a social tenant at risk of harm from domestic abuse, sexual violence or other
    violence against women and girls (D 8.22)."""
    if tenure not in SOCIAL_TENURES:
        raise RuleViolation(policy.eligible.name,
                            "only a social tenant (of a council or a housing association) can "
                            "move under the Kent reciprocal agreement; explore other housing "
                            "options", field="tenure", section=policy.eligible.section)
    if risk_from not in set(RiskFrom):  # a closed set: kept for a value built in code
        raise RuleViolation(policy.eligible.name, "say what the tenant is at risk from",
                            field="risk_from", section=policy.eligible.section)


def check_other_provider(landlord: KentLandlord, council: Council,
                         policy: TransferPolicy) -> None:
    """The move is to another housing provider (D 8.22); a move within our own stock is a
    management transfer, not this scheme."""
    if OWN_LANDLORD[council] is landlord:
        raise RuleViolation(policy.other_provider.name,
                            "the receiving landlord must be another housing provider",
                            field="receiving_landlord", section=policy.other_provider.section)


def check_destination_area(area: str) -> None:
    """The safe area the victim moves to, in words (a town or district, not an address)."""
    if not area.strip() or len(area) > AREA_MAX:
        raise RuleViolation("destination_area_named",
                            f"name the safe area (at most {AREA_MAX} characters)",
                            field="destination_area", section="D 8.22")


def check_sharing_decided(decisions: Iterable[Mapping[str, Any]], consents: Mapping[str, bool],
                          landlord: KentLandlord) -> str:
    """A recorded decision to share with this landlord for the transfer (D 12.5), covering
    every category the transfer needs (`TRANSFER_CATEGORIES`), must exist before anything is
    sent; returns its id. Raises `SharingRefused` otherwise: a decision covering less would
    only have the request refused when it is sent."""
    try:
        coverage = covering_decision(decisions, partner=landlord.value, purpose=PURPOSE,
                                     consents=consents)
    except SharingRefused as refused:
        # The gate's own rule (no decision, or consent withdrawn) is in `missing`.
        raise SharingRefused("transfer_needs_sharing_decision",
                             "record a decision to share with the receiving landlord for "
                             "the reciprocal transfer first", missing=refused.missing,
                             field="receiving_landlord", section=SHARING_SECTION) from None
    missing = sorted(TRANSFER_CATEGORIES - coverage.categories)
    if missing:
        raise SharingRefused("transfer_sharing_covers_what_it_needs",
                             f"the decision to share with the receiving landlord does not "
                             f"cover {missing}", missing=missing, field="receiving_landlord",
                             section=SHARING_SECTION)
    return coverage.decision_id


def check_keeps_tenancy_rights(old: SecurityOfTenure, new: SecurityOfTenure,
                               landlord: KentLandlord, policy: TransferPolicy) -> None:
    """The new tenancy is one the receiving landlord grants and at least as secure as the old
    (D 8.22 "retaining their tenancy rights"; DBC 4.1.2: a secure tenant leaving because of
    abuse is granted a new secure tenancy)."""
    rule = policy.keeps_rights
    kind = LANDLORD_KINDS[landlord]
    if new not in GRANTED_BY[kind]:
        raise RuleViolation(rule.name, f"a {kind.value.replace('_', ' ')} does not grant "
                            f"{new.value.replace('_', ' ')} tenancies",
                            field="security_of_tenure", section=rule.section)
    if RANK[new] < RANK[old]:
        raise RuleViolation(rule.name, "the new tenancy must be at least as secure as the "
                            f"old one ({old.value.replace('_', ' ')})",
                            field="security_of_tenure", section=rule.section)


def check_named_dso(dso_id: str | None, known: Mapping[str, KnownStaff],
                    council: Council) -> None:
    """The DSO named on a transfer (who then reads its destination) is an active DSO of the
    case's council; one message whatever is wrong, so the answer tells nothing of the id."""
    if dso_id is None:
        return
    entry = known.get(dso_id)
    if entry is None or not entry.active or entry.council is not council or (
            entry.role is not Role.DSO):
        raise RuleViolation("transfer_names_dso_of_council",
                            "name an active Designated Safeguarding Officer of the case's "
                            "council", field="dso_id", section="D 8.3")


def check_day_between(day: date, earliest: date, latest: date, field: str, what: str) -> None:
    """`day` from `earliest` to `latest` (both included)."""
    if not earliest <= day <= latest:
        raise RuleViolation("transfer_date_in_order", f"the {what} must be from "
                            f"{earliest.isoformat()} to {latest.isoformat()}", field=field)

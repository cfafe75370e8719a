"""Referrals to partner agencies: who they go to, what each message carries, delivery, and the
month arithmetic of repeat MARAC (D 8.15, D 8.19, D 8.23, D 8.42; Care Act 2014; SafeLives
repeat MARAC guidance).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from aggregates.errors import ConflictError, RuleViolation
from aggregates.referral_content import outbound_message
from aggregates.referrals import (
    MARAC_KINDS,
    PARTNER_FOR,
    Partner,
    ReferralKind,
    add_months,
    within_months_after,
)
from aggregates.report import Actor, AdditionalNeed, Adult, Child, Perpetrator
from gateways.default_partners import profile_of
from tests.unit.builders import (
    CASEWORKER,
    VICTIM_NAME,
    discussion_case,
    london,
    make_report,
    record_dash,
    referrals_of,
    triaged_case,
)

ADDED_AT = datetime(2026, 6, 9, 12, 0, tzinfo=UTC)  # a child joins the household

DASH_AT = london(2026, 6, 10, 10)
DELIVERED_AT = london(2026, 6, 8, 11, 5)      # the partner's server took the referral
ACKNOWLEDGED_AT = london(2026, 6, 8, 11, 30)  # its signed receipt came back
PERPETRATOR_NAME = "Pat Perpetrator"
CHILD_NAMES = ("Robin Example", "Sky Example")
CARED_FOR_ADULT = "Grandparent Example"
# Keys that would address a message to someone; none may exist, least of all naming the
# perpetrator (D 8.42): the recipient is always the partner agency of the referral's kind.
ADDRESSING_KEYS = {"recipient", "recipients", "to", "addressee", "send_to", "deliver_to",
                   "contact", "cc"}


# ---- add_months and the 12-month window ------------------------------------------------------


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),   # shorter month: its last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # leap year
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),  # year rollover
    (date(2026, 11, 30), 3, date(2027, 2, 28)),  # rollover into a short month
    (date(2026, 6, 25), 12, date(2027, 6, 25)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),  # leap day a year on
    (date(2026, 6, 25), 0, date(2026, 6, 25)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2026, 5, 31), 25, date(2028, 6, 30)),
])
def test_add_months_keeps_the_day_or_takes_the_months_last_day(day, months, expected):
    """SafeLives repeat MARAC guidance: "within 12 months" counts calendar months."""
    assert add_months(day, months) == expected


@pytest.mark.parametrize("later, inside", [
    (date(2026, 6, 25), True),    # the day itself
    (date(2027, 6, 25), True),    # exactly 12 months
    (date(2027, 6, 26), False),   # a day over
    (date(2026, 6, 24), False),   # before the hearing
])
def test_within_12_months_after_a_hearing_includes_both_ends(later, inside):
    """SafeLives repeat MARAC guidance: within 12 months of the last hearing."""
    assert within_months_after(later, date(2026, 6, 25), 12) is inside


def test_within_12_months_after_a_leap_day_hearing_ends_on_28_february():
    """SafeLives repeat MARAC guidance."""
    assert within_months_after(date(2029, 2, 28), date(2028, 2, 29), 12)
    assert not within_months_after(date(2029, 3, 1), date(2028, 2, 29), 12)


# ---- partners --------------------------------------------------------------------------------


def test_every_referral_kind_goes_to_its_partner():
    """D 8.15, DBC 6.7; D 8.23; Care Act 2014; D 8.19; D 8.36 (the repairs
    contractor); DBC 7.4.3, D 8.37 (KCC SAFER)."""
    assert PARTNER_FOR == {
        ReferralKind.MARAC: Partner.KENT_MEDWAY_MARAC,
        ReferralKind.REPEAT_MARAC: Partner.KENT_MEDWAY_MARAC,
        ReferralKind.CHILDREN: Partner.CHILDRENS_SERVICES,
        ReferralKind.ADULT_SAFEGUARDING: Partner.ADULT_SOCIAL_CARE,
        ReferralKind.SUPPORT_SERVICES: Partner.SUPPORT_SERVICES,
        ReferralKind.EMERGENCY_REPAIR: Partner.REPAIRS_CONTRACTOR,
        ReferralKind.SAFER: Partner.KCC_SAFER,
    }
    assert {ReferralKind.MARAC, ReferralKind.REPEAT_MARAC} == MARAC_KINDS


def test_no_partner_is_the_perpetrator():
    """D 8.42: referrals go to partner agencies, never to the perpetrator."""
    assert not any("perpetrator" in p.value for p in Partner)


# ---- messages: each kind carries only what it needs ------------------------------------------


def full_case():
    """A high-risk Dover case with children, an adult with care needs, additional needs and a
    named perpetrator; the victim consented to a support referral."""
    report = replace(
        make_report(children=tuple(Child(age=a, name=n) for a, n in zip((4, 9), CHILD_NAMES,
                                                                         strict=True)),
                    adults=(Adult(name=CARED_FOR_ADULT, care_and_support_needs=True),)),
        additional_needs=(AdditionalNeed.ADDICTION, AdditionalNeed.MENTAL_HEALTH),
        perpetrator=Perpetrator(name=PERPETRATOR_NAME, relationship="ex-partner"))
    case = discussion_case(report)
    record_dash(case, yes=15, callouts=4, at=DASH_AT)
    case.record_support_consent(given=True, actor=CASEWORKER, reason="Agreed at discussion.",
                                at=DASH_AT, command_id="consent")
    return case


def message_of(case, kind: str) -> dict[str, Any]:
    """The message that would leave for the referral's partner, through the sharing gate."""
    [referral] = referrals_of(case, kind)
    return outbound_message(case, referral.referral_id, profile_of(referral.partner))


def walk(value: Any, path: str = ""):
    """Every (path, key, value) in a nested message."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield path, key, inner
            yield from walk(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from walk(inner, f"{path}.{index}")


def test_full_case_opens_one_referral_of_each_kind_but_repeat():
    """D 8.23; Care Act 2014; D 8.15; D 8.19."""
    case = full_case()
    assert [r.kind for r in case.referrals.values()] == [
        "children", "adult_safeguarding", "marac", "support_services"]


def test_marac_message_goes_to_the_marac_and_carries_the_latest_risk():
    """D 8.15: high-risk cases are shared with the Kent & Medway MARAC; D 12.5: under a
    recorded decision whose lawful basis the message names."""
    case = full_case()
    [referral] = referrals_of(case, "marac")
    message = message_of(case, "marac")
    reference = message["case_reference"]
    assert referral.partner == "kent_medway_marac"
    assert PARTNER_FOR[ReferralKind(reference["kind"])] is Partner.KENT_MEDWAY_MARAC
    assert (reference["kind"], reference["rule"], reference["section"]) == (
        "marac", "high_risk_referred_to_marac", "D 8.15")
    assert reference["council"] == "dover"
    assert reference["case_reference"] == str(case.id)
    assert message["risk_assessment"] == {"level": "high", "yes_count": 15, "reasons": [
        "visible_high_risk", "potential_escalation"]}
    assert message["victim_identity"]["name"] == VICTIM_NAME
    assert message["children"] == [{"age": 4}, {"age": 9}]
    assert message["perpetrator_details"] == {"name": PERPETRATOR_NAME,
                                              "relationship": "ex-partner"}
    assert message["lawful_basis"] == "safeguarding_obligation"
    assert "support_needs" not in message


def test_childrens_message_carries_only_the_childrens_ages():
    """D 8.23: Children's Services get the children's ages; nothing of risk or perpetrator."""
    message = message_of(full_case(), "children")
    assert message["case_reference"]["section"] == "D 8.23"
    assert message["children"] == [{"age": 4}, {"age": 9}]
    assert not {"risk_assessment", "perpetrator_details", "support_needs",
                "adults_care_needs", "victim_contact"} & set(message)
    text = repr(message)
    assert all(name not in text for name in CHILD_NAMES)
    assert PERPETRATOR_NAME not in text


def test_adult_safeguarding_message_counts_adults_without_naming_them():
    """Care Act 2014; D 3.4: adult social care is told of adults with care needs."""
    message = message_of(full_case(), "adult_safeguarding")
    assert message["adults_care_needs"] == {"adults_with_care_needs": 1}
    assert CARED_FOR_ADULT not in repr(message)
    assert not {"risk_assessment", "perpetrator_details", "children", "support_needs"} & set(
        message)


def test_support_services_message_carries_the_needs():
    """D 8.19: support services are told the needs the victim consented to share."""
    message = message_of(full_case(), "support_services")
    assert message["support_needs"] == {"needs": ["addiction", "mental_health"]}
    assert message["case_reference"]["section"] == "D 8.19"
    assert message["lawful_basis"] == "consent"
    assert not {"risk_assessment", "perpetrator_details", "children",
                "adults_care_needs"} & set(message)
    assert PERPETRATOR_NAME not in repr(message)


def test_no_message_is_addressed_to_the_perpetrator():
    """D 8.42: no message has an addressing key, and the perpetrator is named only as the
    subject of a MARAC referral."""
    case = full_case()
    for referral in case.referrals.values():
        message = message_of(case, referral.kind)
        for path, key, value in walk(message):
            assert key not in ADDRESSING_KEYS, f"{referral['kind']}: {path}.{key}"
            if value == PERPETRATOR_NAME:
                assert (ReferralKind(referral.kind) in MARAC_KINDS
                        and f"{path}.{key}" == ".perpetrator_details.name"), f"{path}.{key}"


def test_repeat_marac_message_carries_risk_and_its_own_rule():
    """SafeLives repeat MARAC guidance; D 8.15."""
    case = full_case()
    case.record_marac_hearing(referral_id=referrals_of(case, "marac")[0].referral_id,
                              heard_on=date(2026, 6, 25), actor=CASEWORKER,
                              at=london(2026, 6, 26), command_id="heard")
    case.report_incident(occurred_on=date(2026, 9, 1), summary="Police called again.",
                         actor=CASEWORKER, at=london(2026, 9, 2), command_id="incident")
    message = message_of(case, "repeat_marac")
    assert message["case_reference"]["rule"] == "repeat_marac_within_12_months_of_last_referral"
    assert message["risk_assessment"]["level"] == "high"
    assert message["perpetrator_details"]["relationship"] == "ex-partner"


def test_marac_message_without_a_perpetrator_on_the_report_has_no_perpetrator():
    """D 8.42: nothing about a perpetrator is invented."""
    case = discussion_case()
    record_dash(case, yes=14, at=DASH_AT)
    message = message_of(case, "marac")
    assert "perpetrator_details" not in message
    assert message["children"] == []


def test_childrens_referral_for_an_added_child_carries_that_childs_age():
    """D 8.23: the referral made because a child joined the household tells Children's
    Services about that child."""
    case = triaged_case()
    case.add_child(child=Child(age=1), actor=CASEWORKER, at=ADDED_AT, command_id="child")
    assert message_of(case, "children")["children"] == [{"age": 1}]


# ---- delivery --------------------------------------------------------------------------------


def test_delivered_referral_is_recorded_once_with_its_digest():
    """D 8.23: the partner has the referral; the delivery is recorded by the system."""
    case = triaged_case(make_report(children=(Child(age=7),)))
    case.collect_events()
    case.record_referral_delivered(referral_id="r1", delivery_id="d-1", digest="sha256:ab",
                                   via="stand-in gateway", at=DELIVERED_AT)
    [event] = case.collect_events()
    assert type(event).__name__ == "ReferralDelivered"
    assert event.actor == Actor.system()
    assert case.referrals["r1"].status == "delivered"
    assert (case.referrals["r1"].delivery_id, case.referrals["r1"].digest) == (
        "d-1", "sha256:ab")
    assert case.pending_referrals == []
    with pytest.raises(ConflictError) as err:
        case.record_referral_delivered(referral_id="r1", delivery_id="d-2", digest="x", via="g",
                                       at=DELIVERED_AT)
    assert (err.value.rule, err.value.field) == ("referral_delivered_once", "referral_id")


def test_delivery_of_an_unknown_referral_is_refused():
    """The case has no such referral."""
    with pytest.raises(RuleViolation) as err:
        triaged_case().record_referral_delivered(referral_id="r1", delivery_id="d", digest="x",
                                                 via="g", at=DELIVERED_AT)
    assert (err.value.rule, err.value.field) == ("referral_exists", "referral_id")


# ---- acknowledgement -------------------------------------------------------------------------


def acknowledge(case: Any, digest: str) -> None:
    case.record_referral_acknowledged(referral_id="r1", ack_message_id="ack-1", digest=digest,
                                      signed_body="{}", signature="v1a,x",
                                      at=ACKNOWLEDGED_AT)


def test_an_acknowledgement_before_the_delivery_is_recorded_is_a_conflict_not_a_refusal():
    """The partner's acknowledgement overtook our record of the delivery: our timing, so a
    Conflict (the sender retries), never the final `acknowledgement_matches_delivery`."""
    case = triaged_case(make_report(children=(Child(age=7),)))
    with pytest.raises(ConflictError) as err:
        acknowledge(case, "sha256:ab")
    assert (err.value.rule, err.value.field) == ("delivery_recorded_first", "message_id")
    assert case.referrals["r1"].status == "queued"


def test_an_acknowledgement_of_a_different_digest_is_refused_for_good():
    """D 12.5, D 12.6: the receipt must be of exactly what we delivered."""
    case = triaged_case(make_report(children=(Child(age=7),)))
    case.record_referral_delivered(referral_id="r1", delivery_id="d-1", digest="sha256:ab",
                                   via="g", at=DELIVERED_AT)
    with pytest.raises(RuleViolation) as err:
        acknowledge(case, "sha256:cd")
    assert not isinstance(err.value, ConflictError)
    assert err.value.rule == "acknowledgement_matches_delivery"
    acknowledge(case, "sha256:ab")
    assert case.referrals["r1"].status == "acknowledged"

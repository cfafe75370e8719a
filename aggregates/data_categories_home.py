"""Data categories of the safety-at-home slices (Sanctuary Scheme, emergency repairs, KCC
SAFER): the specs of their views and events, added to `VIEWS` and `EVENTS` in
aggregates/data_categories.py."""

from __future__ import annotations

from collections.abc import Mapping

from aggregates.contact import ContactChannel
from aggregates.redaction import C, Each, OneOf, Spec, Values, ref
from aggregates.repair_feed import JobType
from aggregates.repair_rules import RepairJobType
from aggregates.safer import SaferMeasure
from aggregates.sanctuary_rules import (
    NOT_RECORDED,
    DeclineReason,
    HouseholdType,
    Installer,
    MeasureType,
    ReferrerKind,
    RiskSubject,
    SanctuaryStatus,
)

# Sanctuary: closed sets are the facts the monitoring return counts (auditors read them); the
# referrer's details are the reporter's; what the victim gives of themselves is theirs (SCAR Q7).
SANCTUARY_REFERRAL: Mapping[str, Spec] = {
    **dict.fromkeys(("referred_at", "rule", "section", "referrer_told_at"), C.CASE_REFERENCE),
    "referrer_kind": OneOf(frozenset(ReferrerKind), C.CASE_FACTS),
    "referrer_name": C.REPORTER_DETAILS, "referrer_contact": C.REPORTER_DETAILS,
    "referring_agency": C.REPORTER_DETAILS, "tenure": C.CASE_FACTS,
    "household_type": OneOf(frozenset(HouseholdType), C.CASE_FACTS),
    # Coded since issue 17, read by the same roles as the words were (CAR; SCAR Q7).
    "protected_characteristics": Values(C.PROTECTED_CHARACTERISTICS),
    "communication_needs": Each(C.SUPPORT_NEEDS),
    "status": OneOf(frozenset(SanctuaryStatus), C.CASE_REFERENCE),
    "assessed": Each(OneOf(frozenset(RiskSubject), C.CASE_REFERENCE)),
    "outcome_reason": C.RATIONALE,
    "decline_reason": OneOf(frozenset({*DeclineReason, NOT_RECORDED}), C.RATIONALE),
}
SANCTUARY_MEASURE: Mapping[str, Spec] = {
    "measure_type": OneOf(frozenset(MeasureType), C.CASE_FACTS),
    "installed_on": C.CASE_REFERENCE,
    "installer": OneOf(frozenset(Installer), C.CASE_FACTS), "cost_pence": C.CASE_FACTS,
}
SAFER_MEASURES = Each(OneOf(frozenset(SaferMeasure), C.CASE_FACTS))
REPAIR_JOB: Mapping[str, Spec] = {
    **dict.fromkeys(("job_id", "referral_id", "task_id", "reported_at", "due_at", "status",
                     "confirmed_at"), C.CASE_REFERENCE),
    "job_type": OneOf(frozenset(RepairJobType), C.CASE_FACTS),
}
CONTACT_CHANNEL = OneOf(frozenset(ContactChannel), C.CASE_FACTS)
# The pattern of repairs (DBC 7.2): a property's stream. The address is where someone may be
# living with abuse, so it is the victim's address: auditors never read it.
REPAIR_REVIEW: Mapping[str, Spec] = {
    **dict.fromkeys(("property_id", "review_id", "title", "council", "team", "rule",
                     "section", "policy_version", "opened_at", "status"), C.CASE_REFERENCE),
    "address": C.VICTIM_ADDRESS, "reason": C.RATIONALE,
    "jobs": Each({"job_reference": C.CASE_REFERENCE, "raised_on": C.CASE_REFERENCE,
                  "job_type": OneOf(frozenset(JobType), C.CASE_FACTS)}),
}
PROPERTY_EVENTS: Mapping[str, Mapping[str, Spec]] = {
    "Registered": {"council": C.CASE_REFERENCE, "address": C.VICTIM_ADDRESS},
    "JobRecorded": {**ref("job_reference", "raised_on"), "address": C.VICTIM_ADDRESS,
                    "job_type": OneOf(frozenset(JobType), C.CASE_FACTS)},
    "ReviewOpened": ref("review_id", "job_references", "team", "rule", "section",
                        "policy_version"),
    "ReviewClosed": {**ref("review_id", "outcome", "actor"), "reason": C.RATIONALE},
}

HOME_SAFETY_EVENTS: Mapping[str, Mapping[str, Spec]] = {
    # Words a referral recorded before answers were coded (aggregates/sanctuary_versions.py):
    # the categories the words had then.
    "SanctuaryReferred": {**SANCTUARY_REFERRAL,
                          "characteristics_in_own_words": Values(C.PROTECTED_CHARACTERISTICS),
                          "needs_in_own_words": Each(C.SUPPORT_NEEDS)},
    "SanctuaryRiskAssessed": {"subject": OneOf(frozenset(RiskSubject), C.CASE_REFERENCE),
                              "findings": C.NARRATIVE},
    "SanctuaryDecided": {**ref("accepted", "rule", "section"),
                         "facts": Values(C.RISK_ASSESSMENT)},
    "SanctuaryMeasuresDeclined": {
        "reason_code": OneOf(frozenset({*DeclineReason, NOT_RECORDED}), C.RATIONALE)},
    "SanctuaryMeasureInstalled": dict(SANCTUARY_MEASURE),
    "SanctuaryReferrerTold": {"outcome": OneOf(frozenset(SanctuaryStatus), C.CASE_REFERENCE),
                              "channel": CONTACT_CHANNEL, "how_to_complain": C.CASE_REFERENCE},
    "EmergencyRepairReported": dict(REPAIR_JOB),
    "EmergencyRepairConfirmed": ref("job_id", "late"),
    # KCC's own words are free text; the signature is the evidence.
    "SaferWorksRecorded": {**ref("referral_id", "completed_on", "message_id", "signature"),
                           "measures": SAFER_MEASURES, "signed_body": C.NARRATIVE},
}

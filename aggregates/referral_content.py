"""What each referral tells its partner: only what that kind of referral needs.

Data minimisation per partner profile and the recorded sharing decision come with the
information-sharing work (issue 6); this already keeps each kind to its own fields, and never
addresses anything to the perpetrator (D 8.42): the recipient is always a partner agency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aggregates.referrals import MARAC_KINDS, ReferralKind

if TYPE_CHECKING:
    from aggregates.case import Case


def referral_message(case: Case, referral_id: str) -> dict[str, Any]:
    referral = case.referrals[referral_id]
    kind = ReferralKind(referral["kind"])
    report = case.report
    message: dict[str, Any] = {
        "referral_id": referral_id, "kind": kind.value, "case_reference": str(case.id),
        "council": case.council.value, "rule": referral["rule"],
        "section": referral["section"],
        "victim": {"name": report.victim.name, "address": report.victim.address,
                   "phone": report.victim.phone},
    }
    if kind in MARAC_KINDS:
        latest = case.assessments[-1] if case.assessments else None
        message["risk"] = None if latest is None else {
            "level": latest["level"], "yes_count": latest["yes_count"],
            "reasons": [r["rule"] for r in latest["reasons"]]}
        message["children"] = children_of(case)
        if report.perpetrator is not None:
            message["perpetrator"] = {"name": report.perpetrator.name,
                                      "relationship": report.perpetrator.relationship}
    elif kind is ReferralKind.CHILDREN:
        message["children"] = children_of(case)
    elif kind is ReferralKind.ADULT_SAFEGUARDING:
        message["adults_with_care_needs"] = sum(
            1 for a in report.household.adults if a.care_and_support_needs)
    elif kind is ReferralKind.SUPPORT_SERVICES:
        message["needs"] = [n.value for n in report.additional_needs]
    return message


def children_of(case: Case) -> list[dict[str, int]]:
    """The children at intake and those who joined the household since."""
    return [{"age": c.age} for c in case.report.household.children] + list(case.added_children)

"""What a referral could tell its partner, by data category. The sharing gate
(`aggregates/sharing.py`) then keeps only what a recorded decision covers and the partner's
profile allows; nothing here is ever addressed to the perpetrator (D 8.42)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aggregates.repair_rules import repair_message
from aggregates.sharing import DataCategory as C
from aggregates.sharing import sharing_gate

if TYPE_CHECKING:
    from aggregates.case import Case


def referral_content(case: Case, referral_id: str) -> dict[str, Any]:
    """Every category this case can fill for the referral, keyed by category."""
    referral = case.referrals[referral_id]
    report = case.report
    job = case.repair_job_for(referral_id)
    if job is not None:  # the contractor: where, and the job; never who or why (D 8.36)
        return {str(C.CASE_REFERENCE): repair_message(job, str(case.id)),
                str(C.VICTIM_ADDRESS): {"address": report.victim.address}}
    latest = case.assessments[-1] if case.assessments else None
    content: dict[str, Any] = {
        C.CASE_REFERENCE: {"referral_id": referral_id, "kind": referral.kind.value,
                           "case_reference": str(case.id), "council": case.council.value,
                           "rule": referral.rule, "section": referral.section},
        C.VICTIM_IDENTITY: {"name": report.victim.name},
        C.VICTIM_CONTACT: {"phone": report.victim.phone, "email": report.victim.email},
        C.VICTIM_ADDRESS: {"address": report.victim.address},
        C.CHILDREN: children_of(case),
        C.ADULTS_CARE_NEEDS: {"adults_with_care_needs": sum(
            1 for a in report.household.adults if a.care_and_support_needs)},
        C.SUPPORT_NEEDS: {"needs": [n.value for n in report.additional_needs]},
    }
    if latest is not None:
        content[C.RISK_ASSESSMENT] = {"level": latest.level.value, "yes_count": latest.yes_count,
                                      "reasons": [rule for rule, _ in latest.reasons]}
    if report.perpetrator is not None:
        content[C.PERPETRATOR_DETAILS] = {"name": report.perpetrator.name,
                                          "relationship": report.perpetrator.relationship}
    return {str(k): v for k, v in content.items()}


def children_of(case: Case) -> list[dict[str, int]]:
    """The children at intake and those who joined the household since."""
    return [{"age": c.age} for c in case.report.household.children] + [
        c.to_dict() for c in case.added_children]


def outbound_message(case: Case, referral_id: str, profile: frozenset[str]) -> dict[str, Any]:
    """What may leave for the referral's partner: its content through the sharing gate."""
    referral = case.referrals[referral_id]
    return sharing_gate(partner=referral.partner, kind=referral.kind,
                        content=referral_content(case, referral_id),
                        decisions=[d.to_dict() for d in case.sharing_decisions],
                        consents=case.consents, profile=profile)

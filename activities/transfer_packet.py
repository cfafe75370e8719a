"""The transfer packet: what moves with the victim to the receiving landlord (D 8.22, D 8.35;
DBC 4.2), built from the case through the sharing gate's rule (aggregates/sharing.py
`covering_decision`): only the categories the latest recorded decision to share with *that*
landlord for the reciprocal transfer covers, and that the landlord's registry profile allows.

The MARAC outcome (risk level, hearing date) and its action plan for housing travel under
`risk_assessment`, and only when the decision covers it; the destination area under
`transfer_destination` (the receiving landlord is the one recipient that category has).
Without a covering decision nothing is built: `SharingRefused` names the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aggregates.referral_content import children_of
from aggregates.referrals import MARAC_KINDS
from aggregates.sharing import DataCategory as C
from aggregates.sharing import SharingRefused, covering_decision
from aggregates.tasks import TaskKind
from aggregates.transfer_rules import TRANSFER_CATEGORIES

if TYPE_CHECKING:
    from aggregates.case import Case

PURPOSE = "reciprocal_transfer"  # aggregates.sharing.Purpose.RECIPROCAL_TRANSFER
REQUIRED = TRANSFER_CATEGORIES  # what a transfer cannot go without: who moves and where to


def marac_outcome(case: Case) -> dict[str, Any]:
    """The MARAC outcome and the housing actions it gave (ids, due dates, done or not)."""
    marac = [r for r in case.referrals.values() if r.kind in MARAC_KINDS]
    latest = case.assessments[-1] if case.assessments else None
    return {
        "risk_level": latest.level.value if latest is not None else None,
        "marac_heard_on": max((r.heard_on.isoformat() for r in marac if r.heard_on),
                              default=None),
        "action_plan": [{"task_id": t.task_id,
                         "due_at": t.due_at.isoformat() if t.due_at else None,
                         "done": t.task_id in case.completed}
                        for t in case.tasks.values() if t.kind is TaskKind.MARAC_ACTION],
    }


def transfer_content(case: Case, transfer_id: str, destination_area: str) -> dict[str, Any]:
    """Every category the case can fill for the transfer, keyed by category."""
    report = case.report
    return {
        C.CASE_REFERENCE.value: {"transfer_id": transfer_id, "case_reference": str(case.id),
                                 "council": case.council.value},
        C.VICTIM_IDENTITY.value: {"name": report.victim.name},
        C.VICTIM_CONTACT.value: {"phone": report.victim.phone, "email": report.victim.email},
        C.CHILDREN.value: children_of(case),
        C.RISK_ASSESSMENT.value: marac_outcome(case),
        "transfer_destination": {"destination_area": destination_area},
    }


def transfer_packet(case: Case, *, transfer_id: str, landlord: str, destination_area: str,
                    profile: frozenset[str]) -> dict[str, Any]:
    """The packet for `landlord`, or `SharingRefused` naming what is missing."""
    coverage = covering_decision([d.to_dict() for d in case.sharing_decisions],
                                 partner=landlord, purpose=PURPOSE, consents=case.consents)
    missing = sorted(REQUIRED - coverage.categories)
    if missing:
        raise SharingRefused("sharing_decision_covers_every_category",
                             f"the decision does not cover {missing}", missing=missing)
    not_allowed = sorted(REQUIRED - profile)
    if not_allowed:
        raise SharingRefused("partner_profile_allows_category",
                             f"the landlord's profile does not allow {not_allowed}",
                             missing=not_allowed)
    content = transfer_content(case, transfer_id, destination_area)
    return {"decision_id": coverage.decision_id, "lawful_basis": coverage.lawful_basis,
            **{name: value for name, value in sorted(content.items())
               if name in coverage.categories and name in profile}}

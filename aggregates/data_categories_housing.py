"""Data categories of the homelessness, tenancy-options and enforcement slices (issue 14): the
specs of their views and events, added to `VIEWS` and `EVENTS` in
aggregates/data_categories.py.

The closed sets (status, options advised, tenancy, route, ground) are the facts an auditor
checks a decision against and the monitoring return counts (DBC 14.2): `CASE_FACTS`. The
complex issues a tenant has (mental health, substance misuse, ...) are support needs, as
D 8.19's additional needs are. The victim's wishes and a specialist's advice are free text.
"""

from __future__ import annotations

from collections.abc import Mapping

from aggregates.housing_terms import (
    AdviceOption,
    ComplexIssue,
    Duty,
    EnforcementGround,
    HomelessnessOutcome,
    HomelessStatus,
    Specialist,
    TenancyHolding,
    TenancyRouteKind,
    TenancySecurity,
)
from aggregates.redaction import C, Each, OneOf, Spec, ref

FACTS = C.CASE_FACTS
_ADVICE = Each(OneOf(frozenset(AdviceOption), FACTS))
_ISSUES = Each(OneOf(frozenset(ComplexIssue), C.SUPPORT_NEEDS))
_DUTIES = Each(OneOf(frozenset(Duty), FACTS))
_SECURITY = OneOf(frozenset(TenancySecurity), FACTS)
_HOLDING = OneOf(frozenset(TenancyHolding), FACTS)
_ROUTE = OneOf(frozenset(TenancyRouteKind), C.CASE_REFERENCE)
_OUTCOME = OneOf(frozenset(HomelessnessOutcome), FACTS)

HOMELESSNESS_APPLICATION: Mapping[str, Spec] = {
    **ref("recorded_at", "rule", "section", "team", "abuse_loss_both_duties_version",
          "outcome_at"),
    "status": OneOf(frozenset(HomelessStatus), FACTS),
    **dict.fromkeys(("eligible", "because_of_abuse", "moving_because_of_abuse",
                     "priority_need", "local_connection_met", "abuse_lost_settled_home"),
                    FACTS),
    "duties": _DUTIES, "outcome": _OUTCOME,
}
TENANCY_ROUTE: Mapping[str, Spec] = {
    **ref("rule", "section", "steps", "done", "outcome", "next_step"), "route": _ROUTE,
}
TENANCY: Mapping[str, Spec] = {
    "holding": _HOLDING, "security": _SECURITY,
    **dict.fromkeys(("victim_is_tenant", "perpetrator_is_tenant"), FACTS),
    "advised": _ADVICE, "route": TENANCY_ROUTE, "outcomes": Each(C.CASE_REFERENCE),
    "new_tenancy": _SECURITY, "panel_issues": _ISSUES,
    "wishes_recorded_at": C.CASE_REFERENCE,
    "specialists": Each(OneOf(frozenset(Specialist), FACTS)),
    "enforcement": Each(OneOf(frozenset(EnforcementGround), FACTS)),
}
HOUSING_VIEW: Mapping[str, Spec] = {
    "homelessness": HOMELESSNESS_APPLICATION, "tenancy": TENANCY,
    **ref("homelessness_team", "complex_case_panel", "complex_case_panel_rule",
          "complex_case_panel_section"),
}

HOUSING_EVENTS: Mapping[str, Mapping[str, Spec]] = {
    "HomelessnessApplicationRecorded": {
        **{k: v for k, v in HOMELESSNESS_APPLICATION.items()
           if k not in ("recorded_at", "local_connection_met", "abuse_lost_settled_home",
                        "duties", "abuse_loss_both_duties_version", "outcome",
                        "outcome_at")},
        **ref("routing_rule", "routing_section")},
    "LocalConnectionRecorded": {"met": FACTS, **ref("rule", "section")},
    "LossOfSettledHomeRecorded": {"abuse_was_reason": FACTS, "duties": _DUTIES,
                                  **ref("rule", "section")},
    "HomelessnessOutcomeRecorded": {"outcome": _OUTCOME, **ref("rule", "section")},
    "HousingOptionsAdvised": {"options": _ADVICE, **ref("rule", "section")},
    "TenancyRecorded": {"holding": _HOLDING, "security": _SECURITY,
                        "victim_is_tenant": FACTS, "perpetrator_is_tenant": FACTS},
    "TenancyRouteStarted": {"route": _ROUTE, **ref("steps", "rule", "section")},
    "TenancyRouteStepCompleted": {"route": _ROUTE, **ref("step", "outcome")},
    "NewTenancyGranted": {"security": _SECURITY, "left_because_of_abuse": FACTS,
                          **ref("rule", "section")},
    "ComplexCasePanelReferred": {"issues": _ISSUES, **ref("rule", "section")},
    "VictimWishesRecorded": {"wishes": C.NARRATIVE},
    "SpecialistConsulted": {"specialist": OneOf(frozenset(Specialist), FACTS),
                            "advice": C.NARRATIVE},
    "EnforcementConsidered": {"ground": OneOf(frozenset(EnforcementGround), FACTS),
                              **ref("rule", "section")},
}

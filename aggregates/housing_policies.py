"""Each council's homelessness and tenancy rules (issue 14), by policy version: the team a
homelessness application goes to, the sections each rule cites, the tenancy routes and their
steps. Looked up by the case's council and policy version (`housing_policy`), beside
aggregates/policies.py, so a new version is new data here. Where a council is silent the rule
says "configured default" and names what it follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregates.errors import UnknownPolicy
from aggregates.housing_terms import TenancyRouteKind
from aggregates.policies import DEFAULT, Policy, Rule
from aggregates.report import Council, Tenure


@dataclass(frozen=True)
class RouteStep:
    name: str
    words: str


@dataclass(frozen=True)
class RouteSpec:
    """A tenancy route: its rule and the steps a task walks through, in order, and what
    the last step's completion means."""

    rule: Rule
    steps: tuple[RouteStep, ...]
    outcome: str


@dataclass(frozen=True)
class HousingPolicy:
    """What differs between councils here; looked up by the case's council and version."""

    priority_need: Rule
    homelessness_team: str
    homelessness_routing: Rule
    homelessness_working_days: int
    no_local_connection_test: Rule
    loss_of_settled_home: Rule
    homelessness_outcome: Rule
    options_advice: Rule
    new_secure_tenancy: Rule
    has_complex_case_panel: bool
    complex_case_panel: Rule
    routes: dict[TenancyRouteKind, RouteSpec]
    enforcement_after_wishes: Rule
    enforcement_after_specialists: Rule


LEGAL_FIRST = RouteStep("independent_legal_advice_and_safe_home_advised",
                        "Advise independent legal advice and a safe place to live first")
_STEPS = {
    TenancyRouteKind.JOINT_NOTICE_TO_QUIT: (
        LEGAL_FIRST,
        RouteStep("termination_notice_received", "Receive the victim's notice to quit "
                  "(termination notice form)"),
        RouteStep("tenancy_ended_for_both", "Record the end date: the tenancy ends for both "
                  "joint tenants and the perpetrator must leave by it")),
    TenancyRouteKind.COURT_TRANSFER_TO_SOLE_NAME: (
        LEGAL_FIRST,
        RouteStep("court_application_made", "The victim applies to court to transfer the "
                  "tenancy into their sole name (legal aid details given)"),
        RouteStep("court_order_recorded", "Record the court's order: the tenancy is in the "
                  "victim's sole name")),
    TenancyRouteKind.FLEXIBLE_ENDED_BY_BOTH: (
        LEGAL_FIRST,
        RouteStep("both_parties_agree", "Both joint tenants agree in writing to end the "
                  "flexible tenancy"),
        RouteStep("tenancy_ended_by_agreement", "Record the end date agreed by both")),
    TenancyRouteKind.SOLE_TENANT_LEAVES: (
        LEGAL_FIRST,
        RouteStep("termination_notice_received", "Receive the victim's termination notice"),
        RouteStep("notice_expired_perpetrator_remains", "At the end of the notice, record "
                  "that the perpetrator stays as an unauthorised occupant")),
}
OUTCOMES = {
    TenancyRouteKind.JOINT_NOTICE_TO_QUIT: "tenancy_ended_for_both_joint_tenants",
    TenancyRouteKind.COURT_TRANSFER_TO_SOLE_NAME: "tenancy_in_victims_sole_name",
    TenancyRouteKind.FLEXIBLE_ENDED_BY_BOTH: "flexible_tenancy_ended_by_both",
    TenancyRouteKind.SOLE_TENANT_LEAVES: "perpetrator_is_unauthorised_occupant",
}


def _routes(sections: dict[TenancyRouteKind, str]) -> dict[TenancyRouteKind, RouteSpec]:
    names = {
        TenancyRouteKind.JOINT_NOTICE_TO_QUIT: "joint_tenant_notice_ends_tenancy_for_both",
        TenancyRouteKind.COURT_TRANSFER_TO_SOLE_NAME: "court_transfers_joint_tenancy_to_victim",
        TenancyRouteKind.FLEXIBLE_ENDED_BY_BOTH: "flexible_tenancy_needs_both_parties",
        TenancyRouteKind.SOLE_TENANT_LEAVES: "perpetrator_staying_is_unauthorised_occupant",
    }
    return {kind: RouteSpec(Rule(names[kind], sections[kind]), _STEPS[kind], OUTCOMES[kind])
            for kind in TenancyRouteKind}


DOVER = HousingPolicy(
    priority_need=Rule("homeless_because_of_abuse_priority_need_if_eligible", "D 8.38, D 3.1"),
    homelessness_team="Housing Options Team",
    homelessness_routing=Rule("homelessness_applications_to_housing_options", "D 8.38"),
    homelessness_working_days=2,
    no_local_connection_test=Rule("no_local_connection_test_for_victim_moving_because_of_abuse",
                                  "D 3.6, D 8.38"),
    loss_of_settled_home=Rule("record_abuse_as_reason_for_loss_of_settled_home",
                              f"{DEFAULT} (DBC 14.2; D 8.38: the circumstances that led to "
                              "homelessness inform the assessment)"),
    homelessness_outcome=Rule("record_homelessness_outcome",
                              f"{DEFAULT} (Housing Act 1996 s195; HPI-15 is Dartford's, "
                              "CAR Q3)"),
    options_advice=Rule("housing_options_advice_given", "D 8.31"),
    new_secure_tenancy=Rule("new_secure_tenancy_for_tenant_leaving_because_of_abuse", "D 3.1"),
    has_complex_case_panel=False,
    complex_case_panel=Rule("no_complex_case_panel_in_dover_policy",
                            "DBC 7.4.1 is Dartford's; Dover's policy has none"),
    routes=_routes({
        TenancyRouteKind.JOINT_NOTICE_TO_QUIT: "D 8.33, D 8.41",
        TenancyRouteKind.COURT_TRANSFER_TO_SOLE_NAME: "D 8.32, D 8.41",
        TenancyRouteKind.FLEXIBLE_ENDED_BY_BOTH: f"{DEFAULT} (DBC 7.4.4; D 8.33 silent on "
                                                 "flexible tenancies)",
        TenancyRouteKind.SOLE_TENANT_LEAVES: f"{DEFAULT} (DBC 7.4.4; Dover silent)",
    }),
    enforcement_after_wishes=Rule("enforcement_only_after_victims_wishes",
                                  f"D 8.40; {DEFAULT} (DBC 7.5.1)"),
    enforcement_after_specialists=Rule("enforcement_only_after_specialists_consulted",
                                       "D 8.39"),
)

DARTFORD = HousingPolicy(
    priority_need=Rule("homeless_because_of_abuse_priority_need_if_eligible", "DBC 4.1.2"),
    homelessness_team="Housing Solutions & Private Sector Team",
    homelessness_routing=Rule("homelessness_to_housing_solutions", "DBC 5.1, Appendix A"),
    homelessness_working_days=2,
    no_local_connection_test=Rule(
        "no_local_connection_test_for_victim_moving_because_of_abuse",
        f"{DEFAULT} (Allocation of Housing Regulations 2025, as D 3.6; DBC silent)"),
    loss_of_settled_home=Rule("record_abuse_as_reason_for_loss_of_settled_home", "DBC 14.2"),
    homelessness_outcome=Rule("record_homelessness_outcome", "CAR Q3 (HPI-15)"),
    options_advice=Rule("housing_options_advice_given", f"DBC 7.4.4; {DEFAULT} (D 8.31)"),
    new_secure_tenancy=Rule("new_secure_tenancy_for_tenant_leaving_because_of_abuse",
                            "DBC 4.1.2"),
    has_complex_case_panel=True,
    complex_case_panel=Rule("complex_case_panel_for_council_tenants", "DBC 7.4.1"),
    routes=_routes({
        TenancyRouteKind.JOINT_NOTICE_TO_QUIT: "DBC 7.4.4",
        TenancyRouteKind.COURT_TRANSFER_TO_SOLE_NAME: f"{DEFAULT} (D 8.32; DBC silent)",
        TenancyRouteKind.FLEXIBLE_ENDED_BY_BOTH: "DBC 7.4.4",
        TenancyRouteKind.SOLE_TENANT_LEAVES: "DBC 7.4.4",
    }),
    enforcement_after_wishes=Rule("enforcement_only_after_victims_wishes", "DBC 7.5.1"),
    enforcement_after_specialists=Rule("enforcement_only_after_specialists_consulted",
                                       f"{DEFAULT} (D 8.39; DBC 7.5.1 silent on whom)"),
)

HOUSING_POLICIES: dict[tuple[Council, str], HousingPolicy] = {
    (Council.DOVER, "dover-2025-09"): DOVER,
    (Council.DARTFORD, "dartford-2026-draft"): DARTFORD,
}
COUNCIL_HOMES = frozenset({Tenure.COUNCIL_GENERAL_NEEDS, Tenure.COUNCIL_HOUSING_SCHEME})


def housing_policy(policy: Policy) -> HousingPolicy:
    """The homelessness and tenancy rules of the case's policy version; `UnknownPolicy` if a
    version was registered in aggregates/policies.py without its entry here."""
    try:
        return HOUSING_POLICIES[(policy.council, policy.version)]
    except KeyError:
        raise UnknownPolicy("housing_policy_is_registered",
                            f"no homelessness and tenancy rules are registered for "
                            f"{policy.council.value} {policy.version}",
                            field="policy_version") from None

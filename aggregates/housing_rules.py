"""The rules of homelessness and tenancy options for a domestic-abuse victim (issue 14, items 2
and 3), by council and policy version: pure functions that return a decision or raise a
`RuleViolation` naming the rule and its section.

- Homelessness (D 8.38, D 3.1, D 3.6; DBC 4.1.2, 5.1, 14.2, Appendix A): priority need if
  eligible for assistance; the application goes to Housing Options (Dover) or Housing
  Solutions (Dartford); no local connection test for a victim moving because of the abuse;
  whether abuse was the reason for the loss of the last settled home is recorded.
- Tenancies (D 8.31-8.34, D 8.41; DBC 7.4.1, 7.4.4): options advice; the routes that end or
  transfer a tenancy, each a sequence of steps; a new secure tenancy for a secure tenant who
  leaves because of the abuse; the Complex Case Panel (Dartford only).
- Perpetrators (D 8.39-8.41; DBC 7.5): enforcement against a perpetrator who is a tenant is
  considered only once the victim's wishes are recorded and specialists consulted.

Where a council's policy is silent the entry says "configured default" and names what it
follows (the law both policies cite, or the other council's section).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aggregates.errors import RuleViolation
from aggregates.housing_policies import COUNCIL_HOMES, HousingPolicy, RouteSpec
from aggregates.housing_terms import (
    PREVENTED,
    AdviceOption,
    ComplexIssue,
    Duty,
    HomelessnessOutcome,
    HomelessStatus,
    Specialist,
    TenancyHolding,
    TenancyRouteKind,
    TenancySecurity,
)
from aggregates.policies import DEFAULT, Rule
from aggregates.report import Tenure


@dataclass(frozen=True)
class PriorityNeed:
    """`priority_need` None: the abuse rule does not decide it (the usual assessment does)."""

    priority_need: bool | None
    rule: Rule
    reason: str


def decide_priority_need(housing: HousingPolicy, *, eligible: bool,
                         because_of_abuse: bool) -> PriorityNeed:
    """Homeless because of domestic abuse and eligible for assistance: priority need
    (D 8.38, D 3.1; DBC 4.1.2). Not eligible: no priority need (eligibility comes first).
    Homeless for another reason: left to the usual assessment."""
    rule = housing.priority_need
    if not eligible:
        return PriorityNeed(False, rule, "Not eligible for assistance, so no priority need "
                            "follows from the abuse.")
    if not because_of_abuse:
        return PriorityNeed(None, rule, "Not homeless because of domestic abuse: priority "
                            "need is assessed in the usual way.")
    return PriorityNeed(True, rule, "Eligible and homeless because of domestic abuse: "
                        "priority need.")


def check_local_connection_refusal(housing: HousingPolicy, *,
                                   moving_because_of_abuse: bool) -> None:
    """A refusal for want of a local connection is not applied to a victim moving for
    reasons connected to the abuse (D 3.6, D 8.38; Allocation of Housing Regulations 2025)."""
    if moving_because_of_abuse:
        rule = housing.no_local_connection_test
        raise RuleViolation(rule.name, "no local connection test may be applied to a victim "
                            "moving because of the abuse", field="met",
                            section=rule.section)


def check_duties(duties: Iterable[Duty]) -> None:
    if not list(duties):
        raise RuleViolation("duty_owed_is_named", "say which duty is owed: prevention, "
                            "relief or both", field="duties", section="DBC 14.2")


# Both councils' policies are silent; the law is the same for both.
PREVENTION_NEEDS_THREAT = Rule(
    "homelessness_prevented_only_if_threatened",
    f"{DEFAULT} (Housing Act 1996 s195: the prevention duty is owed to a household "
    "threatened with homelessness)")


def check_outcome_fits(status: HomelessStatus, outcome: HomelessnessOutcome) -> None:
    """Homelessness can be prevented only for a household threatened with it: one already
    homeless is owed the relief duty, never the prevention duty (Housing Act 1996 s195,
    s189B), so a "prevented" outcome on its application would count a prevention in HPI-15
    (CAR Q3) that never happened."""
    if outcome in PREVENTED and status is not HomelessStatus.THREATENED:
        rule = PREVENTION_NEEDS_THREAT
        raise RuleViolation(rule.name, "homelessness can be prevented only for a household "
                            "threatened with it; this household is already homeless",
                            field="outcome", section=rule.section)


def check_advice(options: Iterable[AdviceOption], housing: HousingPolicy) -> None:
    if not list(options):
        raise RuleViolation(housing.options_advice.name, "choose at least one option advised",
                            field="options", section=housing.options_advice.section)


def check_route_fits_tenancy(housing: HousingPolicy, kind: TenancyRouteKind, *,
                             holding: TenancyHolding, security: TenancySecurity,
                             victim_is_tenant: bool) -> RouteSpec:
    """The route, if it fits the tenancy: a joint tenant's notice ends a joint secure
    tenancy for both, but a flexible one ends only when both parties agree; a court transfers
    a joint tenancy; the sole-tenant route is for a victim who is the sole tenant."""
    route = housing.routes[kind]
    if kind is TenancyRouteKind.JOINT_NOTICE_TO_QUIT and security is TenancySecurity.FLEXIBLE:
        flexible = housing.routes[TenancyRouteKind.FLEXIBLE_ENDED_BY_BOTH].rule
        raise RuleViolation(flexible.name, "a flexible tenancy ends only when both joint "
                            "tenants agree", field="route", section=flexible.section)
    if kind is TenancyRouteKind.FLEXIBLE_ENDED_BY_BOTH and security is not (
            TenancySecurity.FLEXIBLE):
        raise RuleViolation(route.rule.name, "this route is for a flexible tenancy",
                            field="route", section=route.rule.section)
    needs_joint = kind is not TenancyRouteKind.SOLE_TENANT_LEAVES
    if needs_joint != (holding is TenancyHolding.JOINT) or not victim_is_tenant:
        what = "a joint tenancy of the victim" if needs_joint else "the victim's sole tenancy"
        raise RuleViolation(route.rule.name, f"this route is for {what}", field="route",
                            section=route.rule.section)
    return route


def check_new_tenancy(housing: HousingPolicy, *, left_secure_because_of_abuse: bool,
                      offered: TenancySecurity) -> None:
    """A social tenant leaving a secure tenancy because of the abuse is granted a new secure
    tenancy (D 3.1; DBC 4.1.2): anything less is refused."""
    if left_secure_because_of_abuse and offered is not TenancySecurity.SECURE:
        rule = housing.new_secure_tenancy
        raise RuleViolation(rule.name, "a tenant who left a secure tenancy because of the "
                            "abuse is granted a new secure tenancy", field="security",
                            section=rule.section)


def check_complex_case_panel(housing: HousingPolicy, tenure: Tenure,
                             issues: Iterable[ComplexIssue]) -> None:
    """Dartford's panel takes council tenants with more than one complex issue putting the
    tenancy at risk (DBC 7.4.1). Dover's policy has no panel."""
    rule = housing.complex_case_panel
    if not housing.has_complex_case_panel:
        raise RuleViolation(rule.name, "the council's policy has no Complex Case Panel",
                            field="council", section=rule.section)
    if tenure not in COUNCIL_HOMES:
        raise RuleViolation("complex_case_panel_council_tenants_only", "the panel is for "
                            "council tenants", field="issues", section=rule.section)
    if len(set(issues)) < 2:
        raise RuleViolation("complex_case_panel_more_than_one_issue", "the panel takes "
                            "tenants with more than one complex issue", field="issues",
                            section=rule.section)


def check_enforcement(housing: HousingPolicy, *, basis: bool, wishes_recorded: bool,
                      specialists: Iterable[Specialist]) -> None:
    """Enforcement against a perpetrator (a tenant, or an unauthorised occupant once a sole
    tenancy ended) is considered only after the victim's wishes are recorded and specialists
    consulted, because action can raise the victim's risk (D 8.39-8.40; DBC 7.5.1).
    `basis`: the case records the perpetrator as a tenant, or as an unauthorised occupant."""
    if not basis:
        raise RuleViolation("enforcement_against_perpetrator_tenant", "record a tenancy in "
                            "which the perpetrator is a tenant (or stays as an unauthorised "
                            "occupant) first", field="ground", section="D 8.39; DBC 7.5.3")
    if not wishes_recorded:
        rule = housing.enforcement_after_wishes
        raise RuleViolation(rule.name, "record the victim's wishes first: action can raise "
                            "their risk", field="ground", section=rule.section)
    if not list(specialists):
        rule = housing.enforcement_after_specialists
        raise RuleViolation(rule.name, "consult a specialist agency such as Respect or "
                            "social services first", field="ground", section=rule.section)

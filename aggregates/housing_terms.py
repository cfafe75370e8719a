"""The closed vocabularies of homelessness and tenancy options (issue 14): what the case
records and the monitoring return counts (DBC 14.2). Rules: aggregates/housing_rules.py; each
council's choices: aggregates/housing_policies.py."""

from __future__ import annotations

from enum import StrEnum


class HomelessStatus(StrEnum):
    HOMELESS = "homeless"
    THREATENED = "threatened_with_homelessness"


class Duty(StrEnum):
    """The Housing Act 1996 Part 7 duties DBC 14.2 monitors."""

    PREVENTION = "prevention"
    RELIEF = "relief"


class HomelessnessOutcome(StrEnum):
    """How the duty owed on a homelessness application ended, in the manner of H-CLIC's
    prevention duty outcomes (Housing Act 1996 s195, as the Homelessness Reduction Act 2017
    made it): homelessness prevented (the household stayed, or moved), not prevented (the
    relief duty is owed), or the duty ended without an answer. HPI-15 (CAR Q3) counts the
    two `PREVENTED` codes."""

    PREVENTED_STAYED = "prevented_stayed_in_home"
    PREVENTED_MOVED = "prevented_moved_to_other_accommodation"
    RELIEF_DUTY_OWED = "not_prevented_relief_duty_owed"
    CONTACT_LOST = "contact_lost"
    WITHDRAWN = "withdrawn"
    ENDED_OTHERWISE = "duty_ended_another_way"


PREVENTED = frozenset({HomelessnessOutcome.PREVENTED_STAYED,
                       HomelessnessOutcome.PREVENTED_MOVED})

# Each outcome in words, as the Housing options page offers it, the timeline says it and a
# new outcome event's reason records it (one list, so the three never differ).
OUTCOME_WORDS: dict[str, str] = {
    HomelessnessOutcome.PREVENTED_STAYED: "Prevented: they stayed in their home (for example "
                                          "with Sanctuary measures)",
    HomelessnessOutcome.PREVENTED_MOVED: "Prevented: they moved to other accommodation",
    HomelessnessOutcome.RELIEF_DUTY_OWED: "Not prevented: they became homeless and the "
                                          "relief duty is owed",
    HomelessnessOutcome.CONTACT_LOST: "Contact was lost",
    HomelessnessOutcome.WITHDRAWN: "They withdrew the application",
    HomelessnessOutcome.ENDED_OTHERWISE: "The duty ended another way (for example 56 days "
                                         "passed or they refused a suitable offer)",
}


class AdviceOption(StrEnum):
    """Housing options advice (D 8.31; DBC 7.4.4 advises legal advice and a safe home first)."""

    TEMPORARY_ACCOMMODATION_OR_REFUGE = "temporary_accommodation_or_refuge"
    STAY_WITH_EXTRA_SECURITY = "stay_with_extra_security"
    SPECIALIST_SUPPORT = "specialist_support"
    LEGAL_ADVICE = "legal_advice"


class TenancyHolding(StrEnum):
    SOLE = "sole"
    JOINT = "joint"


class TenancySecurity(StrEnum):
    SECURE = "secure"        # lifetime
    FLEXIBLE = "flexible"    # fixed term
    INTRODUCTORY = "introductory"


class TenancyRouteKind(StrEnum):
    JOINT_NOTICE_TO_QUIT = "joint_notice_to_quit"
    COURT_TRANSFER_TO_SOLE_NAME = "court_transfer_to_sole_name"
    FLEXIBLE_ENDED_BY_BOTH = "flexible_ended_by_both"
    SOLE_TENANT_LEAVES = "sole_tenant_leaves"


class ComplexIssue(StrEnum):
    """Issues DBC 7.4.1 names as putting a council tenancy at risk."""

    DOMESTIC_ABUSE = "domestic_abuse"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_MISUSE = "substance_misuse"
    ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour"
    HIGH_RENT_ARREARS = "high_rent_arrears"


class Specialist(StrEnum):
    RESPECT = "respect"
    SOCIAL_SERVICES = "social_services"
    IDVA_OR_DA_SERVICE = "idva_or_da_service"
    POLICE = "police"


class EnforcementGround(StrEnum):
    """What enforcement is considered on (DBC 7.5.3, 7.4.4; D 8.39, 8.43)."""

    GROUND_2A = "ground_2a"                      # Housing Act 1985 Sch 2, as amended 1996
    TENANCY_BREACH = "tenancy_breach"            # Dartford clause 9.2(g); D 8.39
    UNAUTHORISED_OCCUPANT_POSSESSION = "unauthorised_occupant_possession"  # DBC 7.4.4

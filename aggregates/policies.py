"""Each council's policy, by version: the one place where rules that differ are looked up.

A case records its council and policy version at intake and every later decision looks the
rule up here by that pair. A new version is a new entry in `POLICIES`; old cases keep theirs.
Where a council's policy is silent on a step, the entry uses a configured default and cites it
as such, so an auditor can see that no council section produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from aggregates.dash import RiskThresholds
from aggregates.errors import UnknownPolicy
from aggregates.input_rules import check_not_before_earliest
from aggregates.report import Council, Tenure
from aggregates.working_days import local_date


@dataclass(frozen=True)
class Rule:
    """A named rule and the policy section (or configured default) it comes from."""

    name: str
    section: str


DEFAULT = "configured default"


@dataclass(frozen=True)
class Policy:
    council: Council
    version: str
    title: str
    in_force_from: date
    close_of_business: time
    police_now: Rule
    police_now_minutes: int
    police_awareness: Rule
    police_awareness_working_days: int
    victim_contact: Rule
    victim_contact_working_days: int
    missed_contact_fallback: Rule
    tell_line_manager_and_dso: Rule
    safeguarding_report: Rule
    housing_team: Rule
    housing_team_for_tenure: dict[Tenure, str]
    personal_discussion: Rule
    personal_discussion_working_days: int
    missed_deadline_escalation: Rule
    # Risk and safeguarding (issue: DASH, MARAC, children's and adult referrals).
    risk_thresholds: RiskThresholds
    high_risk_to_marac: Rule
    repeat_marac: Rule
    repeat_marac_months: int
    marac_hearing_working_days: int
    children_referral: Rule
    adult_safeguarding_referral: Rule
    support_referral_with_consent: Rule
    never_contact_perpetrator: Rule
    # When a report was received (issue 16): how far back it may be dated, and after how long
    # entering it needs a reason (both policies are silent: configured defaults).
    backdating_limit: Rule
    backdating_limit_days: int
    late_entry: Rule
    late_entry_after_minutes: int
    # Safety at home (issue 13). A council without a Sanctuary Scheme names, in
    # `sanctuary_scheme`, what its cases get instead, and `has_sanctuary_scheme` is False.
    has_sanctuary_scheme: bool
    sanctuary_scheme: Rule
    sanctuary_outcome_and_complaints: Rule
    # Damage that leaves the victim at risk is an emergency repair due a number of *clock*
    # hours after the report (not working days); a miss goes to a DSO and the repairs manager.
    emergency_repair: Rule
    emergency_repair_hours: int
    missed_repair_escalation: Rule
    # A referral to Kent County Council's SAFER scheme (security advice and measures).
    safer_referral: Rule
    # The pattern of repairs (issue 13, scope 4): `repair_pattern_run_length` security-related
    # jobs at one address raised within `repair_pattern_window_days` days open a review for
    # the team routed council tenants' cases (aggregates/repair_pattern.py).
    repair_pattern: Rule
    repair_pattern_window_days: int
    repair_pattern_run_length: int
    # Teams a case's tasks may go to beyond those routed by tenure (issue 14: Dover's
    # homelessness applications go to Housing Options staff, D 8.38).
    other_routed_teams: frozenset[str] = frozenset()

    def team_for(self, tenure: Tenure) -> str:
        """The team told separately about the case, by the resident's tenure."""
        return self.housing_team_for_tenure[tenure]

    @property
    def routed_teams(self) -> frozenset[str]:
        """Every team the policy routes cases to: the only teams a case may be assigned to."""
        return frozenset(self.housing_team_for_tenure.values()) | self.other_routed_teams


_DOVER_TEAMS = {tenure: "Tenancy Support Team" for tenure in Tenure}

# DBC 5.1 and Appendix A: Tenancy Services leads for general-needs tenants, Housing Scheme and
# Finance for older persons' schemes, Housing Solutions for homelessness and everyone else.
_DARTFORD_TEAMS = {
    **{tenure: "Housing Solutions & Private Sector Team" for tenure in Tenure},
    Tenure.COUNCIL_GENERAL_NEEDS: "Tenancy Services Team",
    Tenure.LEASEHOLDER: "Tenancy Services Team",
    Tenure.COUNCIL_HOUSING_SCHEME: "Housing Scheme and Finance Team",
}

DOVER_2025 = Policy(
    council=Council.DOVER,
    version="dover-2025-09",
    title="Dover District Council Domestic Abuse (Housing) Policy, approved September 2025",
    in_force_from=date(2025, 9, 1),
    close_of_business=time(17, 0),
    police_now=Rule("immediate_risk_contact_police_first", "D 8.11, D 8.13"),
    police_now_minutes=60,
    police_awareness=Rule("third_party_report_establish_police_awareness", "D 8.12"),
    police_awareness_working_days=1,
    victim_contact=Rule("contact_victim_within_2_working_days", "D 8.14"),
    victim_contact_working_days=2,
    missed_contact_fallback=Rule("missed_contact_next_working_day_and_refer", "D 8.14"),
    tell_line_manager_and_dso=Rule("tell_line_manager_and_dso", "D 8.9"),
    safeguarding_report=Rule("log_safeguarding_report", "D 8.9, D 8.28"),
    housing_team=Rule("tell_tenancy_support_team_separately", "D 8.28"),
    housing_team_for_tenure=_DOVER_TEAMS,
    personal_discussion=Rule("personal_discussion_within_reasonable_time", f"D 8.14, {DEFAULT}"),
    personal_discussion_working_days=5,
    missed_deadline_escalation=Rule("missed_deadline_escalates_to_dso", "D 8.3, D 8.14"),
    risk_thresholds=RiskThresholds(),
    high_risk_to_marac=Rule("high_risk_referred_to_marac", "D 8.15"),
    repeat_marac=Rule("repeat_marac_within_12_months_of_last_referral",
                      "D 8.15; SafeLives repeat MARAC guidance (12 months from the last "
                      "referral)"),
    repeat_marac_months=12,
    marac_hearing_working_days=20,
    children_referral=Rule("children_referred_in_all_cases", "D 8.23"),
    adult_safeguarding_referral=Rule("adult_with_care_needs_safeguarding_referral",
                                     "D 3.4; Care Act 2014"),
    support_referral_with_consent=Rule("support_referral_only_with_consent", "D 8.19"),
    never_contact_perpetrator=Rule("never_contact_perpetrator_about_abuse", "D 8.42"),
    backdating_limit=Rule("report_received_within_backdating_limit", f"D 8.14, {DEFAULT}"),
    backdating_limit_days=30,
    late_entry=Rule("late_entry_has_reason", f"D 8.25, {DEFAULT}"),
    late_entry_after_minutes=60,
    # Dover's policy has no Sanctuary Scheme (the scheme is Dartford's, DBC 7.4.2). What a
    # Dover victim gets instead is D 8.36-8.37: locks to doors and windows changed as an
    # emergency repair, and help to access KCC's SAFER scheme.
    has_sanctuary_scheme=False,
    sanctuary_scheme=Rule("no_sanctuary_scheme_offer_improved_security_or_safer",
                          "D 8.36, D 8.37; Dover has no Sanctuary Scheme"),
    sanctuary_outcome_and_complaints=Rule("tell_referrer_outcome_and_how_to_complain",
                                          "D 10 (complaints; unused: no Sanctuary Scheme)"),
    emergency_repair=Rule("emergency_repair_within_24_hours", "D 8.36, D 8.37"),
    emergency_repair_hours=24,
    missed_repair_escalation=Rule("missed_emergency_repair_to_dso_and_repairs_manager",
                                  "D 8.36, D 8.3"),
    safer_referral=Rule("support_access_to_kcc_safer", "D 8.37"),
    # D 8.6 names "property repairs / damages which may indicate abuse" as a way abuse comes
    # to light, but sets no run or window: three jobs in 60 days is the configured default.
    repair_pattern=Rule("pattern_of_security_repairs_opens_review",
                        f"D 8.6; window and run length: {DEFAULT} (Dover sets none)"),
    repair_pattern_window_days=60,
    repair_pattern_run_length=3,
    other_routed_teams=frozenset({"Housing Options Team"}),
)

DARTFORD_2026 = Policy(
    council=Council.DARTFORD,
    version="dartford-2026-draft",
    title="Dartford Borough Council Draft Domestic Abuse Housing Policy 2026",
    in_force_from=date(2026, 1, 1),
    close_of_business=time(17, 0),
    police_now=Rule("immediate_risk_contact_police_first", f"{DEFAULT} (D 8.11; DBC silent)"),
    police_now_minutes=60,
    police_awareness=Rule("third_party_report_establish_police_awareness",
                          f"{DEFAULT} (D 8.12; DBC 7.2 silent on police)"),
    police_awareness_working_days=1,
    victim_contact=Rule("contact_victim_within_2_working_days",
                        f"{DEFAULT} (D 8.14; DBC silent)"),
    victim_contact_working_days=2,
    missed_contact_fallback=Rule("missed_contact_next_working_day_and_refer",
                                 f"{DEFAULT} (D 8.14; DBC silent)"),
    tell_line_manager_and_dso=Rule("tell_line_manager_and_dso", f"{DEFAULT} (D 8.9; DBC silent)"),
    safeguarding_report=Rule("log_in_safeguarding_record_log", "DBC 10.1"),
    housing_team=Rule("route_to_lead_team", "DBC 5.1, Appendix A"),
    housing_team_for_tenure=_DARTFORD_TEAMS,
    personal_discussion=Rule("personal_discussion_within_reasonable_time",
                             f"{DEFAULT} (D 8.14; DBC silent)"),
    personal_discussion_working_days=5,
    missed_deadline_escalation=Rule("missed_deadline_escalates_to_dso",
                                    f"{DEFAULT} (D 8.3; DBC silent)"),
    risk_thresholds=RiskThresholds(),
    high_risk_to_marac=Rule("high_risk_referred_to_marac", "DBC 6.7"),
    repeat_marac=Rule("repeat_marac_within_12_months_of_last_referral",
                      f"{DEFAULT} (SafeLives repeat MARAC guidance, 12 months from the last "
                      "referral; DBC silent)"),
    repeat_marac_months=12,
    marac_hearing_working_days=20,
    children_referral=Rule("children_referred_in_all_cases",
                           "CAR (Age: safeguarding children); Children Act 2004"),
    adult_safeguarding_referral=Rule("adult_with_care_needs_safeguarding_referral",
                                     "CAR (Age, Disability); Care Act 2014"),
    support_referral_with_consent=Rule("support_referral_only_with_consent",
                                       f"{DEFAULT} (D 8.19; CAR signposting)"),
    never_contact_perpetrator=Rule("never_contact_perpetrator_about_abuse",
                                   f"{DEFAULT} (D 8.42; DBC 7.5.1)"),
    backdating_limit=Rule("report_received_within_backdating_limit",
                          f"{DEFAULT} (D 8.14; DBC silent)"),
    backdating_limit_days=30,
    late_entry=Rule("late_entry_has_reason", f"{DEFAULT} (D 8.25; DBC silent)"),
    late_entry_after_minutes=60,
    has_sanctuary_scheme=True,
    sanctuary_scheme=Rule("sanctuary_scheme_considered", "DBC 7.4.2; SCAR"),
    sanctuary_outcome_and_complaints=Rule("tell_referrer_outcome_and_how_to_complain",
                                          "DBC 7.4.2, DBC 11; SCAR Q15"),
    # Dartford sets no time for repairs: its Out of Hours Service arranges repairs and
    # security measures for council tenants (DBC, "Out of hours"). Its cases get Dover's 24
    # clock hours as the configured default, cited as such.
    emergency_repair=Rule("emergency_repair_within_24_hours",
                          f"{DEFAULT} (D 8.36; DBC sets no time: the Out of Hours Service "
                          "arranges repairs and security measures)"),
    emergency_repair_hours=24,
    missed_repair_escalation=Rule("missed_emergency_repair_to_dso_and_repairs_manager",
                                  f"{DEFAULT} (D 8.36, D 8.3; DBC silent)"),
    safer_referral=Rule("refer_to_kcc_safer", "DBC 7.4.3"),
    # DBC 7.2 names the pattern itself ("numerous repairs such as external door lock changes,
    # bathroom lock changes, broken windows, lost keys or damage to internal doors"), so
    # Dartford looks further back than Dover; the numbers are still a configured default.
    repair_pattern=Rule("pattern_of_security_repairs_opens_review",
                        f"DBC 7.2; window and run length: {DEFAULT} (DBC sets none)"),
    repair_pattern_window_days=90,
    repair_pattern_run_length=3,
)

POLICIES: dict[tuple[Council, str], Policy] = {
    (p.council, p.version): p for p in (DOVER_2025, DARTFORD_2026)
}


def policy_for(council: Council, version: str) -> Policy:
    """The policy a case recorded at intake."""
    try:
        return POLICIES[(council, version)]
    except KeyError:
        raise UnknownPolicy("policy_is_registered",
                            f"no policy version {version!r} is registered for {council.value}",
                            field="policy_version") from None


def policy_in_force(council: Council, at: datetime) -> Policy:
    """The newest policy of `council` in force on the London date of `at`."""
    check_not_before_earliest("reported_at", at)
    day = local_date(at)
    candidates = [p for p in POLICIES.values() if p.council is council and p.in_force_from <= day]
    if not candidates:
        raise UnknownPolicy("policy_in_force",
                            f"no policy of {council.value} was in force on {day.isoformat()}",
                            field="reported_at")
    return max(candidates, key=lambda p: p.in_force_from)

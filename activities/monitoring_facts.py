"""The monitoring facts one case event gives (issue 17 item 2): which report's row it adds to,
for which council and team, on which London day, and how much (1, or pence for costs).

`facts_of(event, case)` reads the event and the case as it stood just after the event (the
projection applies each event to the case loaded at the version before it), so a fact is the
same whether the projection runs live or is rebuilt from zero. Facts keep only what the reports
count: council, team, day, report and row; no names, no free text, no case id.

The day is the London date of the event's business time (`CaseEvent.at`), not the date of
anything typed (a backdated report time, the day a measure was said to be installed): every
event is recorded once and never changes, so a month's counts are final once it has ended
(monitoring/definitions.py, monitoring/suppression.py).

Team: the team the case was with at the event (`case.access.team`; the policy's routing for
the intake event, before its `Assigned` follows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from aggregates.case import Case
from aggregates.case_work import DeadlineEscalated, TaskCompleted
from aggregates.equality import NOT_GIVEN, ProtectedCharacteristic
from aggregates.homelessness import HomelessnessOutcomeRecorded, LossOfSettledHomeRecorded
from aggregates.housing_terms import PREVENTED, HomelessnessOutcome
from aggregates.referrals import ReferralKind
from aggregates.repairs import EmergencyRepairConfirmed
from aggregates.safeguarding import ReferralAcknowledged, ReferralDeliveryFailed, ReferralOpened
from aggregates.sanctuary import (
    SanctuaryDecided,
    SanctuaryMeasureInstalled,
    SanctuaryMeasuresDeclined,
    SanctuaryReferred,
)
from aggregates.tasks import TaskKind
from aggregates.working_days import local_date, working_days_between
from monitoring.definitions import NO_NEED, REPORTS, equality_report

# A partner's acknowledgement is "late" after this many working days from the referral.
# Configured default: neither council's policy sets a time for a partner to acknowledge.
ACKNOWLEDGE_WORKING_DAYS = 1
VICTIM_CONTACT_RULE = "contact_victim_within_2_working_days"  # D 8.14
CONTACT_KINDS = frozenset({TaskKind.CONTACT_VICTIM, TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY})


@dataclass(frozen=True)
class Fact:
    """`amount` added to `row` of `report` for `council` and `team` on London day `day`."""

    report: str
    row: str
    council: str
    team: str
    day: date
    amount: int = 1


def _team(case: Case) -> str:
    return case.access.team or case.team


def _fact(case: Case, event: Any, report: str, row: str, amount: int = 1) -> Fact:
    if row not in {code for code, _ in REPORTS[report].rows}:
        raise LookupError(f"{report} has no row {row!r}")  # a definition out of step
    return Fact(report, row, case.council_code, _team(case), local_date(event.at), amount)


def _opened(event: Any, case: Case) -> list[Fact]:
    return [_fact(case, event, "referrals-received", "received"),
            *([_fact(case, event, "dartford-kpis", "s3")]
              if case.council_code == "dartford" else [])]


def _task_completed(event: Any, case: Case) -> list[Fact]:
    task = case.work.tasks.get(event.task_id)
    if task is None:
        return []
    if task.kind is TaskKind.MARAC_ACTION:
        # An action whose deadline escalated was counted overdue in that month already.
        if task.task_id in case.work.escalated:
            return []
        return [_fact(case, event, "marac-actions", "overdue" if event.late else "on_time")]
    if task.kind in CONTACT_KINDS:
        return _victim_contacted(event, case)
    return []


def _victim_contacted(event: Any, case: Case) -> list[Fact]:
    """The first contact task of the case completed under Dover's rule (D 8.14): the victim
    is contacted once, whichever task (the first, or the next-working-day one) recorded it."""
    contact_tasks = [t for t in case.work.tasks.values() if t.kind in CONTACT_KINDS]
    if not any(t.rule == VICTIM_CONTACT_RULE for t in contact_tasks):
        return []
    if any(t.task_id != event.task_id and t.task_id in case.work.completed
           for t in contact_tasks):
        return []
    days = working_days_between(local_date(case.report.reported_at), local_date(event.at))
    days = max(days, 0)
    within = days <= case.policy.victim_contact_working_days
    return [_fact(case, event, "victim-contact", "within" if within else "later"),
            _fact(case, event, "victim-contact-days", str(days) if days < 5 else "5+")]


def _escalated(event: Any, case: Case) -> list[Fact]:
    task = case.work.tasks.get(event.task_id)
    if task is None or task.kind is not TaskKind.MARAC_ACTION:
        return []
    return [_fact(case, event, "marac-actions", "overdue")]


def _referral_opened(event: ReferralOpened, case: Case) -> list[Fact]:
    kind = ReferralKind(event.kind)
    if kind is ReferralKind.MARAC:
        return [_fact(case, event, "marac-referrals", "first")]
    if kind is ReferralKind.REPEAT_MARAC:
        return [_fact(case, event, "marac-referrals", "repeat")]
    return []


def _acknowledged(event: ReferralAcknowledged, case: Case) -> list[Fact]:
    referral = case.safeguarding.referrals.get(event.referral_id)
    if referral is None:
        return []
    days = working_days_between(referral.opened_on, local_date(event.at))
    row = "acknowledged" if days <= ACKNOWLEDGE_WORKING_DAYS else "acknowledged_late"
    return [_fact(case, event, "partner-deliveries", row)]


def _given_up(event: ReferralDeliveryFailed, case: Case) -> list[Fact]:
    return [_fact(case, event, "partner-deliveries", "given_up")]


def _repair_confirmed(event: EmergencyRepairConfirmed, case: Case) -> list[Fact]:
    return [_fact(case, event, "emergency-repairs", "later" if event.late else "within")]


def _sanctuary_referred(event: SanctuaryReferred, case: Case) -> list[Fact]:
    return [_fact(case, event, "sanctuary-tenure", event.tenure),
            _fact(case, event, "sanctuary-referrers", event.referrer_kind),
            _fact(case, event, "sanctuary-households", event.household_type),
            *_equality(event, case)]


def _equality(event: SanctuaryReferred, case: Case) -> list[Fact]:
    """CAR: each household referred counts once in every characteristic's report, by its
    answer code or "not given"; and once per communication need, or as having none. The
    event's answers are codes (older ones upcast to "own words": never parsed)."""
    given = event.protected_characteristics
    return [*(_fact(case, event, equality_report(c), given.get(c.value, NOT_GIVEN))
              for c in ProtectedCharacteristic),
            *(_fact(case, event, "equality-communication", need)
              for need in (event.communication_needs or [NO_NEED]))]


def _sanctuary_decided(event: SanctuaryDecided, case: Case) -> list[Fact]:
    return [_fact(case, event, "sanctuary-decisions",
                  "accepted" if event.accepted else event.rule)]


def _sanctuary_declined(event: SanctuaryMeasuresDeclined, case: Case) -> list[Fact]:
    """SCAR Q15: chose not to have measures, by the coded reason."""
    return [_fact(case, event, "sanctuary-declined", event.reason_code)]


def _measure_installed(event: SanctuaryMeasureInstalled, case: Case) -> list[Fact]:
    return [_fact(case, event, "sanctuary-measures", event.measure_type),
            _fact(case, event, "sanctuary-cost", event.measure_type, event.cost_pence)]


# ---- Dartford's housing KPIs (CAR Q3, DBC 14.2) -------------------------------------------
# Both are Dartford's own measures: a Dover case records the same events and gives no fact.
# One homelessness application per case (aggregates/homelessness.py), so "once per
# application" is "once per case".


def _homelessness_outcome(event: HomelessnessOutcomeRecorded, case: Case) -> list[Fact]:
    """HPI-15: a household whose homelessness was prevented, in the month the outcome was
    recorded; an application has one outcome, so it is counted once."""
    if case.council_code != "dartford" or HomelessnessOutcome(event.outcome) not in PREVENTED:
        return []
    return [_fact(case, event, "dartford-kpis", "hpi15")]


def _loss_of_settled_home(event: LossOfSettledHomeRecorded, case: Case) -> list[Fact]:
    """DBC 14.2: a household owed both the prevention and relief duty whose last settled
    home was lost because of the abuse, counted by the event that first made it so (the
    application keeps that event's version): recording it again adds nothing."""
    application = case.homelessness.application
    if case.council_code != "dartford" or application is None:
        return []
    if application.abuse_loss_both_duties_version != event.originator_version:
        return []
    return [_fact(case, event, "dartford-kpis", "dbc14_2")]


FACTS: dict[type[Any], Callable[[Any, Case], list[Fact]]] = {
    Case.Opened: _opened,
    TaskCompleted: _task_completed,
    DeadlineEscalated: _escalated,
    ReferralOpened: _referral_opened,
    ReferralAcknowledged: _acknowledged,
    ReferralDeliveryFailed: _given_up,
    EmergencyRepairConfirmed: _repair_confirmed,
    SanctuaryReferred: _sanctuary_referred,
    SanctuaryDecided: _sanctuary_decided,
    SanctuaryMeasuresDeclined: _sanctuary_declined,
    SanctuaryMeasureInstalled: _measure_installed,
    HomelessnessOutcomeRecorded: _homelessness_outcome,
    LossOfSettledHomeRecorded: _loss_of_settled_home,
}


def facts_of(event: Any, case: Case) -> list[Fact]:
    """The facts `event` gives, `case` being the case just after it (none for most events)."""
    for kind, found in FACTS.items():
        if isinstance(event, kind):
            return found(event, case)
    return []

"""A known set of cases across both councils, written through the case store's commands at
fixed London times in Q1 2026-27 (April to June 2026), for the monitoring reports' tests
(issue 17 item 2). What each case does, and so what every report must count, is in the
docstring of `build`; the tests hold the hand-counted figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from activities.case_store import CaseStore
from aggregates.report import Actor, Council, Role, Tenure
from aggregates.tasks import TaskKind
from tests.support import make_report

LONDON = ZoneInfo("Europe/London")
CASEWORKER = Actor(staff_id="cw-001", role=Role.CASEWORKER)


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


class Clock:
    """The intake clock: each case opens at the time the test sets."""

    def __init__(self) -> None:
        self.now = at(4, 1)

    def __call__(self) -> datetime:
        return self.now


def open_case(store: CaseStore, clock: Clock, when: datetime, council: Council,
              tenure: Tenure, **report: Any) -> UUID:
    clock.now = when
    case_id = uuid4()
    store.open_case(case_id=case_id, actor=CASEWORKER, reason="Report taken by telephone.",
                    request_fingerprint=str(case_id),
                    report=make_report(council=council, tenure=tenure, reported_at=when,
                                       **report))
    store.triage(case_id, at=when)
    return case_id


def task_id(store: CaseStore, case_id: UUID, kind: TaskKind, nth: int = 0) -> str:
    return [t.task_id for t in store.get_case(case_id).tasks.values() if t.kind is kind][nth]


def complete(store: CaseStore, case_id: UUID, kind: TaskKind, outcome: str, when: datetime,
             nth: int = 0) -> None:
    store.complete_task(case_id=case_id, task_id=task_id(store, case_id, kind, nth),
                        outcome=outcome, note="", actor=CASEWORKER,
                        command_id=f"{kind}-{nth}-{when.isoformat()}", at=when)


def command(store: CaseStore, case_id: UUID, name: str, when: datetime, **args: Any) -> None:
    store.apply_command(case_id=case_id, name=name, args=args, actor=CASEWORKER,
                        command_id=f"{name}-{uuid4()}", at=when)


def referral_id(store: CaseStore, case_id: UUID, kind: str) -> str:
    return [r.referral_id for r in store.get_case(case_id).referrals.values()
            if r.kind == kind][-1]


def high_risk(store: CaseStore, case_id: UUID, when: datetime) -> None:
    """A DASH with 14 "yes" answers: high risk, so a MARAC referral (D 8.15)."""
    answers = {str(n): ["yes" if n <= 14 else "no", ""] for n in range(1, 25)}
    command(store, case_id, "complete_dash", when, answers=answers)


def sanctuary(store: CaseStore, case_id: UUID, when: datetime, *, referrer: str,
              household: str, characteristics: dict[str, str] | None = None,
              needs: list[str] | None = None) -> None:
    command(store, case_id, "refer_to_sanctuary", when, referrer_kind=referrer,
            referrer_name="Sam Referrer", referrer_contact="01322 000000",
            referring_agency="Kent Police" if referrer == "agency" else None,
            household_type=household, protected_characteristics=characteristics or {},
            communication_needs=needs or [])
    for subject in ("case", "property"):
        command(store, case_id, "assess_sanctuary_risk", when, subject=subject,
                findings="Assessed at a visit.")


def decide(store: CaseStore, case_id: UUID, when: datetime, **refusal: bool) -> None:
    facts = dict(perpetrator_lives_at_property=False, safe_to_stay=True,
                 victim_chooses_to_stay=True, perpetrator_associates_live_there=False,
                 area_too_dangerous=False, household_can_operate_measures=True)
    command(store, case_id, "decide_sanctuary", when, **{**facts, **refusal})


def install(store: CaseStore, case_id: UUID, when: datetime, measure: str, pence: int,
            installer: str) -> None:
    command(store, case_id, "record_sanctuary_measure", when, measure_type=measure,
            installed_on=when.date().isoformat(), installer=installer, cost_pence=pence)


def build(store: CaseStore, clock: Clock) -> None:
    """Dover (one team, Tenancy Support Team), Q1 2026-27:
    - D0 opened 23:30 on Tue 31 March 2026: the year before (no Q1 figure).
    - D1 opened Thu 2 April; victim contacted Tue 7 April: 1 working day (Good Friday 3 and
      Easter Monday 6 April are bank holidays). Emergency repair reported 2 April 11:00,
      confirmed 20:00 the same day: within 24 hours.
    - D2 opened 00:30 on Fri 1 May (23:30 on 30 April UTC): May. Victim contacted Fri 8 May:
      4 working days (Mon 4 May is a bank holiday), later. High-risk DASH on 8 May: a MARAC
      referral; its delivery given up on 11 May. An incident on 12 May: a repeat MARAC
      referral, acknowledged on 14 May (2 working days after it): late.
    - D3 opened Mon 1 June; victim contacted the same day (0). Emergency repair reported
      1 June 10:05, confirmed 2 June 12:00: later than 24 hours.
    The contractor's acknowledgements of D1's and D3's repairs are partner deliveries
    acknowledged within 1 working day (April, June).
    Dartford, Q1 2026-27:
    - T1 (council general needs: Tenancy Services Team) opened Tue 14 April; victim contacted
      Thu 16 April (2 working days, within). Sanctuary referral 15 April by an agency, lone
      parent, gave age (25 to 34) and sex (female), needs a BSL interpreter; accepted 20
      April; door locks
      changed on 5 May (£123.45) and window locks on 6 May (£60.00).
    - T2 (private rented: Housing Solutions & Private Sector Team) opened Tue 5 May. Sanctuary
      referral 6 May by the victim, couple with children; not accepted 7 May (the perpetrator
      lives at the property).
    - T3 (council housing scheme: Housing Scheme and Finance Team) opened Tue 2 June; victim
      contacted Wed 3 June (1). Sanctuary referral 3 June by another person, lone adult, gave
      a disability (limited a lot); accepted 4 June; the household chose not to have
      measures 5 June (moving elsewhere).
      High-risk DASH 3 June: a MARAC referral, acknowledged 4 June (1 working day: on time);
      heard 8 June, two actions: one due 10 June done 9 June (on time), one due 12 June
      escalated on 15 June (overdue)."""
    dover, dartford = Council.DOVER, Council.DARTFORD
    council_home = Tenure.COUNCIL_GENERAL_NEEDS
    open_case(store, clock, at(3, 31, 23, 30), dover, council_home)
    d1 = open_case(store, clock, at(4, 2), dover, council_home)
    complete(store, d1, TaskKind.CONTACT_VICTIM, "discussion_offered", at(4, 7))
    repair(store, d1, at(4, 2, 11), at(4, 2, 20))
    d2 = open_case(store, clock, at(5, 1, 0, 30), dover, council_home)
    complete(store, d2, TaskKind.CONTACT_VICTIM, "discussion_offered", at(5, 8))
    high_risk(store, d2, at(5, 8, 15))
    store.record_referral_failed(case_id=d2, referral_id=referral_id(store, d2, "marac"),
                                 failure="partner_unreachable", at=at(5, 11))
    command(store, d2, "report_incident", at(5, 12, 18), occurred_on="2026-05-12",
            summary="Police called after a new assault.")
    acknowledge(store, d2, referral_id(store, d2, "repeat_marac"), at(5, 14))
    d3 = open_case(store, clock, at(6, 1), dover, council_home)
    complete(store, d3, TaskKind.CONTACT_VICTIM, "discussion_offered", at(6, 1, 15))
    repair(store, d3, at(6, 1, 10, 5), at(6, 2, 12))

    t1 = open_case(store, clock, at(4, 14), dartford, council_home)
    complete(store, t1, TaskKind.CONTACT_VICTIM, "discussion_offered", at(4, 16))
    sanctuary(store, t1, at(4, 15), referrer="agency", household="lone_parent",
              characteristics={"age": "25_34", "sex": "female"}, needs=["bsl_interpreter"])
    decide(store, t1, at(4, 20))
    install(store, t1, at(5, 5), "door_locks_changed", 12345, "housing_maintenance_team")
    install(store, t1, at(5, 6), "window_locks", 6000, "housing_maintenance_team")
    t2 = open_case(store, clock, at(5, 5), dartford, Tenure.PRIVATE_RENTED)
    sanctuary(store, t2, at(5, 6), referrer="victim", household="couple_with_children")
    decide(store, t2, at(5, 7), perpetrator_lives_at_property=True)
    t3 = open_case(store, clock, at(6, 2), dartford, Tenure.COUNCIL_HOUSING_SCHEME)
    complete(store, t3, TaskKind.CONTACT_VICTIM, "discussion_offered", at(6, 3))
    sanctuary(store, t3, at(6, 3), referrer="person", household="lone_adult",
              characteristics={"disability": "limited_a_lot"})
    decide(store, t3, at(6, 4))
    command(store, t3, "decline_sanctuary_measures", at(6, 5), reason_code="moving_elsewhere",
            reason="They would rather move away.")
    high_risk(store, t3, at(6, 3, 15))
    acknowledge(store, t3, referral_id(store, t3, "marac"), at(6, 4))
    marac_actions(store, t3)
    housing_kpi_cases(store, clock)
    equality_and_declines(store, clock)


def repair(store: CaseStore, case_id: UUID, reported: datetime, confirmed: datetime) -> None:
    command(store, case_id, "report_emergency_repair", reported, job_type="broken_door")
    acknowledge(store, case_id, referral_id(store, case_id, "emergency_repair"), confirmed)


def acknowledge(store: CaseStore, case_id: UUID, referral: str, when: datetime) -> None:
    store.record_referral_delivered(case_id=case_id, referral_id=referral,
                                    delivery_id=f"d-{referral}", digest="0" * 64, via="https",
                                    at=when)
    store.record_referral_acknowledged(case_id=case_id, referral_id=referral,
                                       ack_message_id=f"ack-{uuid4()}", digest="0" * 64,
                                       signed_body="{}", signature="sig", at=when)


def marac_actions(store: CaseStore, case_id: UUID) -> None:
    referral = referral_id(store, case_id, "marac")
    command(store, case_id, "record_marac_hearing", at(6, 8), referral_id=referral,
            heard_on="2026-06-08")
    directory = {"cw-002": {"role": "caseworker", "council": "dartford", "active": True}}
    command(store, case_id, "add_marac_actions", at(6, 8, 12), referral_id=referral,
            directory=directory, actions=[
                {"description": "Fit a door viewer", "owner_id": "cw-002",
                 "due_on": "2026-06-10"},
                {"description": "Review the tenancy", "owner_id": "cw-002",
                 "due_on": "2026-06-12"}])
    complete(store, case_id, TaskKind.MARAC_ACTION, "done", at(6, 9))
    store.escalate_missed_deadline(case_id=case_id,
                                   task_id=task_id(store, case_id, TaskKind.MARAC_ACTION, 1),
                                   at=at(6, 15, 9))


def homelessness(store: CaseStore, case_id: UUID, when: datetime, status: str) -> None:
    command(store, case_id, "record_homelessness_application", when, status=status,
            eligible=True, because_of_abuse=True, moving_because_of_abuse=False)


def loss(store: CaseStore, case_id: UUID, when: datetime, *duties: str) -> None:
    command(store, case_id, "record_loss_of_settled_home", when, abuse_was_reason=True,
            duties=list(duties))


def housing_kpi_cases(store: CaseStore, clock: Clock) -> None:
    """Dartford's housing KPIs (CAR Q3 HPI-15, DBC 14.2), Q1 2026-27:
    - T4 (private rented: Housing Solutions & Private Sector Team) opened Mon 13 April,
      threatened with homelessness. Abuse the loss of the last settled home, prevention duty
      only, 14 April (not DBC 14.2: one duty). Not prevented, relief owed, 11 May (not
      HPI-15). Abuse the loss with both duties 12 May: DBC 14.2 in May; recorded again with
      both on 1 June: not counted again.
    - T5 (council general needs: Tenancy Services Team) opened Mon 8 June, threatened with
      homelessness; homelessness prevented, the household stayed in its home, 29 June:
      HPI-15 in June.
    - T6 (private rented: Housing Solutions & Private Sector Team) opened Wed 10 June,
      already homeless: abuse the loss with the relief duty only, 11 June (not DBC 14.2).
    Dover, Q1 2026-27:
    - D4 (Tenancy Support Team) opened Tue 9 June, threatened: abuse the loss with both
      duties 10 June, prevented 12 June: neither counted (Dartford's KPIs), only received."""
    dartford, private = Council.DARTFORD, Tenure.PRIVATE_RENTED
    t4 = open_case(store, clock, at(4, 13), dartford, private)
    homelessness(store, t4, at(4, 13, 14), "threatened_with_homelessness")
    loss(store, t4, at(4, 14), "prevention")
    command(store, t4, "record_homelessness_outcome", at(5, 11),
            outcome="not_prevented_relief_duty_owed")
    loss(store, t4, at(5, 12), "prevention", "relief")
    loss(store, t4, at(6, 1), "relief", "prevention")
    t5 = open_case(store, clock, at(6, 8), dartford, Tenure.COUNCIL_GENERAL_NEEDS)
    homelessness(store, t5, at(6, 8, 14), "threatened_with_homelessness")
    command(store, t5, "record_homelessness_outcome", at(6, 29),
            outcome="prevented_stayed_in_home")
    t6 = open_case(store, clock, at(6, 10), dartford, private)
    homelessness(store, t6, at(6, 10, 14), "homeless")
    loss(store, t6, at(6, 11), "relief")
    d4 = open_case(store, clock, at(6, 9), Council.DOVER, Tenure.COUNCIL_GENERAL_NEEDS)
    homelessness(store, d4, at(6, 9, 14), "threatened_with_homelessness")
    loss(store, d4, at(6, 10), "prevention", "relief")
    command(store, d4, "record_homelessness_outcome", at(6, 12),
            outcome="prevented_stayed_in_home")


def equality_and_declines(store: CaseStore, clock: Clock) -> None:
    """Dartford, July 2026 (CAR; SCAR Q7, Q15):
    - T7 (council general needs: Tenancy Services Team) opened Tue 7 July. Sanctuary referral
      8 July by the victim, lone parent, answered age 16 to 24, sex female, ethnic group
      Asian, religion "prefer not to say", pregnant; needs translated documents and a
      spoken-language interpreter; accepted 9 July; chose not to have measures 10 July: feels
      safe now.
    - T8 (private rented: Housing Solutions & Private Sector Team) opened Mon 13 July.
      Sanctuary referral 14 July by an agency, couple without children, answered disability
      "not disabled", gender identity not the same as at birth, marriage "prefer not to say",
      sexual orientation bisexual; no communication need; accepted 15 July; chose not to
      have measures 16 July: chose another option (a transfer).
    Every other answer is "not given"."""
    t7 = open_case(store, clock, at(7, 7), Council.DARTFORD, Tenure.COUNCIL_GENERAL_NEEDS)
    sanctuary(store, t7, at(7, 8), referrer="victim", household="lone_parent",
              characteristics={"age": "16_24", "sex": "female", "race": "asian",
                               "religion_or_belief": "prefer_not_to_say",
                               "pregnancy_or_maternity": "pregnant"},
              needs=["translated_documents", "spoken_language_interpreter"])
    decide(store, t7, at(7, 9))
    command(store, t7, "decline_sanctuary_measures", at(7, 10), reason_code="feels_safe_now",
            reason="Feels safe now her ex is in custody.")
    t8 = open_case(store, clock, at(7, 13), Council.DARTFORD, Tenure.PRIVATE_RENTED)
    sanctuary(store, t8, at(7, 14), referrer="agency", household="couple_without_children",
              characteristics={"disability": "not_disabled", "gender_reassignment": "not_same",
                               "marriage_or_civil_partnership": "prefer_not_to_say",
                               "sexual_orientation": "bisexual"})
    decide(store, t8, at(7, 15))
    command(store, t8, "decline_sanctuary_measures", at(7, 16),
            reason_code="chose_another_option", reason="Asked for a transfer instead.")

"""Small builders for the unit tests: reports, actors and opened cases at fixed London times."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from aggregates.case import Case
from aggregates.policies import Policy, policy_in_force
from aggregates.referrals import Referral
from aggregates.report import (
    Actor,
    Adjustment,
    Adult,
    Channel,
    Child,
    Council,
    Household,
    Report,
    Reporter,
    ReporterKind,
    Role,
    Tenure,
    Victim,
)
from aggregates.tasks import Task, TaskKind

LONDON = ZoneInfo("Europe/London")
CASE_ID = UUID("00000000-0000-4000-8000-000000000001")
VICTIM_NAME = "Alex Example"

CASEWORKER = Actor(staff_id="cw-001", role=Role.CASEWORKER)
LINE_MANAGER = Actor(staff_id="lm-001", role=Role.LINE_MANAGER)
DSO_ACTOR = Actor(staff_id="dso-001", role=Role.DSO)
AUDITOR = Actor(staff_id="au-001", role=Role.AUDITOR)


def london(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware moment on the London wall clock."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# Monday 8 June 2026, mid-morning (BST): an ordinary working day with no holiday nearby.
ORDINARY_MONDAY = london(2026, 6, 8, 10)


def make_report(
    *,
    council: Council = Council.DOVER,
    channel: Channel = Channel.TELEPHONE,
    reported_at: datetime = ORDINARY_MONDAY,
    reporter_kind: ReporterKind = ReporterKind.VICTIM,
    immediate_risk: bool = False,
    tenure: Tenure = Tenure.COUNCIL_GENERAL_NEEDS,
    children: tuple[Child, ...] = (),
    adults: tuple[Adult, ...] = (),
    adjustments: tuple[Adjustment, ...] = (),
) -> Report:
    """A report with sensible defaults: the victim's own telephone call to Dover, no risk now."""
    reporter = (Reporter(kind=reporter_kind) if reporter_kind is ReporterKind.VICTIM
                else Reporter(kind=reporter_kind, name="Sam Reporter", contact="01304 000000"))
    return Report(
        council=council,
        channel=channel,
        reported_at=reported_at,
        reporter=reporter,
        victim=Victim(name=VICTIM_NAME, address="1 Example Road, Dover", phone="07700 900000"),
        immediate_risk=immediate_risk,
        household=Household(adults=adults, children=children),
        tenure=tenure,
        perpetrator_lives_at_address=True,
        summary="Partner has been threatening and controlling.",
        reasonable_adjustments=adjustments,
    )


def open_case(report: Report | None = None, *, policy: Policy | None = None,
              now: datetime | None = None, actor: Actor = CASEWORKER,
              reason: str = "Report taken by telephone.") -> Case:
    """Open a case on `report` under the policy in force at the time of the report."""
    report = report or make_report()
    return Case.open(
        case_id=CASE_ID,
        report=report,
        policy=policy or policy_in_force(report.council, report.reported_at),
        actor=actor,
        reason=reason,
        request_fingerprint="fp-1",
        at=now or report.reported_at + timedelta(hours=1),
    )


def triaged_at(case: Case) -> datetime:
    """When the builders triage a case: an hour after its report, as they open it."""
    return case.report.reported_at + timedelta(hours=1)


def triaged_case(report: Report | None = None) -> Case:
    """A case opened on `report` and triaged by a caseworker an hour after the report."""
    case = open_case(report)
    case.triage(CASEWORKER, at=triaged_at(case))
    return case


def task_of(tasks: list[Task], kind: TaskKind) -> Task:
    """The one task of `kind` in `tasks` (fails the test if there is not exactly one)."""
    matching = [t for t in tasks if t.kind is kind]
    assert len(matching) == 1, f"expected one {kind} task, got {[t.kind for t in tasks]}"
    return matching[0]


def kinds(tasks: list[Task]) -> list[TaskKind]:
    return [t.kind for t in tasks]


# ---- risk and safeguarding (DASH, MARAC, referrals) ------------------------------------------
# Added for tests/unit/test_dash.py, test_safeguarding.py, test_referrals.py, test_adjustments.py.


def dash_answers(yes: int = 0, *, rest: str = "no",
                 numbers: range = range(1, 25)) -> dict[int, tuple[str, str]]:
    """Answers to the DASH questions in `numbers`: the first `yes` of them "yes", the rest
    `rest`, no comments."""
    return {n: ("yes" if i < yes else rest, "") for i, n in enumerate(numbers)}


def finish_task(case: Case, kind: TaskKind, outcome: str, *, actor: Actor = CASEWORKER,
                at: datetime = ORDINARY_MONDAY + timedelta(hours=2),
                command_id: str = "cmd-finish") -> list[Task]:
    """Complete the one open task of `kind` with the generic completion."""
    task = task_of(case.open_tasks, kind)
    return case.complete_task(task_id=task.task_id, outcome=outcome, note="Recorded.",
                              actor=actor, at=at, command_id=command_id)


def discussion_case(report: Report | None = None) -> Case:
    """A triaged case whose victim accepted a personal discussion: the personal discussion
    and DASH tasks are open."""
    case = triaged_case(report)
    finish_task(case, TaskKind.CONTACT_VICTIM, "discussion_offered")
    return case


def record_dash(case: Case, *, yes: int = 0, callouts: int = 0, judgement: bool = False,
                judgement_reason: str = "", at: datetime = ORDINARY_MONDAY + timedelta(days=2),
                actor: Actor = CASEWORKER, command_id: str = "cmd-dash") -> None:
    """Complete a full DASH checklist on `case` with `yes` "yes" answers."""
    case.complete_dash(answers=dash_answers(yes), police_callouts_12_months=callouts,
                       victim_present=True, professional_judgement=judgement,
                       judgement_reason=judgement_reason, actor=actor, at=at,
                       command_id=command_id)


def referrals_of(case: Case, kind: str) -> list[Referral]:
    """The case's referrals of `kind` (a ReferralKind value), in the order they opened."""
    return [r for r in case.referrals.values() if r.kind == kind]

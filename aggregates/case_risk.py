"""The risk slice of a case: the DASH checklist, MARAC and repeat MARAC, new incidents.

State: `RiskState` (`case.risk`), with `DashDraft` and `Assessment` records. Events:
`DashSaved`, `DashCompleted`, `MaracHeard`, `MaracActionAgreed`, `IncidentReported` (stored
before version 3 under `aggregates.safeguarding:<name>`: those topics are registered here).
Rules: aggregates/dash.py (scoring), aggregates/marac.py (hearings, actions),
aggregates/referrals.py (the repeat window). Referrals themselves are the safeguarding
slice's (aggregates/safeguarding.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.utils import register_topic

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.checks import check_aware
from aggregates.dash import (
    CHECKLIST_VERSION,
    GUIDANCE,
    Answers,
    Assessment,
    DashDraft,
    RiskLevel,
    answers_from_store,
    answers_to_store,
    assess_risk,
    check_answers,
)
from aggregates.errors import RuleViolation
from aggregates.input_rules import check_date_in_range
from aggregates.marac import check_hearing_date, check_marac_actions
from aggregates.recent_commands import remember_command
from aggregates.referrals import MARAC_KINDS, Referral, ReferralKind, is_repeat_marac
from aggregates.referrals import last_marac_referral_on as last_referred_on
from aggregates.report import Actor
from aggregates.tasks import TaskKind
from aggregates.triage import TaskSpec, close_after_working_days
from aggregates.working_days import close_of_working_day, local_date

if TYPE_CHECKING:
    from aggregates.case import Case

@dataclass(frozen=True)
class RiskState:
    """The DASH draft in progress, every assessment in order (appended, never copied), the
    latest level, and the date the MARAC last heard the case."""

    dash_draft: DashDraft | None = None
    assessments: list[Assessment] = field(default_factory=list)
    risk_level: RiskLevel | None = None
    marac_last_heard: date | None = None


# ---- events -------------------------------------------------------------------------------

class DashSaved(CaseEvent):
    """A partly completed checklist, kept so the officer can resume it."""

    assessment_id: str
    checklist_version: str
    answers: dict[str, list[str]]
    police_callouts_12_months: int
    victim_present: bool

    def apply(self, case: Case) -> None:
        draft = DashDraft(
            assessment_id=self.assessment_id, checklist_version=self.checklist_version,
            answers=answers_from_store(self.answers),
            police_callouts_12_months=self.police_callouts_12_months,
            victim_present=self.victim_present)
        case.risk = replace(case.risk, dash_draft=draft)
        remember_command(case.recent_commands, self.command_id)


class DashCompleted(CaseEvent):
    assessment_id: str
    checklist_version: str
    answers: dict[str, list[str]]
    yes_count: int
    police_callouts_12_months: int
    professional_judgement: bool
    judgement_reason: str
    victim_present: bool
    level: str
    reasons: list[dict[str, str]]
    supersedes: str | None

    def apply(self, case: Case) -> None:
        level = RiskLevel(self.level)
        case.risk.assessments.append(Assessment(
            assessment_id=self.assessment_id, level=level, yes_count=self.yes_count,
            reasons=tuple((r["rule"], r["section"]) for r in self.reasons),
            supersedes=self.supersedes, completed_at=self.at,
            completed_by=self.actor.staff_id, victim_present=self.victim_present))
        case.risk = replace(case.risk, risk_level=level, dash_draft=None)
        remember_command(case.recent_commands, self.command_id)


class MaracHeard(CaseEvent):
    referral_id: str
    heard_on: str

    def apply(self, case: Case) -> None:
        heard_on = date.fromisoformat(self.heard_on)
        case.risk = replace(case.risk, marac_last_heard=heard_on)
        referrals = case.safeguarding.referrals
        referrals[self.referral_id] = replace(referrals[self.referral_id], heard_on=heard_on)
        remember_command(case.recent_commands, self.command_id)


class MaracActionAgreed(CaseEvent):
    """A MARAC action for housing; its task carries only a number, this event the words."""

    referral_id: str
    task_id: str
    description: str
    owner_id: str
    due_on: str

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)


class IncidentReported(CaseEvent):
    incident_id: str
    occurred_on: str
    summary: str

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)


for _moved in (DashSaved, DashCompleted, MaracHeard, MaracActionAgreed, IncidentReported):
    register_topic(f"aggregates.safeguarding:{_moved.__name__}", _moved)
del _moved


# ---- commands -----------------------------------------------------------------------------

class RiskCommands(CaseParts):
    """DASH, MARAC and incident commands of `Case` (mixed into it)."""

    @property
    def dash_draft(self) -> DashDraft | None:
        return self.risk.dash_draft

    @property
    def assessments(self) -> list[Assessment]:
        return self.risk.assessments

    @property
    def risk_level(self) -> RiskLevel | None:
        return self.risk.risk_level

    @property
    def marac_last_heard(self) -> date | None:
        return self.risk.marac_last_heard

    def save_dash(self, *, answers: Answers, police_callouts_12_months: int,
                  victim_present: bool, actor: Actor, at: datetime, command_id: str) -> None:
        """Save a partly completed checklist, to resume later (answers merge into the draft)."""
        check_answers(answers, complete=False)
        if police_callouts_12_months < 0:
            raise RuleViolation("callouts_not_negative", "police call-outs cannot be negative",
                                field="police_callouts_12_months")
        draft = self.risk.dash_draft
        merged = {**(draft.answers if draft else {}), **answers}
        self.trigger_event(
            DashSaved, assessment_id=draft.assessment_id if draft else str(uuid.uuid4()),
            checklist_version=CHECKLIST_VERSION, answers=answers_to_store(merged),
            police_callouts_12_months=police_callouts_12_months,
            victim_present=victim_present, command_id=command_id, actor=actor,
            at=at, reason="DASH checklist saved part-way.")

    def complete_dash(self, *, answers: Answers, police_callouts_12_months: int,
                      victim_present: bool, professional_judgement: bool,
                      judgement_reason: str, actor: Actor, at: datetime,
                      command_id: str) -> None:
        """Complete the checklist (with the saved draft's answers); a high risk opens a MARAC
        referral (D 8.15), or a repeat referral within 12 months of the last referral."""
        draft = self.risk.dash_draft
        merged = {**(draft.answers if draft else {}), **answers}
        check_answers(merged, complete=True)
        outcome = assess_risk(merged, police_callouts_12_months=police_callouts_12_months,
                              professional_judgement=professional_judgement,
                              judgement_reason=judgement_reason,
                              thresholds=self.policy.risk_thresholds)
        assessments = self.risk.assessments
        self.trigger_event(
            DashCompleted, assessment_id=draft.assessment_id if draft else str(uuid.uuid4()),
            checklist_version=CHECKLIST_VERSION, answers=answers_to_store(merged),
            yes_count=outcome.yes_count, police_callouts_12_months=police_callouts_12_months,
            professional_judgement=professional_judgement, judgement_reason=judgement_reason,
            victim_present=victim_present, level=outcome.level.value,
            reasons=[{"rule": r, "section": GUIDANCE} for r in outcome.reasons],
            supersedes=assessments[-1].assessment_id if assessments else None,
            command_id=command_id, actor=actor, at=at,
            reason=("High risk: " + ", ".join(r.replace("_", " ") for r in outcome.reasons)
                    if outcome.reasons else "Not high risk on this assessment."),
        )
        self._close_task(TaskKind.COMPLETE_DASH, "completed", actor, at, command_id)
        if outcome.level is RiskLevel.HIGH:
            self._refer_to_marac(actor, at, "A DASH assessment found the case high risk.",
                                 command_id=command_id)

    def _refer_to_marac(self, actor: Actor, at: datetime, reason: str, *, command_id: str,
                        on: date | None = None, repeat_only: bool = False) -> None:
        """Refer to MARAC: a repeat referral when `on` (default: today) falls within the
        repeat window after the last MARAC referral; otherwise a first referral, unless only a
        repeat was asked for. Either way the officer gets a task to record the hearing."""
        policy = self.policy
        day = on or local_date(at)
        last = last_referred_on(self.safeguarding.referrals.values(), on_or_before=day)
        if is_repeat_marac(day, last, policy.repeat_marac_months):
            self._open_referral(ReferralKind.REPEAT_MARAC, policy.repeat_marac, actor, at,
                                f"{reason} The case was last referred to MARAC on {last}: "
                                "a repeat referral.", command_id=command_id)
        elif repeat_only:
            return
        else:
            self._open_referral(ReferralKind.MARAC, policy.high_risk_to_marac, actor, at,
                                reason, command_id=command_id)
        if not any(t.kind is TaskKind.RECORD_MARAC_HEARING for t in self.open_tasks):
            self._open_tasks([TaskSpec(
                TaskKind.RECORD_MARAC_HEARING, self.team,
                close_after_working_days(policy, at, policy.marac_hearing_working_days),
                policy.high_risk_to_marac,
                "Record when the MARAC hears the case, and the actions it gives housing.")],
                actor, at, command_id)

    def record_marac_hearing(self, *, referral_id: str, heard_on: date, actor: Actor,
                             at: datetime, command_id: str) -> None:
        check_aware(at, "at")
        referral = self._marac_referral(referral_id)
        check_hearing_date(heard_on, referred_on=referral.opened_on, today=local_date(at))
        self.trigger_event(MaracHeard, referral_id=referral_id, heard_on=heard_on.isoformat(),
                           command_id=command_id, actor=actor, at=at,
                           reason=f"The MARAC heard the case on {heard_on.isoformat()}.")
        self._close_task(TaskKind.RECORD_MARAC_HEARING, "heard", actor, at, command_id)

    def add_marac_actions(self, *, referral_id: str, actions: list[dict[str, Any]],
                          actor: Actor, at: datetime, command_id: str) -> None:
        """Actions the MARAC gives housing become tasks with owners and due dates; overdue
        ones escalate to a DSO like every other task."""
        referral = self._marac_referral(referral_id)
        rule = self.policy.high_risk_to_marac
        check_marac_actions(actions, heard_on=referral.heard_on, section=rule.section)
        for index, action in enumerate(actions):
            [task] = self._open_tasks([TaskSpec(
                TaskKind.MARAC_ACTION, action["owner_id"],
                close_of_working_day(action["due_on"], self.policy.close_of_business), rule,
                f"MARAC action {index + 1} of {len(actions)} for housing.")], actor, at,
                command_id)
            self.trigger_event(MaracActionAgreed, referral_id=referral_id, task_id=task.task_id,
                               description=str(action["description"]),
                               owner_id=action["owner_id"],
                               due_on=action["due_on"].isoformat(),
                               command_id=command_id, actor=actor, at=at,
                               reason="An action the MARAC gave housing.")

    def _marac_referral(self, referral_id: str) -> Referral:
        referral = self.safeguarding.referrals.get(referral_id)
        if referral is None or referral.kind not in MARAC_KINDS:
            raise RuleViolation("marac_referral_exists", "the case has no such MARAC referral",
                                field="referral_id")
        return referral

    def report_incident(self, *, occurred_on: date, summary: str, actor: Actor, at: datetime,
                        command_id: str) -> None:
        """A new incident; within 12 months of the last MARAC referral (heard or not) it makes
        a repeat MARAC referral."""
        check_date_in_range("occurred_on", occurred_on, local_date(at))
        if occurred_on > local_date(at):
            raise RuleViolation("incident_not_in_future", "the incident date is in the future",
                                field="occurred_on")
        if not summary.strip():
            raise RuleViolation("incident_described", "describe the incident", field="summary")
        self.trigger_event(IncidentReported, incident_id=str(uuid.uuid4()),
                           occurred_on=occurred_on.isoformat(), summary=summary,
                           command_id=command_id, actor=actor, at=at,
                           reason="A new incident was reported.")
        self._refer_to_marac(actor, at, f"A new incident on {occurred_on.isoformat()}.",
                             command_id=command_id, on=occurred_on, repeat_only=True)

"""Risk and safeguarding on a case: the DASH checklist, MARAC and repeat MARAC, children's and
adult safeguarding referrals, consent for support referrals, and contact with the parties.

The events are here and the commands are a mixin of `Case`, so the case stays one aggregate
(one stream, one version) while each half of the domain has a file of its own.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aggregates.case_events import CaseEvent
from aggregates.case_versions import remember_command
from aggregates.checks import check_aware
from aggregates.dash import CHECKLIST_VERSION, GUIDANCE, RiskLevel, assess_risk, check_answers
from aggregates.errors import ConflictError, RuleViolation
from aggregates.input_rules import check_date_in_range
from aggregates.policies import Rule
from aggregates.referrals import (
    MARAC_KINDS,
    PARTNER_FOR,
    ReferralKind,
    ReferralStatus,
    is_repeat_marac,
    last_marac_referral_on,
)
from aggregates.report import Actor, Child
from aggregates.sharing import BASIS_OF, OPTIONAL, PURPOSE_OF, REQUIRED, SECTION
from aggregates.tasks import TaskKind
from aggregates.triage import DSO, TaskSpec, close_after_working_days
from aggregates.working_days import close_of_working_day, local_date

if TYPE_CHECKING:
    from aggregates.case import Case
    from aggregates.policies import Policy
    from aggregates.report import Report
    from aggregates.tasks import Task

Answers = dict[int, tuple[str, str]]
PARTIES = ("victim", "reporter", "perpetrator")
CONTACT_PURPOSES = ("about_abuse", "marac", "tenancy_enforcement", "behaviour_change_support",
                    "repairs_and_tenancy_management")


class ContactChannel(StrEnum):
    """How staff were in touch with a party: a closed set, so the record holds a fact an
    auditor may read, never free text that could carry a phone number or an address."""

    TELEPHONE = "telephone"
    IN_PERSON = "in_person"
    EMAIL = "email"
    LETTER = "letter"
    VIDEO_CALL = "video_call"
    TEXT_MESSAGE = "text_message"
    OTHER = "other"  # what it was goes in the note (free text)


# D 8.42: never discuss the abuse or the reports with the perpetrator, nor tell them of MARAC.
FORBIDDEN_WITH_PERPETRATOR = frozenset({"about_abuse", "marac"})


def init_safeguarding_state(case: Case) -> None:
    case.referrals = {}
    case.dash_draft = None
    case.assessments = []
    case.risk_level = None
    case.marac_last_heard = None
    case.added_children = []
    case.support_consent = None


def answers_to_store(answers: Answers) -> dict[str, list[str]]:
    return {str(n): [a, c] for n, (a, c) in sorted(answers.items())}


def answers_from_store(stored: dict[str, list[str]]) -> Answers:
    return {int(n): (a, c) for n, (a, c) in stored.items()}


# ---- events ----------------------------------------------------------------------------------

class ReferralOpened(CaseEvent):
    referral_id: str
    kind: str
    partner: str
    rule: str
    section: str
    opened_on: str  # London date the referral was decided (not when it was stored)

    def apply(self, case: Case) -> None:
        case.referrals[self.referral_id] = {
            "referral_id": self.referral_id, "kind": self.kind, "partner": self.partner,
            "rule": self.rule, "section": self.section, "status": ReferralStatus.QUEUED.value,
            "opened_on": self.opened_on, "opened_at": self.at.isoformat(),
            "delivery_id": None, "digest": None}


class ReferralDelivered(CaseEvent):
    referral_id: str
    delivery_id: str
    digest: str
    via: str

    def apply(self, case: Case) -> None:
        case.referrals[self.referral_id].update(
            status=ReferralStatus.DELIVERED.value, delivery_id=self.delivery_id,
            digest=self.digest)


class ReferralAcknowledged(CaseEvent):
    """The partner's signed acknowledgement, kept as evidence that it received what we sent
    (its digest matches the digest of the delivered message)."""

    referral_id: str
    ack_message_id: str
    digest: str
    signed_body: str
    signature: str

    def apply(self, case: Case) -> None:
        case.referrals[self.referral_id].update(
            status=ReferralStatus.ACKNOWLEDGED.value,
            acknowledged_at=self.at.isoformat())


class ReferralDeliveryFailed(CaseEvent):
    referral_id: str
    failure: str  # a rule name or reason code, never message contents

    def apply(self, case: Case) -> None:
        case.referrals[self.referral_id].update(status=ReferralStatus.FAILED.value,
                                                failure=self.failure)


class DashSaved(CaseEvent):
    """A partly completed checklist, kept so the officer can resume it."""

    assessment_id: str
    checklist_version: str
    answers: dict[str, list[str]]
    police_callouts_12_months: int
    victim_present: bool

    def apply(self, case: Case) -> None:
        case.dash_draft = {"assessment_id": self.assessment_id, "answers": self.answers,
                           "police_callouts_12_months": self.police_callouts_12_months,
                           "victim_present": self.victim_present,
                           "checklist_version": self.checklist_version}
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
        case.assessments.append({
            "assessment_id": self.assessment_id, "level": self.level,
            "yes_count": self.yes_count, "reasons": self.reasons,
            "supersedes": self.supersedes, "completed_at": self.at.isoformat(),
            "completed_by": self.actor.staff_id, "victim_present": self.victim_present})
        case.risk_level = self.level
        case.dash_draft = None
        remember_command(case.recent_commands, self.command_id)


class MaracHeard(CaseEvent):
    referral_id: str
    heard_on: str

    def apply(self, case: Case) -> None:
        case.marac_last_heard = self.heard_on
        case.referrals[self.referral_id]["heard_on"] = self.heard_on
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


class ChildAdded(CaseEvent):
    age: int
    name: str | None

    def apply(self, case: Case) -> None:
        case.added_children.append({"age": self.age})
        remember_command(case.recent_commands, self.command_id)


class SupportConsentRecorded(CaseEvent):
    given: bool
    needs: list[str]

    def apply(self, case: Case) -> None:
        case.support_consent = self.given
        remember_command(case.recent_commands, self.command_id)


class ContactRecorded(CaseEvent):
    party: str
    purpose: str
    channel: str
    note: str

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)


# ---- commands --------------------------------------------------------------------------------

class SafeguardingCommands:
    """Risk and safeguarding commands of `Case` (mixed into it)."""

    if TYPE_CHECKING:
        referrals: dict[str, dict[str, Any]]
        dash_draft: dict[str, Any] | None
        assessments: list[dict[str, Any]]
        risk_level: str | None
        marac_last_heard: str | None
        added_children: list[dict[str, int]]
        support_consent: bool | None
        recent_commands: dict[str, None]
        tasks: dict[str, Task]
        completed: dict[str, str]
        report: Report

        @property
        def policy(self) -> Policy: ...
        @property
        def team(self) -> str: ...
        @property
        def open_tasks(self) -> list[Task]: ...
        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...
        def _open_tasks(self, specs: list[TaskSpec], actor: Actor, at: datetime,
                        command_id: str) -> list[Task]: ...
        def decide_sharing(self, **kwargs: Any) -> str: ...

    # -- referrals ------------------------------------------------------------------------------

    def triage_referrals(self, actor: Actor, at: datetime, command_id: str) -> None:
        """Referrals every new case makes at once, whatever else triage decides: dated on the
        day of the report (`opened_on`), recorded at triage (`at`)."""
        household = self.report.household
        on = local_date(self.report.reported_at)  # decided on the report, at once
        if household.has_children:
            self._open_referral(ReferralKind.CHILDREN, self.policy.children_referral, actor,
                                at, "Children in the household: referred in all cases.",
                                command_id=command_id, on=on)
        if household.has_adult_with_care_needs:
            self._open_referral(ReferralKind.ADULT_SAFEGUARDING,
                                self.policy.adult_safeguarding_referral, actor, at,
                                "An adult in the household has care and support needs.",
                                command_id=command_id, on=on)

    def _open_referral(self, kind: ReferralKind, rule: Rule, actor: Actor, at: datetime,
                       reason: str, *, command_id: str, on: date | None = None) -> str:
        """Open a referral at `at`, dated `on` (default: the London date of `at`), and record
        the decision to share that it rests on (DAHA: every decision to share is recorded,
        with its lawful basis and justification)."""
        referral_id = f"r{len(self.referrals) + 1}"
        partner = PARTNER_FOR[kind].value
        self.decide_sharing(
            partner=partner, purpose=PURPOSE_OF[kind].value,
            categories=[c.value for c in REQUIRED[kind] | OPTIONAL[kind]], shared=True,
            lawful_basis=BASIS_OF[kind].value,
            justification=f"{rule.name} ({rule.section}): {reason}", reasons="",
            under_isa=True, actor=actor, at=at, command_id=f"sharing-{referral_id}")
        self.trigger_event(ReferralOpened, referral_id=referral_id, kind=kind.value,
                           partner=partner, rule=rule.name,
                           section=rule.section,
                           opened_on=(on or local_date(at)).isoformat(),
                           actor=actor, reason=reason, at=at, command_id=command_id)
        return referral_id

    @property
    def pending_referrals(self) -> list[dict[str, Any]]:
        return [r for r in self.referrals.values() if r["status"] == ReferralStatus.QUEUED]

    def record_referral_acknowledged(self, *, referral_id: str, ack_message_id: str,
                                     digest: str, signed_body: str, signature: str,
                                     at: datetime) -> None:
        """A partner's verified acknowledgement of exactly what we delivered; once."""
        referral = self.referrals.get(referral_id)
        if referral is None:
            raise RuleViolation("referral_exists", "the case has no such referral",
                                field="referral_id")
        if referral["status"] == ReferralStatus.ACKNOWLEDGED:
            raise ConflictError("referral_acknowledged_once", "already acknowledged",
                                field="referral_id")
        if referral["status"] == ReferralStatus.QUEUED:
            # The partner's acknowledgement overtook our record of the delivery: a matter of
            # our timing, not a refusal (the web edge asks the partner to retry).
            raise ConflictError("delivery_recorded_first",
                                "the delivery of this referral is not recorded yet",
                                field="message_id")
        if referral["status"] != ReferralStatus.DELIVERED or referral["digest"] != digest:
            raise RuleViolation("acknowledgement_matches_delivery",
                                "the acknowledgement is not of the message we delivered",
                                field="digest", section=SECTION)
        self.trigger_event(ReferralAcknowledged, referral_id=referral_id,
                           ack_message_id=ack_message_id, digest=digest,
                           signed_body=signed_body, signature=signature,
                           actor=Actor.system(), at=at, command_id=f"ack-{ack_message_id}",
                           reason=f"{referral['partner']} acknowledged the referral.")

    def record_referral_failed(self, *, referral_id: str, failure: str, at: datetime) -> None:
        """Delivery given up (or refused by the sharing gate): a DSO gets a task."""
        referral = self.referrals.get(referral_id)
        if referral is None or referral["status"] != ReferralStatus.QUEUED:
            raise ConflictError("fail_only_a_queued_referral", "the referral is not queued",
                                field="referral_id")
        command_id = f"failed-{referral_id}"
        self.trigger_event(ReferralDeliveryFailed, referral_id=referral_id, failure=failure,
                           actor=Actor.system(), at=at, command_id=command_id,
                           reason=f"Delivery to {referral['partner']} was given up.")
        self._open_tasks([TaskSpec(
            TaskKind.RESOLVE_REFERRAL, DSO,
            close_after_working_days(self.policy, at, 1), self.policy.missed_deadline_escalation,
            f"The {referral['kind'].replace('_', ' ')} referral could not be delivered "
            f"({failure}): send it by another channel or record why not.")],
            Actor.system(), at, command_id)

    def record_referral_delivered(self, *, referral_id: str, delivery_id: str, digest: str,
                                  via: str, at: datetime) -> None:
        """The partner (or the stand-in gateway) has the referral; once."""
        referral = self.referrals.get(referral_id)
        if referral is None:
            raise RuleViolation("referral_exists", "the case has no such referral",
                                field="referral_id")
        if referral["status"] != ReferralStatus.QUEUED:
            raise ConflictError("referral_delivered_once", "the referral was delivered already",
                                field="referral_id")
        self.trigger_event(ReferralDelivered, referral_id=referral_id, delivery_id=delivery_id,
                           digest=digest, via=via, actor=Actor.system(), at=at,
                           command_id=f"delivered-{referral_id}",
                           reason=f"Referral delivered to {referral['partner']}.")

    # -- DASH -----------------------------------------------------------------------------------

    def save_dash(self, *, answers: Answers, police_callouts_12_months: int,
                  victim_present: bool, actor: Actor, at: datetime, command_id: str) -> None:
        """Save a partly completed checklist, to resume later (answers merge into the draft)."""
        check_answers(answers, complete=False)
        if police_callouts_12_months < 0:
            raise RuleViolation("callouts_not_negative", "police call-outs cannot be negative",
                                field="police_callouts_12_months")
        draft = self.dash_draft or {}
        merged = {**answers_from_store(draft.get("answers", {})), **answers}
        self.trigger_event(
            DashSaved, assessment_id=draft.get("assessment_id") or str(uuid.uuid4()),
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
        draft = self.dash_draft or {}
        merged = {**answers_from_store(draft.get("answers", {})), **answers}
        check_answers(merged, complete=True)
        policy = self.policy
        outcome = assess_risk(merged, police_callouts_12_months=police_callouts_12_months,
                              professional_judgement=professional_judgement,
                              judgement_reason=judgement_reason,
                              thresholds=policy.risk_thresholds)
        supersedes = self.assessments[-1]["assessment_id"] if self.assessments else None
        self.trigger_event(
            DashCompleted, assessment_id=draft.get("assessment_id") or str(uuid.uuid4()),
            checklist_version=CHECKLIST_VERSION, answers=answers_to_store(merged),
            yes_count=outcome.yes_count, police_callouts_12_months=police_callouts_12_months,
            professional_judgement=professional_judgement, judgement_reason=judgement_reason,
            victim_present=victim_present, level=outcome.level.value,
            reasons=[{"rule": r, "section": GUIDANCE} for r in outcome.reasons],
            supersedes=supersedes, command_id=command_id, actor=actor, at=at,
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
        last = last_marac_referral_on(self.referrals, on_or_before=day)
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

    # -- MARAC ----------------------------------------------------------------------------------

    def record_marac_hearing(self, *, referral_id: str, heard_on: date, actor: Actor,
                             at: datetime, command_id: str) -> None:
        check_aware(at, "at")
        referral = self._marac_referral(referral_id)
        check_date_in_range("heard_on", heard_on, local_date(at))
        if heard_on > local_date(at):
            raise RuleViolation("hearing_not_in_future", "the hearing date is in the future",
                                field="heard_on")
        if heard_on < date.fromisoformat(referral["opened_on"]):
            raise RuleViolation("hearing_after_referral",
                                "the hearing date is before the referral was made",
                                field="heard_on")
        self.trigger_event(MaracHeard, referral_id=referral_id, heard_on=heard_on.isoformat(),
                           command_id=command_id, actor=actor, at=at,
                           reason=f"The MARAC heard the case on {heard_on.isoformat()}.")
        self._close_task(TaskKind.RECORD_MARAC_HEARING, "heard", actor, at, command_id)

    def add_marac_actions(self, *, referral_id: str, actions: list[dict[str, Any]],
                          actor: Actor, at: datetime, command_id: str) -> None:
        """Actions the MARAC gives housing become tasks with owners and due dates; overdue
        ones escalate to a DSO like every other task."""
        referral = self._marac_referral(referral_id)
        if "heard_on" not in referral:
            raise RuleViolation("marac_actions_follow_hearing",
                                "record the hearing before its actions", field="referral_id",
                                section=self.policy.high_risk_to_marac.section)
        if not actions:
            raise RuleViolation("marac_actions_listed", "list at least one action",
                                field="actions")
        heard_on = date.fromisoformat(referral["heard_on"])
        for index, action in enumerate(actions):
            due_on = action.get("due_on")
            if not action.get("owner_id"):
                raise RuleViolation("marac_action_has_owner", "every action names its owner",
                                    field=f"actions.{index}.owner_id")
            if not isinstance(due_on, date):
                raise RuleViolation("marac_action_has_due_date", "every action has a due date",
                                    field=f"actions.{index}.due_on")
            if not str(action.get("description", "")).strip():
                raise RuleViolation("marac_action_described", "describe the action",
                                    field=f"actions.{index}.description")
            if due_on < heard_on:
                raise RuleViolation("marac_action_due_after_hearing",
                                    "an action cannot be due before the hearing",
                                    field=f"actions.{index}.due_on")
        for index, action in enumerate(actions):
            [task] = self._open_tasks([TaskSpec(
                TaskKind.MARAC_ACTION, action["owner_id"],
                close_of_working_day(action["due_on"], self.policy.close_of_business),
                self.policy.high_risk_to_marac,
                f"MARAC action {index + 1} of {len(actions)} for housing.")], actor, at,
                command_id)
            self.trigger_event(MaracActionAgreed, referral_id=referral_id, task_id=task.task_id,
                               description=str(action["description"]),
                               owner_id=action["owner_id"],
                               due_on=action["due_on"].isoformat(),
                               command_id=command_id, actor=actor, at=at,
                               reason="An action the MARAC gave housing.")

    def _marac_referral(self, referral_id: str) -> dict[str, Any]:
        referral = self.referrals.get(referral_id)
        if referral is None or ReferralKind(referral["kind"]) not in MARAC_KINDS:
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

    # -- household and consent ------------------------------------------------------------------

    def add_child(self, *, child: Child, actor: Actor, at: datetime, command_id: str) -> None:
        """A child joins the household: Children's Services are told, as in every case."""
        if not 0 <= child.age < 18:
            raise RuleViolation("child_is_under_18", "a child's age must be from 0 to 17",
                                field="age", section="D 7.4")
        self.trigger_event(ChildAdded, age=child.age, name=child.name, command_id=command_id,
                           actor=actor, at=at, reason="A child joined the household.")
        self._open_referral(ReferralKind.CHILDREN, self.policy.children_referral, actor, at,
                            "A child joined the household: referred as in all cases.",
                            command_id=command_id)

    def record_support_consent(self, *, given: bool, actor: Actor, reason: str, at: datetime,
                               command_id: str) -> None:
        """D 8.19: refer to support services only with the victim's consent; a refusal is
        recorded too."""
        needs = self.report.additional_needs
        rule = self.policy.support_referral_with_consent
        if not needs:
            raise RuleViolation("support_consent_needs_additional_needs",
                                "no additional needs are recorded on this case",
                                field="given", section=rule.section)
        if self.support_consent is not None:
            raise ConflictError("support_consent_recorded_once",
                                "the victim's decision is already recorded", field="given")
        if not reason.strip():
            raise RuleViolation("reason_is_recorded", "say how the decision was given",
                                field="reason", section="D 8.25")
        self.trigger_event(SupportConsentRecorded, given=given, needs=[n.value for n in needs],
                           command_id=command_id, actor=actor, reason=reason, at=at)
        self._close_task(TaskKind.SEEK_SUPPORT_CONSENT, "consent_given" if given
                         else "consent_refused", actor, at, command_id)
        if given:
            self._open_referral(ReferralKind.SUPPORT_SERVICES, rule, actor, at,
                                "The victim consented to a referral to support services.",
                                command_id=command_id)

    # -- contact with the parties ---------------------------------------------------------------

    def record_contact(self, *, party: str, purpose: str, channel: str, note: str, actor: Actor,
                       at: datetime, command_id: str) -> None:
        """Record contact with a party. Contact with the perpetrator about the abuse, the
        reports or MARAC is refused (D 8.42)."""
        if party not in PARTIES:
            raise RuleViolation("party_is_known", f"party must be one of {list(PARTIES)}",
                                field="party")
        if purpose not in CONTACT_PURPOSES:
            raise RuleViolation("contact_purpose_is_known",
                                f"purpose must be one of {list(CONTACT_PURPOSES)}",
                                field="purpose")
        if channel not in set(ContactChannel):
            raise RuleViolation("contact_channel_is_known",
                                f"channel must be one of {[c.value for c in ContactChannel]}",
                                field="channel")
        rule = self.policy.never_contact_perpetrator
        if party == "perpetrator" and purpose in FORBIDDEN_WITH_PERPETRATOR:
            raise RuleViolation(rule.name, "staff must not contact the perpetrator about the "
                                "abuse, the reports or MARAC", field="purpose",
                                section=rule.section)
        self.trigger_event(ContactRecorded, party=party, purpose=purpose, channel=channel,
                           note=note, command_id=command_id, actor=actor, at=at,
                           reason=f"Contact with the {party} ({purpose.replace('_', ' ')}).")

    # -- helpers --------------------------------------------------------------------------------

    def _close_task(self, kind: TaskKind, outcome: str, actor: Actor, at: datetime,
                    command_id: str) -> None:
        """The command that does a task's work also closes the task."""
        from aggregates.case import Case

        for task in self.open_tasks:
            if task.kind is kind:
                self.trigger_event(Case.TaskCompleted, task_id=task.task_id, outcome=outcome,
                                   note="", late=task.due_at is not None and at >= task.due_at,
                                   command_id=command_id, actor=actor, at=at,
                                   reason=f"{task.title}: recorded.")

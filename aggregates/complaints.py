"""Complaints about the service (D 10, DBC 11, SCAR Q15): one stream per complaint, kept
beside the cases in the same encrypted event store (activities/complaints_register.py).

A complaint is "an expression of dissatisfaction, however made" (D 10.1) about the service,
an officer or a contractor (D 10.2). It is its own aggregate, not a slice of a case: it runs
the council's corporate procedure (D 10.4, DBC 11.1), which can start after the case has
closed or concern no case at all, and its workflow is not the case's. It names the case it
concerns, if any, by id.

The procedure is answered in stages; once the last stage has been answered the council's
process is exhausted, and only then can an Ombudsman investigate (DBC 11.2): the Housing
Ombudsman for a landlord's service to its tenants and leaseholders (DBC 11.3), the Local
Government and Social Care Ombudsman for allocations, homelessness and housing advice
(DBC 11.4). Every event carries `at` (when the command was given) and who gave it; reports
count an event in the month of its `at`, which never changes once recorded, so a month's
figures are final once it ends (monitoring/suppression.py relies on that).

Errors: `RuleViolation` naming the rule and field (422), `ConflictError` for a stage answered
twice or a step after the complaint ended (409).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from aggregates.complaint_rules import (
    MAX_ADJUSTMENTS,
    MIN_REASON,
    MIN_SUMMARY,
    OMBUDSMAN_FOR,
    STAGES,
    STAGES_SECTION,
    ComplaintChannel,
    ComplaintSubject,
    Ombudsman,
    Outcome,
    ServiceArea,
    StageResponse,
    check_received_at,
    check_text,
    choice,
)
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Council

# The vocabulary is aggregates/complaint_rules.py's; named here too for the modules that
# read a complaint (pages, routes, reports, tests).
__all__ = ["STAGES", "Complaint", "ComplaintChannel", "ComplaintSubject", "Ombudsman",
           "Outcome", "ServiceArea", "StageResponse", "check_received_at", "choice"]


class Complaint(Aggregate):
    """A complaint and its way through the council's procedure."""

    class Received(Aggregate.Created):
        council: str
        channel: str
        subject: str
        area: str
        received_at: str
        case_id: str | None
        complainant: str   # how the complainant asked to be addressed (personal data)
        summary: str       # free text: can carry anything
        adjustments: list[str]  # reasonable adjustments for the process (D 10.3)
        actor: dict[str, str]
        at: str

    class StageAnswered(Aggregate.Event):
        stage: int
        outcome: str
        reason: str
        actor: dict[str, str]
        at: str

        def apply(self, complaint: Complaint) -> None:
            complaint.responses.append(StageResponse(
                self.stage, Outcome(self.outcome), self.reason, self.actor["staff_id"],
                self.at))

    class Escalated(Aggregate.Event):
        stage: int
        reason: str
        actor: dict[str, str]
        at: str

        def apply(self, complaint: Complaint) -> None:
            complaint.stage = self.stage

    class Withdrawn(Aggregate.Event):
        reason: str
        actor: dict[str, str]
        at: str

        def apply(self, complaint: Complaint) -> None:
            complaint.withdrawn_at = self.at

    class TakenToOmbudsman(Aggregate.Event):
        ombudsman: str
        rule: str
        section: str
        actor: dict[str, str]
        at: str

        def apply(self, complaint: Complaint) -> None:
            complaint.ombudsman = Ombudsman(self.ombudsman)

    def __init__(self, council: str, channel: str, subject: str, area: str, received_at: str,
                 case_id: str | None, complainant: str, summary: str, adjustments: list[str],
                 actor: dict[str, str], at: str) -> None:
        self.council = Council(council)
        self.channel = ComplaintChannel(channel)
        self.subject = ComplaintSubject(subject)
        self.area = ServiceArea(area)
        self.received_at = received_at
        self.case_id = case_id
        self.complainant = complainant
        self.summary = summary
        self.adjustments = tuple(adjustments)
        self.recorded_by = actor["staff_id"]
        self.recorded_at = at
        self.stage = 1
        self.responses: list[StageResponse] = []
        self.withdrawn_at: str | None = None
        self.ombudsman: Ombudsman | None = None

    @classmethod
    def receive(cls, *, complaint_id: UUID, council: Council, channel: str, subject: str,
                area: str, received_at: datetime, case_id: UUID | None, complainant: str,
                summary: str, adjustments: Iterable[str], actor: Actor,
                at: datetime, case_council: Council | None = None) -> Complaint:
        """Record a complaint made by any channel (D 10.1-10.2), with the reasonable
        adjustments the complainant needs through the process (D 10.3). A case it names
        must be one of the council's (`case_council`: the named case's council, None if
        there is no such case: the same refusal, so nothing is learnt of other councils)."""
        if case_id is not None and case_council is not council:
            raise RuleViolation("complaint_case_is_the_councils",
                                "name a case of your council, or none", field="case_id")
        needs = [a.strip() for a in adjustments if a.strip()]
        if len(needs) > MAX_ADJUSTMENTS:
            raise RuleViolation("adjustments_are_few", f"name at most {MAX_ADJUSTMENTS} "
                                "adjustments", field="adjustments", section="D 10.3")
        check_received_at(received_at, at)
        return cls._create(
            cls.Received, id=complaint_id, council=council.value,
            channel=choice(ComplaintChannel, channel, "channel", "complaint_channel_known",
                           "D 10.2").value,
            subject=choice(ComplaintSubject, subject, "subject", "complaint_subject_known",
                           "D 10.2").value,
            area=choice(ServiceArea, area, "area", "complaint_area_known",
                        "DBC 11.3-11.4").value,
            received_at=received_at.isoformat(),
            case_id=str(case_id) if case_id else None,
            complainant=check_text(complainant, "complainant", 1, "complainant_is_named",
                                   "D 10.1"),
            summary=check_text(summary, "summary", MIN_SUMMARY, "complaint_says_what",
                               "D 10.1"),
            adjustments=needs, actor=actor.to_dict(), at=at.isoformat())

    # ---- the procedure ------------------------------------------------------------------

    @property
    def exhausted(self) -> bool:
        """The council's process is exhausted: its last stage has been answered (DBC 11.2)."""
        return any(r.stage == STAGES for r in self.responses)

    @property
    def status(self) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.ombudsman is not None:
            return "with_ombudsman"
        if self.exhausted:
            return "council_process_exhausted"
        if any(r.stage == self.stage for r in self.responses):
            return f"stage_{self.stage}_answered"
        return f"stage_{self.stage}_open"

    def _check_not_withdrawn(self) -> None:
        if self.withdrawn_at is not None:
            raise ConflictError("complaint_withdrawn", "the complaint was withdrawn",
                                field="complaint_id")

    def answer_stage(self, *, outcome: str, reason: str, actor: Actor, at: datetime) -> None:
        """Answer the stage the complaint is at, once, with the outcome and why."""
        self._check_not_withdrawn()
        if any(r.stage == self.stage for r in self.responses):
            raise ConflictError("complaint_stage_answered_once",
                                f"stage {self.stage} has already been answered",
                                field="stage", section=STAGES_SECTION)
        self.trigger_event(
            self.StageAnswered, stage=self.stage,
            outcome=choice(Outcome, outcome, "outcome", "complaint_outcome_known",
                           "D 10.4").value,
            reason=check_text(reason, "reason", MIN_REASON, "complaint_answer_says_why",
                              "D 10.4"),
            actor=actor.to_dict(), at=at.isoformat())

    def escalate(self, *, reason: str, actor: Actor, at: datetime) -> None:
        """The complainant is not satisfied with the answer: the next stage opens. Only an
        answered stage moves on, and never past the last (then it is the Ombudsman's)."""
        self._check_not_withdrawn()
        if self.exhausted:
            raise ConflictError("complaint_has_no_further_stage",
                                "the council's process is exhausted: the complainant may go "
                                "to the Ombudsman", field="stage", section="DBC 11.2")
        if not any(r.stage == self.stage for r in self.responses):
            raise RuleViolation("complaint_stage_answered_first",
                                f"stage {self.stage} must be answered before the next",
                                field="stage", section=STAGES_SECTION)
        self.trigger_event(self.Escalated, stage=self.stage + 1,
                           reason=check_text(reason, "reason", 1, "escalation_says_why",
                                             STAGES_SECTION),
                           actor=actor.to_dict(), at=at.isoformat())

    def withdraw(self, *, reason: str, actor: Actor, at: datetime) -> None:
        """The complainant withdrew the complaint (before the Ombudsman took it)."""
        self._check_not_withdrawn()
        if self.ombudsman is not None:
            raise ConflictError("complaint_with_ombudsman",
                                "the Ombudsman has the complaint", field="complaint_id",
                                section="DBC 11.2")
        self.trigger_event(self.Withdrawn,
                           reason=check_text(reason, "reason", 1, "withdrawal_says_why",
                                             "D 10.4"),
                           actor=actor.to_dict(), at=at.isoformat())

    def take_to_ombudsman(self, *, ombudsman: str, actor: Actor, at: datetime) -> None:
        """Record that the complainant took the complaint to an Ombudsman: only once the
        council's process is exhausted (DBC 11.2), and the one for its area (11.3-11.4)."""
        self._check_not_withdrawn()
        chosen = choice(Ombudsman, ombudsman, "ombudsman", "ombudsman_known", "DBC 11.2")
        if self.ombudsman is not None:
            raise ConflictError("complaint_with_ombudsman", "the Ombudsman already has the "
                                "complaint", field="ombudsman", section="DBC 11.2")
        if not self.exhausted:
            raise RuleViolation("ombudsman_after_council_process",
                                "an Ombudsman investigates once the council's complaints "
                                "process is exhausted", field="ombudsman", section="DBC 11.2")
        expected, section = OMBUDSMAN_FOR[self.area]
        if chosen is not expected:
            raise RuleViolation("ombudsman_for_the_area", "this area of service goes to the "
                                f"{expected.value.replace('_', ' ')}", field="ombudsman",
                                section=section)
        self.trigger_event(self.TakenToOmbudsman, ombudsman=chosen.value,
                           rule="ombudsman_for_the_area", section=section,
                           actor=actor.to_dict(), at=at.isoformat())

    def view(self) -> dict[str, Any]:
        """The complaint as the API shows it (redacted per role by the caller)."""
        return {"complaint_id": str(self.id), "council": self.council.value,
                "channel": self.channel.value, "subject": self.subject.value,
                "area": self.area.value, "received_at": self.received_at,
                "recorded_at": self.recorded_at, "recorded_by": self.recorded_by,
                "case_id": self.case_id, "complainant": self.complainant,
                "summary": self.summary, "adjustments": list(self.adjustments),
                "stage": self.stage, "status": self.status,
                "ombudsman": self.ombudsman.value if self.ombudsman else None,
                "withdrawn_at": self.withdrawn_at,
                "responses": [{"stage": r.stage, "outcome": r.outcome.value,
                               "reason": r.reason, "by": r.by, "at": r.at}
                              for r in self.responses]}

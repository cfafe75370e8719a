"""The complaints register: every complaint (aggregates/complaints.py) and every piece of
victim feedback (aggregates/feedback.py, D 8.62) as a stream of encrypted events: an
eventsourcing application of its own (tables `complaintsregister_*`) in the same database
as the cases, encrypted and compressed the same way (`store_env`).

One short method per use case: load the complaint of the caller's council, call it, save
once. A complaint of another council is not found, the same answer as one that does not
exist (the council boundary, ARCHITECTURE "Need to know"). Two steps saved at once on the
same complaint: the second fails on the stream's version and is refused 409
(`complaint_changed_meanwhile`), never half-applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from aggregates.complaints import Complaint
from aggregates.errors import ConflictError
from aggregates.feedback import Feedback
from aggregates.report import Actor, Council

RECEIVED = get_topic(Complaint.Received)
STEPS = [RECEIVED, get_topic(Complaint.StageAnswered), get_topic(Complaint.Escalated),
         get_topic(Complaint.Withdrawn), get_topic(Complaint.TakenToOmbudsman),
         get_topic(Feedback.Given)]
FEEDBACK = get_topic(Feedback.Given)
PAGE = 500


class ComplaintNotFound(LookupError):
    """No complaint with this id in the caller's council (or none at all: the same)."""


class ComplaintsRegister(Application):
    """Complaints of both councils, one encrypted stream each."""

    name = "ComplaintsRegister"

    def __init__(self, env: Mapping[str, str],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(env=dict(env))
        # The time a command is given (`at` on each event): tests pass a fixed clock.
        self.clock = clock

    # ---- commands -------------------------------------------------------------------------

    def receive(self, *, complaint_id: UUID, council: Council, channel: str, subject: str,
                area: str, received_at: datetime, case_id: UUID | None, complainant: str,
                summary: str, adjustments: list[str], actor: Actor,
                case_council: Council | None = None) -> Complaint:
        """Record a new complaint; an id used before (a repeated idempotency key) raises
        `ConflictError` `idempotency_key_used_once`. `case_council`: the council of the case
        it names (None: no such case)."""
        complaint = Complaint.receive(
            complaint_id=complaint_id, council=council, channel=channel, subject=subject,
            area=area, received_at=received_at, case_id=case_id, complainant=complainant,
            summary=summary, adjustments=adjustments, actor=actor, at=self.clock(),
            case_council=case_council)
        try:
            self.save(complaint)
        except IntegrityError:
            raise ConflictError("idempotency_key_used_once", "this complaint was already "
                                "recorded with the same idempotency key",
                                field="Idempotency-Key") from None
        return complaint

    def give_feedback(self, *, feedback_id: UUID, council: Council, channel: str,
                      satisfaction: str, given_at: datetime, case_id: UUID | None,
                      comments: str, may_quote: bool, actor: Actor,
                      case_council: Council | None = None) -> Feedback:
        """Record feedback a victim chose to give (D 8.62); an id used before (a repeated
        idempotency key) raises `ConflictError` `idempotency_key_used_once`."""
        feedback = Feedback.give(
            feedback_id=feedback_id, council=council, channel=channel,
            satisfaction=satisfaction, given_at=given_at, case_id=case_id, comments=comments,
            may_quote=may_quote, actor=actor, at=self.clock(), case_council=case_council)
        try:
            self.save(feedback)
        except IntegrityError:
            raise ConflictError("idempotency_key_used_once", "this feedback was already "
                                "recorded with the same idempotency key",
                                field="Idempotency-Key") from None
        return feedback

    def answer_stage(self, complaint_id: UUID, council: Council, *, outcome: str, reason: str,
                     actor: Actor) -> Complaint:
        """The council's answer to the stage the complaint is at (D 10.4)."""
        complaint = self.complaint(complaint_id, council)
        complaint.answer_stage(outcome=outcome, reason=reason, actor=actor, at=self.clock())
        return self._saved(complaint)

    def escalate(self, complaint_id: UUID, council: Council, *, reason: str,
                 actor: Actor) -> Complaint:
        """The complainant asks for the next stage."""
        complaint = self.complaint(complaint_id, council)
        complaint.escalate(reason=reason, actor=actor, at=self.clock())
        return self._saved(complaint)

    def withdraw(self, complaint_id: UUID, council: Council, *, reason: str,
                 actor: Actor) -> Complaint:
        complaint = self.complaint(complaint_id, council)
        complaint.withdraw(reason=reason, actor=actor, at=self.clock())
        return self._saved(complaint)

    def take_to_ombudsman(self, complaint_id: UUID, council: Council, *, ombudsman: str,
                          actor: Actor) -> Complaint:
        """The complainant took the complaint to an Ombudsman (DBC 11.2-11.4)."""
        complaint = self.complaint(complaint_id, council)
        complaint.take_to_ombudsman(ombudsman=ombudsman, actor=actor, at=self.clock())
        return self._saved(complaint)

    def _saved(self, complaint: Complaint) -> Complaint:
        try:
            self.save(complaint)
        except IntegrityError:
            raise ConflictError("complaint_changed_meanwhile", "someone else changed the "
                                "complaint at the same time; look at it again",
                                field="complaint_id") from None
        return complaint

    # ---- reads ----------------------------------------------------------------------------

    def complaint(self, complaint_id: UUID, council: Council) -> Complaint:
        """The complaint, if it is `council`'s; else `ComplaintNotFound`."""
        try:
            complaint: Complaint = self.repository.get(complaint_id)
        except AggregateNotFoundError:
            raise ComplaintNotFound() from None
        if complaint.council is not council:
            raise ComplaintNotFound()
        return complaint

    def complaints(self, council: Council) -> list[Complaint]:
        """Every complaint of `council`, newest received first. Found by event class name in
        the notification log (clear text), then loaded: complaints are tens a year."""
        ids = [event.originator_id for _, event in self._events([RECEIVED])]
        loaded: list[Complaint] = [self.repository.get(i) for i in ids]
        found = [c for c in loaded if c.council is council]
        return sorted(found, key=lambda c: c.received_at, reverse=True)

    def feedback(self, council: Council) -> list[Feedback]:
        """Every piece of feedback given to `council`, newest recorded first."""
        ids = [event.originator_id for _, event in self._events([FEEDBACK])]
        loaded: list[Feedback] = [self.repository.get(i) for i in ids]
        return sorted((f for f in loaded if f.council is council),
                      key=lambda f: f.recorded_at, reverse=True)

    def steps(self) -> Iterator[tuple[int, DomainEventProtocol]]:
        """(position, event) for every complaint and feedback event in the order recorded,
        decrypted: what
        the monitoring figures count (activities/complaints_report.py)."""
        return self._events(STEPS)

    def _events(self, topics: list[str]) -> Iterator[tuple[int, DomainEventProtocol]]:
        start = 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=PAGE, topics=topics)
            for notification in page:
                yield notification.id, self.mapper.to_domain_event(notification)
            if len(page) < PAGE:
                return
            start = page[-1].id + 1

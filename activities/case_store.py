"""The event store of cases (eventsourcing over SQLAlchemy) and its use cases.

One short method per use case: load, call the aggregate, save what it recorded in one
`save()`. Events are compressed (zlib) then encrypted (AES-GCM) at rest; only the event
class name, the case id and the version are stored in clear, and none of those holds
personal data.
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder
from eventsourcing.utils import get_topic
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder

from activities import transcodings
from activities.recorded_events import RecordedEvent, recorded
from aggregates.access_log import CaseAccessLog, access_log_id, events_appending, find_break
from aggregates.case import Case
from aggregates.case_events import CaseEvent
from aggregates.commands import CommandContext, apply_command
from aggregates.errors import CaseNotFound, ConflictError
from aggregates.policies import policy_in_force
from aggregates.referrals import ReferralStatus
from aggregates.report import Actor, Report

SNAPSHOT_EVERY = 50
ACCESS_LOG_DEADLINE = 10.0  # seconds an access may wait to be logged before 409


class DuplicateRequest(ConflictError):
    """The idempotency key was used before; the case it opened is `case_id`."""

    def __init__(self, case_id: UUID, *, same_request: bool) -> None:
        message = ("this request was already received" if same_request
                   else "the idempotency key was already used for a different request")
        super().__init__("idempotency_key_used_once", message, field="Idempotency-Key")
        self.case_id = case_id
        self.same_request = same_request


def store_env(url: str, cipher_key: bytes, schema: str | None = None) -> dict[str, str]:
    """The eventsourcing settings for a store at `url`, encrypted with `cipher_key`."""
    env = {
        "PERSISTENCE_MODULE": "activities.event_records:Factory",
        "SQLALCHEMY_URL": url,
        "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
        "CIPHER_KEY": base64.b64encode(cipher_key).decode(),
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
    }
    if schema:
        env["SQLALCHEMY_SCHEMA"] = schema
    return env


def is_queued(case: Case, referral_id: str) -> bool:
    referral = case.referrals.get(referral_id)
    return referral is not None and referral.status is ReferralStatus.QUEUED


class CaseStore(Application):
    """The record: every case as a stream of encrypted events."""

    snapshotting_intervals = {Case: SNAPSHOT_EVERY}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in transcodings.ALL:
            transcoder.register(transcoding)

    def __init__(self, env: Mapping[str, str],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(env=dict(env))
        # The one clock a business fact is read from: intake's, the time of the request that
        # opens a case (a report may not be dated in the future; the case's `Opened.at`).
        # Every later step is timed by its command: the case's workflow clock, passed in as
        # `at`. The clock is read after intake only as a fallback, for an activity input that
        # a workflow scheduled before its input carried `at` (triage, a referral's delivery
        # or acknowledgement, in flight across the upgrade). Tests pass a fixed clock here.
        self.clock = clock

    # ---- intake -----------------------------------------------------------------------------

    def open_case(self, *, case_id: UUID, report: Report, actor: Actor, reason: str,
                  request_fingerprint: str) -> Case:
        """Record a new case, opened now by the store's clock (intake's single clock);
        a repeated idempotency key raises `DuplicateRequest`."""
        case = Case.open(
            case_id=case_id, report=report, policy=policy_in_force(report.council,
                                                                    report.reported_at),
            actor=actor, reason=reason, request_fingerprint=request_fingerprint,
            at=self.clock(),
        )
        try:
            self.save(case)
        except IntegrityError:
            existing = self.get_case(case_id)
            raise DuplicateRequest(
                case_id, same_request=existing.request_fingerprint == request_fingerprint,
            ) from None
        return case

    # ---- steps the case's workflow drives ---------------------------------------------------

    def triage(self, case_id: UUID, at: datetime | None = None) -> Case:
        """Triage the case once, at `at` (the workflow's time; None only from an input
        scheduled before inputs carried it: then the store's clock); running it again changes
        nothing."""
        case = self.get_case(case_id)
        if not case.triaged:
            case.triage(Actor.system(), at=at or self.clock())
            self.save(case)
        return case

    def complete_task(self, *, case_id: UUID, task_id: str, outcome: str, note: str,
                      actor: Actor, command_id: str, at: datetime) -> Case:
        """Complete a task; the same command again changes nothing."""
        case = self.get_case(case_id)
        if case.completed.get(task_id) != command_id:
            case.complete_task(task_id=task_id, outcome=outcome, note=note, actor=actor,
                               at=at, command_id=command_id)
            self.save(case)
        return case

    def escalate_missed_deadline(self, *, case_id: UUID, task_id: str, at: datetime) -> Case:
        """Escalate a task past its deadline, once."""
        case = self.get_case(case_id)
        if task_id not in case.completed and task_id not in case.escalated:
            case.escalate_missed_deadline(task_id=task_id, at=at)
            self.save(case)
        return case

    def record_referral_delivered(self, *, case_id: UUID, referral_id: str, delivery_id: str,
                                  digest: str, via: str, at: datetime | None = None) -> Case:
        """Record a referral's delivery, once, at `at` (the workflow's time; None: the store's
        clock, see `triage`)."""
        case = self.get_case(case_id)
        if is_queued(case, referral_id):
            case.record_referral_delivered(referral_id=referral_id, delivery_id=delivery_id,
                                           digest=digest, via=via, at=at or self.clock())
            self.save(case)
        return case

    def record_referral_failed(self, *, case_id: UUID, referral_id: str, failure: str,
                               at: datetime) -> Case:
        """Record a given-up delivery, once."""
        case = self.get_case(case_id)
        if is_queued(case, referral_id):
            case.record_referral_failed(referral_id=referral_id, failure=failure, at=at)
            self.save(case)
        return case

    def record_referral_acknowledged(self, *, case_id: UUID, referral_id: str,
                                     ack_message_id: str, digest: str, signed_body: str,
                                     signature: str, at: datetime | None = None) -> Case:
        """Record a partner's acknowledgement, once (a repeat of the same one is a no-op), at
        `at` (the workflow's time when it took it; None: the store's clock, see `triage`)."""
        case = self.get_case(case_id)
        referral = case.referrals.get(referral_id)
        if referral is None or referral.status is not ReferralStatus.ACKNOWLEDGED:
            case.record_referral_acknowledged(
                referral_id=referral_id, ack_message_id=ack_message_id, digest=digest,
                signed_body=signed_body, signature=signature, at=at or self.clock())
            self.save(case)
        return case

    def apply_command(self, *, case_id: UUID, name: str, args: dict[str, Any], actor: Actor,
                      command_id: str, at: datetime) -> Case:
        """Apply a command (aggregates/commands/) once per command id.

        The case remembers its latest command ids (`Case.has_applied`), not every one: its
        workflow is the single writer and repeats a command only by retrying it before it
        moves on (see aggregates/case_versions.py, RECENT_COMMANDS)."""
        case = self.get_case(case_id)
        if not case.has_applied(command_id):
            apply_command(case, name, args, CommandContext(actor=actor, at=at,
                                                           command_id=command_id))
            self.save(case)
        return case

    # ---- access log ---------------------------------------------------------------------------

    def record_access(self, *, case_id: UUID, staff_id: str, role: str, action: str,
                      outcome: str, rule: str, reason: str, at: datetime) -> None:
        """Append to the case's access log, reading only its newest entry (never the log).

        Appends to one log queue rather than fail: the append takes the event table's write
        lock before it reads the head (see `_append_access`). Raises `ConflictError`
        (`access_log_appends`) only if it could not append for ACCESS_LOG_DEADLINE seconds.
        """
        entry = dict(staff_id=staff_id, role=role, action=action, outcome=outcome, rule=rule,
                     reason=reason, at=at.isoformat())
        deadline = time.monotonic() + ACCESS_LOG_DEADLINE
        while True:
            try:
                self._append_access(case_id, entry)
                return
            except IntegrityError:
                # Another process appended between our read of the head and our insert
                # (possible only where the lock is per process: SQLite). Try on the new head.
                if time.monotonic() > deadline:
                    raise ConflictError("access_log_appends",
                                        "the access log is too busy; try again") from None
                time.sleep(random.uniform(0.001, 0.02))

    def _append_access(self, case_id: UUID, entry: dict[str, str]) -> None:
        recorder = cast(SQLAlchemyApplicationRecorder, self.recorder)
        log_id = access_log_id(case_id)
        with recorder.transaction(commit=True) as session:
            # The lock every insert into the event table takes anyway (PostgreSQL), taken
            # here before the head is read so that nobody appends between the read and the
            # insert: concurrent readers of a case queue instead of failing. On SQLite the
            # write transaction already holds the store's write lock.
            recorder._lock_table(session)
            newest = recorder.select_events(log_id, desc=True, limit=1)
            last = self.mapper.to_domain_event(newest[0]) if newest else None
            events = events_appending(case_id, last, entry)
            recorder.insert_events([self.mapper.to_stored_event(e) for e in events])

    def access_log(self, case_id: UUID) -> tuple[list[dict[str, Any]], int | None]:
        """The case's access log in order, and the index of the first broken link (or None)."""
        entries = [
            {k: v for k, v in vars(e).items() if k not in ("originator_id", "originator_version",
                                                            "timestamp")}
            for e in self.events.get(access_log_id(case_id))
            if isinstance(e, CaseAccessLog.Recorded)
        ]
        return entries, find_break(entries)

    def notifications_for(self, staff_id: str) -> list[dict[str, Any]]:
        """What `staff_id` has been told, oldest first: break-glass openings of cases they own
        or of their reports', restrictions lifted that named them, cases reassigned away from
        them (`kind`: break_glass, restriction_lifted, reassigned). Read from the notification
        log's events of those kinds only."""
        glass, change = get_topic(Case.BreakGlassUsed), get_topic(Case.AccessChangeNotified)
        found: list[dict[str, Any]] = []
        after = 0
        while True:
            page = self.recorder.select_notifications(start=after + 1, limit=500,
                                                      topics=[glass, change])
            for notification in page:
                event = self.mapper.to_domain_event(notification)
                if isinstance(event, Case.BreakGlassUsed) and staff_id in event.notify:
                    found.append({"kind": "break_glass", "case_id": str(event.originator_id),
                                  "by": event.staff_id, "reason": event.reason,
                                  "at": event.at.isoformat(), "until": event.until})
                elif (isinstance(event, Case.AccessChangeNotified)
                      and staff_id in event.notify):
                    found.append({"kind": event.change, "case_id": str(event.originator_id),
                                  "by": event.actor.staff_id, "reason": event.reason,
                                  "at": event.at.isoformat()})
                after = notification.id
            if len(page) < 500:
                return found

    # ---- read side --------------------------------------------------------------------------

    def get_case(self, case_id: UUID) -> Case:
        """The case as it stands now, or `CaseNotFound`."""
        try:
            case: Case = self.repository.get(case_id)
        except AggregateNotFoundError:
            raise CaseNotFound() from None
        return case

    def exists(self, case_id: UUID) -> bool:
        return case_id in self.repository

    def events_of(self, case_id: UUID) -> list[RecordedEvent]:
        """Every event of the case in order, decrypted."""
        events = [recorded(cast(CaseEvent, e)) for e in self.events.get(case_id)]
        if not events:
            raise CaseNotFound()
        return events

    def intake_progress(self, after: int, limit: int = 1000) -> Iterator[tuple[int, UUID, bool]]:
        """(position, case id, True if opened / False if triaged) for each such event after
        position `after` in the notification log. Reads only clear-text columns."""
        topics = [get_topic(Case.Opened), get_topic(Case.TriageDecided)]
        opened = topics[0]
        while True:
            page = self.recorder.select_notifications(start=after + 1, limit=limit, topics=topics)
            for notification in page:
                yield (notification.id, UUID(str(notification.originator_id)),
                       notification.topic == opened)
                after = notification.id
            if len(page) < limit:
                return

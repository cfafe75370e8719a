"""A property's repair jobs and the reviews their pattern opened (DBC 7.2, D 8.6): one stream
per property, in the same encrypted event store as the cases.

The stream id is a keyed hash (HMAC-SHA-256) of the council and the normalised address, so
the id, the only thing stored in clear beside the event class name, carries no personal data
and cannot be recomputed from an address list without the key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from aggregates.errors import ConflictError, RuleViolation
from aggregates.policies import Policy
from aggregates.repair_feed import FeedJob, JobType
from aggregates.repair_pattern import REVIEW_TITLE, JobSeen, run_of, runs_to_review
from aggregates.report import Actor, Council, Tenure

MIN_REASON = 10


def property_id(key: bytes, council: Council, property_key: str) -> UUID:
    """The property's stream id: HMAC-SHA-256 under `key` of council and normalised address
    (or `ref:` + property reference), as a version-4-shaped UUID."""
    digest = bytearray(hmac.new(key, f"{council.value}\n{property_key}".encode(),
                                hashlib.sha256).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x40
    digest[8] = (digest[8] & 0x3F) | 0x80
    return UUID(bytes=bytes(digest))


class ReviewOutcome(StrEnum):
    NO_FURTHER_ACTION = "no_further_action"


@dataclass(frozen=True)
class Review:
    """A "possible domestic abuse: review" task for `team`, opened on the jobs of a run."""

    review_id: str
    opened_on_jobs: tuple[str, ...]
    team: str
    rule: str
    section: str
    policy_version: str
    opened_at: str
    outcome: ReviewOutcome | None = None
    reason: str = ""
    closed_by: str | None = None


class PropertyRepairs(Aggregate):
    """One property's repair jobs (by reference) and its reviews."""

    class Registered(Aggregate.Created):
        council: str
        address: str  # personal data (VICTIM_ADDRESS): encrypted at rest, withheld from auditors

    class JobRecorded(Aggregate.Event):
        job_reference: str
        job_type: str
        raised_on: str  # ISO date
        address: str  # as the row gave it (VICTIM_ADDRESS)

        def apply(self, prop: PropertyRepairs) -> None:
            prop.jobs[self.job_reference] = JobSeen(self.job_reference, JobType(self.job_type),
                                                    date.fromisoformat(self.raised_on))

    class ReviewOpened(Aggregate.Event):
        review_id: str
        job_references: list[str]
        team: str
        rule: str
        section: str
        policy_version: str

        def apply(self, prop: PropertyRepairs) -> None:
            prop.reviews[self.review_id] = Review(
                self.review_id, tuple(self.job_references), self.team, self.rule,
                self.section, self.policy_version, self.timestamp.isoformat())

    class ReviewClosed(Aggregate.Event):
        review_id: str
        outcome: str
        reason: str
        actor: dict[str, str]

        def apply(self, prop: PropertyRepairs) -> None:
            old = prop.reviews[self.review_id]
            prop.reviews[self.review_id] = Review(
                old.review_id, old.opened_on_jobs, old.team, old.rule, old.section,
                old.policy_version, old.opened_at, ReviewOutcome(self.outcome), self.reason,
                self.actor["staff_id"])

    def __init__(self, council: str, address: str) -> None:
        self.council = Council(council)
        self.address = address
        self.jobs: dict[str, JobSeen] = {}
        self.reviews: dict[str, Review] = {}

    @classmethod
    def register(cls, stream_id: UUID, council: Council, address: str) -> PropertyRepairs:
        return cls._create(cls.Registered, id=stream_id, council=council.value,
                           address=address)

    def record_jobs(self, jobs: Iterable[FeedJob], policy: Policy) -> int:
        """Record the jobs not seen before (by reference), then open a review for each run
        that qualifies and holds no reviewed job. Returns how many jobs were new."""
        new = 0
        for job in jobs:
            if job.job_reference in self.jobs:
                continue  # the same job sent again: idempotent
            self.trigger_event(self.JobRecorded, job_reference=job.job_reference,
                               job_type=job.job_type.value, raised_on=job.raised_on.isoformat(),
                               address=job.address)
            new += 1
        reviewed = frozenset(ref for r in self.reviews.values() for ref in r.opened_on_jobs)
        for run in runs_to_review(self.jobs.values(), reviewed, policy):
            refs = [j.job_reference for j in run]
            self.trigger_event(
                self.ReviewOpened, review_id=str(uuid5(self.id, refs[0])), job_references=refs,
                team=policy.team_for(Tenure.COUNCIL_GENERAL_NEEDS),
                rule=policy.repair_pattern.name, section=policy.repair_pattern.section,
                policy_version=policy.version)
        return new

    def close_review(self, review_id: str, reason: str, actor: Actor) -> None:
        """No further action on a review, with the reason (a person decided)."""
        review = self.reviews.get(review_id)
        if review is None:
            raise RuleViolation("review_exists", "no such review", field="review_id")
        if review.outcome is not None:
            raise ConflictError("review_closed_once", "the review was already closed",
                                field="review_id")
        if len(reason.strip()) < MIN_REASON:
            raise RuleViolation("no_further_action_needs_reason",
                                f"give the reason for no further action (at least "
                                f"{MIN_REASON} characters)", field="reason",
                                section=review.section)
        self.trigger_event(self.ReviewClosed, review_id=review_id,
                           outcome=ReviewOutcome.NO_FURTHER_ACTION.value,
                           reason=reason.strip(), actor=actor.to_dict())

    def review_view(self, review: Review, window_days: int) -> dict[str, Any]:
        """A review as the Tenancy Support Team reads it: the address and the run of jobs."""
        run = run_of(self.jobs.values(), review.opened_on_jobs, window_days)
        return {"property_id": str(self.id), "review_id": review.review_id,
                "title": REVIEW_TITLE, "council": self.council.value, "address": self.address,
                "team": review.team, "rule": review.rule, "section": review.section,
                "policy_version": review.policy_version, "opened_at": review.opened_at,
                "status": review.outcome.value if review.outcome else "open",
                "reason": review.reason,
                "jobs": [{"job_reference": j.job_reference, "job_type": j.job_type.value,
                          "raised_on": j.raised_on.isoformat()} for j in run]}


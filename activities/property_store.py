"""The repair-jobs feed and the reviews it opens, stored beside the cases: an eventsourcing
application of its own (tables `propertyrepairsstore_*`) in the same database, encrypted and
compressed the same way (`store_env`), so the transparency log covers its events too.

One short method per use case. A property's stream id is a keyed hash of its council and
normalised address (`aggregates.property_repairs.property_id`); the key is derived from the
store's cipher key, so it lives outside the database like that key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from aggregates.policies import policy_for, policy_in_force
from aggregates.property_repairs import PropertyRepairs, property_id
from aggregates.repair_feed import FeedJob, ParsedFeed, RowError
from aggregates.report import Actor, Council

REVIEW_OPENED = get_topic(PropertyRepairs.ReviewOpened)
PAGE = 500
SAVE_ATTEMPTS = 5


@dataclass(frozen=True)
class FeedResult:
    """What a feed did: jobs new to the record, jobs seen before (by reference), reviews
    opened, and each bad row."""

    taken: int
    repeated: int
    reviews_opened: int
    errors: tuple[RowError, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"taken": self.taken, "repeated": self.repeated,
                "reviews_opened": self.reviews_opened,
                "errors": [e.to_dict() for e in self.errors]}


class PropertyRepairsStore(Application):
    """Every property's repair jobs and reviews, as encrypted event streams."""

    name = "PropertyRepairsStore"

    def __init__(self, env: Mapping[str, str],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(env=dict(env))
        cipher_key = base64.b64decode(dict(env)["CIPHER_KEY"])
        # A key of its own, derived one way from the cipher key: knowing stream ids (which
        # are in clear) tells nothing of the cipher key, nor the reverse.
        self._id_key = hmac.new(cipher_key, b"property stream id v1", hashlib.sha256).digest()
        self._clock = clock

    def stream_id(self, council: Council, property_key: str) -> UUID:
        return property_id(self._id_key, council, property_key)

    def take_feed(self, feed: ParsedFeed) -> FeedResult:
        """Record a feed's good rows property by property; a job reference already recorded
        for the property changes nothing. Bad rows come back as they were found."""
        by_property: dict[UUID, list[FeedJob]] = defaultdict(list)
        for job in feed.jobs:
            by_property[self.stream_id(job.council, job.property_key)].append(job)
        taken = opened = 0
        now = self._clock()
        for stream_id, jobs in by_property.items():
            new, reviews = self._take_jobs(stream_id, jobs, now)
            taken, opened = taken + new, opened + reviews
        return FeedResult(taken, len(feed.jobs) - taken, opened, feed.errors)

    def _take_jobs(self, stream_id: UUID, jobs: list[FeedJob], now: datetime) -> tuple[int, int]:
        """One property's jobs: (new jobs, reviews opened). Two feeds writing the same
        property at once: the second's save fails on the stream's version and it tries again
        on what the first recorded, so a job sent by both is counted once."""
        for attempt in range(SAVE_ATTEMPTS):
            prop = self._property(stream_id, jobs[0])
            before = len(prop.reviews)
            new = prop.record_jobs(jobs, policy_in_force(prop.council, now))
            try:
                self.save(prop)
            except IntegrityError:
                if attempt == SAVE_ATTEMPTS - 1:
                    raise
                continue
            return new, len(prop.reviews) - before
        raise AssertionError("unreachable")

    def close_review(self, stream_id: UUID, review_id: str, reason: str, actor: Actor,
                     council: Council) -> PropertyRepairs:
        """No further action on a review of a property of `council` (else not found)."""
        prop = self.property(stream_id, council)
        prop.close_review(review_id, reason, actor)
        self.save(prop)
        return prop

    def property(self, stream_id: UUID, council: Council) -> PropertyRepairs:
        """A property of `council`; `LookupError` for one that does not exist or is of
        another council (the same answer)."""
        try:
            prop: PropertyRepairs = self.repository.get(stream_id)
        except AggregateNotFoundError:
            raise LookupError("no such property") from None
        if prop.council is not council:
            raise LookupError("no such property")
        return prop

    def reviews(self, council: Council, *, open_only: bool = True) -> list[dict[str, Any]]:
        """Every review of `council`'s properties (open ones unless asked), newest first;
        found from the notification log by event class name (no decryption needed to find
        them)."""
        ids: list[UUID] = []
        start = 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=PAGE,
                                                      topics=[REVIEW_OPENED])
            ids.extend(UUID(str(n.originator_id)) for n in page
                       if n.originator_id not in ids)
            if len(page) < PAGE:
                break
            start = page[-1].id + 1
        found = []
        for stream_id in ids:
            prop: PropertyRepairs = self.repository.get(stream_id)
            if prop.council is not council:
                continue
            for review in prop.reviews.values():
                if open_only and review.outcome is not None:
                    continue
                window = policy_for(council, review.policy_version).repair_pattern_window_days
                found.append(prop.review_view(review, window))
        return sorted(found, key=lambda r: r["opened_at"], reverse=True)

    def _property(self, stream_id: UUID, job: FeedJob) -> PropertyRepairs:
        try:
            prop: PropertyRepairs = self.repository.get(stream_id)
            return prop
        except AggregateNotFoundError:
            return PropertyRepairs.register(stream_id, job.council, job.address or
                                            job.property_key)


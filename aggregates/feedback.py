"""Victim and survivor feedback (D 8.62): optional, recorded when a victim chooses to give
it, counted for monitoring and read at the policy's formal reviews.

"Victims / survivors are in no way obliged to provide us with feedback" (D 8.62): nothing
asks for it, no task opens for it, and a case is never held up for the want of it. It may
name the case it is about, or be given without one (anonymously); its words are used in a
policy review only if the victim agreed to that (`may_quote`), since a quotation can
identify them. One stream per piece of feedback, in the complaints register
(activities/complaints_register.py), counted in the month it was recorded (`at`).

Errors: `RuleViolation` naming the rule and field (422).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from aggregates.complaints import check_received_at, choice
from aggregates.errors import RuleViolation
from aggregates.report import Actor, Council

MAX_COMMENTS = 10_000


class FeedbackChannel(StrEnum):
    """How the feedback was given."""

    SURVEY = "survey"
    TELEPHONE = "telephone"
    IN_PERSON = "in_person"
    LETTER = "letter"
    EMAIL = "email"
    ONLINE_FORM = "online_form"


class Satisfaction(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEITHER = "neither"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"
    NOT_SAID = "not_said"  # feedback in words only: nobody is made to rate the service


class Feedback(Aggregate):
    """One piece of feedback from a victim or survivor."""

    class Given(Aggregate.Created):
        council: str
        channel: str
        satisfaction: str
        given_at: str
        case_id: str | None
        comments: str  # free text, the victim's own words
        may_quote: bool  # the victim agreed to their words being used in a policy review
        actor: dict[str, str]
        at: str

    def __init__(self, council: str, channel: str, satisfaction: str, given_at: str,
                 case_id: str | None, comments: str, may_quote: bool,
                 actor: dict[str, str], at: str) -> None:
        self.council = Council(council)
        self.channel = FeedbackChannel(channel)
        self.satisfaction = Satisfaction(satisfaction)
        self.given_at = given_at
        self.case_id = case_id
        self.comments = comments
        self.may_quote = may_quote
        self.recorded_by = actor["staff_id"]
        self.recorded_at = at

    @classmethod
    def give(cls, *, feedback_id: UUID, council: Council, channel: str, satisfaction: str,
             given_at: datetime, case_id: UUID | None, comments: str, may_quote: bool,
             actor: Actor, at: datetime, case_council: Council | None = None) -> Feedback:
        """Record feedback a victim chose to give (D 8.62): a rating, words, or both. A
        case it names must be the council's (`case_council`; None: no such case)."""
        if case_id is not None and case_council is not council:
            raise RuleViolation("feedback_case_is_the_councils",
                                "name a case of your council, or none", field="case_id")
        rating = choice(Satisfaction, satisfaction, "satisfaction", "satisfaction_known",
                        "D 8.62")
        words = comments.strip()
        if rating is Satisfaction.NOT_SAID and not words:
            raise RuleViolation("feedback_says_something",
                                "give a rating or the victim's words", field="comments",
                                section="D 8.62")
        if len(words) > MAX_COMMENTS:
            raise RuleViolation("feedback_fits", f"comments are at most {MAX_COMMENTS} "
                                "characters", field="comments")
        if may_quote and not words:
            raise RuleViolation("quote_needs_words", "there are no words to quote",
                                field="may_quote", section="D 8.62")
        check_received_at(given_at, at, what="feedback", field="given_at", section="D 8.62")
        return cls._create(
            cls.Given, id=feedback_id, council=council.value,
            channel=choice(FeedbackChannel, channel, "channel", "feedback_channel_known",
                           "D 8.62").value,
            satisfaction=rating.value, given_at=given_at.isoformat(),
            case_id=str(case_id) if case_id else None, comments=words, may_quote=may_quote,
            actor=actor.to_dict(), at=at.isoformat())

    def view(self) -> dict[str, Any]:
        """The feedback as the API shows it (redacted per role by the caller)."""
        return {"feedback_id": str(self.id), "council": self.council.value,
                "channel": self.channel.value, "satisfaction": self.satisfaction.value,
                "given_at": self.given_at, "case_id": self.case_id,
                "comments": self.comments, "may_quote": self.may_quote,
                "recorded_by": self.recorded_by, "recorded_at": self.recorded_at}

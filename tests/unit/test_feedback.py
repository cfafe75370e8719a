"""Victim and survivor feedback (D 8.62): optional, a rating or words or both, quoted in a
policy review only with the victim's agreement. Each rule of aggregates/feedback.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from aggregates.errors import RuleViolation
from aggregates.feedback import Feedback, Satisfaction
from aggregates.report import Actor, Council, Role

AT = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
CW = Actor("cw-1", Role.CASEWORKER)


def given(**changes: Any) -> Feedback:
    args: dict[str, Any] = dict(
        feedback_id=uuid4(), council=Council.DOVER, channel="telephone",
        satisfaction="satisfied", given_at=AT - timedelta(hours=1), case_id=None,
        comments="The officer rang back the same day", may_quote=False, actor=CW, at=AT)
    return Feedback.give(**{**args, **changes})


def refusal(**changes: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        given(**changes)
    return caught.value


def test_feedback_is_a_rating_words_or_both() -> None:
    """D 8.62: nobody is made to rate the service; words alone are feedback too."""
    assert given().satisfaction is Satisfaction.SATISFIED
    assert given(satisfaction="not_said").comments == "The officer rang back the same day"
    assert given(comments="   ").comments == ""
    error = refusal(satisfaction="not_said", comments=" ")
    assert (error.rule, error.field, error.section) == ("feedback_says_something", "comments",
                                                         "D 8.62")


def test_words_are_quoted_only_when_there_are_words_and_the_victim_agreed() -> None:
    """D 8.62: feedback is used in the policy's formal reviews; a quotation can identify."""
    assert given(may_quote=True).may_quote
    assert not given().may_quote
    assert refusal(may_quote=True, comments="").rule == "quote_needs_words"


def test_feedback_is_anonymous_or_about_a_case_of_the_council() -> None:
    """The council boundary: another council's case and none are refused alike."""
    assert given().case_id is None
    case_id = uuid4()
    assert given(case_id=case_id, case_council=Council.DOVER).case_id == str(case_id)
    for other in (Council.DARTFORD, None):
        assert refusal(case_id=case_id, case_council=other).rule == (
            "feedback_case_is_the_councils")


def test_feedback_is_dated_when_given_not_after_it_is_recorded() -> None:
    """Configured default as for reports and complaints (D 8.11)."""
    error = refusal(given_at=AT + timedelta(minutes=5))
    assert (error.rule, error.field) == ("feedback_received_not_in_future", "given_at")
    assert refusal(given_at=AT - timedelta(days=31)).rule == "feedback_recorded_within_30_days"


def test_an_unknown_rating_or_channel_names_the_field_never_the_value() -> None:
    error = refusal(satisfaction="delighted-xyz")
    assert error.field == "satisfaction" and "delighted-xyz" not in str(error)
    assert refusal(channel="fax").field == "channel"

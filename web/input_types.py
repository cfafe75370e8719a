"""Strict input types for request bodies: text without control characters, dates in their
range, integers that are JSON numbers. The rules themselves live in `aggregates.input_rules`;
these wrap them so pydantic reports the full path of the field and the rule's name, and never
the value given."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, StrictBool, StrictInt
from pydantic_core import PydanticCustomError

from aggregates.input_rules import (
    TEXT_RULE,
    broken_date_rule,
    date_rule_message,
    forbidden_character,
    text_message,
)

__all__ = ["Bool", "DueDate", "HearingDate", "IncidentDate", "Int", "Line", "ReportedAt", "Text"]

Int = StrictInt  # `true` or "6" is not a number
Bool = StrictBool  # 1 or "yes" is not a boolean


def _text_check(multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        category = forbidden_character(value, multiline=multiline)
        if category is not None:
            raise PydanticCustomError(TEXT_RULE, text_message(category))
        return value
    return AfterValidator(check)


Line = Annotated[str, _text_check(multiline=False)]  # names, ids, labels: one line
Text = Annotated[str, _text_check(multiline=True)]  # summaries, notes, addresses


def _range_check(kind: str) -> AfterValidator:
    def check(value: date) -> date:  # a datetime is a date: its own calendar date is used
        rule = broken_date_rule(kind, value, datetime.now(UTC).date())
        if rule is not None:
            raise PydanticCustomError(rule, date_rule_message(kind, rule))
        return value
    return AfterValidator(check)


ReportedAt = Annotated[AwareDatetime, _range_check("reported_at")]
IncidentDate = Annotated[date, _range_check("occurred_on")]
HearingDate = Annotated[date, _range_check("heard_on")]
DueDate = Annotated[date, _range_check("due_on")]

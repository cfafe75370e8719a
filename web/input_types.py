"""Strict input types for request bodies: text without control characters, dates in their
range, integers that are JSON numbers. The rules themselves live in `aggregates.input_rules`;
these wrap them so pydantic reports the full path of the field and the rule's name, and never
the value given."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, StrictBool, StrictInt
from pydantic_core import PydanticCustomError

from aggregates.input_rules import (
    TEXT_RULE,
    broken_date_rule,
    date_rule_message,
    forbidden_character,
    text_message,
)

__all__ = ["EMAIL_CHECK", "LINE_CHECK", "TEXT_CHECK", "Bool", "DueDate", "HearingDate",
           "IncidentDate", "Int", "Line", "ReportedAt", "Text"]

Int = StrictInt  # `true` or "6" is not a number
Bool = StrictBool  # 1 or "yes" is not a boolean


def _text_check(multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        category = forbidden_character(value, multiline=multiline)
        if category is not None:
            raise PydanticCustomError(TEXT_RULE, text_message(category))
        return value
    return AfterValidator(check)


LINE_CHECK = _text_check(multiline=False)
EMAIL_RULE = "email_address_is_valid"


def _email_check(value: str) -> str:
    """An address a message could be sent to, by its form only (RFC 5322 as the
    `email-validator` library reads it; no DNS lookup: intake must work offline). The value as
    typed is kept; the error never repeats it."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise PydanticCustomError(EMAIL_RULE, "Enter an email address in the correct format, "
                                              "like name@example.com") from None
    return value


EMAIL_CHECK = AfterValidator(_email_check)
TEXT_CHECK = _text_check(multiline=True)
Line = Annotated[str, LINE_CHECK]  # names, ids, labels: one line
Text = Annotated[str, TEXT_CHECK]  # summaries, notes, addresses
# An optional one needs its length inside, before the check:
# `Annotated[str, StringConstraints(max_length=40), LINE_CHECK] | None`. Written
# `Line | None = Field(max_length=40)`, pydantic checks the length as a list's
# (`too_long`, "at most 40 items"), and a page read "Choose at most 40 for ...".


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


class ClosedBody(BaseModel):
    """A body that refuses a key it does not name (422 `extra_forbidden`, naming the key):
    a misspelt optional field would otherwise be dropped without a word."""

    model_config = ConfigDict(extra="forbid")

"""What the system accepts as a date or a piece of text, in one place.

Dates: each kind of date has a range (`DATE_RANGES`). Nothing we record happened before 1900
(it would be a typing slip, and years near 1 overflow time-zone arithmetic); what has happened
is not in the future; what is planned (a MARAC action's due date) is at most ten years ahead.

Text: control characters (Unicode category Cc) and invisible format characters (Cf: the
right-to-left override U+202E, the byte order mark U+FEFF, zero-width joiners, ...) are refused
everywhere. They hide or reorder what a reader sees, and NUL breaks storage and logs. So are the
line and paragraph separators U+2028 and U+2029 (categories Zl, Zp): most readers (a terminal,
a CSV export, a log line) do not show them as breaks, so one field's text could pass for two,
and they would put a break into a single-line field. Free text (summaries, notes, addresses)
may still hold a tab, a line feed or a carriage return.

Errors name the field and the rule, never the value.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aggregates.errors import RuleViolation

EARLIEST_DATE = date(1900, 1, 1)
LINE_BREAKS = frozenset("\t\n\r")
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


@dataclass(frozen=True)
class DateRange:
    """The dates a kind of date may take: from `earliest` (else `early_rule` is broken), to
    `latest_years_ahead` years after today (0: not in the future; else `late_rule`)."""

    earliest: date
    latest_years_ahead: int
    early_rule: str
    late_rule: str


DATE_RANGES: dict[str, DateRange] = {
    "reported_at": DateRange(EARLIEST_DATE, 0, "reported_at_in_range",
                             "report_time_not_in_future"),
    "occurred_on": DateRange(EARLIEST_DATE, 0, "incident_date_in_range",
                             "incident_not_in_future"),
    "heard_on": DateRange(EARLIEST_DATE, 0, "hearing_date_in_range", "hearing_not_in_future"),
    "due_on": DateRange(EARLIEST_DATE, 10, "due_date_in_range", "due_date_in_range"),
}


def date_rule_message(kind: str, rule: str) -> str:
    bounds = DATE_RANGES[kind]
    if rule == bounds.early_rule and rule != bounds.late_rule:
        return f"the date must be from {bounds.earliest.isoformat()}"
    if bounds.latest_years_ahead == 0:
        return f"the date must be from {bounds.earliest.isoformat()} and not in the future"
    return (f"the date must be from {bounds.earliest.isoformat()} and at most "
            f"{bounds.latest_years_ahead} years ahead")


def broken_date_rule(kind: str, value: date | datetime, today: date) -> str | None:
    """The rule of `kind` (a key of `DATE_RANGES`) that `value` breaks on `today`, or None.
    A datetime is judged by its own calendar date; the future bound allows a day's grace for
    time zones (rules that need the exact instant check it themselves)."""
    bounds = DATE_RANGES[kind]
    day = value.date() if isinstance(value, datetime) else value
    if day < bounds.earliest:
        return bounds.early_rule
    try:
        latest = today.replace(year=today.year + bounds.latest_years_ahead)
    except ValueError:  # 29 February, a non-leap year ahead
        latest = today.replace(year=today.year + bounds.latest_years_ahead, day=28)
    return bounds.late_rule if day > latest + timedelta(days=1) else None


def check_not_before_earliest(kind: str, value: date | datetime, *,
                              field: str | None = None) -> None:
    """The lower bound of `kind` alone, for code that has no clock (before time-zone
    arithmetic, which overflows for years near 1)."""
    day = value.date() if isinstance(value, datetime) else value
    bounds = DATE_RANGES[kind]
    if day < bounds.earliest:
        raise RuleViolation(bounds.early_rule, date_rule_message(kind, bounds.early_rule),
                            field=field or kind)


def check_date_in_range(kind: str, value: date | datetime, today: date, *,
                        field: str | None = None) -> None:
    """Raise `RuleViolation` naming the rule of `kind` that `value` breaks, if any."""
    rule = broken_date_rule(kind, value, today)
    if rule is not None:
        raise RuleViolation(rule, date_rule_message(kind, rule), field=field or kind)


TEXT_RULE = "text_has_no_control_characters"


def forbidden_character(text: str, *, multiline: bool) -> str | None:
    """The Unicode category ("Cc", "Cf", "Zl" or "Zp") of the first character `text` may not
    hold, else None. `multiline` allows tab, line feed and carriage return (and nothing else)."""
    for char in text:
        category = unicodedata.category(char)
        if category in FORBIDDEN_CATEGORIES and not (multiline and char in LINE_BREAKS):
            return category
    return None


def text_message(category: str) -> str:
    kind = {"Cc": "control", "Zl": "line separator",
            "Zp": "paragraph separator"}.get(category, "invisible formatting")
    article = "an" if kind[0] in "aeiou" else "a"
    return f"the text contains {article} {kind} character ({category}), which is not allowed"


def check_text(text: str, *, field: str, multiline: bool = False) -> None:
    """Raise `RuleViolation` (`text_has_no_control_characters`) if `text` holds a character
    that `forbidden_character` refuses."""
    category = forbidden_character(text, multiline=multiline)
    if category is not None:
        raise RuleViolation(TEXT_RULE, text_message(category), field=field)

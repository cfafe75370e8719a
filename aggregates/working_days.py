"""Working days: Monday to Friday, less England & Wales bank holidays and substitute days.

The seeds do not define a working day ([guidance] in DOMAIN.md); we use the `holidays`
package's calendar for England (`subdiv="ENG"`), which includes substitute days, rather than a
hand-kept list that someone must remember to update.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: date) -> bool:
    """True on a weekday that is not an England & Wales bank holiday or substitute day."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (the start day itself is never counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def next_working_day(after: date) -> date:
    """The first working day strictly after `after`."""
    return add_working_days(after, 1)


def close_of_working_day(day: date, close: time) -> datetime:
    """The moment the office closes on `day`, London time, as an aware datetime."""
    return datetime.combine(day, close, tzinfo=LONDON)


def local_date(moment: datetime) -> date:
    """The London calendar date of an aware moment."""
    return moment.astimezone(LONDON).date()


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is before
    `start`): how many working days are left until a deadline, or how far it is overdue."""
    if end >= start:
        return sum(1 for n in range(1, (end - start).days + 1)
                   if is_working_day(start + timedelta(days=n)))
    return -working_days_between(end, start)

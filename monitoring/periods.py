"""The calendar grid a monitoring report may cover: a month, a quarter or a financial year.

Councils report on financial years (1 April to 31 March) and their quarters (Q1 April–June,
Q2 July–September, Q3 October–December, Q4 January–March), as the Sanctuary Scheme return
(SCAR Q15) and the corporate KPIs (CAR Q3) are asked for. Only these periods are offered:
any two of them are either disjoint or one inside the other, which is what lets suppression
be made safe against differencing two ranges (see `monitoring.suppression`). A period is
reported only once it has ended, so its figures are final when first shown.

Shapes: a month is numbered 0..11 within its financial year (0 = April, 11 = March).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class PeriodError(ValueError):
    """A range that is not one whole period of the grid; the message says which rule."""


# Years a report may name: the service began long after the first, and the last keeps every
# date computed from a period within what `datetime.date` holds.
FIRST_YEAR, LAST_YEAR = 2000, 2999
MONTH_NAMES = ("April", "May", "June", "July", "August", "September", "October",
               "November", "December", "January", "February", "March")


@dataclass(frozen=True, order=True)
class Period:
    """One period of the grid. `year` is the financial year's first calendar year (2026 is
    1 April 2026 to 31 March 2027); `index` is the month (0..11) or quarter (0..3) within it,
    0 for a year."""

    year: int
    kind: PeriodKind
    index: int = 0

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise PeriodError(f"a financial year runs from {FIRST_YEAR} to {LAST_YEAR}")
        limit = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}[self.kind]
        if not 0 <= self.index < limit:
            raise PeriodError(f"a {self.kind} index runs from 0 to {limit - 1}")

    @property
    def months(self) -> range:
        """The months (0..11 within the financial year) the period covers."""
        if self.kind is PeriodKind.MONTH:
            return range(self.index, self.index + 1)
        if self.kind is PeriodKind.QUARTER:
            return range(3 * self.index, 3 * self.index + 3)
        return range(12)

    @property
    def first_day(self) -> date:
        return month_start(self.year, self.months.start)

    @property
    def last_day(self) -> date:
        return month_start(self.year, self.months.stop) - timedelta(days=1)

    @property
    def code(self) -> str:
        """"2026-27", "2026-27-Q1", "2026-27-M01" (M01 = April): the form pages and files use."""
        base = f"{self.year}-{(self.year + 1) % 100:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{base}-Q{self.index + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{base}-M{self.index + 1:02d}"
        return base

    @property
    def label(self) -> str:
        """In words: "April 2026", "Q1 2026 to 2027 (April to June 2026)", "2026 to 2027"."""
        if self.kind is PeriodKind.MONTH:
            return f"{MONTH_NAMES[self.index]} {self.first_day.year}"
        years = f"{self.year} to {self.year + 1}"
        if self.kind is PeriodKind.QUARTER:
            # A quarter's three months fall in one calendar year.
            return (f"Q{self.index + 1} {years} ({MONTH_NAMES[self.months.start]} to "
                    f"{MONTH_NAMES[self.months.stop - 1]} {self.last_day.year})")
        return years

    def has_ended(self, today: date) -> bool:
        return self.last_day < today


def month_start(year: int, month: int) -> date:
    """The first day of month `month` (0..12, 12 = the next April) of financial year `year`."""
    calendar_month = (month + 3) % 12 + 1
    return date(year + (month + 3) // 12, calendar_month, 1)


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def period_between(first: date, last: date) -> Period:
    """The one period that runs from `first` to `last` inclusive, e.g. 2026-04-01 to
    2026-06-30 is Q1 2026-27. Raises PeriodError naming the rule if there is none."""
    year = financial_year_of(first)
    for kind, count in ((PeriodKind.MONTH, 12), (PeriodKind.QUARTER, 4), (PeriodKind.YEAR, 1)):
        for index in range(count):
            period = Period(year, kind, index)
            if (period.first_day, period.last_day) == (first, last):
                return period
    raise PeriodError("the range must be one whole month, one quarter of a financial year "
                      "(April to June, July to September, October to December, January to "
                      "March) or one financial year (1 April to 31 March)")


_CODE = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-(Q[1-4]|M(?:0[1-9]|1[0-2])))?$")  # ASCII digits only


def parse_period(code: str) -> Period:
    """The period of a code written by `Period.code`; PeriodError if it is not one."""
    found = _CODE.match(code.strip())
    if found is None or (int(found[1]) + 1) % 100 != int(found[2]):
        raise PeriodError("a period is written 2026-27, 2026-27-Q1 or 2026-27-M01")
    year, part = int(found[1]), found[3]
    if part is None:
        return Period(year, PeriodKind.YEAR)
    if part.startswith("Q"):
        return Period(year, PeriodKind.QUARTER, int(part[1:]) - 1)
    return Period(year, PeriodKind.MONTH, int(part[1:]) - 1)


def ended_periods(year: int, today: date) -> list[Period]:
    """Every period of financial year `year` that has ended by `today`, in the order they
    end (a quarter after its third month, the year after the last quarter): the order in
    which their suppression is decided."""
    found: list[Period] = []
    for month in range(12):
        for period in (Period(year, PeriodKind.MONTH, month),
                       *([Period(year, PeriodKind.QUARTER, month // 3)] if month % 3 == 2
                         else []),
                       *([Period(year, PeriodKind.YEAR)] if month == 11 else [])):
            if period.has_ended(today):
                found.append(period)
    return found

"""Working days and the 2-working-day contact deadline (D 8.14; working days are [guidance]).

The seeds do not define a working day; DOMAIN.md says Monday to Friday less England & Wales
bank holidays, with substitute days. The bank-holiday dates asserted here were checked against
the `holidays` package (GB, subdiv ENG) and the gov.uk calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest

from aggregates.policies import DARTFORD_2026, DOVER_2025
from aggregates.triage import close_after_working_days, close_of_this_or_next_working_day
from aggregates.working_days import (
    add_working_days,
    close_of_working_day,
    is_working_day,
    local_date,
    next_working_day,
)
from tests.unit.builders import LONDON, london

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=(2026, 2027))


def contact_due(reported_at: datetime) -> datetime:
    """When the D 8.14 victim contact falls due for a report at `reported_at` (Dover)."""
    return close_after_working_days(DOVER_2025, reported_at,
                                    DOVER_2025.victim_contact_working_days)


# ---- the calendar the rules rely on ------------------------------------------------------


def test_calendar_has_the_2026_and_2027_christmas_substitute_days():
    """Guard on the `holidays` package: the substitute days the deadline tests rely on."""
    assert ENGLAND.get(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert ENGLAND.get(date(2027, 12, 27)) == "Christmas Day (observed)"
    assert ENGLAND.get(date(2027, 12, 28)) == "Boxing Day (observed)"


@pytest.mark.parametrize("day", [date(2026, 6, 6), date(2026, 6, 7)],
                         ids=["saturday", "sunday"])
def test_weekend_is_not_a_working_day(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [
    date(2026, 12, 25),  # Christmas Day, Friday
    date(2026, 12, 28),  # substitute for Boxing Day (Saturday)
    date(2027, 1, 1),    # New Year's Day
    date(2027, 3, 26),   # Good Friday
    date(2027, 3, 29),   # Easter Monday
    date(2027, 5, 3),    # Early May bank holiday
    date(2027, 5, 31),   # Spring bank holiday
    date(2027, 8, 30),   # Summer bank holiday
    date(2027, 12, 27),  # substitute for Christmas Day (Saturday)
    date(2027, 12, 28),  # substitute for Boxing Day (Sunday)
])
def test_england_bank_holiday_or_substitute_day_is_not_a_working_day(day):
    assert day.weekday() < 5, "the case is only interesting on a weekday"
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 6, 8), date(2026, 12, 24), date(2027, 12, 29)])
def test_ordinary_weekday_is_a_working_day(day):
    assert is_working_day(day)


def test_scottish_only_holiday_is_a_working_day_in_kent():
    """St Andrew's Day (Mon 30 Nov 2026) is a Scottish bank holiday, not an English one."""
    assert is_working_day(date(2026, 11, 30))


def test_counting_never_counts_the_start_day():
    assert add_working_days(date(2026, 6, 8), 1) == date(2026, 6, 9)
    assert next_working_day(date(2026, 6, 8)) == date(2026, 6, 9)


def test_next_working_day_after_friday_is_monday():
    assert next_working_day(date(2026, 6, 5)) == date(2026, 6, 8)


def test_next_working_day_skips_easter_2027():
    assert next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)


def test_counting_crosses_new_year_holiday():
    """Thu 31 Dec 2026 + 2: Fri 1 Jan 2027 is a bank holiday, so Mon 4 and Tue 5 Jan."""
    assert add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 5)


# ---- the 2-working-day contact deadline (D 8.14) -----------------------------------------


def test_friday_report_makes_contact_due_tuesday_at_1700_london():
    """D 8.14: a report on Friday 5 June 2026 is due by close of Tuesday 9 June."""
    assert contact_due(london(2026, 6, 5, 11)) == london(2026, 6, 9, 17)


def test_weekday_report_makes_contact_due_two_working_days_later():
    """D 8.14: Monday 8 June 2026 → Wednesday 10 June, 17:00."""
    assert contact_due(london(2026, 6, 8, 9)) == london(2026, 6, 10, 17)


def test_christmas_eve_2026_report_skips_christmas_weekend_and_boxing_day_substitute():
    """D 8.14: Thu 24 Dec 2026. Fri 25 (Christmas), Sat 26 (Boxing Day), Sun 27 and Mon 28
    (Boxing Day observed) are not working days, so Tue 29 is day 1 and Wed 30 is day 2."""
    assert contact_due(london(2026, 12, 24, 15)) == london(2026, 12, 30, 17)


def test_christmas_eve_2027_report_skips_both_substitute_days():
    """D 8.14: Fri 24 Dec 2027. 25/26 fall on the weekend, so Mon 27 and Tue 28 are
    substitute days: Wed 29 is day 1, Thu 30 is day 2."""
    assert contact_due(london(2027, 12, 24, 10)) == london(2027, 12, 30, 17)


def test_report_before_easter_2027_skips_good_friday_and_easter_monday():
    """D 8.14: Thu 25 Mar 2027. Good Friday 26 and Easter Monday 29 are skipped."""
    assert contact_due(london(2027, 3, 25, 10)) == london(2027, 3, 31, 17)


def test_report_before_early_may_bank_holiday_skips_it():
    """D 8.14: Thu 29 Apr 2027 → Fri 30 Apr, (Mon 3 May holiday), Tue 4 May."""
    assert contact_due(london(2027, 4, 29, 10)) == london(2027, 5, 4, 17)


def test_weekend_report_counts_from_monday():
    """D 8.14: a Saturday online report is due by close of the second working day, Tuesday."""
    assert contact_due(london(2026, 6, 6, 20)) == london(2026, 6, 9, 17)


def test_evening_report_counts_from_its_own_day():
    """A report at 22:00 on Monday still counts Monday as the start day (not the next day)."""
    assert contact_due(london(2026, 6, 8, 22)) == london(2026, 6, 10, 17)


# ---- 17:00 Europe/London, summer and winter ------------------------------------------------


def test_june_deadline_is_1700_bst_which_is_1600_utc():
    due = contact_due(london(2026, 6, 5, 11))
    assert due.utcoffset() == timedelta(hours=1)
    assert due.astimezone(UTC) == datetime(2026, 6, 9, 16, 0, tzinfo=UTC)


def test_december_deadline_is_1700_gmt_which_is_1700_utc():
    due = contact_due(london(2026, 12, 24, 15))
    assert due.utcoffset() == timedelta(0)
    assert due.astimezone(UTC) == datetime(2026, 12, 30, 17, 0, tzinfo=UTC)


def test_deadline_across_the_spring_clock_change_is_1700_bst():
    """Fri 27 Mar 2026 (GMT) → Tue 31 Mar 2026, after clocks go forward on Sun 29 Mar."""
    due = contact_due(london(2026, 3, 27, 10))
    assert due == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert due.astimezone(LONDON).time() == time(17, 0)


def test_deadline_across_the_autumn_clock_change_is_1700_gmt():
    """Fri 23 Oct 2026 (BST) → Tue 27 Oct 2026, after clocks go back on Sun 25 Oct."""
    due = contact_due(london(2026, 10, 23, 10))
    assert due == datetime(2026, 10, 27, 17, 0, tzinfo=UTC)


def test_report_time_given_in_utc_counts_from_the_london_date():
    """23:30 UTC on Thu 4 June 2026 is 00:30 BST on Friday 5 June: count from Friday."""
    reported = datetime(2026, 6, 4, 23, 30, tzinfo=UTC)
    assert local_date(reported) == date(2026, 6, 5)
    assert contact_due(reported) == london(2026, 6, 9, 17)


def test_close_of_working_day_is_aware_and_in_london():
    close = close_of_working_day(date(2026, 6, 9), time(17, 0))
    assert close.tzinfo is LONDON
    assert close == london(2026, 6, 9, 17)


def test_dartford_uses_the_same_2_working_day_default_as_dover():
    reported = london(2026, 12, 24, 15)
    assert (close_after_working_days(DARTFORD_2026, reported,
                                     DARTFORD_2026.victim_contact_working_days)
            == london(2026, 12, 30, 17))


# ---- "close of this or the next working day" (line manager, housing team) ----------------


def test_morning_report_on_a_working_day_is_due_at_close_that_day():
    assert close_of_this_or_next_working_day(DOVER_2025, london(2026, 6, 8, 9)) \
        == london(2026, 6, 8, 17)


def test_report_at_closing_time_is_due_at_close_of_next_working_day():
    assert close_of_this_or_next_working_day(DOVER_2025, london(2026, 6, 5, 17)) \
        == london(2026, 6, 8, 17)


def test_christmas_day_report_is_due_at_close_of_next_working_day():
    """Fri 25 Dec 2026 → Tue 29 Dec 2026 (28 Dec is the Boxing Day substitute)."""
    assert close_of_this_or_next_working_day(DOVER_2025, london(2026, 12, 25, 11)) \
        == london(2026, 12, 29, 17)


def test_working_days_left_skip_weekends_and_bank_holidays():
    """Deadlines on task lists are counted in working days ([guidance]; D 8.14)."""
    from aggregates.working_days import working_days_between

    assert working_days_between(date(2026, 11, 23), date(2026, 11, 25)) == 2  # Mon → Wed
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1  # Fri → Mon
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1  # Christmas
    assert working_days_between(date(2026, 11, 25), date(2026, 11, 23)) == -2  # overdue

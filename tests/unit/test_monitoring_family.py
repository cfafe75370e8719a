"""Reports sharing their totals are decided together (issue 17 item 3; `decide_family` in
monitoring/suppression.py, the family in monitoring/linked.py `SHARED_TOTAL`).

The Sanctuary referrals by referrer, by tenure, by household type and by each equality
answer count the same households, so a team's total of a month is the same in all of them
and is decided once. A report may find that its own parts cannot keep a count from being
worked out because the totals it must publish give it away: then the totals are hidden in
every report of the family, or another report would publish them."""

from __future__ import annotations

from datetime import date

from aggregates.report import Council
from monitoring.definitions import REPORTS
from monitoring.periods import Period, PeriodKind, ended_periods
from monitoring.reports import InMemoryReportSource, safe_report
from monitoring.suppression import Shape, decide_year
from tests.unit.whole_numbers import cell_sum, published, whole_number_range

REFERRERS = "sanctuary-referrers"  # the victim, another person, an agency
TENURE = "sanctuary-tenure"
TEAMS = 3
AFTER_Q1 = date(2026, 7, 1)
Q1 = Period(2026, PeriodKind.QUARTER, 0)
# Found by a reviewer: April to June by referrer (rows) and team (columns).
SPRING = {0: [[3, 5, 0], [5, 0, 6], [3, 5, 6]], 1: [[0, 0, 6], [0, 2, 4], [4, 0, 0]],
          2: [[0, 0, 0], [6, 2, 0], [2, 0, 0]]}


def by_tenure(table: list[list[int]]) -> list[list[int]]:
    """The same households by tenure: each team's first half in the first tenure, the rest
    in the second (so every month's team totals are the referrers' totals)."""
    totals = [sum(column) for column in zip(*table, strict=True)]
    rows = [[0] * TEAMS for _ in REPORTS[TENURE].rows]
    rows[0] = [total // 2 for total in totals]
    rows[1] = [total - total // 2 for total in totals]
    return rows


def spring_source() -> InMemoryReportSource:
    source = InMemoryReportSource({Council.DARTFORD: [f"T{t}" for t in range(TEAMS)]})
    for month, table in SPRING.items():
        source.counts[(REFERRERS, Council.DARTFORD, 2026, month)] = table
        source.counts[(TENURE, Council.DARTFORD, 2026, month)] = by_tenure(table)
    return source


def test_decided_alone_the_shared_totals_would_give_a_count_away() -> None:
    """Why the family is decided together: with the totals decided from the totals alone,
    the quarter's total of team 0 and of all teams, with the months, leave the quarter's
    "another person" count of team 1 (4) one whole number, though every part of the
    quarter is hidden."""
    periods = ended_periods(2026, AFTER_Q1)
    alone = decide_year(SPRING, Shape(3, TEAMS), periods, 5, shared_total=True)
    shown = [(Shape(3, TEAMS).variables(cell), value) for cell, value in alone.values.items()
             if cell not in alone.hidden]
    assert whole_number_range(shown, cell_sum(Q1.months, 1, 1, 3, TEAMS)) == (4, 4)


def test_a_total_that_would_give_a_count_away_is_hidden_in_every_report_sharing_it() -> None:
    """Issue 17 item 3: published for April, May, June and the quarter, the referrers
    report leaves every hidden count from 1 to 4 at least two whole numbers, and the
    tenure report (the same households) hides exactly the same totals."""
    source = spring_source()
    periods = ended_periods(2026, AFTER_Q1)
    referrers = [safe_report(source, REFERRERS, Council.DARTFORD, p, today=AFTER_Q1,
                             min_count=5) for p in periods]
    tenure = [safe_report(source, TENURE, Council.DARTFORD, p, today=AFTER_Q1, min_count=5)
              for p in periods]
    figures = published(referrers, TEAMS)
    for report in referrers:
        for row in range(3):
            for column in range(TEAMS + 1):
                counts = cell_sum(report.period.months, row, column, 3, TEAMS)
                true = sum(SPRING[m][r][c] for m, r, c in counts)
                if report.cells[row][column] is None and 0 < true < 5:
                    least, greatest = whole_number_range(figures, counts)
                    assert least < greatest, (report.period.label, row, column, true)
    assert [r.cells[-1] for r in referrers] == [r.cells[-1] for r in tenure]
    assert referrers[-1].cells[-1][0] is None  # the quarter's total of team 0: hidden now


def test_a_total_asked_for_that_the_months_give_anyway_is_shown() -> None:
    """Found by a reviewer: a quarter's total of team 1 asked hidden by the family while its
    months (7, 5 and 0) were all shown read "not shown" over 12, which anyone can add up.
    Hiding it protects nothing, so it is shown; the small 2 of team 0 in June stays hidden."""
    totals = {0: [[0, 7]], 1: [[0, 5]], 2: [[2, 0]]}
    periods = ended_periods(2026, AFTER_Q1)
    decision = decide_year(totals, Shape(1, 2), periods, 5, protect={(Q1, 0, 1)})
    assert (Q1, 0, 1) not in decision.hidden and decision.values[(Q1, 0, 1)] == 12
    assert (periods[2], 0, 0) in decision.hidden


def test_a_month_reads_the_same_whenever_it_is_asked_for() -> None:
    """Issue 17 item 3, over time: the family's decision is made over every ended period of
    the year, so each month and quarter must read as it did when it was first published (a
    later period changes nothing in an earlier one)."""
    source = spring_source()
    for month in range(3):
        period = Period(2026, PeriodKind.MONTH, month)
        first = date(2026, month + 5, 1)  # the day after the month ends
        for today in (first, AFTER_Q1, date(2026, 10, 1), date(2027, 4, 1)):
            for name in (REFERRERS, TENURE):
                assert safe_report(source, name, Council.DARTFORD, period, today=today,
                                   min_count=5).cells == safe_report(
                    source, name, Council.DARTFORD, period, today=first,
                    min_count=5).cells, (name, period.label, today)
    quarter = [safe_report(source, REFERRERS, Council.DARTFORD, Q1, today=today, min_count=5)
               for today in (AFTER_Q1, date(2027, 4, 1))]
    assert quarter[0].cells == quarter[1].cells

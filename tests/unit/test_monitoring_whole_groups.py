"""No equality report says what every household of a team answered (CAR equality monitoring;
issue 17 item 3, "safe small numbers"; the rule is "What everyone shares" in
monitoring/suppression.py).

Hiding counts from 1 to 4 is not enough: a team's column showing 7 households aged 25 to 34
and 0 in every other row tells each household's age. Each test publishes months and
quarters with `safe_report` and asks a whole-number solver (tests/unit/whole_numbers.py)
whether some table of counts >= 0 agreeing with every figure published puts an answer of
that column in another row, so nobody can say any one household gave the answer."""

from __future__ import annotations

import random
from datetime import date

import pytest

from aggregates.report import Council
from monitoring.definitions import REPORTS
from monitoring.exports import hidden_note, report_rows
from monitoring.linked import WHOLE_GROUPS, answer_rows
from monitoring.periods import Period, PeriodKind, ended_periods
from monitoring.reports import InMemoryReportSource, SafeReport, safe_report
from monitoring.suppression import Shape, decide_year
from tests.unit.whole_numbers import cell_sum, published, whole_number_range

JULY = Period(2026, PeriodKind.MONTH, 3)
AFTER_JULY = date(2026, 8, 1)
AGE = "equality-age"
ROWS = {code: i for i, (code, _) in enumerate(REPORTS[AGE].rows)}


Q2 = Period(2026, PeriodKind.QUARTER, 1)
AFTER_Q2 = date(2026, 10, 1)


def source_of(name: str, months: dict[int, list[list[int]]], teams: int) -> InMemoryReportSource:
    """Dartford with `teams` teams, and `months[month][row][team]` of report `name`."""
    source = InMemoryReportSource({Council.DARTFORD: [f"T{t}" for t in range(teams)]})
    for month, table in months.items():
        source.counts[(name, Council.DARTFORD, 2026, month)] = table
    return source


def publish(name: str, table: list[list[int]], min_count: int = 5, period: Period = JULY,
            today: date = AFTER_JULY) -> SafeReport:
    """The report `name` of `period` for two teams, from July's `table[row][team]` (other
    months: none)."""
    return safe_report(source_of(name, {3: table}, 2), name, Council.DARTFORD, period,
                       today=today, min_count=min_count)


def everything(name: str, months: dict[int, list[list[int]]], teams: int,
               today: date) -> list[SafeReport]:
    """Every report of `name` published up to `today` in the year: each month and quarter."""
    source = source_of(name, months, teams)
    return [safe_report(source, name, Council.DARTFORD, period, today=today, min_count=5)
            for period in ended_periods(2026, today)]


def age_table(columns: dict[str, tuple[int, ...]], teams: int = 2) -> list[list[int]]:
    """Rows of the age report by code: (team 0, team 1, ...); rows not named are 0."""
    return [list(columns.get(code, (0,) * teams)) for code in ROWS]


def columns_told(name: str, months: dict[int, list[list[int]]], teams: int,
                                today: date) -> list[str]:
    """The columns (of any period published up to `today`: a team's, or all teams') whose
    answers are truly all in one row and for which every table of whole numbers agreeing
    with everything published also has them all in that row; [] when there are none."""
    reports = everything(name, months, teams, today)
    figures = published(reports, teams)
    rows = len(REPORTS[name].rows)
    answers = sorted(answer_rows(name) or ())
    certain = []
    for report in reports:
        columns = range(teams + 1) if teams > 1 else range(1)
        for column in columns:
            def true(row: int, column: int = column, report: SafeReport = report) -> int:
                return sum(months.get(m, [[0] * teams] * rows)[row][t]
                           for m in report.period.months
                           for t in (range(teams) if column == teams else [column]))
            counts = {row: true(row) for row in answers}
            if not sum(counts.values()) or max(counts.values()) < sum(counts.values()):
                continue
            whole = max(counts, key=counts.__getitem__)
            others = frozenset().union(*(cell_sum(report.period.months, r, column, rows, teams)
                                         for r in answers if r != whole))
            if whole_number_range(figures, others)[1] < 1:
                certain.append(f"{report.period.label} column {column}")
    return certain


def test_a_team_whose_households_all_gave_one_age_does_not_show_it() -> None:
    """Team 0's 7 households are all 25 to 34: past the threshold of 5, the plain rule would
    show 7 beside zeros. The 7 is hidden with a zero among the other ages (35 to 44, the
    one with most households in the other team, so no row of zeros tells it), and some
    table agreeing with the report puts one of them elsewhere."""
    table = age_table({"25_34": (7, 3), "35_44": (0, 6), "not_given": (0, 6)})
    cells = publish(AGE, table).cells
    assert cells[ROWS["25_34"]][0] is None and cells[ROWS["35_44"]][0] is None
    assert columns_told(AGE, {3: table}, 2, AFTER_JULY) == []
    # What stays shown is true, and the teams' totals are still published.
    truth = [(a, b, a + b) for a, b in table] + [(7, 15, 22)]
    assert all(shown in (None, true) for row, true_row in zip(cells, truth, strict=True)
               for shown, true in zip(row, true_row, strict=True))
    assert cells[-1] == (7, 15, 22)


def test_the_same_figures_in_a_report_not_about_characteristics_are_shown() -> None:
    """The rule is for people's characteristics (equality, communication needs): tenure of
    7 households all council tenants is shown, and with no threshold (1) nothing is hidden."""
    assert "sanctuary-tenure" not in WHOLE_GROUPS and AGE in WHOLE_GROUPS
    tenure = [[7, 6], [0, 6], *([[0, 0]] * (len(REPORTS["sanctuary-tenure"].rows) - 2))]
    assert publish("sanctuary-tenure", tenure).cells[:2] == ((7, 6, 13), (0, 6, 6))
    table = age_table({"25_34": (7, 6), "35_44": (0, 6)})
    assert publish(AGE, table).cells[ROWS["25_34"]][0] is None
    assert publish(AGE, table, min_count=1).cells[ROWS["25_34"]] == (7, 6, 13)


def test_when_both_teams_answered_alike_the_council_column_says_nothing_either() -> None:
    table = age_table({"45_54": (6, 8)})
    assert columns_told(AGE, {3: table}, 2, AFTER_JULY) == []


def test_a_team_with_no_answers_at_all_is_shown_and_one_answer_among_not_given_is_not() -> None:
    """"Not given" and "prefer not to say" are not answers: a team whose 6 households all
    gave none tells nothing about any of them and is shown as it is; a team whose every
    answer is 25 to 34, with 5 preferring not to say, tells each answer given and is
    hidden."""
    table = age_table({"not_given": (6, 0), "prefer_not_to_say": (0, 5), "25_34": (0, 6)})
    cells = publish(AGE, table).cells
    assert [cells[ROWS[code]][0] for code in ("not_given", "prefer_not_to_say", "25_34")] \
        == [6, 0, 0]
    assert cells[ROWS["25_34"]][1] is None
    assert columns_told(AGE, {3: table}, 2, AFTER_JULY) == []


def test_zeros_across_a_whole_row_are_no_cover_for_a_whole_column() -> None:
    """Found by a reviewer: with the companion zero taken from a row of zeros ("not given"
    first, later any last zero), the row's shown total of 0 told that the zero was 0, and so
    that the whole column was in one row. Two months, a quarter, three teams."""
    months = {3: age_table({"25_34": (7, 6, 0), "35_44": (0, 0, 8)}, teams=3),
              4: age_table({"25_34": (6, 0, 0), "35_44": (0, 6, 0)}, teams=3)}
    assert columns_told(AGE, months, 3, AFTER_Q2) == []


def test_a_quarters_all_teams_column_gives_away_nothing_over_its_months() -> None:
    """Found by a reviewer: two teams, July 25 to 34 (6, 6) and 35 to 44 (6, 0), August
    25 to 34 (6, 0) and 35 to 44 (0, 6); published for July, August and the quarter, the
    quarter's "Not given" of all teams showed 0 and covered nothing."""
    months = {3: age_table({"25_34": (6, 6), "35_44": (6, 0)}),
              4: age_table({"25_34": (6, 0), "35_44": (0, 6)})}
    assert columns_told(AGE, months, 2, AFTER_Q2) == []


def test_a_protected_zero_is_never_pinned_by_counts_being_never_negative() -> None:
    """Found by a search against the rule as first built: June's second row was 0 for all
    three teams, shown as 0 in total, so the zero hidden as company for a whole column was
    known to be 0. Every hidden small count and every protected cell of the three months
    can still be two whole numbers."""
    monthly = {0: [[1, 6, 0], [11, 11, 7], [1, 0, 3]], 1: [[0, 7, 0], [11, 2, 0], [11, 0, 7]],
               2: [[0, 6, 0], [0, 0, 0], [6, 6, 3]]}
    periods = ended_periods(2026, date(2026, 7, 1))
    decision = decide_year(monthly, Shape(3, 3), periods, 5, answers=frozenset(range(3)))
    shape = decision.shape
    shown = [(shape.variables(cell), value) for cell, value in decision.values.items()
             if cell not in decision.hidden]
    guarded = [cell for cell in decision.hidden if decision.guarded(cell)]
    assert (periods[2], 2, 0) in decision.protected  # June: team 0 all 6 in the last row
    for cell in guarded:
        least, greatest = whole_number_range(shown, shape.variables(cell))
        assert least < greatest, f"{cell} = {decision.values[cell]} is pinned"


@pytest.mark.parametrize("seed", range(30))
def test_no_column_of_any_equality_report_is_all_one_answer_for_certain(seed: int) -> None:
    """Random summers of a random equality report, two or three teams, two answers and "not
    given" used so that whole columns are common: published for July, August, September and
    the quarter, no column of any of them is all of one answer for certain."""
    rng = random.Random(seed)
    name = rng.choice(sorted(WHOLE_GROUPS))
    rows = len(REPORTS[name].rows)
    teams = rng.choice((2, 3))
    used = [*rng.sample(sorted(answer_rows(name) or ()), 2), rows - 1]
    months = {}
    for month in (3, 4, 5):
        table = [[0] * teams for _ in range(rows)]
        for team in range(teams):
            whole = rng.random() < 0.5
            for _ in range(rng.randint(0, 9)):
                table[used[0] if whole else rng.choice(used)][team] += 1
        months[month] = table
    assert columns_told(name, months, teams, AFTER_Q2) == []


def test_the_files_note_says_why_a_larger_figure_of_an_equality_report_is_not_shown() -> None:
    table = age_table({"25_34": (7, 6), "35_44": (0, 6)})
    notes = [row for row in report_rows(publish(AGE, table), made_on=AFTER_JULY)
             if row and "not shown" in str(row[0]).lower()]
    assert notes == [[hidden_note(5, AGE)]]
    assert "every household of a team that answered gave the same answer" in hidden_note(5, AGE)
    assert "same answer" not in hidden_note(5, "sanctuary-tenure")
    assert "same answer" not in hidden_note(1, AGE)  # no threshold, nothing hidden for it

"""No equality report says what every household of a team answered (CAR equality monitoring;
issue 17 item 3, "safe small numbers"; the rule is "What everyone shares" in
monitoring/suppression.py).

Hiding counts from 1 to 4 is not enough: a team's column showing 7 households aged 25 to 34
and 0 in every other row tells each household's age. Each test publishes a month with
`safe_report` and then searches every table of whole numbers that agrees with every figure
published: some such table must put a household of that column in another row, so nobody
can say any one household gave the answer."""

from __future__ import annotations

import random
from datetime import date
from itertools import product

import pytest

from aggregates.report import Council
from monitoring.definitions import REPORTS
from monitoring.exports import hidden_note, report_rows
from monitoring.linked import WHOLE_GROUPS
from monitoring.periods import Period, PeriodKind
from monitoring.reports import InMemoryReportSource, SafeReport, safe_report

JULY = Period(2026, PeriodKind.MONTH, 3)
AFTER_JULY = date(2026, 8, 1)
AGE = "equality-age"
ROWS = {code: i for i, (code, _) in enumerate(REPORTS[AGE].rows)}


def publish(name: str, table: list[list[int]], min_count: int = 5, period: Period = JULY,
            today: date = AFTER_JULY) -> SafeReport:
    """The report `name` of `period` for two teams, from July's `table[row][team]` (other
    months: none)."""
    source = InMemoryReportSource({Council.DARTFORD: ["T0", "T1"]})
    source.counts[(name, Council.DARTFORD, 2026, 3)] = table
    return safe_report(source, name, Council.DARTFORD, period, today=today,
                       min_count=min_count)


def together(*reports: SafeReport) -> SafeReport:
    """What several reports of the same counts publish together: each cell shown in any."""
    cells = tuple(tuple(next((row[c] for row in rows if row[c] is not None), None)
                        for c in range(len(rows[0])))
                  for rows in zip(*(r.cells for r in reports), strict=True))
    return SafeReport(reports[0].definition, reports[0].council, reports[0].period,
                      reports[0].row_labels, reports[0].column_labels, cells, (),
                      reports[0].min_count)


def age_table(columns: dict[str, tuple[int, int]]) -> list[list[int]]:
    """Rows of the age report by code: (team 0, team 1); rows not named are 0."""
    return [list(columns.get(code, (0, 0))) for code in ROWS]


def someone_else_possible(report: SafeReport, column: int, row: int, bound: int) -> bool:
    """Whether some table of whole numbers from 0 to `bound` agrees with every published
    figure of `report` (two teams, a total row and an "All teams" column) and puts a
    household of `column` (0, 1, or 2 for all teams) in a row other than `row`."""
    parts = len(report.cells) - 1
    states = {(0, 0, False)}
    for r in range(parts):
        shown0, shown1, shown_all = report.cells[r]
        pairs = [(a, b) for a, b in product(range(bound + 1), repeat=2)
                 if shown0 in (None, a) and shown1 in (None, b)
                 and shown_all in (None, a + b)]
        states = {(s0 + a, s1 + b, flag or (r != row and (a, b, a + b)[column] > 0))
                  for s0, s1, flag in states for a, b in pairs
                  if s0 + a <= bound and s1 + b <= bound}
    total0, total1, total_all = report.cells[parts]
    return any(flag for s0, s1, flag in states if total0 in (None, s0)
               and total1 in (None, s1) and total_all in (None, s0 + s1))


def test_a_team_whose_households_all_gave_one_age_does_not_show_it() -> None:
    """Team 0's 7 households are all 25 to 34: past the threshold of 5, the plain rule would
    show 7 beside zeros. The 7 is hidden with a zero of the column ("not given", the last),
    and some table agreeing with the report puts one of them elsewhere."""
    table = age_table({"25_34": (7, 3), "35_44": (0, 6), "not_given": (0, 6)})
    report = publish(AGE, table)
    cells = report.cells
    assert cells[ROWS["25_34"]][0] is None and cells[ROWS["not_given"]][0] is None
    assert someone_else_possible(report, column=0, row=ROWS["25_34"], bound=20)
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
    report = publish(AGE, table)
    for column in (0, 1, 2):
        assert someone_else_possible(report, column=column, row=ROWS["45_54"], bound=20)


@pytest.mark.parametrize("seed", range(40))
def test_no_column_of_any_equality_report_is_all_one_answer_for_certain(seed: int) -> None:
    """Random Julys of a random equality report, two teams, two answers used so that
    whole columns are common, and one team always all of one answer: wherever a true column
    (a team's or all teams') is all of one answer, the report leaves another possible."""
    rng = random.Random(seed)
    name = rng.choice(sorted(WHOLE_GROUPS))
    rows = len(REPORTS[name].rows)
    used = rng.sample(range(rows), 2)
    whole_team = rng.randrange(2)
    table = [[0, 0] for _ in range(rows)]
    table[used[0]][whole_team] = rng.randint(1, 9)
    for _ in range(rng.randint(0, 9)):
        table[rng.choice(used)][1 - whole_team] += 1
    # July, and the quarter July to September once it has ended (August and September had
    # no referrals and show only zeros, so the quarter's cells are July's: both are read).
    after_q2 = date(2026, 10, 1)
    months = [publish(name, table, period=Period(2026, PeriodKind.MONTH, m), today=after_q2)
              for m in (3, 4, 5)]
    assert all(v == 0 for month in months[1:] for row in month.cells for v in row)
    report = together(months[0], publish(name, table, period=Period(2026, PeriodKind.QUARTER,
                                                                   1), today=after_q2))
    for column in (0, 1, 2):
        counts = [table[r][0] + table[r][1] if column == 2 else table[r][column]
                  for r in range(rows)]
        if sum(counts) and max(counts) == sum(counts):
            assert someone_else_possible(report, column, counts.index(sum(counts)), bound=16)


def test_the_files_note_says_why_a_larger_figure_of_an_equality_report_is_not_shown() -> None:
    table = age_table({"25_34": (7, 6), "35_44": (0, 6)})
    notes = [row for row in report_rows(publish(AGE, table), made_on=AFTER_JULY)
             if row and "not shown" in str(row[0]).lower()]
    assert notes == [[hidden_note(5, AGE)]]
    assert "every household of a team gave the same answer" in hidden_note(5, AGE)
    assert "same answer" not in hidden_note(5, "sanctuary-tenure")
    assert "same answer" not in hidden_note(1, AGE)  # no threshold, nothing hidden for it

"""Safe numbers (issue 17 item 3): no count from 1 to 4 can be read or worked out from one
report, from two overlapping ones, or from every report of a financial year together.

The attacker here is written independently of `monitoring.suppression`: it builds each
published figure's sum of monthly counts itself and decides what follows from them by
Gaussian elimination modulo a large prime (a different arithmetic from the module's exact
rationals), and it also tries the plain attacks one by one: every pair of nested periods
and every row or column against its total."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

from hypothesis import example, given, settings
from hypothesis import strategies as st

from monitoring.periods import Period, PeriodKind, ended_periods
from monitoring.suppression import Decision, Shape, decide_year
from tests.unit.whole_numbers import whole_number_range

PRIME = 2**61 - 1
MIN = 5
YEAR = 2026


def sum_of(period: Period, row: int, column: int, rows: int, columns: int) -> frozenset:
    """The monthly counts one published cell adds up (row == rows: the total row)."""
    rs = range(rows) if row == rows else [row]
    cs = range(columns) if column == columns else [column]
    return frozenset((m, r, c) for m in period.months for r in rs for c in cs)


class Attacker:
    """Everything the published sums give: their row-reduced form modulo a large prime."""

    def __init__(self, published: list[frozenset], variables: list) -> None:
        self.index = {v: i for i, v in enumerate(variables)}
        self.basis: dict[int, list[int]] = {}  # pivot column → row with 1 there
        for vector in published:
            row = self._reduce(self._row(vector))
            pivot = next((i for i, x in enumerate(row) if x), None)
            if pivot is not None:
                inverse = pow(row[pivot], PRIME - 2, PRIME)
                self.basis[pivot] = [x * inverse % PRIME for x in row]

    def _row(self, vector: frozenset) -> list[int]:
        row = [0] * len(self.index)
        for v in vector:
            row[self.index[v]] = 1
        return row

    def _reduce(self, row: list[int]) -> list[int]:
        for pivot, base in sorted(self.basis.items()):
            if row[pivot]:
                factor = row[pivot]
                row = [(a - factor * b) % PRIME for a, b in zip(row, base, strict=True)]
        return row

    def knows(self, target: frozenset) -> bool:
        """Is `target` a linear combination of the published sums?"""
        return not any(self._reduce(self._row(target)))


def figures(decision: Decision, rows: int, columns: int):
    """(cell, its sum, its count, shown?) for every cell of every decided period."""
    for cell, value in decision.values.items():
        period, r, c = cell
        yield cell, sum_of(period, r, c, rows, columns), value, cell not in decision.hidden


def counts_strategy(rows: int, columns: int):
    value = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 7, 11, 30])
    return st.lists(st.lists(st.lists(value, min_size=columns, max_size=columns),
                             min_size=rows, max_size=rows), min_size=12, max_size=12)


shapes = st.tuples(st.integers(1, 3), st.integers(1, 3))
cases = shapes.flatmap(lambda shape: st.tuples(st.just(shape), counts_strategy(*shape)))


# Found by a search with the audit (rule 2) switched off: rule 1 alone let the 3 of
# December's first cell follow from the year's figures.
CHAIN = [[[11, 11, 0], [30, 2, 30], [11, 3, 3]], [[0, 0, 6], [30, 6, 0], [4, 0, 5]],
         [[1, 0, 3], [5, 5, 0], [0, 11, 11]], [[0, 5, 11], [4, 7, 3], [7, 2, 0]],
         [[3, 0, 0], [0, 11, 7], [0, 2, 5]], [[3, 11, 3], [1, 0, 4], [4, 4, 1]],
         [[5, 5, 6], [7, 5, 30], [11, 30, 7]], [[0, 11, 7], [3, 5, 30], [2, 3, 5]],
         [[3, 7, 3], [7, 4, 0], [5, 11, 4]], [[0, 5, 11], [11, 30, 1], [0, 30, 30]],
         [[4, 6, 4], [30, 4, 11], [3, 6, 0]], [[11, 0, 30], [0, 4, 3], [30, 6, 3]]]


@settings(max_examples=100, deadline=None)
@given(case=cases, months_ended=st.integers(1, 12))
@example(case=((3, 3), CHAIN), months_ended=12)
def test_no_small_count_follows_from_all_the_years_reports_together(case, months_ended):
    """Issue 17 item 3: every published figure of the year at once (months, quarters, the
    year, every row, column and total) gives no count from 1 to 4 exactly."""
    (rows, columns), monthly = case
    counts = dict(enumerate(monthly))
    today = Period(YEAR, PeriodKind.MONTH, months_ended - 1).last_day + timedelta(days=1)
    decision = decide_year(counts, Shape(rows, columns), ended_periods(YEAR, today), MIN)
    found = list(figures(decision, rows, columns))
    variables = sorted({v for _, s, _, _ in found for v in s})
    attacker = Attacker([s for _, s, _, shown in found if shown], variables)
    for cell, target, value, shown in found:
        if 0 < value < MIN:
            assert not shown, f"{cell} = {value} is shown"
            assert not attacker.knows(target), f"{cell} = {value} follows"


@settings(max_examples=60, deadline=None)
@given(case=cases)
def test_no_pair_of_nested_periods_or_total_gives_a_small_count(case):
    """Issue 17 item 3: the plain attacks one at a time. For each shown figure, take away
    one other shown figure it contains (a quarter less a month, a year less a quarter, a
    total less a row), or take away all the shown parts of a group at once; no result is a
    hidden count from 1 to 4."""
    (rows, columns), monthly = case
    counts = dict(enumerate(monthly))
    decision = decide_year(counts, Shape(rows, columns), ended_periods(YEAR, date(YEAR + 1, 4, 1)),
                           MIN)
    found = list(figures(decision, rows, columns))
    shown = {s: v for _, s, v, is_shown in found if is_shown}
    small_hidden = {s: (cell, v) for cell, s, v, is_shown in found
                    if not is_shown and 0 < v < MIN}
    for big, small in product(shown, shown):
        if small < big:
            assert big - small not in small_hidden, small_hidden.get(big - small)
    for big in shown:
        inside = [s for s in shown if s < big]
        union: frozenset = frozenset().union(*inside) if inside else frozenset()
        if sum(len(s) for s in inside) == len(union):  # disjoint parts: their sum is known
            assert big - union not in small_hidden, small_hidden.get(big - union)


def test_one_small_cell_in_a_table_hides_a_rectangle_of_four():
    """Issue 17 item 3 (within one table): a 2 beside bigger counts hides itself, one more
    cell in its row, one in its column and the one that closes the rectangle, the smallest
    counts each time; the totals stay shown."""
    april = {0: [[2, 10, 40], [9, 30, 50]]}
    periods = [Period(YEAR, PeriodKind.MONTH, 0)]
    decision = decide_year(april, Shape(2, 3), periods, MIN)
    hidden = sorted((r, c) for _, r, c in decision.hidden)
    assert hidden == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_a_month_shown_in_may_is_shown_the_same_way_at_the_year_end():
    """Issue 17 item 3, over time: a period is decided once, when it ends, so what was shown
    earlier in the year is never contradicted (and so never combined with a later,
    different, suppression of the same cells)."""
    counts = {m: [[(m * 7 + r * 3 + c) % 9 for c in range(2)] for r in range(3)]
              for m in range(12)}
    early = decide_year(counts, Shape(3, 2), ended_periods(YEAR, date(YEAR, 6, 1)), MIN)
    late = decide_year(counts, Shape(3, 2), ended_periods(YEAR, date(YEAR + 1, 4, 1)), MIN)
    assert {c for c in late.hidden if c[0] in early.decided} == early.hidden


def test_zero_is_shown_and_sensitive_counts_are_always_hidden():
    """Issue 17 item 3: 0 says nobody and is shown; 1 to 4 are never shown; 5 is."""
    april = {0: [[0, 5], [5, 0]]}
    decision = decide_year(april, Shape(2, 2), [Period(YEAR, PeriodKind.MONTH, 0)], MIN)
    assert decision.hidden == set()
    april = {0: [[4, 5], [5, 6]]}
    decision = decide_year(april, Shape(2, 2), [Period(YEAR, PeriodKind.MONTH, 0)], MIN)
    assert (Period(YEAR, PeriodKind.MONTH, 0), 0, 0) in decision.hidden


@settings(max_examples=60, deadline=None)
@given(case=cases, months_ended=st.integers(1, 12))
def test_no_small_count_is_left_one_whole_number_knowing_counts_are_never_negative(
        case, months_ended):
    """Issue 17 item 3: a reader also knows that counts are whole and never negative (a
    shown total of 0 says each hidden count in it is 0). Over every table of whole numbers
    >= 0 agreeing with every figure of the year so far, each hidden count from 1 to 4 can
    still be at least two values."""
    (rows, columns), monthly = case
    today = Period(YEAR, PeriodKind.MONTH, months_ended - 1).last_day + timedelta(days=1)
    decision = decide_year(dict(enumerate(monthly)), Shape(rows, columns),
                           ended_periods(YEAR, today), MIN)
    found = list(figures(decision, rows, columns))
    shown = [(target, value) for _, target, value, is_shown in found if is_shown]
    for cell, target, value, _ in found:
        if 0 < value < MIN:
            least, greatest = whole_number_range(shown, target)
            assert least < greatest, f"{cell} = {value} is pinned"


def test_a_total_a_reader_can_add_up_is_shown_not_hidden():
    """Found by a reviewer: June's 4 hides June's and the quarter's total of all teams, and
    the quarter's total of team 0 was hidden beside them though its months (0, 8 and 0) are
    all shown. A figure anyone can add up hides nothing, so it is shown; the 4 stays hidden
    and cannot be worked out."""
    totals = {0: [[0, 0]], 1: [[8, 0]], 2: [[0, 4]]}
    periods = ended_periods(YEAR, date(YEAR, 7, 1))
    decision = decide_year(totals, Shape(1, 2), periods, MIN)
    quarter = periods[-1]
    assert (quarter, 0, 0) not in decision.hidden and decision.values[(quarter, 0, 0)] == 8
    assert (quarter, 0, 1) in decision.hidden and (periods[2], 0, 1) in decision.hidden
    shown = [(target, value) for _, target, value, is_shown in figures(decision, 1, 2)
             if is_shown]
    least, greatest = whole_number_range(shown, sum_of(quarter, 0, 1, 1, 2))
    assert least < greatest

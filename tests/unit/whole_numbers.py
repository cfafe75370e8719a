"""An attacker for the safe-numbers tests (issue 17 item 3), written apart from the service's
own audit (monitoring/bounds.py, which solves over real numbers): it asks a mixed-integer
solver (HiGHS, through `scipy.optimize.milp`) for the least and greatest *whole number* a
hidden sum can be, over every table of counts >= 0 that agrees with every published figure.

Shapes: a figure is (frozenset of variables, its value); a variable is any hashable (a
monthly count: (month, row, team)); a published report's cell of row `rows` is its total row
and of column `teams` its "All teams" column."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from monitoring.reports import SafeReport

Figure = tuple[frozenset, int]
_LARGE = 10_000


def whole_number_range(figures: Sequence[Figure], target: Iterable[Hashable]) -> tuple[int, float]:
    """(least, greatest) the sum of `target` can be; greatest is `math.inf` if unbounded
    (any count reaching `_LARGE`, far above any test's counts, is taken as unbounded)."""
    target = set(target)
    index = {v: i for i, v in enumerate(sorted({v for s, _ in figures for v in s} | target))}
    matrix = np.zeros((len(figures), len(index)))
    for row, (variables, _) in enumerate(figures):
        matrix[row, [index[v] for v in variables]] = 1
    values = np.array([value for _, value in figures], dtype=float)
    objective = np.zeros(len(index))
    objective[[index[v] for v in target]] = 1
    found = []
    for sign in (1, -1):
        result = milp(sign * objective, integrality=np.ones(len(index)),
                      bounds=Bounds(0, _LARGE),
                      constraints=[LinearConstraint(matrix, values, values)] if figures else ())
        assert result.status == 0, result.message
        found.append(round(sign * result.fun))
    if found[1] >= _LARGE:
        found[1] = math.inf
    return int(found[0]), found[1]


def cell_sum(period_months: Iterable[int], row: int, column: int, rows: int,
             teams: int) -> frozenset:
    """The monthly counts one published cell adds up."""
    rs = range(rows) if row == rows else [row]
    cs = range(teams) if column == teams else [column]
    return frozenset((m, r, c) for m in period_months for r in rs for c in cs)


def published(reports: Iterable[SafeReport], teams: int) -> list[Figure]:
    """Every figure the `reports` show: their cells, and each month's total of the chart."""
    figures: list[Figure] = []
    for report in reports:
        rows = len(report.definition.rows)
        months = report.period.months
        for r, line in enumerate(report.cells):
            for c, value in enumerate(line):
                if value is not None:
                    figures.append((cell_sum(months, r, c, rows, teams), value))
        grand = (rows if rows > 1 else 0, teams if teams > 1 else 0)
        for month, (_, value) in zip(months if report.months else (), report.months,
                                     strict=True):
            if value is not None:
                figures.append((cell_sum([month], *grand, rows, teams), value))
    return figures

"""What published figures say about a hidden one, knowing that counts are never negative.

Someone holding every published figure knows more than the linear combinations of them
(`monitoring.linear_span`): every count is 0 or more, so a shown total of 0 says each of its
parts is 0, and a hidden cell in a row whose shown parts leave little room is bounded by
that room. The tightest bounds anyone can put on a hidden sum are the minimum and the
maximum of that sum over every table of counts >= 0 that agrees with every published
figure: two linear programs. A hidden figure is *pinned* when those bounds leave one whole
number, so it can be read exactly. This is the audit of tau-Argus ("feasibility intervals");
the programs are solved by HiGHS through SciPy (`scipy.optimize.linprog`).

The relaxation to real numbers can only widen the bounds of whole numbers, so the audit
rounds them inward (the minimum up, the maximum down) before comparing: a range from 2.5 to
3.4 holds only 3, and is pinned.

Most of a year's figures fix counts outright (a shown month's cell is one count; a shown 0
makes each of its counts 0), so those are taken out first, by the same reasoning anyone
would do by hand; a count left in no figure at all can be anything, and a sum holding it is
never pinned. Only what remains goes to the solver.

Shapes: a variable is any sortable hashable (a tuple of ints here: one monthly count); a sum
is a frozenset of variables, each with coefficient 1; a figure is (sum, its value).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

# HiGHS solves to a tolerance of about 1e-7; anything closer to a whole number is that number.
_TOLERANCE = 1e-6

Figure = tuple[frozenset[Hashable], int]


class Bounds:
    """The range of any sum over the tables of counts >= 0 that agree with `published`.

    Raises `ValueError` if the published figures contradict each other (no table agrees):
    they are all sums of one set of counts, so that is a bug, never a reader's input."""

    def __init__(self, published: Sequence[Figure]) -> None:
        self.known: dict[Hashable, int] = {}
        self._figures = _fix_what_follows(published, self.known)
        self._index: dict[Hashable, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        for row, (variables, _) in enumerate(self._figures):
            for variable in variables:
                rows.append(row)
                columns.append(self._index.setdefault(variable, len(self._index)))
        self._matrix = csr_array((np.ones(len(rows)), (rows, columns)),
                                 shape=(len(self._figures), len(self._index)))
        self._values = np.array([value for _, value in self._figures], dtype=float)
        self._tables: list[np.ndarray] = []  # tables agreeing with every figure, from the solver

    def range_of(self, variables: Iterable[Hashable]) -> tuple[int, float]:
        """(least, greatest) whole number the sum of `variables` can be; the greatest is
        `math.inf` if nothing published bounds it (a count no figure includes)."""
        wanted = set(variables)
        fixed = sum(self.known[v] for v in wanted if v in self.known)
        free = {v for v in wanted if v not in self.known}
        bounded = free & self._index.keys()
        least = fixed + (math.ceil(self._solve(bounded, 1.0) - _TOLERANCE) if bounded else 0)
        if free - bounded:
            return least, math.inf
        greatest = fixed + (math.floor(-self._solve(bounded, -1.0) + _TOLERANCE)
                            if bounded else 0)
        return least, greatest

    def pinned(self, variables: Iterable[Hashable], value: int) -> bool:
        """True if the published figures leave the sum of `variables`, whose true count is
        `value`, no other whole number. (The true count is possible, so one program is
        enough unless the sum cannot be more.)"""
        wanted = set(variables)
        free = {v for v in wanted if v not in self.known}
        if not free:
            return True
        if free - self._index.keys():
            return False  # a count no published figure holds: it can be anything
        fixed = sum(self.known[v] for v in wanted if v in self.known)
        columns = [self._index[v] for v in free]
        if any(abs(table[columns].sum() + fixed - value) >= 1 - _TOLERANCE
               for table in self._tables):
            return False  # a table the solver found for another sum gives this one another value
        if fixed + math.floor(-self._solve(free, -1.0) + _TOLERANCE) > value:
            return False
        return fixed + math.ceil(self._solve(free, 1.0) - _TOLERANCE) >= value

    def _solve(self, variables: set[Hashable], sign: float) -> float:
        objective = np.zeros(len(self._index))
        for variable in variables:
            objective[self._index[variable]] = sign
        result = linprog(objective, A_eq=self._matrix, b_eq=self._values, bounds=(0, None),
                         method="highs")
        if result.status != 0:
            raise ValueError(f"the published figures admit no table of counts: {result.message}")
        self._tables.append(result.x)
        return float(result.fun)


def _fix_what_follows(published: Sequence[Figure], known: dict[Hashable, int]) -> list[Figure]:
    """Record in `known` every count the figures fix on their own (a figure of one unknown
    count; a figure of 0, whose counts are all 0) until nothing more follows, and return
    the figures left over, less what is known, that still hold two or more unknowns."""
    figures = list(published)
    while True:
        left: list[Figure] = []
        progress = False
        for variables, value in figures:
            unknown = frozenset(v for v in variables if v not in known)
            rest = value - sum(known[v] for v in variables if v in known)
            if not unknown:
                continue
            if rest == 0 or len(unknown) == 1:
                known.update({v: rest if len(unknown) == 1 else 0 for v in unknown})
                progress = True
            else:
                left.append((unknown, rest))
        if not progress:
            return left
        figures = left

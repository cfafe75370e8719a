"""Exact test of what published sums give away: is a hidden sum a linear combination of
published ones?

A published figure is a sum of unknown counts (the variables: one count per month, row and
column of a report). Someone holding every published figure can add and subtract them in any
way, so a hidden figure is recoverable exactly when its sum lies in the linear span of the
published sums over the rationals. `Span` answers that with exact arithmetic (`Fraction`),
by sparse Gaussian elimination: each row's pivot is its greatest variable, so reducing a
vector only ever introduces smaller variables and ends.

Shapes: a variable is any sortable hashable (a tuple of ints here); a sum is a frozenset of
variables, each with coefficient 1, or a mapping of variables to whole-number coefficients
(a known relation between counts, such as two reports' equal totals: +1 and -1).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from typing import Any

Vector = dict[Any, Fraction]


class Span:
    """The linear span of the sums given, over the rationals."""

    def __init__(self, sums: Iterable[Iterable[Hashable] | Mapping[Any, int]] = ()) -> None:
        self._rows: dict[Any, Vector] = {}  # pivot variable → row, pivot coefficient 1
        for found in sums:
            self.add(found)

    @property
    def rank(self) -> int:
        return len(self._rows)

    def _reduce(self, variables: Iterable[Hashable] | Mapping[Any, int]) -> Vector:
        vector: Vector = ({v: Fraction(c) for v, c in variables.items() if c}
                          if isinstance(variables, Mapping)
                          else {v: Fraction(1) for v in variables})
        pivots = sorted((v for v in vector if v in self._rows), reverse=True)
        while pivots:
            pivot = pivots[0]
            factor = vector.pop(pivot)
            for var, coefficient in self._rows[pivot].items():
                if var == pivot:
                    continue
                value = vector.get(var, Fraction(0)) - factor * coefficient
                if value:
                    vector[var] = value
                else:
                    vector.pop(var, None)
            pivots = sorted((v for v in vector if v in self._rows), reverse=True)
        return vector

    def add(self, variables: Iterable[Hashable] | Mapping[Any, int]) -> bool:
        """Add a published sum; True if it told something the others did not."""
        vector = self._reduce(variables)
        if not vector:
            return False
        pivot = max(vector)
        scale = vector[pivot]
        self._rows[pivot] = {v: c / scale for v, c in vector.items()}
        return True

    def contains(self, variables: Iterable[Hashable] | Mapping[Any, int]) -> bool:
        """True if the sum of `variables` follows exactly from the sums added."""
        return not self._reduce(variables)

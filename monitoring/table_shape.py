"""The shape of a monitoring report's table and the groups of its cells that add up (rule 1
of monitoring/suppression.py): rows are categories, columns teams, with a total row and a
total column where there is more than one to add up, and over time a quarter's cells are
the sums of its months' and a year's of its quarters'.

Shapes: a cell is (period, row, column) with row == `rows` the total row and column ==
`columns` the total column; a variable is (month, row, column) of one monthly count."""

from __future__ import annotations

from dataclasses import dataclass

from monitoring.periods import Period, PeriodKind

Cell = tuple[Period, int, int]


@dataclass(frozen=True)
class Group:
    parts: tuple[Cell, ...]
    total: Cell


@dataclass(frozen=True)
class Shape:
    """The parts of a table: `rows` categories by `columns` teams (totals are added)."""

    rows: int
    columns: int

    @property
    def row_indices(self) -> range:
        return range(self.rows + 1 if self.rows > 1 else 1)

    @property
    def column_indices(self) -> range:
        return range(self.columns + 1 if self.columns > 1 else 1)

    def cells(self, period: Period) -> list[Cell]:
        return [(period, r, c) for r in self.row_indices for c in self.column_indices]

    def variables(self, cell: Cell) -> frozenset[tuple[int, int, int]]:
        """The monthly counts a cell adds up: (month, row, column) of the parts."""
        period, row, column = cell
        rows = range(self.rows) if row == self.rows else (row,)
        columns = range(self.columns) if column == self.columns else (column,)
        return frozenset((m, r, c) for m in period.months for r in rows for c in columns)

    def groups(self, period: Period) -> list[Group]:
        """The groups of rule 1 whose total is a cell of `period`."""
        found: list[Group] = []
        if self.columns > 1:
            found += [Group(tuple((period, r, c) for c in range(self.columns)),
                            (period, r, self.columns)) for r in self.row_indices]
        if self.rows > 1:
            found += [Group(tuple((period, r, c) for r in range(self.rows)),
                            (period, self.rows, c)) for c in self.column_indices]
        children = _children(period)
        if children:
            found += [Group(tuple((child, r, c) for child in children), (period, r, c))
                      for r in self.row_indices for c in self.column_indices]
        return found


def _children(period: Period) -> list[Period]:
    if period.kind is PeriodKind.QUARTER:
        return [Period(period.year, PeriodKind.MONTH, m) for m in period.months]
    if period.kind is PeriodKind.YEAR:
        return [Period(period.year, PeriodKind.QUARTER, q) for q in range(4)]
    return []

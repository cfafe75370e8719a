"""Monitoring reports: what each one counts, where the counts come from (`ReportSource`),
and one report made safe for a council and a period (`safe_report`).

A report is a table of counts: its rows are the categories of its definition, its columns
the council's teams and "All teams". Counts come monthly from a `ReportSource`; the report
of a quarter or a year is their sum, and the cells hidden are those decided for the whole
financial year so far (`monitoring.suppression`), so every page, chart and export of the
same period shows the same figures and hides the same cells.

Errors: `PeriodError` for a period not offered (not one of the grid, or not ended yet),
`UnknownReport` for a report name not defined.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from aggregates.report import Council
from monitoring.definitions import REPORTS as REPORTS
from monitoring.definitions import ChartKind as ChartKind
from monitoring.definitions import ReportDefinition as ReportDefinition
from monitoring.family import decide_family
from monitoring.linked import COARSER, SEPARATE_MEASURES, SHARED_TOTAL, answer_rows
from monitoring.periods import Period, PeriodError, PeriodKind, ended_periods
from monitoring.suppression import Counts, Decision, decide_year
from monitoring.table_shape import Shape

ALL_TEAMS = "All teams"
DEFAULT_MIN_COUNT = 5  # DA_MONITORING_MIN_COUNT's default: counts from 1 to 4 are hidden
TOTAL = "Total"


class UnknownReport(LookupError):
    pass


def report_named(name: str) -> ReportDefinition:
    try:
        return REPORTS[name]
    except KeyError:
        raise UnknownReport(f"no report is called {name!r}; the reports are "
                            f"{', '.join(sorted(REPORTS))}") from None


class ReportSource(Protocol):
    """Where the monthly counts of reports come from (the projections, or a test's table).

    `monthly_counts` returns, for each month asked (0..11 of financial year `year`), one
    list per row of the definition, each with one count (>= 0) per team of `teams`."""

    def offers(self, report: ReportDefinition) -> bool: ...

    def teams(self, council: Council,
              report: ReportDefinition | None = None) -> Sequence[str]:
        """The council's columns (teams) of `report`'s figures (of every report the source
        offers, when none is named)."""
        ...

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]: ...


@dataclass
class InMemoryReportSource:
    """Counts held in a dict: `counts[(report name, council, year, month)]` is rows × teams;
    a month not held counts 0 everywhere."""

    team_names: Mapping[Council, Sequence[str]]
    counts: dict[tuple[str, Council, int, int], list[list[int]]] = field(default_factory=dict)

    def offers(self, report: ReportDefinition) -> bool:
        return any(key[0] == report.name for key in self.counts)

    def teams(self, council: Council,
              report: ReportDefinition | None = None) -> Sequence[str]:
        return self.team_names[council]

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]:
        empty = [[0] * len(self.team_names[council]) for _ in report.rows]
        return {m: self.counts.get((report.name, council, year, m), empty) for m in months}


@dataclass(frozen=True)
class SafeReport:
    """One report as published. `cells[row][column]` is the count, or None where hidden;
    the last row is the total row and the last column "All teams" when there is more than
    one row or team to add up. `months` holds the same for each month of the period (its
    "All teams" total of all rows), for a chart over time."""

    definition: ReportDefinition
    council: Council
    period: Period
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    months: tuple[tuple[str, int | None], ...]
    min_count: int

    @property
    def hides_any(self) -> bool:
        return any(value is None for row in self.cells for value in row) or any(
            value is None for _, value in self.months)


Progress = Callable[[int, int], None]  # (months read, months to read)


def safe_report(source: ReportSource, name: str, council: Council, period: Period, *,
                today: date, min_count: int, progress: Progress | None = None) -> SafeReport:
    """The report `name` for `council` over `period` with small numbers hidden. The
    decision covers every period of the financial year that ended up to `period` (in the
    order they end), as every earlier page or export of the year saw it."""
    definition = report_named(name)
    if not period.has_ended(today):
        raise PeriodError(f"{period.label} has not ended: a period is reported once it has "
                          "ended, so its figures are final")
    if name in COARSER:
        return coarser_report(safe_report(source, COARSER[name][0], council, period,
                                          today=today, min_count=min_count,
                                          progress=progress), definition)
    if name in SEPARATE_MEASURES:
        return measures_report(source, definition, council, period, today=today,
                               min_count=min_count, progress=progress)
    periods = ended_periods(period.year, today)
    if name not in SHARED_TOTAL:
        periods = periods[:periods.index(period) + 1]
    # A family's decision covers every ended period of the year, the same for any period
    # asked (so one decision, kept in memory, serves them all): a period is decided from
    # earlier ones only, so the periods after `period` change nothing in it.
    teams = list(source.teams(council, definition))
    shape = Shape(len(definition.rows), len(teams))
    counts = _read(source, definition, council, periods, progress)
    if name in SHARED_TOTAL:
        decision = _family_decision(source, name, council, periods, min_count, counts, teams)
    elif definition.hidden_as is None:
        decision = decide_year(counts, shape, periods, min_count, answers=answer_rows(name))
    else:
        # Amounts that are not counts of people (pounds) are hidden exactly where the counts
        # they add up are: which cells can be worked out depends on the pattern alone.
        decision = decide_year(counts, shape, periods, 1)  # every cell's amount, none hidden
        counted = _read(source, report_named(definition.hidden_as), council, periods, None)
        decision.hidden = decide_year(counted, shape, periods, min_count).hidden

    def shown(cell: tuple[Period, int, int]) -> int | None:
        return None if cell in decision.hidden else decision.values[cell]

    rows = [label for _, label in definition.rows] + (
        [definition.total_words or TOTAL] if shape.rows > 1 else [])
    columns = teams + ([ALL_TEAMS] if shape.columns > 1 else [])
    grand = (shape.row_indices[-1], shape.column_indices[-1])
    by_month = tuple((Period(period.year, PeriodKind.MONTH, m).label,
                      shown((Period(period.year, PeriodKind.MONTH, m), *grand)))
                     for m in period.months) if period.kind is not PeriodKind.MONTH else ()
    return SafeReport(definition, council, period, tuple(rows), tuple(columns),
                      tuple(tuple(shown((period, r, c)) for c in shape.column_indices)
                            for r in shape.row_indices), by_month, min_count)


def _family_decision(source: ReportSource, name: str, council: Council,
                     periods: Sequence[Period], min_count: int, counts: Counts,
                     teams: list[str]) -> Decision:
    """The decision of `name`, decided with every report sharing its totals (monitoring/
    linked.py `SHARED_TOTAL`), so a total one of them needs hidden is hidden in all. A
    report whose totals differ from `name`'s (none should: each counts every household
    referred once) shares nothing with it and is left out."""
    def totals(of: Counts) -> dict[int, list[int]]:
        return {m: [sum(column) for column in zip(*rows, strict=True)] for m, rows in of.items()}

    family: dict[str, Counts] = {name: counts}
    for other in sorted(SHARED_TOTAL - {name}):
        definition = report_named(other)
        if list(source.teams(council, definition)) != teams:
            continue
        read = _read(source, definition, council, periods, None)
        if totals(read) == totals(counts):
            family[other] = read
    shapes = {n: Shape(len(report_named(n).rows), len(teams)) for n in family}
    return decide_family(family, shapes, periods, min_count,
                         {n: answer_rows(n) for n in family})[name]


def _read(source: ReportSource, definition: ReportDefinition, council: Council,
          periods: Sequence[Period], progress: Progress | None) -> dict[int, Sequence[
              Sequence[int]]]:
    """The monthly counts of every month `periods` cover: in one read, or a month at a time
    when `progress` is asked for (long runs of the command line export)."""
    months = sorted({m for p in periods for m in p.months})
    if progress is None:
        return dict(source.monthly_counts(definition, council, periods[0].year, months))
    counts: dict[int, Sequence[Sequence[int]]] = {}
    for done, month in enumerate(months, start=1):
        counts.update(source.monthly_counts(definition, council, periods[0].year, [month]))
        progress(done, len(months))
    return counts


def coarser_report(finer: SafeReport, definition: ReportDefinition) -> SafeReport:
    """`definition`'s report published from `finer`'s (monitoring/linked.py `COARSER`): each
    cell the sum of the finer cells it adds up, shown only where all of them are."""
    rows_of = COARSER[definition.name][1]
    index = {code: i for i, (code, _) in enumerate(finer.definition.rows)}

    def added(code: str, column: int) -> int | None:
        values = [finer.cells[index[part]][column] for part in rows_of[code]]
        return None if None in values else sum(v for v in values if v is not None)

    columns = range(len(finer.column_labels))
    cells = [tuple(added(code, c) for c in columns) for code, _ in definition.rows]
    return SafeReport(definition, finer.council, finer.period,
                      (*(label for _, label in definition.rows),
                       definition.total_words or TOTAL),
                      finer.column_labels, (*cells, finer.cells[-1]), finer.months,
                      finer.min_count)


def measures_report(source: ReportSource, definition: ReportDefinition, council: Council,
                    period: Period, *, today: date, min_count: int,
                    progress: Progress | None) -> SafeReport:
    """A report of separate measures (monitoring/linked.py `SEPARATE_MEASURES`): no total
    row, each row decided as a table of its own, or published as the report row it is."""
    same_as = SEPARATE_MEASURES[definition.name]
    periods = ended_periods(period.year, today)
    periods = periods[:periods.index(period) + 1]
    teams = list(source.teams(council, definition))
    counts = _read(source, definition, council, periods, progress)
    shape = Shape(1, len(teams))
    cells = []
    for i, (code, _) in enumerate(definition.rows):
        if code in same_as:
            other, row = same_as[code]
            found = safe_report(source, other, council, period, today=today,
                                min_count=min_count)
            if list(found.column_labels[:len(teams)]) != teams:
                raise LookupError(f"{definition.name} and {other} have different teams")
            cells.append(found.cells[[c for c, _ in found.definition.rows].index(row)])
            continue
        decision = decide_year({m: [rows[i]] for m, rows in counts.items()}, shape, periods,
                               min_count)
        cells.append(tuple(None if (period, 0, c) in decision.hidden
                           else decision.values[(period, 0, c)]
                           for c in shape.column_indices))
    return SafeReport(definition, council, period,
                      tuple(label for _, label in definition.rows),
                      tuple(teams + ([ALL_TEAMS] if shape.columns > 1 else [])),
                      tuple(cells), (), min_count)


@dataclass(frozen=True)
class Monitoring:
    """What the monitoring page and export read: the figures and the threshold in force
    (`DA_MONITORING_MIN_COUNT`)."""

    source: ReportSource
    min_count: int


# A source that offers no report: the page shows the definitions only.
EMPTY_SOURCE = InMemoryReportSource({council: (ALL_TEAMS,) for council in Council})

"""Several report sources as one: each report's figures come from the first source that
offers it (the task board's referrals, the complaints register's complaints, and later the
projections), so the monitoring page and export read one `ReportSource`.

Each report's columns (teams) are its own source's: the projections count by the case's
team, complaints belong to no team and have the one column "All teams".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aggregates.report import Council
from monitoring.reports import ReportDefinition, ReportSource


class CombinedReportSource:
    """The first of `sources` that offers a report answers for it."""

    def __init__(self, *sources: ReportSource) -> None:
        if not sources:
            raise ValueError("combine at least one report source")
        self._sources = sources

    def _source_of(self, report: ReportDefinition) -> ReportSource | None:
        return next((s for s in self._sources if s.offers(report)), None)

    def offers(self, report: ReportDefinition) -> bool:
        return self._source_of(report) is not None

    def teams(self, council: Council,
              report: ReportDefinition | None = None) -> Sequence[str]:
        source = None if report is None else self._source_of(report)
        return (source or self._sources[0]).teams(council, report)

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]:
        source = self._source_of(report)
        if source is None:
            raise LookupError(f"no source holds the figures of {report.name}")
        return source.monthly_counts(report, council, year, months)

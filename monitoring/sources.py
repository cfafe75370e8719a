"""Several report sources as one: each report's figures come from the first source that
offers it (the task board's referrals, the complaints register's complaints, and later the
projections), so the monitoring page and export read one `ReportSource`.

`teams` is asked per council, not per report, so the sources must agree on the teams of a
council: today every source has the one column "All teams". A source with other teams is
refused when combined, rather than mixing columns.
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
        for council in Council:
            if len({tuple(s.teams(council)) for s in sources}) > 1:
                raise ValueError(f"report sources disagree on the teams of {council.value}")
        self._sources = sources

    def _source_of(self, report: ReportDefinition) -> ReportSource | None:
        return next((s for s in self._sources if s.offers(report)), None)

    def offers(self, report: ReportDefinition) -> bool:
        return self._source_of(report) is not None

    def teams(self, council: Council) -> Sequence[str]:
        return self._sources[0].teams(council)

    def monthly_counts(self, report: ReportDefinition, council: Council, year: int,
                       months: Sequence[int]) -> Mapping[int, Sequence[Sequence[int]]]:
        source = self._source_of(report)
        if source is None:
            raise LookupError(f"no source holds the figures of {report.name}")
        return source.monthly_counts(report, council, year, months)

"""Report sources combined (monitoring/sources.py), and the complaints reports' rows kept in
step with the complaints procedure (aggregates/complaints.py; SCAR Q15)."""

from __future__ import annotations

import pytest

from aggregates.complaints import STAGES, ComplaintChannel, Outcome
from aggregates.feedback import Satisfaction
from aggregates.report import Council
from monitoring.reports import ALL_TEAMS, REPORTS, InMemoryReportSource
from monitoring.sources import CombinedReportSource

ONE_COLUMN = {council: [ALL_TEAMS] for council in Council}


def test_each_report_comes_from_the_first_source_that_offers_it() -> None:
    board, complaints = InMemoryReportSource(ONE_COLUMN), InMemoryReportSource(ONE_COLUMN)
    board.counts[("referrals-received", Council.DOVER, 2025, 0)] = [[7]]
    complaints.counts[("complaints-channel", Council.DOVER, 2025, 0)] = [[1]] * 7
    both = CombinedReportSource(board, complaints)
    assert both.offers(REPORTS["referrals-received"]) and both.offers(
        REPORTS["complaints-channel"])
    assert not both.offers(REPORTS["complaints-outcome"])
    assert both.monthly_counts(REPORTS["referrals-received"], Council.DOVER, 2025, [0]) == {
        0: [[7]]}
    assert both.monthly_counts(REPORTS["complaints-channel"], Council.DOVER, 2025, [0]) == {
        0: [[1]] * 7}
    with pytest.raises(LookupError, match="complaints-outcome"):
        both.monthly_counts(REPORTS["complaints-outcome"], Council.DOVER, 2025, [0])


def test_each_report_has_the_columns_of_the_source_that_offers_it() -> None:
    """The projections count by the case's team; complaints belong to no team: each report's
    table has its own source's columns, so they always line up with its figures."""
    by_team = {**ONE_COLUMN, Council.DOVER: ["Tenancy Support Team", "Housing Options Team"]}
    projected, complaints = InMemoryReportSource(by_team), InMemoryReportSource(ONE_COLUMN)
    projected.counts[("referrals-received", Council.DOVER, 2025, 0)] = [[3, 4]]
    complaints.counts[("complaints-channel", Council.DOVER, 2025, 0)] = [[1]] * 7
    both = CombinedReportSource(projected, complaints)
    assert both.teams(Council.DOVER, REPORTS["referrals-received"]) == by_team[Council.DOVER]
    assert both.teams(Council.DOVER, REPORTS["complaints-channel"]) == [ALL_TEAMS]


def test_the_complaints_reports_have_a_row_for_every_channel_stage_and_outcome() -> None:
    """D 10.2 channels; each stage's outcome (D 10.4); withdrawn; the Ombudsman (DBC 11.2);
    each rating of victim feedback (D 8.62)."""
    assert [code for code, _ in REPORTS["complaints-channel"].rows] == [
        c.value for c in ComplaintChannel]
    assert [code for code, _ in REPORTS["complaints-outcome"].rows] == [
        f"{stage}:{o.value}" for stage in range(1, STAGES + 1) for o in Outcome
    ] + ["withdrawn", "ombudsman"]
    assert [code for code, _ in REPORTS["feedback-satisfaction"].rows] == [
        s.value for s in Satisfaction]

"""Reports that count the same things (monitoring/linked.py) never give back together what
each hides alone (issue 17 item 3: "no suppressed cell can be recovered by differencing").

Each test publishes the linked reports of every ended period of a quarter, writes every
published figure as a sum of the underlying counts (households cross-classified by every
category the reports use), and checks with exact arithmetic (`Span`) that no hidden count
from 1 to 4 is a combination of them. The first cases are the ones a reviewer's attack found
recoverable before the links were decided together."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date
from itertools import product

import pytest

from aggregates.policies import POLICIES
from aggregates.report import Council
from monitoring.definitions import REPORTS
from monitoring.linear_span import Span
from monitoring.linked import COARSER, SEPARATE_MEASURES, SHARED_TOTAL
from monitoring.periods import Period, PeriodKind, ended_periods
from monitoring.reports import InMemoryReportSource, SafeReport, safe_report

MIN = 5
AFTER_Q2 = date(2026, 10, 1)  # Q2 2026-27 (July to September) has ended
Q2_MONTHS = (3, 4, 5)
# A household: (month, team, one category index per report of the family).
Household = tuple[int, ...]


def published(reports: dict[str, SafeReport], rows_of: dict[str, Callable[[int], Sequence[
        int]]], months_of: Callable[[Period], Sequence[int]], teams: int,
              universe: Sequence[Household], key: Callable[[str, Household], int]
              ) -> tuple[list[frozenset[Household]], list[frozenset[Household]]]:
    """(shown sums, hidden sensitive sums), each a set of cross-classified cells."""
    shown, hidden = [], []
    for name, report in reports.items():
        for r, row in enumerate(report.cells):
            for c, value in enumerate(row):
                in_rows = set(rows_of[name](r))
                in_teams = set(range(teams)) if c == teams else {c}
                cells = frozenset(h for h in universe if h[0] in months_of(report.period)
                                  and h[1] in in_teams and key(name, h) in in_rows)
                if value is not None:
                    shown.append(cells)
                else:
                    hidden.append(cells)
    return shown, hidden


def assert_nothing_recovered(shown: list[frozenset[Household]],
                             hidden_sums: list[tuple[frozenset[Household], int]]) -> None:
    span = Span(sorted(shown, key=len))
    recovered = [count for cells, count in hidden_sums if 0 < count < MIN
                 and span.contains(cells)]
    assert not recovered, f"hidden small counts recovered: {recovered}"


def every_period(name: str, source: InMemoryReportSource,
                 council: Council) -> dict[Period, SafeReport]:
    return {p: safe_report(source, name, council, p, today=AFTER_Q2, min_count=MIN)
            for p in ended_periods(2026, AFTER_Q2) if set(p.months) <= {0, 1, 2, *Q2_MONTHS}}


def test_victim_contact_within_two_days_does_not_give_back_a_hidden_day():
    """D 8.14: the reviewer's case. Working days taken 10, 10, 2, 6, 0, 10 in July; "within
    2 working days" (22) less the shown days 0 and 1 gave back the hidden 2."""
    teams = {Council.DOVER: ["Tenancy Support Team"]}
    source = InMemoryReportSource(teams)
    days = [10, 10, 2, 6, 0, 10]
    source.counts[("victim-contact-days", Council.DOVER, 2026, 3)] = [[n] for n in days]
    source.counts[("victim-contact", Council.DOVER, 2026, 3)] = [[22], [16]]
    july = Period(2026, PeriodKind.MONTH, 3)
    finer = safe_report(source, "victim-contact-days", Council.DOVER, july, today=AFTER_Q2,
                        min_count=MIN)
    coarser = safe_report(source, "victim-contact", Council.DOVER, july, today=AFTER_Q2,
                          min_count=MIN)
    assert finer.cells[2] == (None,)  # the 2 is hidden...
    assert coarser.cells[0] == (None,)  # ...and so is what would give it back
    assert coarser.cells[-1] == finer.cells[-1] == (38,)  # the total is the same figure
    # Every figure of both is a sum of the days rows: nothing hidden follows from them.
    rows = {"victim-contact-days": lambda r: range(6) if r == 6 else (r,),
            "victim-contact": lambda r: ((0, 1, 2), (3, 4, 5), range(6))[r]}
    universe = [(3, 0, d) for d in range(6)]
    shown, _ = published({"victim-contact-days": finer, "victim-contact": coarser}, rows,
                         lambda p: p.months, 1, universe, lambda _, h: h[2])
    assert_nothing_recovered(shown, [(frozenset({(3, 0, 2)}), 2)])


def test_the_links_follow_the_facts_counted():
    """The coarser report's rows are Dover's rule of 2 working days (D 8.14), and S3 is every
    Dartford report received (CAR Q3): the facts count them so
    (activities/monitoring_facts.py)."""
    assert all(policy.victim_contact_working_days == 2 for policy in POLICIES.values())
    finer_rows = [code for code, _ in REPORTS["victim-contact-days"].rows]
    base, rows_of = COARSER["victim-contact"]
    assert base == "victim-contact-days"
    assert sorted(p for parts in rows_of.values() for p in parts) == sorted(finer_rows)
    assert SEPARATE_MEASURES["dartford-kpis"]["s3"] == ("referrals-received", "received")
    assert all(REPORTS[name].total_words is None for name in SHARED_TOTAL)


def test_dartfords_kpis_publish_s3_as_referrals_received_and_no_sum_of_unlike_measures():
    """CAR Q3, DBC 14.2: the KPIs are separate measures (no total row); S3 is shown exactly
    as "referrals-received" is, so neither undoes the other's hiding."""
    teams = {Council.DARTFORD: ["T0", "T1", "T2"]}
    source = InMemoryReportSource(teams)
    received = [[6, 12, 12]]
    source.counts[("referrals-received", Council.DARTFORD, 2026, 3)] = received
    source.counts[("dartford-kpis", Council.DARTFORD, 2026, 3)] = [
        received[0], [6, 12, 6], [2, 12, 12]]
    july = Period(2026, PeriodKind.MONTH, 3)
    kpis = safe_report(source, "dartford-kpis", Council.DARTFORD, july, today=AFTER_Q2,
                       min_count=MIN)
    got = safe_report(source, "referrals-received", Council.DARTFORD, july, today=AFTER_Q2,
                      min_count=MIN)
    assert len(kpis.row_labels) == 3 and kpis.row_labels[0].startswith("S3")
    assert kpis.cells[0] == got.cells[0]
    assert kpis.cells[2][0] is None  # DBC 14.2's 2 for T0, with company in its own row
    assert kpis.cells[2].count(None) >= 2


def households(seed: int, count: int, categories: Sequence[int]) -> list[Household]:
    rng = random.Random(seed)
    return [(rng.choice(Q2_MONTHS), rng.randrange(2),
             *(rng.randrange(n) for n in categories)) for _ in range(count)]


@pytest.mark.parametrize("seed", range(12))
def test_sanctuary_reports_sharing_their_totals_give_nothing_back_together(seed: int):
    """SCAR Q15, CAR: the same Sanctuary referrals counted by tenure, by referrer and by an
    equality answer, two teams, Q2. A reviewer's search found a team's agency referrals
    given back by the tenure report's shown column total; every hidden small count of every
    period is checked against all three reports' figures of all periods together."""
    names = ("sanctuary-tenure", "sanctuary-referrers", "equality-age")
    assert set(names) <= SHARED_TOTAL
    sizes = [len(REPORTS[n].rows) for n in names]
    # Few categories used, so small counts are common: tenure 0..2, referrer 0..2, age 0..1.
    used = [3, 3, 2]
    found = households(seed, 30 + seed * 3, used)
    source = InMemoryReportSource({Council.DARTFORD: ["T0", "T1"]})
    for month in Q2_MONTHS:
        for i, name in enumerate(names):
            table = [[0, 0] for _ in range(sizes[i])]
            for h in found:
                if h[0] == month:
                    table[h[2 + i]][h[1]] += 1
            source.counts[(name, Council.DARTFORD, 2026, month)] = table
    reports = {f"{name}|{p.label}": report for name in names
               for p, report in every_period(name, source, Council.DARTFORD).items()}
    universe = [h for h in product(Q2_MONTHS, range(2), *(range(n) for n in used))]

    def months_of(period: Period) -> Sequence[int]:
        return period.months

    shown: list[frozenset[Household]] = []
    hidden: list[tuple[frozenset[Household], int]] = []
    for key, report in reports.items():
        name = key.split("|")[0]
        size = sizes[names.index(name)]
        for r, row in enumerate(report.cells):
            for c, value in enumerate(row):
                in_rows = set(range(size)) if r == size else {r}
                in_teams = {0, 1} if c == 2 else {c}
                cells = frozenset(h for h in universe if h[0] in months_of(report.period)
                                  and h[1] in in_teams and h[2 + names.index(name)] in in_rows)
                count = sum(1 for h in found if h in cells)
                if value is None:
                    hidden.append((cells, count))
                else:
                    assert value == count
                    shown.append(cells)
    assert any(0 < n < MIN for _, n in hidden)  # the case has small counts to protect
    assert_nothing_recovered(shown, hidden)


def split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def test_two_reports_of_the_same_households_give_nothing_back_with_their_equal_totals():
    """SCAR Q15: tenure and referrer of the same July referrals, three teams. An attacker
    knows only that both count the same households per team (a relation, +1 and -1) and
    every published figure; the counts are split at random, the harshest case (no
    cross-classification to lean on). Before the totals were decided together, a
    reviewer's search found a hidden small count given back within a few hundred such
    months."""
    rng = random.Random(2)
    teams = ["T0", "T1", "T2"]
    july = Period(2026, PeriodKind.MONTH, 3)
    sizes = {"sanctuary-tenure": 8, "sanctuary-referrers": 3}
    protected = 0
    for _ in range(TRIALS):
        totals = [rng.randint(0, 16) for _ in teams]
        data = {name: [list(r) for r in zip(*[split(rng, t, n) for t in totals], strict=True)]
                for name, n in sizes.items()}
        source = InMemoryReportSource({Council.DARTFORD: teams})
        for name in sizes:
            source.counts[(name, Council.DARTFORD, 2026, 3)] = data[name]
        known: list[dict[tuple[str, int, int], int]] = [
            {**{("sanctuary-tenure", r, c): 1 for r in range(8)},
             **{("sanctuary-referrers", r, c): -1 for r in range(3)}}
            for c in range(len(teams))]
        hidden: list[tuple[dict[tuple[str, int, int], int], int]] = []
        for name, n in sizes.items():
            report = safe_report(source, name, Council.DARTFORD, july, today=AFTER_Q2,
                                 min_count=MIN)
            for r, row in enumerate(report.cells):
                for c, value in enumerate(row):
                    rows = range(n) if r == n else (r,)
                    columns = range(len(teams)) if c == len(teams) else (c,)
                    cell = {(name, rr, cc): 1 for rr in rows for cc in columns}
                    if value is None:
                        hidden.append((cell, sum(data[name][rr][cc] for rr, cc in
                                                 product(rows, columns))))
                    else:
                        known.append(cell)
        span = Span(known)
        small = [(cell, n) for cell, n in hidden if 0 < n < MIN]
        protected += len(small)
        assert not [n for cell, n in small if span.contains(cell)]
    assert protected > TRIALS  # the months had small counts to protect


TRIALS = 300

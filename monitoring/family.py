"""Reports sharing their totals, decided together (issue 17 item 3; the family is
monitoring/linked.py `SHARED_TOTAL`, the rule "Reports that share their totals" in
monitoring/suppression.py).

Each report of the family publishes the totals the one-row table of the totals shows. A
report may find a hidden count of its own that its parts cannot protect, because the totals
it must publish, with the months already out, leave that count one whole number (the
quarter's total of two teams and the months' figures give the third team's "another
person" count). Hiding that period's totals in that report alone would not help: another
report of the family publishes them. So the report asks for them (`Decision.totals_wanted`),
the totals table hides and protects them, and every report of the family is decided again,
until none asks for more (each round hides more, so it ends).

Deciding a year of the whole family takes about a second on one core, and every page and
file of any report of the family needs it, so the last decisions are kept in memory, keyed
by the counts themselves: an ended period's counts are final, so equal counts give the same
decision (a correction changes the counts and so the key).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache

from monitoring.periods import Period
from monitoring.suppression import Counts, Decision, decide_year
from monitoring.table_shape import Shape


def decide_family(counts: Mapping[str, Counts], shapes: Mapping[str, Shape],
                  periods: Sequence[Period], min_count: int,
                  answers: Mapping[str, Collection[int] | None]) -> dict[str, Decision]:
    """Decide every report of a family sharing their totals (`counts` by report name, each
    with the same total per month and team). A report that cannot keep a count from being
    worked out by hiding its own parts (the totals it may not hide are what give it away)
    asks for that period's totals to be hidden; then every report of the family is decided
    again with them hidden, until none asks for more. Returns each report's decision, shared
    with later callers asking the same: read it, never change it."""
    frozen = tuple(sorted(
        (name, tuple((m, tuple(map(tuple, rows))) for m, rows in sorted(counts[name].items())),
         shapes[name], None if answers.get(name) is None else frozenset(answers[name] or ()))
        for name in counts))
    return _decide(frozen, tuple(periods), min_count)


@lru_cache(maxsize=8)  # a year's decision serves every period of it (monitoring/reports.py)
def _decide(frozen: tuple[tuple[str, tuple[tuple[int, tuple[tuple[int, ...], ...]], ...], Shape,
                                frozenset[int] | None], ...],
            periods: tuple[Period, ...], min_count: int) -> dict[str, Decision]:
    counts = {name: dict(months) for name, months, _, _ in frozen}
    shapes = {name: shape for name, _, shape, _ in frozen}
    answers = {name: rows for name, _, _, rows in frozen}
    wanted: set[tuple[Period, int]] = set()
    while True:
        decisions = {name: decide_year(counts[name], shapes[name], periods, min_count,
                                       shared_total=True, answers=answers.get(name),
                                       totals_wanted=wanted) for name in counts}
        more = set().union(*(d.totals_wanted for d in decisions.values())) - wanted
        if not more:
            return decisions
        wanted |= more

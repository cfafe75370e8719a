"""Safe numbers: which cells of a report to hide so that no count from 1 to `min_count - 1`
can be read, or worked out, from anything the service publishes (issue 17 item 3).

What is published. A report is a table of counts: rows are categories (tenure, reason, ...),
columns are the council's teams, with a total row and a total column (each only where there
is more than one row or column to add up). It covers one period of `monitoring.periods` (a
month, quarter or financial year) of one council, once ended; no table adds the councils.

The rule. A cell is *sensitive* if its count is from 1 to `min_count - 1` (0 is shown: it
says nobody, and it is never hidden on its own). Every sensitive cell is hidden (primary
suppression). Then more cells are hidden (secondary suppression) until nothing hidden can be
worked out:

1. Groups. Each row with its total, each column with its total, and over time each cell of a
   quarter with the same cell of its three months and each cell of a year with the same cell
   of its four quarters, are groups: the parts add up to the total. In each group, a hidden
   cell must have company: at least two cells of the group are hidden, and when the total is
   shown the hidden parts together hold 0 or at least `min_count` (otherwise their sum, the
   total less the shown parts, is itself a small number). The cell added is the group's shown
   cell with the smallest count other than 0 (a part before a total), so the least is hidden:
   the classical "at least two per group" rule (tau-Argus's hypercube), until nothing changes.
2. Audit. The group rule alone can leave a hidden cell that follows from a chain of groups
   (a cell that is the only link between two blocks of hidden cells), or from counts never
   being negative (a hidden 0 beside a 3 in a row whose shown total is 0 is 0, and then the
   3 is its column's total less the rest). So each period's decision ends with an exact
   audit (`monitoring.bounds`): the least and the greatest each hidden sensitive cell could
   be, over every table of counts >= 0 that agrees with every figure published for the
   year so far (two linear programs). A cell left one whole number is exposed: it gets one
   more cell hidden beside it, and the rule and audit run again.

Why two overlapping ranges give nothing away. Only periods of the grid are offered, and any
two of them are disjoint or nested (a month inside its quarter, a quarter inside its year).
Two disjoint periods share no counts, so nothing in one says anything about the other. For
nested ones, differencing a year against its quarters (or a quarter against its months) is a
sum over the time groups of rule 1, and the audit of rule 2 takes every published period of
the year at once, which includes every pair, every row and every total. So the guarantee
is: no sensitive count of any period is left one whole number by the published figures of
all periods together and counts being whole and never negative. (The audit solves over real
numbers, as tau-Argus does; the tests check the same with whole numbers.) Arbitrary date
ranges are refused because with them (April–June against April–May) any two overlapping
ranges give a third, and the number of combinations to protect grows with every range anyone
asks for.

Reports that share their totals. Several reports count the same households by different
categories (the Sanctuary referrals by tenure, by referrer, by household type and by each
equality question), so each team's and month's total is the same in all of them, and one
report's shown total would undo another's hiding it. For these (`shared_total=True`) the
total row is decided once, as a one-row table of its own (the same for every report of the
family), and each report may hide only more of its parts: its audit also checks that its
parts say nothing about the totals (no combination of them) beyond the totals shown. Then no
combination of the family's reports gives more than each does alone: their categories meet
only in the totals. A report whose parts cannot protect a count because the totals give it
away asks for that period's totals to be hidden in the whole family (`totals_wanted`,
monitoring/family.py). Reports whose rows are sums of another's rows, or rows of another
report, are published from that report's decision instead (monitoring/linked.py).

What everyone shares. Hiding small counts does not stop a table saying something about every
household of a group: a team's column of an equality report showing all 7 households in one
category and 0 in every other says each household's answer (attribute disclosure). For
reports about people's characteristics (`answers` given: the rows that are answers, without
"not given", "prefer not to say" and the like; monitoring/linked.py), a column of a period
whose answers are all in one category has that cell hidden with one zero among the other
answers, so a reader cannot tell that any one household gave that answer. Both are
protected like small counts: the audit keeps each from being one whole number, so the zero
could be 1 or more and someone else could have answered otherwise. A column with no answer
at all (every household "not given") tells nothing and is left alone. With `min_count` 1
(no suppression asked for) it is not applied.

Why figures shown once stay safe later. Periods are decided in the order they end (a month,
then its quarter after its third month, then the year after its last quarter); a period's
cells are decided once, from the counts of its own months and the cells already decided, and
later periods may only hide more of their own cells. So a month shown in May is shown the
same way in March, and the year's decision accounts for it. This assumes a month's counts are
final when it ends (a fact is counted in the month it was recorded; a correction recorded
later is counted when recorded). Hiding every new cell publishes nothing new but a family's
shared totals (which it then hides), so the loop ends. Last, a new cell hidden only as company
that the shown figures leave one whole number anyway is shown again: it tells nothing more.

Shapes: counts are whole numbers >= 0; `counts[month][row][column]` for months 0..11 of the
financial year (0 = April); a cell is (period, row, column) with row == `rows` meaning the
total row and column == `columns` the total column.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from monitoring.bounds import Bounds
from monitoring.linear_span import Span
from monitoring.periods import Period
from monitoring.table_shape import Cell, Group, Shape

Counts = Mapping[int, Sequence[Sequence[int]]]


def _periods_within(period: Period, decided: Iterable[Period]) -> list[Period]:
    return [p for p in decided if set(p.months) <= set(period.months)]


@dataclass
class Decision:
    """The cells hidden so far across a financial year, and every cell's count."""

    shape: Shape
    min_count: int
    values: dict[Cell, int]
    hidden: set[Cell]
    decided: list[Period]
    fixed_total: bool = False  # the total row is decided elsewhere (shared by a family)
    # Cells protected though not small: one category holding a whole column, and its company.
    protected: set[Cell] = field(default_factory=set)
    # Totals hidden because a report of the family asked (`protect`): protected, but shown
    # again if the months give them anyway.
    asked: set[Cell] = field(default_factory=set)
    # (period, column) of totals this report, sharing them, needs hidden (`decide_family`).
    totals_wanted: set[tuple[Period, int]] = field(default_factory=set)

    def sensitive(self, cell: Cell) -> bool:
        return 0 < self.values[cell] < self.min_count

    def guarded(self, cell: Cell) -> bool:
        """Hidden cells the audit must keep from being worked out."""
        return self.sensitive(cell) or cell in self.protected


def decide_year(counts: Counts, shape: Shape, periods: Sequence[Period],
                min_count: int, *, shared_total: bool = False,
                answers: Collection[int] | None = None,
                totals_wanted: Collection[tuple[Period, int]] = (),
                protect: Collection[Cell] = ()) -> Decision:
    """Decide the hidden cells of `periods` (one financial year's, in the order they end, as
    `periods.ended_periods` lists them). `counts` holds every month those periods cover.
    `shared_total`: the report's total row is shared with other reports (see the module's
    docstring): it is hidden exactly where the one-row table of the totals hides it, which
    also hides `totals_wanted` ((period, column) totals a report of the family could not do
    without hiding; `decide_family`). `answers`: the rows that are answers to a question
    about people (not "not given", "prefer not to say" or an uncoded answer); given, no
    column may show all its answers in one row ("What everyone shares" in the module's
    docstring). `protect`: cells hidden and kept from being worked out though not small."""
    forced: set[Cell] = set()
    if shared_total and shape.rows > 1:
        totals = {m: [[sum(row[c] for row in counts[m]) for c in range(shape.columns)]]
                  for m in counts}
        wanted = {(p, 0, c) for p, c in totals_wanted}
        forced = {(p, shape.rows, c) for p, _, c in
                  decide_year(totals, Shape(1, shape.columns), periods, min_count,
                              protect=wanted).hidden}
    decision = Decision(shape, min_count, {}, set(), [], fixed_total=bool(forced) or (
        shared_total and shape.rows > 1))
    for period in periods:
        for cell in shape.cells(period):
            decision.values[cell] = sum(counts[m][r][c] for m, r, c in shape.variables(cell))
        decision.hidden |= {cell for cell in shape.cells(period) if decision.sensitive(cell)
                            or cell in forced}
        asked = {cell for cell in protect if cell[0] == period}
        decision.hidden |= asked
        decision.protected |= asked
        decision.asked |= asked
        decision.decided.append(period)
        if answers is not None and min_count > 1:
            _hide_whole_groups(decision, period, answers)
        _settle(decision, period)
    return decision


def _hide_whole_groups(decision: Decision, period: Period, answers: Collection[int]) -> None:
    """In each column of `period` whose real answers (rows `answers`) are all in one row,
    hide and protect that cell and one zero among the answers beside it: one already hidden
    if there is one, else the one whose row holds most households in other columns (a zero
    in a row of zeros would be told by its row's total)."""
    shape = decision.shape
    if len(answers) < 2:
        return
    for column in shape.column_indices:
        parts = [(period, row, column) for row in sorted(answers)]
        counts = [decision.values[cell] for cell in parts]
        if sum(counts) == 0 or max(counts) < sum(counts):
            continue
        whole = parts[counts.index(sum(counts))]
        zeros = [cell for cell in parts if cell != whole]
        companion = next((c for c in zeros if c in decision.hidden), None) or max(
            zeros, key=lambda c: (decision.values[(period, c[1], shape.column_indices[-1])],
                                  c[1]))
        decision.hidden |= {whole, companion}
        decision.protected |= {whole, companion}


def _settle(decision: Decision, period: Period) -> None:
    """Hide cells of `period` until rule 1 holds for its groups and the audit finds nothing."""
    shape, hidden = decision.shape, decision.hidden
    block = [cell for p in _periods_within(period, decision.decided) for cell in shape.cells(p)]
    groups = [g for p in _periods_within(period, decision.decided) for g in shape.groups(p)]
    new = {c for c in shape.cells(period)
           if not (decision.fixed_total and c[1] == shape.rows)}  # totals: decided once
    # Hiding more only widens what a hidden cell may be, so a cell found safe stays safe
    # while this period is settled: only the ones found pinned are looked at again.
    doubtful = [cell for cell in block if cell in hidden and decision.guarded(cell)]
    while True:
        fixes: set[Cell] = set()
        for group in groups:
            if _lacks_company(decision, group):
                fixes |= _cheapest(decision, [*group.parts, group.total], new)
        if fixes:  # rule 1 until it holds, then the audit
            hidden |= fixes
            continue
        bounds = Bounds([(shape.variables(cell), decision.values[cell]) for cell in block
                         if cell not in hidden])
        exposed = [cell for cell in doubtful
                   if bounds.pinned(shape.variables(cell), decision.values[cell])]
        doubtful = exposed
        if decision.fixed_total and not exposed:
            exposed = _totals_told(decision, block)
        for cell in exposed:
            fixes |= _beside(decision, cell, groups, new)
            if fixes and decision.fixed_total:
                break  # one at a time: a part hidden for one total may cover the others
        if not fixes:
            if exposed:  # nothing new left to hide beside them: publish nothing new
                hidden |= new
                if decision.fixed_total:  # but the shared totals: ask the family for them
                    decision.totals_wanted |= {(period, c) for c in shape.column_indices}
            _show_what_adds_up(decision, block, new)
            return
        hidden |= fixes


def _show_what_adds_up(decision: Decision, block: Sequence[Cell], new: set[Cell]) -> None:
    """Show again each new cell, not a small count, that the shown figures leave one whole
    number anyway (a quarter's total whose three months are shown; a total a family asked
    to hide that its months already give): every table of whole numbers agreeing with what
    is shown already has that value, so showing it tells nothing more, and "not shown" is
    never written over a figure a reader can work out. A small count, and a cell protected
    for what everyone in a column shares, stay hidden."""
    shape = decision.shape
    bounds = Bounds([(shape.variables(c), decision.values[c]) for c in block
                     if c not in decision.hidden])
    for cell in sorted(new & decision.hidden, key=lambda c: (c[1], c[2])):
        keep = decision.sensitive(cell) or (cell in decision.protected
                                            and cell not in decision.asked)
        if not keep and bounds.pinned(shape.variables(cell), decision.values[cell]):
            decision.hidden.discard(cell)


def _lacks_company(decision: Decision, group: Group) -> bool:
    hidden = [c for c in (*group.parts, group.total) if c in decision.hidden]
    if len(hidden) == 1:
        return True
    hidden_parts = sum(decision.values[c] for c in hidden if c != group.total)
    if group.total not in hidden and hidden_parts == 0 and any(
            c in decision.protected for c in hidden):
        return True  # a protected 0 must not be read from "the hidden parts add up to 0"
    return group.total not in hidden and 0 < hidden_parts < decision.min_count


def _cheapest(decision: Decision, cells: Iterable[Cell], new: set[Cell]) -> set[Cell]:
    """The shown cell of the new period with the smallest count, a part before a total; a 0
    only if nothing else is left (hiding a 0 beside a small count leaves their sum small, so
    the rule would only ask for another)."""
    shape = decision.shape
    candidates = [c for c in cells if c in new and c not in decision.hidden]
    if not candidates:
        return set()
    return {min(candidates, key=lambda c: (decision.values[c] == 0, decision.values[c],
                                           c[1] == shape.rows or c[2] == shape.columns,
                                           c[1], c[2]))}


def _beside(decision: Decision, cell: Cell, groups: Sequence[Group],
            new: set[Cell]) -> set[Cell]:
    """One more cell to hide for an exposed sensitive `cell`: from a group it is in, else a
    new cell that covers it, else any new cell."""
    in_groups = [c for g in groups if cell in (*g.parts, g.total) for c in (*g.parts, g.total)]
    variables = decision.shape.variables(cell)
    covering = [c for c in new if variables <= decision.shape.variables(c)]
    for cells in (in_groups, covering, new):
        found = _cheapest(decision, cells, new)
        if found:
            return found
    return set()


def _totals_told(decision: Decision, block: Sequence[Cell]) -> list[Cell]:
    """For a report whose totals are shared: the hidden totals, if its published parts say
    anything about the totals beyond the totals shown (some combination of hidden totals is
    in the span of what it publishes); none if they say nothing. Dimension count:
    dim(published ∩ totals) = rank(published) + rank(totals) - rank(published + totals)."""
    shape = decision.shape
    totals = [c for c in block if c[1] == shape.rows]
    hidden = [c for c in totals if c in decision.hidden]
    if not hidden:
        return []
    variables = [shape.variables(c) for c in totals]
    # Single counts first: they fix a variable each, which keeps the other rows short.
    published = sorted((shape.variables(c) for c in block if c not in decision.hidden), key=len)
    span = Span(published)
    published_and_totals = Span(published + variables)
    shown_totals = Span([shape.variables(c) for c in totals if c not in decision.hidden])
    told = span.rank + Span(variables).rank - published_and_totals.rank
    return hidden if told > shown_totals.rank else []

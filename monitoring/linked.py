"""Reports that count the same things as others, and how each is kept from undoing another's
hidden cells (issue 17 item 3; the rule is in monitoring/suppression.py).

- `COARSER`: a report whose rows are sums of another's rows ("victim-contact": within 2
  working days is 0, 1 or 2 working days taken, D 8.14). It is published from the finer
  report's decision: a cell is shown only where every cell it adds up is shown, so it shows
  nothing the finer report does not.
- `SEPARATE_MEASURES`: a report whose rows are separate measures, not categories of one thing
  ("dartford-kpis": S3, HPI-15, DBC 14.2). It has no total row (a sum of unlike figures means
  nothing and would link them); each row is decided as a table of its own, and a row that is
  another report's row (S3 is every Dartford report received) is that report's, as published.
- `SHARED_TOTAL`: reports that count the same households by different categories (each
  Sanctuary referral once by tenure, by referrer, by household type and by its answer to each
  equality question): their totals are decided once for all of them (`decide_year`'s
  `shared_total`).
- `WHOLE_GROUPS`: reports of people's characteristics (each equality question, and
  communication needs, which may tell of a disability): no column may show every answer
  in one category (`decide_year`'s `answers`, from `answer_rows`). What is not an answer
  ("not given", "prefer not to say", an answer in own words not coded, no need recorded)
  is left out: a team whose households all preferred not to say tells nobody anything, and
  one whose every answer is one age among some not given tells each answer.

A test checks each link against the facts the projection counts
(tests/unit/test_monitoring_links.py).
"""

from __future__ import annotations

from aggregates.equality import NOT_GIVEN, OWN_WORDS, PREFER_NOT_TO_SAY
from monitoring.definitions import EQUALITY_REPORTS, NO_NEED, REPORTS

# report -> (the finer report, {row: the finer report's rows it adds up})
COARSER: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "victim-contact": ("victim-contact-days", {"within": ("0", "1", "2"),
                                                "later": ("3", "4", "5+")}),
}

# report -> {row: (the report and row it is)}; rows not named are decided alone.
SEPARATE_MEASURES: dict[str, dict[str, tuple[str, str]]] = {
    "dartford-kpis": {"s3": ("referrals-received", "received")},
}

SHARED_TOTAL = frozenset({"sanctuary-tenure", "sanctuary-referrers", "sanctuary-households",
                          *(r.name for r in EQUALITY_REPORTS)})

WHOLE_GROUPS = frozenset({"equality-communication", *(r.name for r in EQUALITY_REPORTS)})

# Rows of those reports that are not an answer about the household.
NOT_ANSWERS = frozenset({NOT_GIVEN, PREFER_NOT_TO_SAY, OWN_WORDS, NO_NEED})


def answer_rows(name: str) -> frozenset[int] | None:
    """The rows of report `name` that are answers about people, if it is in `WHOLE_GROUPS`;
    None for any other report."""
    if name not in WHOLE_GROUPS:
        return None
    return frozenset(i for i, (code, _) in enumerate(REPORTS[name].rows)
                     if code not in NOT_ANSWERS)

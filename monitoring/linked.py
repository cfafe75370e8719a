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
  communication needs, which may tell of a disability): no column may show every household
  in one category (`decide_year`'s `whole_groups`).

A test checks each link against the facts the projection counts
(tests/unit/test_monitoring_links.py).
"""

from __future__ import annotations

from monitoring.definitions import EQUALITY_REPORTS

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

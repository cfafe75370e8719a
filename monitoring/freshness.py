"""When a period's figures may be published at all (issue 17 item 3).

Suppression (`monitoring.suppression`) keeps each publication safe on its own, and assumes a
month's counts are final once it has ended. Two publications of the same ended period from
different counts break that: 7 shown today and 9 shown tomorrow, each safe alone, give away
the 2 events in between. Counts of an ended period change in two ways, each refused here:

- The read model is behind the event store (the worker catching up after midnight on the
  1st, or `casework rebuild-projection` clearing the rows and filling them again): the source
  raises `FiguresUpdating`, and nothing is shown until it has caught up.
- An event is stored after its period ended with a business time inside it (a workflow's
  `workflow.now()` recorded after retries; a write in flight at midnight): a period is offered
  only once a settle margin (`DA_MONITORING_SETTLE_HOURS`) has passed since it ended
  (`settled_day`, `check_settled` raising `PeriodNotSettled`).

Pure: no database, no clock (callers pass London's date today).
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from monitoring.periods import Period, PeriodError

DEFAULT_SETTLE_HOURS = 24.0  # DA_MONITORING_SETTLE_HOURS's default
UPDATING = "The figures are being updated. Try again in a few minutes."
RETRY_AFTER_SECONDS = 120  # the Retry-After of a refusal: a catch-up takes seconds to minutes


class FiguresUpdating(LookupError):
    """The figures' read model has not applied every event stored yet (module doc)."""

    def __init__(self) -> None:
        super().__init__(UPDATING)


class PeriodNotSettled(PeriodError):
    """The period has ended, but less than the settle margin ago (module doc)."""

    def __init__(self, period: Period, final_on: date) -> None:
        self.period, self.final_on = period, final_on
        super().__init__(f"The figures for {period.label} are final from "
                         f"{final_on.day} {final_on:%B %Y}: choose an earlier period")


def settled_day(today: date, settle_hours: float) -> date:
    """The day to ask `Period.has_ended` so that only periods that ended at least
    `settle_hours` ago count as ended: `today` less the margin in whole days, rounded up
    (a margin of 24 hours makes April final from 2 May)."""
    return today - timedelta(days=math.ceil(settle_hours / 24))


def final_on(period: Period, settle_hours: float) -> date:
    """The first day on which `period`'s figures may be published."""
    return period.last_day + timedelta(days=1 + math.ceil(settle_hours / 24))


def check_settled(period: Period, today: date, settle_hours: float) -> None:
    """Raise PeriodNotSettled if `period` has ended by `today` but not by the settle margin
    (a period not ended at all is left to `safe_report`'s own PeriodError)."""
    if period.has_ended(today) and not period.has_ended(settled_day(today, settle_hours)):
        raise PeriodNotSettled(period, final_on(period, settle_hours))

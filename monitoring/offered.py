"""Which monitoring reports a council is offered: only those that can count something there.

A report that can only ever be 0 for a council reads to its board as a real zero, so it is
not offered at all:
- the Sanctuary Scheme reports (`sanctuary-*`) and the equality reports (`equality-*`, which
  count the households referred to the scheme) only to a council whose policy has a
  Sanctuary Scheme (`Policy.has_sanctuary_scheme`: Dartford, DBC 7.4.2; Dover has none,
  D 8.36-8.37);
- Dartford's KPIs (`dartford-kpis`, CAR Q3) only to Dartford.
Every other report (service levels, MARAC, complaints, feedback) applies to both.

The reports themselves are `monitoring.definitions.REPORTS`, read here, never changed.
"""

from __future__ import annotations

from aggregates.policies import POLICIES
from aggregates.report import Council
from monitoring.definitions import REPORTS, ReportDefinition
from monitoring.reports import UnknownReport

SCHEME_PREFIXES = ("sanctuary-", "equality-")  # counted from Sanctuary Scheme referrals
DARTFORD_KPIS = "dartford-kpis"


class ReportNotOffered(UnknownReport):
    """A report defined, but not one that applies to the council asked for."""


def has_sanctuary_scheme(council: Council) -> bool:
    """True if any policy version of `council` runs a Sanctuary Scheme (DBC 7.4.2)."""
    return any(policy.has_sanctuary_scheme for (c, _), policy in POLICIES.items()
               if c is council)


def applies_to(name: str, council: Council) -> bool:
    """Whether report `name` can count anything for `council` (module doc)."""
    if name.startswith(SCHEME_PREFIXES):  # DBC 7.4.2; D 8.36-8.37 (no scheme in Dover)
        return has_sanctuary_scheme(council)
    if name == DARTFORD_KPIS:  # CAR Q3: Dartford's own KPIs
        return council is Council.DARTFORD
    return name in REPORTS


def reports_for(council: Council) -> tuple[ReportDefinition, ...]:
    """The reports offered to `council`, in the order of `REPORTS`."""
    return tuple(r for r in REPORTS.values() if applies_to(r.name, council))


def check_offered(name: str, council: Council) -> ReportDefinition:
    """The definition of report `name`; ReportNotOffered if it does not apply to `council`
    (UnknownReport if no report has that name)."""
    if name not in REPORTS:
        raise UnknownReport(f"no report is called {name!r}")
    if not applies_to(name, council):
        raise ReportNotOffered(f"the report {name} does not apply to "
                               f"{council.value.title()}: it counts only what "
                               f"{council.value.title()}'s policy does not have")
    return REPORTS[name]

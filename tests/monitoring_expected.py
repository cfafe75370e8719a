"""The hand-counted figures of the monitoring story (tests/monitoring_cases.py `build`), for
tests/integration/test_monitoring_reports.py (issue 17 item 2). Keys: (report, council, month
of 2026-27 from April = 0, row, team); every cell not listed is 0."""

from __future__ import annotations

from aggregates.report import Council
from tests.monitoring_equality_expected import EQUALITY_EXPECTED

DOVER, DARTFORD = Council.DOVER, Council.DARTFORD
TSUP = "Tenancy Support Team"  # Dover's one team
HSF, HSP, TSV = ("Housing Scheme and Finance Team", "Housing Solutions & Private Sector Team",
                 "Tenancy Services Team")
APR, MAY, JUN = 0, 1, 2  # months of financial year 2026-27

# (report, council, month, row, team) -> the figure; every other cell of 2026-27 is 0.
# Hand-counted from the story in tests/monitoring_cases.py `build`.
EXPECTED: dict[tuple[str, Council, int, str, str], int] = {
    # Cases opened (D0 opened on 31 March, London time: the year before).
    ("referrals-received", DOVER, APR, "received", TSUP): 1,   # D1
    ("referrals-received", DOVER, MAY, "received", TSUP): 1,   # D2 (00:30 BST on 1 May)
    ("referrals-received", DOVER, JUN, "received", TSUP): 1,   # D3
    ("referrals-received", DARTFORD, APR, "received", TSV): 1,  # T1
    ("referrals-received", DARTFORD, MAY, "received", HSP): 1,  # T2
    ("referrals-received", DARTFORD, JUN, "received", HSF): 1,  # T3
    # CAR Q3 S3: Dartford's reports received.
    ("dartford-kpis", DARTFORD, APR, "s3", TSV): 1,
    ("dartford-kpis", DARTFORD, MAY, "s3", HSP): 1,
    ("dartford-kpis", DARTFORD, JUN, "s3", HSF): 1,
    # D 8.14: contacted within 2 working days, and the working days taken.
    ("victim-contact", DOVER, APR, "within", TSUP): 1,       # D1: 1 (over Easter)
    ("victim-contact-days", DOVER, APR, "1", TSUP): 1,
    ("victim-contact", DOVER, MAY, "later", TSUP): 1,        # D2: 4 (early May bank holiday)
    ("victim-contact-days", DOVER, MAY, "4", TSUP): 1,
    ("victim-contact", DOVER, JUN, "within", TSUP): 1,       # D3: the same day
    ("victim-contact-days", DOVER, JUN, "0", TSUP): 1,
    ("victim-contact", DARTFORD, APR, "within", TSV): 1,     # T1: 2
    ("victim-contact-days", DARTFORD, APR, "2", TSV): 1,
    ("victim-contact", DARTFORD, JUN, "within", HSF): 1,     # T3: 1
    ("victim-contact-days", DARTFORD, JUN, "1", HSF): 1,
    # D 8.36: emergency repairs.
    ("emergency-repairs", DOVER, APR, "within", TSUP): 1,    # D1: 9 hours
    ("emergency-repairs", DOVER, JUN, "later", TSUP): 1,     # D3: 26 hours
    # D 8.15: MARAC referrals, repeat referrals, actions.
    ("marac-referrals", DOVER, MAY, "first", TSUP): 1,
    ("marac-referrals", DOVER, MAY, "repeat", TSUP): 1,
    ("marac-referrals", DARTFORD, JUN, "first", HSF): 1,
    ("marac-actions", DARTFORD, JUN, "on_time", HSF): 1,
    ("marac-actions", DARTFORD, JUN, "overdue", HSF): 1,
    # Partner deliveries (the repairs contractor is a partner too).
    ("partner-deliveries", DOVER, APR, "acknowledged", TSUP): 1,       # D1's repair
    ("partner-deliveries", DOVER, MAY, "given_up", TSUP): 1,           # D2's MARAC
    ("partner-deliveries", DOVER, MAY, "acknowledged_late", TSUP): 1,  # D2's repeat MARAC
    ("partner-deliveries", DOVER, JUN, "acknowledged", TSUP): 1,       # D3's repair
    ("partner-deliveries", DARTFORD, JUN, "acknowledged", HSF): 1,     # T3's MARAC
    # SCAR Q15, DBC 14: the Sanctuary Scheme (Dartford's; Dover has none).
    ("sanctuary-tenure", DARTFORD, APR, "council_general_needs", TSV): 1,
    ("sanctuary-tenure", DARTFORD, MAY, "private_rented", HSP): 1,
    ("sanctuary-tenure", DARTFORD, JUN, "council_housing_scheme", HSF): 1,
    ("sanctuary-referrers", DARTFORD, APR, "agency", TSV): 1,
    ("sanctuary-referrers", DARTFORD, MAY, "victim", HSP): 1,
    ("sanctuary-referrers", DARTFORD, JUN, "person", HSF): 1,
    ("sanctuary-households", DARTFORD, APR, "lone_parent", TSV): 1,
    ("sanctuary-households", DARTFORD, MAY, "couple_with_children", HSP): 1,
    ("sanctuary-households", DARTFORD, JUN, "lone_adult", HSF): 1,
    ("sanctuary-decisions", DARTFORD, APR, "accepted", TSV): 1,
    ("sanctuary-decisions", DARTFORD, MAY,
     "sanctuary_perpetrator_does_not_live_at_property", HSP): 1,
    ("sanctuary-decisions", DARTFORD, JUN, "accepted", HSF): 1,
    ("sanctuary-declined", DARTFORD, JUN, "moving_elsewhere", HSF): 1,
    ("sanctuary-measures", DARTFORD, MAY, "door_locks_changed", TSV): 1,
    ("sanctuary-measures", DARTFORD, MAY, "window_locks", TSV): 1,
    ("sanctuary-cost", DARTFORD, MAY, "door_locks_changed", TSV): 123,  # £123.45
    ("sanctuary-cost", DARTFORD, MAY, "window_locks", TSV): 60,
    # CAR equality monitoring and the July cases: tests/monitoring_equality_expected.py.
}
# Dartford's housing KPIs (tests/monitoring_cases.py `housing_kpi_cases`), added to the
# figures above: their cases are also referrals received (and, in Dartford, S3).
HOUSING_KPIS: dict[tuple[str, Council, int, str, str], int] = {
    ("referrals-received", DARTFORD, APR, "received", HSP): 1,  # T4
    ("referrals-received", DARTFORD, JUN, "received", TSV): 1,  # T5
    ("referrals-received", DARTFORD, JUN, "received", HSP): 1,  # T6
    ("referrals-received", DOVER, JUN, "received", TSUP): 1,    # D4
    ("dartford-kpis", DARTFORD, APR, "s3", HSP): 1,
    ("dartford-kpis", DARTFORD, JUN, "s3", TSV): 1,
    ("dartford-kpis", DARTFORD, JUN, "s3", HSP): 1,
    # DBC 14.2: T4 once (in May, when both duties were first owed), not T6 (relief only).
    ("dartford-kpis", DARTFORD, MAY, "dbc14_2", HSP): 1,
    # CAR Q3 HPI-15: T5 stayed in its home; T4 was not prevented; D4 is Dover's.
    ("dartford-kpis", DARTFORD, JUN, "hpi15", TSV): 1,
}
for _key, _n in HOUSING_KPIS.items():
    EXPECTED[_key] = EXPECTED.get(_key, 0) + _n
for _cell, _count in EQUALITY_EXPECTED.items():  # added, so other stories' figures add up
    EXPECTED[_cell] = EXPECTED.get(_cell, 0) + _count

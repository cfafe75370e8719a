"""The hand-counted figures of the equality answers and decline reasons in the monitoring
story (tests/monitoring_cases.py: the answers of T1 to T3 in `build`, and
`equality_and_declines`), added to `EXPECTED` in tests/monitoring_expected.py
(CAR; SCAR Q7, Q15). Keys: (report, council, month of 2026-27 from April = 0, row, team)."""

from __future__ import annotations

from aggregates.equality import ProtectedCharacteristic
from aggregates.report import Council
from monitoring.definitions import equality_report

DARTFORD = Council.DARTFORD
HSF, HSP, TSV = ("Housing Scheme and Finance Team", "Housing Solutions & Private Sector Team",
                 "Tenancy Services Team")
APR, MAY, JUN, JUL = 0, 1, 2, 3


def _equality(month: int, team: str, answers: dict[str, str],
              needs: tuple[str, ...] = ()) -> dict[tuple[str, Council, int, str, str], int]:
    """One Dartford household referred in `month`: its answer (else "not given") in each
    characteristic's report, and each need (else "none") in the communication report."""
    return {**{(equality_report(c), DARTFORD, month, answers.get(c.value, "not_given"), team): 1
               for c in ProtectedCharacteristic},
            **{("equality-communication", DARTFORD, month, need, team): 1
               for need in needs or ("none",)}}


# Hand-counted from `equality_and_declines` and the answers of T1 to T3 in `build`.
EQUALITY_EXPECTED: dict[tuple[str, Council, int, str, str], int] = {
    **_equality(APR, TSV, {"age": "25_34", "sex": "female"}, ("bsl_interpreter",)),  # T1
    **_equality(MAY, HSP, {}),                                                        # T2
    **_equality(JUN, HSF, {"disability": "limited_a_lot"}),                           # T3
    # T7, July: opened, referred by the victim, accepted, declined feeling safe now.
    ("referrals-received", DARTFORD, JUL, "received", TSV): 1,
    ("dartford-kpis", DARTFORD, JUL, "s3", TSV): 1,
    ("sanctuary-tenure", DARTFORD, JUL, "council_general_needs", TSV): 1,
    ("sanctuary-referrers", DARTFORD, JUL, "victim", TSV): 1,
    ("sanctuary-households", DARTFORD, JUL, "lone_parent", TSV): 1,
    ("sanctuary-decisions", DARTFORD, JUL, "accepted", TSV): 1,
    ("sanctuary-declined", DARTFORD, JUL, "feels_safe_now", TSV): 1,
    **_equality(JUL, TSV, {"age": "16_24", "sex": "female", "race": "asian",
                           "religion_or_belief": "prefer_not_to_say",
                           "pregnancy_or_maternity": "pregnant"},
                ("translated_documents", "spoken_language_interpreter")),
    # T8, July: private rented, referred by an agency, declined for another option.
    ("referrals-received", DARTFORD, JUL, "received", HSP): 1,
    ("dartford-kpis", DARTFORD, JUL, "s3", HSP): 1,
    ("sanctuary-tenure", DARTFORD, JUL, "private_rented", HSP): 1,
    ("sanctuary-referrers", DARTFORD, JUL, "agency", HSP): 1,
    ("sanctuary-households", DARTFORD, JUL, "couple_without_children", HSP): 1,
    ("sanctuary-decisions", DARTFORD, JUL, "accepted", HSP): 1,
    ("sanctuary-declined", DARTFORD, JUL, "chose_another_option", HSP): 1,
    **_equality(JUL, HSP, {"disability": "not_disabled", "gender_reassignment": "not_same",
                           "marriage_or_civil_partnership": "prefer_not_to_say",
                           "sexual_orientation": "bisexual"}),
}

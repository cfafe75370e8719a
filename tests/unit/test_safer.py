"""KCC SAFER on a case (DBC 7.4.3, D 8.37): a referral under a recorded decision to share on
the household's agreement, one at a time; the works recorded only from KCC's verified message
about a referral we delivered, once; never by a member of staff."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aggregates.case import Case
from aggregates.commands import CommandContext, apply_command, parse_command
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Adult, Council, Household
from aggregates.safer import SaferMeasure
from tests.unit.builders import CASEWORKER, VICTIM_NAME, london, make_report, open_case

AT = london(2026, 6, 9, 10)
SYSTEM = Actor.system()


def referred(council: Council = Council.DOVER) -> tuple[Case, str]:
    report = make_report(council=council, adults=(Adult(name=VICTIM_NAME),))
    case = open_case(report)
    assert case.report.household == Household(adults=(Adult(name=VICTIM_NAME),))
    referral_id = case.refer_to_safer(reason="Wants locks changed; agreed at the visit.",
                                      actor=CASEWORKER, at=AT, command_id="c1")
    return case, referral_id


def works(case: Case, referral_id: str, *, on: date = date(2026, 6, 20),
          measures: tuple[str, ...] = ("door_locks", "window_locks"), msg: str = "k1") -> None:
    apply_command(case, "record_safer_works", {
        "referral_id": referral_id, "measures": list(measures), "completed_on": on.isoformat(),
        "message_id": msg, "signed_body": '{"type":"works_completed"}', "signature": "v1a,x"},
        CommandContext(actor=SYSTEM, at=london(2026, 6, 21, 9), command_id=f"kcc-{msg}"))


@pytest.mark.parametrize(("council", "rule", "section"), [
    (Council.DOVER, "support_access_to_kcc_safer", "D 8.37"),
    (Council.DARTFORD, "refer_to_kcc_safer", "DBC 7.4.3"),
])
def test_a_safer_referral_rests_on_a_recorded_decision_on_the_households_agreement(
        council: Council, rule: str, section: str) -> None:
    """Both councils refer to SAFER, each under its own section."""
    case, referral_id = referred(council)
    referral = case.referrals[referral_id]
    assert (referral.partner, referral.rule, referral.section) == ("kcc_safer", rule, section)
    decision = case.sharing_decisions[-1]
    assert (decision.partner, decision.purpose, decision.lawful_basis, decision.shared) == (
        "kcc_safer", "security_measures", "consent", True)
    assert sorted(decision.categories) == ["case_reference", "victim_address",
                                           "victim_contact", "victim_identity"]


def test_a_safer_referral_sent_twice_with_one_key_is_taken_once() -> None:
    """A retried request (the page sent twice, an API client's retry with its Idempotency-Key)
    carries the same command id: the case knows it applied it, so the store does not apply it
    again and the second answer is the first's, not a refusal."""
    case, referral_id = referred()
    assert case.has_applied("c1")
    assert [r.referral_id for r in case.referrals.values() if r.kind.value == "safer"] == [
        referral_id]


def test_one_safer_referral_at_a_time() -> None:
    case, _ = referred()
    with pytest.raises(ConflictError, match="safer_one_referral_at_a_time"):
        case.refer_to_safer(reason="Again.", actor=CASEWORKER, at=AT, command_id="c2")


def test_works_are_recorded_from_kcc_only_once_the_referral_was_delivered() -> None:
    case, referral_id = referred()
    with pytest.raises(ConflictError, match="delivery_recorded_first"):
        works(case, referral_id)
    case.record_referral_delivered(referral_id=referral_id, delivery_id="d", digest="x",
                                   via="https", at=AT + timedelta(minutes=1))
    works(case, referral_id)
    [recorded] = case.safer.works
    assert recorded.measures == (SaferMeasure.DOOR_LOCKS, SaferMeasure.WINDOW_LOCKS)
    assert recorded.completed_on == date(2026, 6, 20)
    with pytest.raises(ConflictError, match="safer_works_recorded_once"):
        works(case, referral_id, msg="k2")


@pytest.mark.parametrize(("change", "rule"), [
    ({"measures": ()}, "safer_works_name_measures"),
    ({"measures": ("moat",)}, "choice_is_known"),
    ({"on": date(2026, 6, 1)}, "safer_works_between_referral_and_today"),
    ({"on": date(2026, 7, 1)}, "safer_works_between_referral_and_today"),
])
def test_a_works_message_that_makes_no_sense_is_refused_naming_the_rule(
        change: dict, rule: str) -> None:
    case, referral_id = referred()
    case.record_referral_delivered(referral_id=referral_id, delivery_id="d", digest="x",
                                   via="https", at=AT)
    with pytest.raises(RuleViolation, match=rule):
        works(case, referral_id, **change)
    assert case.safer.works == []


def test_works_about_another_referral_are_refused() -> None:
    case, _ = referred()
    with pytest.raises(RuleViolation, match="safer_works_of_our_referral"):
        works(case, "r99")


@pytest.mark.parametrize("role", ["caseworker", "dso", "line_manager", "auditor"])
def test_no_member_of_staff_may_record_safer_works(role: str) -> None:
    """Only KCC's verified message, applied by the system, records works."""
    with pytest.raises(RuleViolation, match="role_may_give_command"):
        parse_command("record_safer_works", {}, role)

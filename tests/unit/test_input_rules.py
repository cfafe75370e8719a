"""The input rules in one place (`aggregates.input_rules`), as the domain applies them: dates
in their range, text without control or invisible characters, and a signed partner body
nested too deep refused before it is parsed ("Need to know at every door", finding 7)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import pytest

from aggregates.case import check_report
from aggregates.errors import RuleViolation
from aggregates.input_rules import (
    check_date_in_range,
    check_text,
    forbidden_character,
    text_message,
)
from aggregates.policies import policy_in_force
from aggregates.report import Child, Council, Household
from gateways.signing import VerificationError, verify_message
from gateways.signing_keys import generate_private_key
from tests.support import make_report

TODAY = date(2026, 11, 30)


def test_report_dated_in_year_one_is_refused_by_rule_not_an_overflow() -> None:
    year_one = datetime(1, 1, 1, tzinfo=UTC)
    with pytest.raises(RuleViolation) as refused:
        policy_in_force(Council.DOVER, year_one)
    assert (refused.value.rule, refused.value.field) == ("reported_at_in_range", "reported_at")
    with pytest.raises(RuleViolation, match="reported_at_in_range"):
        check_report(make_report(reported_at=year_one), datetime.now(UTC))


def test_dates_from_1900_to_today_are_in_range_and_planned_dates_ten_years_ahead() -> None:
    check_date_in_range("occurred_on", date(1900, 1, 1), TODAY)
    check_date_in_range("due_on", date(2036, 11, 30), TODAY)
    with pytest.raises(RuleViolation, match="incident_date_in_range"):
        check_date_in_range("occurred_on", date(1899, 12, 31), TODAY)
    with pytest.raises(RuleViolation, match="incident_not_in_future"):
        check_date_in_range("occurred_on", date(2026, 12, 2), TODAY)
    with pytest.raises(RuleViolation, match="due_date_in_range"):
        check_date_in_range("due_on", date(2036, 12, 2), TODAY)


def test_child_age_of_true_is_not_a_number_to_the_domain() -> None:
    report = make_report(household=Household(children=(Child(age=True),)))  # type: ignore[arg-type]
    with pytest.raises(RuleViolation, match="child_is_under_18"):
        check_report(report, datetime.now(UTC))


@pytest.mark.parametrize("char", ["\x00", "\u202e", "\ufeff", "\u200b", "\x7f", "\n"])
def test_one_line_text_refuses_control_and_invisible_characters(char: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_text(f"Rosalind{char}", field="victim.name")
    assert refused.value.rule == "text_has_no_control_characters"
    assert "Rosalind" not in str(refused.value)


def test_free_text_keeps_tab_and_line_breaks_only() -> None:
    assert forbidden_character("one\r\n\ttwo", multiline=True) is None
    assert forbidden_character("one\u202etwo", multiline=True) == "Cf"
    assert forbidden_character("émigré — 日本", multiline=False) is None


@pytest.mark.parametrize(("char", "category"), [("\u2028", "Zl"), ("\u2029", "Zp")])
def test_line_and_paragraph_separators_are_refused_in_one_line_and_free_text(
        char: str, category: str) -> None:
    """U+2028/U+2029 are no line break to a terminal, a log or a CSV export, so one field
    could read as two; free text keeps its tab, CR and LF only."""
    with pytest.raises(RuleViolation) as refused:
        check_text(f"Rosalind{char}Quennell", field="victim.name")
    assert (refused.value.rule, refused.value.field) == ("text_has_no_control_characters",
                                                        "victim.name")
    assert "separator" in refused.value.message and "Rosalind" not in str(refused.value)
    assert forbidden_character(f"Line one.{char}Line two.", multiline=True) == category


def test_signed_body_nested_3000_deep_is_refused_not_a_recursion_error() -> None:
    key = generate_private_key()
    body = b'{"a":' + b"[" * 3000 + b"]" * 3000 + b"}"
    content = b"m-1.1700000000." + body
    headers = {"webhook-id": "m-1", "webhook-timestamp": "1700000000",
               "webhook-signature": "v1a," + base64.b64encode(key.sign(content)).decode()}
    with pytest.raises(VerificationError) as refused:
        verify_message(body, headers, public_keys=[key.public_key()], now=1700000000)
    assert refused.value.reason == "malformed"



def test_the_refusal_of_a_hidden_character_reads_as_english() -> None:
    assert text_message("Cf") == ("the text contains an invisible formatting character (Cf), "
                                  "which is not allowed")
    assert text_message("Cc").startswith("the text contains a control character")

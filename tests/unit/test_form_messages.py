"""What a page says when a Sanctuary, SAFER or housing command is refused: each rule those
commands raise at a form reads as a plain sentence, never "Check ..." or the rule's code."""

from __future__ import annotations

import pytest

from web.form_messages import page_message

CASES = [
    ("referral", "sanctuary_one_referral_at_a_time",
     "The case already has a Sanctuary referral under way"),  # DBC 7.4.2
    ("referral", "sanctuary_referral_exists", "Refer the case to the Sanctuary Scheme first"),
    ("referrer_contact", "sanctuary_referrer_can_be_told",
     "Enter how to tell the referrer the outcome"),  # DBC 7.4.2
    ("reason_code", "sanctuary_decline_reason_is_offered",
     "Select why they chose not to have measures"),  # SCAR Q15
    ("reason", "safer_one_referral_at_a_time", "The case already has a SAFER referral under way"),
    ("issues", "complex_case_panel_referred_once",
     "The case has already been put to the Complex Case Panel"),  # DBC 7.4.1
    ("holding", "sole_tenancy_has_one_tenant",
     "A sole tenancy has one tenant: choose joint if the victim and the perpetrator are both "
     "tenants"),
    ("wishes", "wishes_in_words", "Enter what the victim wants done, in their words"),  # DBC 7.5.1
]


@pytest.mark.parametrize(("field", "rule", "said"), CASES, ids=[rule for _, rule, _ in CASES])
def test_a_refused_command_reads_as_a_plain_sentence(field: str, rule: str, said: str) -> None:
    # The domain's own message carries its rule code and section, so it is never shown.
    assert page_message(field, rule, f"{rule} (DBC 7.4.2): the domain's words") == said

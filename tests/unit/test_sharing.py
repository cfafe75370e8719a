"""The sharing gate and sharing decisions (D 12.4–12.6, DBC 12, DAHA guidance)."""

from __future__ import annotations

import pytest

from aggregates.errors import RuleViolation
from aggregates.referrals import ReferralKind
from aggregates.sharing import SharingRefused, check_decision, sharing_gate

CONTENT = {
    "case_reference": {"case_reference": "c-1"},
    "victim_identity": {"name": "V"},
    "victim_contact": {"phone": "0"},
    "victim_address": {"address": "A"},
    "children": [{"age": 3}],
    "perpetrator_details": {"name": "P"},
    "risk_assessment": {"level": "high"},
}
MARAC_PROFILE = frozenset({"case_reference", "victim_identity", "victim_contact",
                           "victim_address", "children", "risk_assessment",
                           "perpetrator_details"})


def decision(categories: list[str], *, shared: bool = True, basis: str = "public_task",
             partner: str = "kent_medway_marac", purpose: str = "marac_referral",
             decision_id: str = "d1") -> dict:
    return {"decision_id": decision_id, "partner": partner, "purpose": purpose,
            "categories": categories, "shared": shared, "lawful_basis": basis}


def gate(decisions: list[dict], *, profile: frozenset[str] = MARAC_PROFILE,
         consents: dict[str, bool] | None = None, kind: ReferralKind = ReferralKind.MARAC,
         partner: str = "kent_medway_marac") -> dict:
    return sharing_gate(partner=partner, kind=kind, content=CONTENT, decisions=decisions,
                        consents=consents or {}, profile=profile)


REQUIRED = ["case_reference", "victim_identity", "victim_address", "risk_assessment"]


def test_only_categories_a_decision_covers_are_sent() -> None:
    """D 12.4: share only what is necessary; D 12.5: only what the decision covers."""
    message = gate([decision(REQUIRED)])
    assert set(message) - {"decision_id", "lawful_basis"} == set(REQUIRED)
    assert "perpetrator_details" not in message and "children" not in message


def test_optional_categories_are_sent_when_covered_and_allowed() -> None:
    message = gate([decision([*REQUIRED, "children", "perpetrator_details"])])
    assert message["children"] == [{"age": 3}]
    assert message["perpetrator_details"] == {"name": "P"}


def test_a_required_category_not_covered_refuses_naming_it() -> None:
    """D 12.5: the refusal names the rule and the missing coverage."""
    with pytest.raises(SharingRefused) as refused:
        gate([decision(["case_reference", "victim_identity"])])
    assert refused.value.rule == "sharing_decision_covers_every_category"
    assert refused.value.missing == ("risk_assessment", "victim_address")


def test_the_partner_profile_limits_what_is_sent() -> None:
    """Data minimisation per partner: never beyond the partner's profile."""
    without_perpetrator = MARAC_PROFILE - {"perpetrator_details"}
    message = gate([decision([*REQUIRED, "perpetrator_details"])], profile=without_perpetrator)
    assert "perpetrator_details" not in message
    with pytest.raises(SharingRefused) as refused:
        gate([decision(REQUIRED)], profile=MARAC_PROFILE - {"risk_assessment"})
    assert (refused.value.rule, refused.value.missing) == (
        "partner_profile_allows_category", ("risk_assessment",))


def test_no_decision_or_a_later_decision_not_to_share_refuses() -> None:
    """D 12.5: every decision to share or not to share is recorded; the latest stands."""
    with pytest.raises(SharingRefused, match="sharing_decision_covers_recipient_and_purpose"):
        gate([])
    with pytest.raises(SharingRefused, match="sharing_decision_covers_recipient_and_purpose"):
        gate([decision(REQUIRED, decision_id="d1"),
              decision(REQUIRED, shared=False, decision_id="d2")])
    with pytest.raises(SharingRefused, match="sharing_decision_covers_recipient_and_purpose"):
        gate([decision(REQUIRED, partner="police")])  # another recipient's decision


def test_withdrawn_consent_ends_a_consent_based_decision() -> None:
    """D 12.6: consent where sought; withdrawn consent is respected."""
    consent_based = [decision(REQUIRED, basis="consent")]
    assert gate(consent_based, consents={"marac_referral": True})["lawful_basis"] == "consent"
    with pytest.raises(SharingRefused, match="consent_not_withdrawn"):
        gate(consent_based, consents={"marac_referral": False})
    # A safeguarding obligation does not rest on consent.
    assert gate([decision(REQUIRED, basis="safeguarding_obligation")],
                consents={"marac_referral": False})


@pytest.mark.parametrize("recipient", ["perpetrator", "perpetrator_representative"])
def test_the_perpetrator_is_never_a_recipient_whatever_is_recorded(recipient: str) -> None:
    """Never share information about the victim with the perpetrator or their
    representatives (D 12; DOMAIN 'Information sharing')."""
    with pytest.raises(SharingRefused, match="never_share_with_perpetrator"):
        gate([decision(REQUIRED, partner=recipient)], partner=recipient)
    with pytest.raises(SharingRefused, match="never_share_with_perpetrator"):
        check_decision(partner=recipient, purpose="marac_referral", categories=REQUIRED,
                       shared=True, lawful_basis="public_task", justification="x", reasons="")


@pytest.mark.parametrize(("kwargs", "rule", "field"), [
    (dict(shared=True, lawful_basis=None, justification="j", reasons=""),
     "sharing_has_lawful_basis", "lawful_basis"),
    (dict(shared=True, lawful_basis="public_task", justification=" ", reasons=""),
     "sharing_is_justified", "justification"),
    (dict(shared=False, lawful_basis=None, justification="", reasons=""),
     "not_sharing_has_reasons", "reasons"),
])
def test_a_decision_records_its_basis_and_justification_or_its_reasons(
        kwargs: dict, rule: str, field: str) -> None:
    """D 12.5: if shared, the justification; if not, the reasons; D 12.6: the lawful basis."""
    with pytest.raises(RuleViolation) as refused:
        check_decision(partner="police", purpose="police_notification",
                       categories=["victim_identity"], **kwargs)
    assert (refused.value.rule, refused.value.field) == (rule, field)

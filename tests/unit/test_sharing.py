"""The sharing gate and sharing decisions (D 12.4–12.6, DBC 12, DAHA guidance)."""

from __future__ import annotations

import pytest

from aggregates.commands import parse_command
from aggregates.errors import RuleViolation
from aggregates.landlords import LANDLORD_IDS
from aggregates.referrals import Partner, ReferralKind
from aggregates.sharing import (
    PARTNER_IDS,
    SharingRefused,
    check_decision,
    check_recipient,
    covering_decision,
    sharing_gate,
)
from aggregates.sharing_decisions import SharingDecided
from gateways.default_partners import registry_document
from gateways.registry import PartnerRegistry, RegistryInvalid
from tests.unit.builders import CASEWORKER, triaged_case

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


# ---- recipients are an allow-list (D 12.4, D 12.5, D 8.42) ---------------------------------

PERPETRATOR_SPELLINGS = ["Perpetrator", "perpetrator_solicitor", "PERPETRATOR", "perpetrator",
                         "perpetrator_representative", "Perpetrator's solicitor",
                         "the perp's brief", "ＰＥＲＰＥＴＲＡＴＯＲ", "abuser-solicitor"]
UNREGISTERED = ["Kent Police DA unit", "acme_lettings", "POLICE", "police ", "", "his mother"]


def record(partner: object, registered: frozenset[str] = PARTNER_IDS) -> None:
    check_decision(partner=partner, purpose="marac_referral",  # type: ignore[arg-type]
                   categories=REQUIRED, shared=True, lawful_basis="public_task",
                   justification="x", reasons="", registered=registered)


@pytest.mark.parametrize("recipient", PERPETRATOR_SPELLINGS)
def test_the_perpetrator_or_anyone_acting_for_them_is_refused_whatever_the_spelling(
        recipient: str) -> None:
    """D 12.4, D 8.42: never share with the perpetrator or their representatives, however a
    recipient is written; refused when recording and at the gate, naming rule and section."""
    for attempt in (lambda: record(recipient),
                    lambda: gate([decision(REQUIRED, partner=recipient)], partner=recipient)):
        with pytest.raises(SharingRefused) as refused:
            attempt()
        assert (refused.value.rule, refused.value.field, refused.value.section) == (
            "never_share_with_perpetrator", "partner", "D 12.4, D 8.42")


@pytest.mark.parametrize("recipient", UNREGISTERED)
def test_a_recipient_that_is_not_a_registered_partner_is_refused(recipient: str) -> None:
    """D 12.4, D 12.5: a decision names with whom, as a registered partner, never free text;
    a decision recorded with free text covers nothing at the gate."""
    for attempt in (lambda: record(recipient),
                    lambda: gate([decision(REQUIRED, partner=recipient)], partner=recipient)):
        with pytest.raises(SharingRefused) as refused:
            attempt()
        assert (refused.value.rule, refused.value.field, refused.value.section) == (
            "recipient_is_registered_partner", "partner", "D 12.4, D 12.5")
        # The value given (perhaps someone's name) is never repeated.
        assert not recipient.strip() or recipient not in str(refused.value)


def test_a_recipient_that_is_not_text_is_refused() -> None:
    """D 12.5: with whom is a registered partner's id (JSON may carry anything)."""
    with pytest.raises(SharingRefused, match="recipient_is_registered_partner"):
        record(["police"])


def test_every_registered_partner_is_accepted_and_none_reads_as_the_perpetrator() -> None:
    """D 12.5: the allow-list is the partner agencies (`Partner`) and the landlords of the
    Kent reciprocal agreement (D 8.22)."""
    assert {p.value for p in Partner} | LANDLORD_IDS == PARTNER_IDS
    for partner in sorted(PARTNER_IDS):
        check_recipient(partner)


def test_the_registered_partners_are_data_passed_to_the_rule() -> None:
    """D 12.4: a deployment that registers fewer partners refuses the others, at both ends."""
    only_marac = frozenset({"kent_medway_marac"})
    with pytest.raises(SharingRefused, match="recipient_is_registered_partner"):
        record("police", registered=only_marac)
    record("kent_medway_marac", registered=only_marac)
    with pytest.raises(SharingRefused, match="recipient_is_registered_partner"):
        sharing_gate(partner="police", kind=ReferralKind.MARAC, content=CONTENT,
                     decisions=[decision(REQUIRED, partner="police")], consents={},
                     profile=MARAC_PROFILE, registered=only_marac)


@pytest.mark.parametrize(("recipient", "rule"), [
    ("PERPETRATOR", "never_share_with_perpetrator"),
    ("perpetrator_solicitor", "never_share_with_perpetrator"),
    ("Kent Police DA unit", "recipient_is_registered_partner")])
def test_the_sharing_command_is_refused_as_it_is_built_so_before_history(
        recipient: str, rule: str) -> None:
    """D 12.4, D 8.42: the workflow's update validator builds the command with
    `parse_command`, so a refused recipient never reaches the workflow's history."""
    with pytest.raises(RuleViolation) as refused:
        parse_command("record_sharing_decision", {
            "partner": recipient, "purpose": "marac_referral", "shared": True,
            "categories": REQUIRED, "lawful_basis": "public_task", "justification": "x"},
            "caseworker")
    assert (refused.value.rule, refused.value.field) == (rule, "partner")


@pytest.mark.parametrize("partner", ["perpetrator_solicitor", "acme_lettings"])
def test_a_partner_registry_naming_an_unknown_or_the_perpetrator_is_refused(
        partner: str) -> None:
    """D 12.4: the registry can only hold partners the domain accepts as recipients."""
    document = registry_document({"police": "http://127.0.0.1:1/in"}, {})
    document["partners"].append({**document["partners"][0], "partner": partner})
    with pytest.raises(RegistryInvalid, match=partner):
        PartnerRegistry.from_dict(document)
    assert "police" in PartnerRegistry.from_dict(registry_document(
        {"police": "http://127.0.0.1:1/in"}, {}))


def test_a_free_text_decision_recorded_before_the_allow_list_still_loads(monkeypatch) -> None:
    """Stored events never change: a decision the previous version recorded with a free-text
    recipient is applied and listed on replay, and covers nothing at the gate (D 8.42)."""
    case = triaged_case()
    case.trigger_event(SharingDecided, decision_id="legacy-1", partner="Perpetrator",
                       purpose="housing_transfer", categories=["victim_address"], shared=True,
                       lawful_basis="public_task", justification="asked", reasons="",
                       under_isa=False, command_id="legacy", actor=CASEWORKER,
                       reason="Decided to share with Perpetrator for housing_transfer.",
                       at=case.modified_on)
    replayed = None
    for event in case.collect_events():
        replayed = event.mutate(replayed)
    assert replayed is not None
    assert [(d.decision_id, d.partner) for d in replayed.sharing_decisions] == [
        ("legacy-1", "Perpetrator")]
    with pytest.raises(SharingRefused, match="never_share_with_perpetrator"):
        covering_decision(replayed.sharing_decisions, partner="Perpetrator",
                          purpose="housing_transfer", consents={})

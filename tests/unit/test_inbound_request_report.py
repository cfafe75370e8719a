"""Another landlord's transfer request as the report of the case it opens (D 8.22; DBC
4.2.1): a partner's referral about their tenant, for the council the request is to; a
malformed request is refused naming the field, never echoing what was sent."""

from __future__ import annotations

from typing import Any

import pytest

from aggregates.errors import RuleViolation
from aggregates.landlords import KentLandlord
from aggregates.report import Channel, Council, ReporterKind, Tenure
from application.inbound_transfers import inbound_case_id, inbound_report
from tests.unit.builders import ORDINARY_MONDAY

REQUEST: dict[str, Any] = {
    "type": "transfer_request", "request_id": "moat-9", "to": "landlord_dartford_borough_council",
    "current_tenancy": "assured", "tenant": {"name": "Made-up Tenant", "phone": "07700 900001"},
    "household": {"children": [{"age": 4}]}}


def test_a_request_is_a_partner_referral_for_the_council_it_is_to() -> None:
    report = inbound_report(KentLandlord.MOAT_HOMES, REQUEST, ORDINARY_MONDAY)
    assert report.council is Council.DARTFORD
    assert (report.channel, report.reporter.kind) == (Channel.PARTNER_REFERRAL,
                                                      ReporterKind.PARTNER_AGENCY)
    assert report.reporter.organisation == "Moat Homes"
    assert report.tenure is Tenure.SOCIAL_TENANT_ELSEWHERE
    assert [c.age for c in report.household.children] == [4]


@pytest.mark.parametrize(("change", "field"), [
    ({"to": "landlord_moat_homes"}, "to"),
    ({"tenant": {"name": ""}}, "tenant.name"),
    ({"tenant": "Made-up Tenant"}, "tenant"),
    ({"household": {"children": [{"age": "4"}]}}, "household.children"),
    # A household sent as a list (or text) is not read as "no children": it could hide them.
    ({"household": []}, "household"),
    ({"household": "two children"}, "household"),
])
def test_a_malformed_request_is_refused_naming_the_field(change: dict[str, Any],
                                                         field: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        inbound_report(KentLandlord.MOAT_HOMES, {**REQUEST, **change}, ORDINARY_MONDAY)
    assert refused.value.field == field
    assert "Made-up" not in str(refused.value)


def test_the_case_of_a_request_is_the_same_for_its_retries_and_differs_per_sender() -> None:
    assert inbound_case_id(KentLandlord.MOAT_HOMES, "moat-9") == inbound_case_id(
        KentLandlord.MOAT_HOMES, "moat-9")
    assert inbound_case_id(KentLandlord.MOAT_HOMES, "moat-9") != inbound_case_id(
        KentLandlord.CLARION_HOUSING, "moat-9")

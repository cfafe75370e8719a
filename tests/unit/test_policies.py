"""Each council's policy by version (D 9.3, DBC 14.3), what each rule cites, and the report's
stored form."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime

import pytest

from aggregates.errors import UnknownPolicy
from aggregates.policies import (
    DARTFORD_2026,
    DEFAULT,
    DOVER_2025,
    POLICIES,
    Policy,
    Rule,
    policy_for,
    policy_in_force,
)
from aggregates.report import (
    Adjustment,
    Adult,
    Channel,
    Child,
    Council,
    Report,
    ReporterKind,
    Tenure,
)
from aggregates.tasks import TaskKind
from aggregates.triage import triage
from tests.unit.builders import london, make_report, open_case, task_of, triaged_case


def rules_of(policy: Policy) -> dict[str, Rule]:
    return {f.name: getattr(policy, f.name) for f in dataclasses.fields(policy)
            if isinstance(getattr(policy, f.name), Rule)}


# ---- which policy is in force ---------------------------------------------------------------


def test_dover_policy_is_in_force_from_1_september_2025():
    assert policy_in_force(Council.DOVER, london(2025, 9, 1, 9)) is DOVER_2025


def test_dartford_draft_is_in_force_from_1_january_2026():
    assert policy_in_force(Council.DARTFORD, london(2026, 1, 1, 9)) is DARTFORD_2026


def test_no_dover_policy_before_its_first_version_raises_unknown_policy():
    with pytest.raises(UnknownPolicy) as err:
        policy_in_force(Council.DOVER, london(2025, 8, 31, 12))
    assert err.value.rule == "policy_in_force"
    assert err.value.field == "reported_at"
    assert err.value.message == "no policy of dover was in force on 2025-08-31"


def test_no_dartford_policy_on_new_years_eve_2025_raises_unknown_policy():
    with pytest.raises(UnknownPolicy) as err:
        policy_in_force(Council.DARTFORD, london(2025, 12, 31, 12))
    assert err.value.rule == "policy_in_force"
    assert "2025-12-31" in err.value.message


def test_policy_in_force_is_chosen_by_the_london_date():
    """23:30 UTC on 31 Aug 2025 is 00:30 BST on 1 Sept 2025: Dover's policy is in force."""
    assert policy_in_force(Council.DOVER,
                           datetime(2025, 8, 31, 23, 30, tzinfo=UTC)) is DOVER_2025


def test_policies_never_cross_councils():
    assert policy_in_force(Council.DOVER, london(2026, 6, 8)).council is Council.DOVER
    assert policy_in_force(Council.DARTFORD, london(2026, 6, 8)).council is Council.DARTFORD


def test_newer_version_applies_from_its_date_and_older_reports_keep_the_old_one(monkeypatch):
    """D 9.3: a reviewed policy applies to new decisions; earlier dates keep the old version."""
    dover_2028 = dataclasses.replace(DOVER_2025, version="dover-2028-09",
                                     in_force_from=date(2028, 9, 1))
    monkeypatch.setitem(POLICIES, (Council.DOVER, "dover-2028-09"), dover_2028)
    assert policy_in_force(Council.DOVER, london(2028, 8, 31, 12)) is DOVER_2025
    assert policy_in_force(Council.DOVER, london(2028, 9, 1, 9)) is dover_2028
    assert policy_in_force(Council.DOVER, london(2030, 1, 1, 9)) is dover_2028


def test_open_case_keeps_its_policy_version_after_a_new_version_is_registered(monkeypatch):
    """D 9.3, DBC 14.3: a new version never rewrites decisions on an existing case."""
    case = triaged_case()
    stricter = dataclasses.replace(DOVER_2025, version="dover-2028-09",
                                   in_force_from=date(2026, 6, 1),
                                   victim_contact_working_days=1)
    monkeypatch.setitem(POLICIES, (Council.DOVER, "dover-2028-09"), stricter)
    assert case.policy is DOVER_2025
    assert task_of(case.open_tasks, TaskKind.CONTACT_VICTIM).due_at == london(2026, 6, 10, 17)


def test_policy_for_an_unregistered_version_raises_unknown_policy():
    with pytest.raises(UnknownPolicy) as err:
        policy_for(Council.DARTFORD, "dartford-2031")
    assert err.value.rule == "policy_is_registered"
    assert err.value.field == "policy_version"
    assert "'dartford-2031'" in err.value.message


def test_policy_for_a_registered_version_returns_it():
    assert policy_for(Council.DOVER, "dover-2025-09") is DOVER_2025
    assert policy_for(Council.DARTFORD, "dartford-2026-draft") is DARTFORD_2026


def test_opening_a_case_before_the_councils_first_policy_is_refused():
    """A case cannot be opened under a policy that did not exist: the lookup refuses it."""
    with pytest.raises(UnknownPolicy) as err:
        open_case(make_report(council=Council.DARTFORD, reported_at=london(2025, 12, 1)))
    assert err.value.rule == "policy_in_force"


# ---- what each rule cites -------------------------------------------------------------------


def test_every_dover_rule_cites_a_dover_section():
    for name, rule in rules_of(DOVER_2025).items():
        assert rule.section.startswith("D "), name


def test_every_dartford_rule_cites_dbc_or_says_it_is_the_configured_default():
    """Where Dartford's documents (DBC policy, CAR and SCAR reviews) are silent the rule says
    so, so no Dartford section is invented."""
    for name, rule in rules_of(DARTFORD_2026).items():
        assert rule.section.startswith(("DBC ", "CAR ", "SCAR ")) or DEFAULT in rule.section, name
    assert DEFAULT == "configured default"


def test_dartford_cites_its_own_sections_where_it_has_them():
    """DBC 10.1 Safeguarding Record Log; DBC 5.1 Appendix A routing."""
    assert DARTFORD_2026.safeguarding_report.section == "DBC 10.1"
    assert DARTFORD_2026.housing_team.section == "DBC 5.1, Appendix A"


def test_both_councils_give_every_tenure_a_team():
    for policy in (DOVER_2025, DARTFORD_2026):
        for tenure in Tenure:
            assert policy.team_for(tenure), (policy.version, tenure)


def test_dartford_routes_temporary_accommodation_and_private_renters_to_housing_solutions():
    """DBC 5.1, Appendix A: Housing Solutions & Private Sector for everyone not a tenant."""
    for tenure in (Tenure.TEMPORARY_ACCOMMODATION, Tenure.PRIVATE_RENTED,
                   Tenure.HOUSING_ASSOCIATION, Tenure.OWNER_OCCUPIER):
        assert DARTFORD_2026.team_for(tenure) == "Housing Solutions & Private Sector Team"


def test_rules_in_the_triage_of_one_case_come_from_its_own_councils_policy():
    dartford_specs = triage(make_report(council=Council.DARTFORD), DARTFORD_2026)
    dover_specs = triage(make_report(council=Council.DOVER), DOVER_2025)
    assert all(not s.rule.section.startswith("D ") for s in dartford_specs)
    assert all(s.rule.section.startswith("D ") for s in dover_specs)


# ---- the report's stored form ---------------------------------------------------------------


def full_report() -> Report:
    return make_report(
        council=Council.DARTFORD, channel=Channel.THIRD_PARTY,
        reporter_kind=ReporterKind.NEIGHBOUR, immediate_risk=True,
        tenure=Tenure.COUNCIL_HOUSING_SCHEME,
        adults=(Adult(name="Older relative", care_and_support_needs=True), Adult()),
        children=(Child(age=3, name="Child One"), Child(age=15)),
        adjustments=(Adjustment.BSL, Adjustment.SAME_SEX_OFFICER),
    )


def test_report_round_trips_through_to_dict_and_from_dict():
    report = full_report()
    assert Report.from_dict(report.to_dict()) == report


def test_report_round_trips_through_json_as_the_event_store_keeps_it():
    """Events hold the report as primitives; JSON turns tuples into lists and enums into str."""
    report = full_report()
    stored = json.loads(json.dumps(report.to_dict()))
    rebuilt = Report.from_dict(stored)
    assert rebuilt == report
    assert rebuilt.reported_at.utcoffset() == report.reported_at.utcoffset()
    assert rebuilt.household.has_adult_with_care_needs
    assert rebuilt.is_third_party


def test_report_stored_form_writes_time_with_offset_and_enums_as_their_values():
    stored = json.loads(json.dumps(full_report().to_dict()))
    assert stored["reported_at"] == "2026-06-08T10:00:00+01:00"
    assert stored["council"] == "dartford"
    assert stored["reporter"]["kind"] == "neighbour"
    assert stored["household"]["children"] == [{"age": 3, "name": "Child One"},
                                               {"age": 15, "name": None}]
    assert stored["reasonable_adjustments"] == ["bsl", "same_sex_officer"]

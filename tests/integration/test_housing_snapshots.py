"""The homelessness and tenancy-options state on a real SQLite file and a real PostgreSQL: a
case with an application, a route part-way through and enforcement considered reads back the
same from a snapshot as from its events (the new state types' transcodings), and none of the
victim's words is stored in clear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from activities.case_replay import replay_case
from activities.case_store import CaseStore
from aggregates.case import Case
from aggregates.report import Actor, Role
from tests.integration.test_event_store import open_case, raw_rows

CASEWORKER = Actor(staff_id="cw-17", role=Role.CASEWORKER)
WISHES = "Quennell must not learn where we go"


def test_housing_state_reads_back_the_same_from_a_snapshot(store: CaseStore) -> None:
    case_id = open_case(store)
    store.triage(case_id)
    at = datetime.now(UTC)
    commands = [
        ("record_homelessness_application", {"status": "homeless", "eligible": True,
                                             "because_of_abuse": True,
                                             "moving_because_of_abuse": True}),
        ("record_loss_of_settled_home", {"abuse_was_reason": True,
                                         "duties": ["prevention", "relief"]}),
        ("record_options_advice", {"options": ["legal_advice"]}),
        ("record_tenancy", {"holding": "joint", "security": "secure", "victim_is_tenant": True,
                            "perpetrator_is_tenant": True}),
        ("start_tenancy_route", {"route": "court_transfer_to_sole_name"}),
        ("complete_tenancy_step", {"step": "independent_legal_advice_and_safe_home_advised"}),
        ("record_victim_wishes", {"wishes": WISHES}),
        ("record_specialist_consulted", {"specialist": "respect", "advice": "Go slowly"}),
        ("consider_enforcement", {"ground": "ground_2a"}),
    ]
    for n, (name, args) in enumerate(commands):
        store.apply_command(case_id=case_id, name=name, args=args, actor=CASEWORKER,
                            command_id=f"h{n}", at=at + timedelta(seconds=n))
    case = store.get_case(case_id)
    store.snapshots.put([Case.Snapshot.take(case)])  # type: ignore[union-attr]
    from_snapshot = store.get_case(case_id)
    from_events = replay_case(store.events, case_id)
    for loaded in (from_snapshot, from_events):
        assert loaded.homelessness == case.homelessness
        assert loaded.tenancy == case.tenancy
    assert from_snapshot.tenancy.route is not None
    assert from_snapshot.tenancy.route.next_step == "court_application_made"
    assert from_snapshot.homelessness.application.priority_need is True  # type: ignore[union-attr]
    assert from_snapshot.tenancy.wishes_recorded_at == case.tenancy.wishes_recorded_at
    assert not any(WISHES in str(row) or "Quennell" in str(row) for row in raw_rows(store))

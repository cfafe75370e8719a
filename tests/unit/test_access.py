"""Need to know and permissions (D 8.27: access on a need-to-know basis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aggregates.access import (
    CROSS_COUNCIL_ARRANGEMENTS,
    AccessDecision,
    CaseAccessFacts,
    CrossCouncilArrangement,
    Forbidden,
    Permission,
    StaffFacts,
    break_glass_refusal,
    check_break_glass,
    check_permission,
    need_to_know,
    told_of_break_glass,
)
from aggregates.errors import RuleViolation
from aggregates.report import Council, Role

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TST = "Tenancy Support Team"


def staff(staff_id: str, role: Role, teams: tuple[str, ...] = (TST,),
          council: Council = Council.DOVER) -> StaffFacts:
    return StaffFacts(staff_id=staff_id, role=role, teams=frozenset(teams), council=council)


def case(**overrides: object) -> CaseAccessFacts:
    fields: dict[str, object] = dict(council=Council.DOVER, team=TST, officer_id="cw-1",
                                     escalated=False)
    fields.update(overrides)
    return CaseAccessFacts(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("who", "rule"), [
    (staff("cw-1", Role.CASEWORKER, teams=()), "assigned_officer"),
    (staff("cw-2", Role.CASEWORKER), "assigned_team"),
    (staff("aud", Role.AUDITOR, teams=()), "auditor_reads_council"),
])
def test_staff_with_need_to_know_see_the_case(who: StaffFacts, rule: str) -> None:
    decision = need_to_know(who, case(), NOW)
    assert (decision.allowed, decision.rule) == (True, rule)


@pytest.mark.parametrize("who", [
    staff("cw-9", Role.CASEWORKER, teams=("Housing Options",)),
    staff("cw-d", Role.CASEWORKER, council=Council.DARTFORD),  # same team name, other council
    staff("dso-9", Role.DSO, teams=("Housing Options",)),
    staff("adm", Role.ADMINISTRATOR, teams=(TST,)),
])
def test_staff_without_need_to_know_do_not(who: StaffFacts) -> None:
    assert need_to_know(who, case(), NOW).allowed is False


def test_a_dso_sees_escalated_cases_of_their_council_only() -> None:
    dso = staff("dso-9", Role.DSO, teams=("Housing Options",))
    assert need_to_know(dso, case(escalated=True), NOW).rule == "escalated_to_dso"
    other = staff("dso-d", Role.DSO, teams=(), council=Council.DARTFORD)
    assert not need_to_know(other, case(escalated=True), NOW).allowed
    assert not need_to_know(staff("cw-9", Role.CASEWORKER, teams=()), case(escalated=True),
                            NOW).allowed


def test_a_restricted_case_is_seen_only_by_the_named_people_auditors_included() -> None:
    """D 8.27: the victim or perpetrator is known to staff."""
    restricted = case(restricted_to=frozenset({"cw-2"}))
    assert need_to_know(staff("cw-2", Role.CASEWORKER), restricted, NOW).allowed
    for who in (staff("cw-1", Role.CASEWORKER), staff("aud", Role.AUDITOR, teams=())):
        assert need_to_know(who, restricted, NOW).rule == "restricted_case"


def test_a_conflict_of_interest_removes_access_even_for_the_named() -> None:
    conflicted = case(conflicted=frozenset({"cw-1"}), restricted_to=frozenset({"cw-1"}))
    assert need_to_know(staff("cw-1", Role.CASEWORKER), conflicted, NOW).rule == (
        "conflict_of_interest_removes_access")


def test_break_glass_opens_a_case_until_it_lapses() -> None:
    dso = staff("dso-9", Role.DSO, teams=())
    opened = case(break_glass_until={"dso-9": NOW + timedelta(hours=8)})
    assert need_to_know(dso, opened, NOW).rule == "break_glass"
    assert not need_to_know(dso, opened, NOW + timedelta(hours=8)).allowed


def test_break_glass_needs_a_dso_a_reason_and_no_conflict() -> None:
    with pytest.raises(Forbidden, match="role_may_use_action"):
        check_break_glass(staff("cw-9", Role.CASEWORKER), case(), "a good long reason here")
    with pytest.raises(RuleViolation, match="break_glass_needs_reason"):
        check_break_glass(staff("dso-9", Role.DSO), case(), "because")
    with pytest.raises(Forbidden, match="conflict_of_interest"):
        check_break_glass(staff("dso-9", Role.DSO), case(conflicted=frozenset({"dso-9"})),
                          "a good long reason here")


# ---- where: the council boundary -------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DSO, Role.LINE_MANAGER, Role.CASEWORKER])
def test_nobody_crosses_the_council_boundary_without_an_arrangement(role: Role) -> None:
    """A Dartford member of staff never reads a Dover case, whatever their role, team or
    officer assignment, and a break-glass recorded across the boundary opens nothing."""
    outsider = staff("x-d", role, council=Council.DARTFORD)
    dover = case(officer_id="x-d", escalated=True,
                 break_glass_until={"x-d": NOW + timedelta(hours=1)})
    assert need_to_know(outsider, dover, NOW) == AccessDecision(False, "council_boundary")


def test_a_recorded_arrangement_lets_a_role_cross_the_boundary() -> None:
    joint_audit = CrossCouncilArrangement(
        staff_council=Council.DARTFORD, case_council=Council.DOVER,
        roles=frozenset({Role.AUDITOR}), reference="Joint audit 2026/7 (test)")
    auditor = staff("aud-d", Role.AUDITOR, teams=(), council=Council.DARTFORD)
    assert need_to_know(auditor, case(), NOW, [joint_audit]).allowed
    # ...for the roles it names and in the direction it names only.
    dartford_dso = staff("dso-d", Role.DSO, council=Council.DARTFORD)
    assert not need_to_know(dartford_dso, case(escalated=True), NOW, [joint_audit]).allowed
    assert not need_to_know(staff("aud-v", Role.AUDITOR, teams=()),
                            case(council=Council.DARTFORD), NOW, [joint_audit]).allowed
    assert CROSS_COUNCIL_ARRANGEMENTS == ()  # none by default


@pytest.mark.parametrize("role", [Role.DSO, Role.LINE_MANAGER])
def test_break_glass_stops_at_the_council_boundary(role: Role) -> None:
    outsider = staff("lead-d", role, council=Council.DARTFORD)
    assert break_glass_refusal(outsider, case()) == "council_boundary"
    with pytest.raises(Forbidden, match="council_boundary"):
        check_break_glass(outsider, case(), "Police called about this address tonight")


# ---- break-glass and restrictions (D 8.27) ---------------------------------------------------

def test_a_dso_may_not_break_glass_past_a_restriction() -> None:
    """D 8.27: a restriction names who may see the case; a DSO left off it stays off."""
    restricted = case(restricted_to=frozenset({"cw-2"}))
    dso = staff("dso-9", Role.DSO)
    assert break_glass_refusal(dso, restricted) == "restriction_bars_break_glass"
    with pytest.raises(Forbidden, match="restriction_bars_break_glass"):
        check_break_glass(dso, restricted, "Police called about this address tonight")
    # A break-glass recorded before the restriction no longer opens the case.
    opened = case(restricted_to=frozenset({"cw-2"}),
                  break_glass_until={"dso-9": NOW + timedelta(hours=8)})
    assert need_to_know(dso, opened, NOW) == AccessDecision(False, "restricted_case")


def test_a_line_manager_may_break_glass_past_a_restriction_with_a_reason() -> None:
    restricted = case(restricted_to=frozenset({"cw-2"}))
    manager = staff("lm-9", Role.LINE_MANAGER)
    assert break_glass_refusal(manager, restricted) is None
    with pytest.raises(RuleViolation, match="break_glass_needs_reason"):
        check_break_glass(manager, restricted, "urgent")
    check_break_glass(manager, restricted, "Police called about this address tonight")
    opened = case(restricted_to=frozenset({"cw-2"}),
                  break_glass_until={"lm-9": NOW + timedelta(hours=8)})
    assert need_to_know(manager, opened, NOW).rule == "break_glass_past_restriction"


def test_only_people_entitled_to_know_the_case_are_told_of_break_glass() -> None:
    """On a restricted case, the people named on it are told, never the officer who was cut
    off (nor the breaker's manager unless named); otherwise the officer and the manager."""
    restricted = case(officer_id="cw-1", restricted_to=frozenset({"cw-2", "dso-1"}))
    assert told_of_break_glass(restricted, "lm-9", "dir-1") == ["cw-2", "dso-1"]
    assert told_of_break_glass(case(officer_id="cw-1"), "dso-9", "lm-9") == ["cw-1", "lm-9"]
    conflicted = case(officer_id="cw-1", conflicted=frozenset({"cw-1"}))
    assert told_of_break_glass(conflicted, "dso-9", "lm-9") == ["lm-9"]


# ---- who: the reporter -----------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER])
def test_whoever_recorded_the_report_sees_the_case(role: Role) -> None:
    reporter = staff("rep-1", role, teams=("Housing Options",))
    reported = case(officer_id=None, reported_by="rep-1")
    assert need_to_know(reporter, reported, NOW).rule == "recorded_the_report"
    # ...unless a restriction leaves them off it.
    assert not need_to_know(reporter, case(reported_by="rep-1",
                                           restricted_to=frozenset({"cw-2"})), NOW).allowed


@pytest.mark.parametrize(("role", "permission", "allowed"), [
    (Role.CASEWORKER, Permission.OPEN_CASE, True),
    (Role.CASEWORKER, Permission.RESTRICT_CASE, False),
    (Role.DSO, Permission.BREAK_GLASS, True),
    (Role.AUDITOR, Permission.READ_ACCESS_LOG, True),
    (Role.AUDITOR, Permission.COMPLETE_TASK, False),   # auditors change nothing
    (Role.ADMINISTRATOR, Permission.READ_CASE, False),  # no need to know any case
    (Role.ADMINISTRATOR, Permission.MANAGE_STAFF, True),
])
def test_roles_may_use_only_their_permissions(role: Role, permission: Permission,
                                              allowed: bool) -> None:
    if allowed:
        check_permission(role, permission)
    else:
        with pytest.raises(Forbidden, match="role_may_use_action"):
            check_permission(role, permission)

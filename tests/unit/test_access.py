"""Need to know and permissions (D 8.27: access on a need-to-know basis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aggregates.access import (
    CaseAccessFacts,
    Forbidden,
    Permission,
    StaffFacts,
    check_break_glass,
    check_permission,
    need_to_know,
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
    (staff("aud", Role.AUDITOR, teams=()), "auditor_reads_all"),
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
    opened = case(break_glass_until={"dso-9": NOW + timedelta(hours=8)},
                  restricted_to=frozenset({"cw-1"}))
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

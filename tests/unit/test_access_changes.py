"""Changing who may see a case (D 8.27: a perpetrator may try to reach the victim's record
through staff they know): break-glass reads but does not take over; access commands name real
staff of the case's council and teams its policy routes to; those cut out are told."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from aggregates.access import Forbidden
from aggregates.case import Case
from aggregates.commands import CommandContext, apply_command
from aggregates.errors import RuleViolation
from aggregates.referrals import Referral, ReferralKind, ReferralStatus
from aggregates.report import Actor, Council, Role
from aggregates.staff import StaffProfile, check_manager
from tests.unit.builders import CASEWORKER, open_case

AT = datetime(2026, 6, 9, 12, 0, tzinfo=UTC)
TST = "Tenancy Support Team"
DSO = Actor(staff_id="dso-1", role=Role.DSO)
OUTSIDE_MANAGER = Actor(staff_id="lm-2", role=Role.LINE_MANAGER)  # not in the case's team
GLASS_REASON = "Police called out of hours about a threat at this address"


def entry(role: str, council: str = "dover", active: bool = True,
          teams: tuple[str, ...] = (TST,)) -> dict[str, Any]:
    return {"role": role, "council": council, "active": active, "teams": list(teams)}


# What the staff directory says of the staff these tests name (the edge looks it up).
DIRECTORY: dict[str, dict[str, Any]] = {
    CASEWORKER.staff_id: entry("caseworker"), "cw-002": entry("caseworker"),
    "cw-1": entry("caseworker"), "cw-2": entry("caseworker"), "dso-1": entry("dso"),
    "dso-2": entry("dso"), "lm-1": entry("line_manager"),
    "lm-2": entry("line_manager", teams=("Housing Options",)),
    "cw-dartford": entry("caseworker", council="dartford"),
    "admin": entry("administrator", teams=()), "aud-1": entry("auditor", teams=()),
    "cw-left": entry("caseworker", active=False),
}


def ctx(actor: Actor = DSO, command_id: str = "c1", at: datetime = AT) -> CommandContext:
    return CommandContext(actor=actor, at=at, command_id=command_id)


def command(case: Case, name: str, actor: Actor = DSO, command_id: str = "c1",
            **args: Any) -> None:
    apply_command(case, name, {"directory": DIRECTORY, **args}, ctx(actor, command_id))


def restricted_then_broken_into() -> Case:
    """lm-1 restricts the case to cw-1 and dso-2; lm-2, an unrelated line manager, breaks
    glass (allowed: a line manager, with a reason)."""
    case = open_case()
    command(case, "restrict_case", Actor("lm-1", Role.LINE_MANAGER), "c1",
            named_staff=["cw-1", "dso-2"], reason="The perpetrator works in housing")
    apply_command(case, "break_glass", {"reason": GLASS_REASON, "teams": ["Housing Options"],
                                        "council": "dover", "manager_id": None},
                  ctx(OUTSIDE_MANAGER, "c2"))
    case.collect_events()
    return case


@pytest.mark.parametrize(("name", "args"), [
    ("lift_restriction", {"reason": "Not needed any more"}),
    ("assign_case", {"team": TST, "officer_id": "lm-2", "reason": "I will take it"}),
    ("restrict_case", {"named_staff": ["lm-2"], "reason": "Only me from now on"}),
])
def test_break_glass_reads_it_does_not_change_who_may_see_the_case(
        name: str, args: dict[str, Any]) -> None:
    """D 8.27: break-glass past a restriction let a line manager lift it and take the case."""
    case = restricted_then_broken_into()
    with pytest.raises(Forbidden) as refused:
        command(case, name, OUTSIDE_MANAGER, "c3", **args)
    assert (refused.value.rule, refused.value.section) == (
        "break_glass_does_not_change_access", "D 8.27")
    assert case.collect_events() == []
    assert case.restricted_to == frozenset({"cw-1", "dso-2"})
    assert case.officer_id == CASEWORKER.staff_id


def test_break_glass_still_lets_one_record_work() -> None:
    case = restricted_then_broken_into()
    apply_command(case, "record_contact", {"party": "victim", "purpose": "about_abuse",
                                           "channel": "telephone"}, ctx(OUTSIDE_MANAGER, "c3"))
    assert [type(e).__name__ for e in case.collect_events()] == ["ContactRecorded"]


def test_break_glass_without_the_breakers_facts_counts_as_break_glass() -> None:
    """Fail closed: with break-glass open and nothing known of the actor, no access change."""
    case = restricted_then_broken_into()
    with pytest.raises(Forbidden, match="break_glass_does_not_change_access"):
        apply_command(case, "lift_restriction", {"reason": "Not needed any more"},
                      ctx(OUTSIDE_MANAGER, "c3"))


def test_someone_who_needs_to_know_anyway_may_change_access_after_breaking_glass() -> None:
    """Break-glass is not a penalty: a line manager of the case's team keeps their own right."""
    case = open_case()
    apply_command(case, "break_glass", {"reason": GLASS_REASON, "teams": [TST],
                                        "council": "dover", "manager_id": None},
                  ctx(Actor("lm-1", Role.LINE_MANAGER)))
    command(case, "assign_case", Actor("lm-1", Role.LINE_MANAGER), "c2", team=TST,
            officer_id="cw-1", reason="Caseload balanced")
    assert case.officer_id == "cw-1"


@pytest.mark.parametrize("who", ["cw-dartford", "ghost-person", "admin", "aud-1", "cw-left"])
def test_the_officer_is_active_case_staff_of_the_case_council(who: str) -> None:
    """D 8.27: a Dartford caseworker, an id nobody holds (whoever registers under it later
    would get the case), an administrator, an auditor (who works no case) or someone who has
    left: refused, with one rule whatever the reason, so the answer does not say whether the
    id exists."""
    case = open_case()
    with pytest.raises(RuleViolation) as refused:
        command(case, "assign_case", team=TST, officer_id=who, reason="Caseload")
    assert (refused.value.rule, refused.value.field) == (
        "named_staff_works_cases_of_council", "officer_id")
    assert case.officer_id == CASEWORKER.staff_id


@pytest.mark.parametrize("who", ["cw-dartford", "ghost-person", "admin", "cw-left"])
def test_a_restriction_names_active_staff_of_the_case_council_who_may_see_cases(
        who: str) -> None:
    """D 8.27: naming an id nobody holds would open the case to whoever registers under it
    later; a Dartford caseworker would cross the council boundary and be told of break-glass;
    an administrator has no need to know any case."""
    case = open_case()
    with pytest.raises(RuleViolation) as refused:
        command(case, "restrict_case", named_staff=["cw-1", who], reason="Sensitive case")
    assert (refused.value.rule, refused.value.field) == (
        "named_staff_may_see_cases_of_council", "named_staff.1")
    assert case.restricted_to is None


def test_an_auditor_may_be_named_on_a_restriction() -> None:
    """D 8.26: auditors check the record; a restricted case only if named on it."""
    case = open_case()
    command(case, "restrict_case", named_staff=["cw-1", "aud-1"], reason="Sensitive case")
    assert case.restricted_to == frozenset({"cw-1", "aud-1"})


def test_a_marac_action_owner_is_case_staff_of_the_case_council() -> None:
    """D 8.27 (the owner learns of the case through the task)."""
    case = open_case()
    # A MARAC referral heard on 1 June 2026 (how it got there is not this test's concern).
    case.referrals["r1"] = Referral(
        referral_id="r1", kind=ReferralKind.MARAC, partner="kent_medway_marac",
        rule="high_risk_referred_to_marac", section="D 8.15", status=ReferralStatus.DELIVERED,
        opened_on=date(2026, 5, 20), opened_at=AT, heard_on=date(2026, 6, 1))
    for owner in ("cw-dartford", "ghost-person", "admin"):
        with pytest.raises(RuleViolation) as refused:
            command(case, "add_marac_actions", referral_id="r1", actions=[
                {"description": "Fit locks", "owner_id": "cw-1", "due_on": "2026-06-20"},
                {"description": "Visit", "owner_id": owner, "due_on": "2026-06-20"}])
        assert (refused.value.rule, refused.value.field) == (
            "named_staff_works_cases_of_council", "actions.1.owner_id")


@pytest.mark.parametrize("team", ["Nonexistent Team", "Tenancy Services Team", "tenancy_team"])
def test_a_case_goes_only_to_a_team_its_council_routes_to(team: str) -> None:
    """D 8.28: the Tenancy Support Team is Dover's; a Dartford team or a made-up one would
    leave the case's tasks reaching nobody."""
    case = open_case()
    with pytest.raises(RuleViolation) as refused:
        command(case, "assign_case", team=team, reason="Caseload")
    assert (refused.value.rule, refused.value.field) == ("team_is_routed_by_policy", "team")
    assert case.assigned_team == TST


def test_lifting_a_restriction_tells_the_people_named_on_it() -> None:
    case = open_case()
    command(case, "restrict_case", Actor("lm-1", Role.LINE_MANAGER), "c1",
            named_staff=["cw-1", "dso-2", "lm-1"], reason="The perpetrator works in housing")
    apply_command(case, "declare_conflict", {"reason": "I know the family"},
                  ctx(Actor("dso-2", Role.DSO), "c2"))
    case.collect_events()
    command(case, "lift_restriction", Actor("lm-1", Role.LINE_MANAGER), "c3",
            reason="The member of staff has left")
    lifted, told = case.collect_events()
    assert type(lifted).__name__ == "RestrictionLifted"
    # Not the one who lifted it, nor anyone who declared a conflict.
    assert (type(told).__name__, told.change, told.notify) == (
        "AccessChangeNotified", "restriction_lifted", ["cw-1"])


def test_reassigning_tells_the_previous_officer_only_when_the_officer_changes() -> None:
    case = open_case()  # its officer is the caseworker who took the report
    command(case, "assign_case", team=TST, officer_id=CASEWORKER.staff_id, reason="Same")
    assert [type(e).__name__ for e in case.collect_events()][-1] == "Assigned"
    command(case, "assign_case", command_id="c2", team=TST, officer_id="cw-2",
            reason="Caseload balanced")
    assigned, told = case.collect_events()
    assert (told.change, told.notify, assigned.officer_id) == (
        "reassigned", [CASEWORKER.staff_id], "cw-2")


@pytest.mark.parametrize("manager", [
    None,  # an id nobody holds: whoever registered under it later would be told
    StaffProfile("lm-d", "x", Role.LINE_MANAGER, frozenset(), Council.DARTFORD, None, True),
    StaffProfile("lm-x", "x", Role.LINE_MANAGER, frozenset(), Council.DOVER, None, False),
    StaffProfile("adm", "x", Role.ADMINISTRATOR, frozenset(), Council.DOVER, None, True),
])
def test_a_manager_is_active_case_staff_of_the_same_council(
        manager: StaffProfile | None) -> None:
    """D 8.27: a manager is told when their DSO breaks glass."""
    with pytest.raises(RuleViolation) as refused:
        check_manager(manager, Council.DOVER)
    assert (refused.value.rule, refused.value.field) == ("manager_is_active_staff_of_council",
                                                         "manager_id")
    check_manager(StaffProfile("lm-1", "x", Role.LINE_MANAGER, frozenset(), Council.DOVER,
                               None, True), Council.DOVER)

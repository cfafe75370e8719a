"""The access commands on a case, applied through one registry (D 8.27, D 8.25)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aggregates.commands import CommandContext, apply_command, parse_command
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Role
from tests.unit.builders import open_case

DSO = Actor(staff_id="dso-1", role=Role.DSO)
AT = datetime(2026, 6, 9, 12, 0, tzinfo=UTC)


# What the staff directory says of the staff these tests name (the edge looks it up).
DIRECTORY = {staff_id: {"role": role, "council": "dover", "active": True,
                        "teams": ["Tenancy Support Team"]}
             for staff_id, role in (("cw-1", "caseworker"), ("cw-2", "caseworker"),
                                    ("dso-1", "dso"))}


def ctx(actor: Actor = DSO, command_id: str = "c1") -> CommandContext:
    return CommandContext(actor=actor, at=AT, command_id=command_id)


def test_unknown_commands_and_fields_are_refused_by_name() -> None:
    with pytest.raises(RuleViolation, match="command_is_known"):
        parse_command("delete_case", {}, "dso")
    with pytest.raises(RuleViolation, match="command_fields_known") as extra:
        parse_command("restrict_case", {"named_staff": ["a"], "reason": "r", "x": 1}, "dso")
    assert extra.value.field == "x"
    with pytest.raises(RuleViolation, match="command_fields_complete"):
        parse_command("restrict_case", {"reason": "r"}, "dso")


def test_only_safeguarding_leads_may_restrict_or_break_glass() -> None:
    for command in ("restrict_case", "break_glass", "assign_case"):
        with pytest.raises(RuleViolation, match="role_may_give_command"):
            parse_command(command, {}, "caseworker")


def test_restricting_names_people_and_records_why() -> None:
    """D 8.27: only named people see a restricted case; D 8.25: every decision says why."""
    case = open_case()
    with pytest.raises(RuleViolation, match="restriction_names_people"):
        apply_command(case, "restrict_case", {"named_staff": [], "reason": "why"}, ctx())
    with pytest.raises(RuleViolation, match="reason_is_recorded"):
        apply_command(case, "restrict_case", {"named_staff": ["cw-1"], "reason": " "}, ctx())
    apply_command(case, "restrict_case", {"named_staff": ["cw-1", "cw-1", "dso-1"],
                                          "reason": "Perpetrator is a council employee",
                                          "directory": DIRECTORY}, ctx())
    assert case.restricted_to == frozenset({"cw-1", "dso-1"})
    assert "c1" in case.applied_commands


def test_lifting_a_restriction_that_is_not_there_is_a_conflict() -> None:
    with pytest.raises(ConflictError, match="lift_only_a_restriction"):
        apply_command(open_case(), "lift_restriction", {"reason": "no longer needed"}, ctx())


def test_break_glass_tells_the_officer_and_the_dsos_manager_and_lapses() -> None:
    case = open_case()  # opened by a caseworker, who becomes its officer
    apply_command(case, "break_glass", {
        "reason": "Police called about this address out of hours", "teams": [],
        "council": "dover", "manager_id": "lm-1"}, ctx())
    event = case.collect_events()[-1]
    assert type(event).__name__ == "BreakGlassUsed"
    assert event.notify == sorted({case.officer_id, "lm-1"})
    assert case.break_glass_until["dso-1"] == datetime(2026, 6, 9, 20, 0, tzinfo=UTC)


def test_break_glass_past_a_restriction_tells_the_named_not_the_officer_cut_off() -> None:
    """D 8.27: the officer left off a restriction must not learn of the case through a
    notification; the people named on it are told."""
    case = open_case()  # its officer is the caseworker who took the report
    officer = case.officer_id
    apply_command(case, "restrict_case", {"named_staff": ["cw-2", "dso-1"],
                                          "reason": "Officer is related to the perpetrator",
                                          "directory": DIRECTORY}, ctx())
    manager = Actor(staff_id="lm-1", role=Role.LINE_MANAGER)
    with pytest.raises(RuleViolation, match="restriction_bars_break_glass"):
        apply_command(case, "break_glass", {
            "reason": "Police called about this address out of hours", "teams": [],
            "council": "dover", "manager_id": "lm-1"}, ctx(Actor("dso-9", Role.DSO), "c2"))
    apply_command(case, "break_glass", {
        "reason": "Police called about this address out of hours", "teams": [],
        "council": "dover", "manager_id": "dir-1"}, ctx(manager, "c3"))
    event = case.collect_events()[-1]
    assert type(event).__name__ == "BreakGlassUsed"
    assert event.notify == ["cw-2", "dso-1"] and officer not in event.notify


def test_break_glass_into_another_councils_case_is_refused() -> None:
    with pytest.raises(RuleViolation, match="council_boundary"):
        apply_command(open_case(), "break_glass", {
            "reason": "Police called about this address out of hours", "teams": [],
            "council": "dartford", "manager_id": None}, ctx())


def test_whoever_records_the_report_is_in_the_case_access_facts() -> None:
    """A DSO who records a report is not made its officer, but keeps seeing it."""
    case = open_case(actor=DSO)
    assert case.officer_id is None
    assert case.access_facts.reported_by == DSO.staff_id


LEADS = {"dso", "line_manager"}
CASE_STAFF = {"caseworker", "dso", "line_manager"}
# Written out by hand (not derived from the code), so changing who may give a command is a
# decision made here too; a command this table does not list fails.
EXPECTED_ROLES = {
    "assign_case": LEADS, "restrict_case": LEADS, "lift_restriction": LEADS,
    "break_glass": LEADS, "declare_conflict": CASE_STAFF | {"auditor"},
    **dict.fromkeys(("save_dash", "complete_dash", "record_marac_hearing", "add_marac_actions",
                     "report_incident", "add_child", "record_support_consent",
                     "record_contact", "record_sharing_decision", "record_consent",
                     "record_case_note", "correct_entry",
                     "refer_to_sanctuary", "assess_sanctuary_risk", "decide_sanctuary",
                     "decline_sanctuary_measures", "record_sanctuary_measure",
                     "tell_sanctuary_referrer", "report_emergency_repair", "refer_to_safer",
                     "record_homelessness_application", "record_local_connection",
                     "record_loss_of_settled_home", "record_homelessness_outcome",
                     "record_options_advice", "record_tenancy",
                     "start_tenancy_route", "complete_tenancy_step", "grant_new_tenancy",
                     "refer_to_complex_case_panel", "record_victim_wishes",
                     "record_specialist_consulted", "consider_enforcement"),
                    CASE_STAFF),
    # Only the system, on a partner's verified signed message.
    "record_safer_works": {"system"},
    # Kent reciprocal transfers (D 8.22): staff steps, and the landlord's signed answers.
    **dict.fromkeys(("request_reciprocal_transfer", "record_victim_transfer_decision",
                     "agree_transfer_move_date", "record_old_tenancy_ended",
                     "record_new_tenancy_granted", "answer_inbound_transfer"), CASE_STAFF),
    **dict.fromkeys(("record_transfer_request_sent", "record_transfer_offer",
                     "record_transfer_refusal", "record_inbound_transfer_request"),
                    frozenset({"system"})),
}


def test_every_command_carries_the_roles_that_may_give_it() -> None:
    """Each command names its permission; the roles holding it are the only ones it accepts."""
    from aggregates.commands import COMMANDS

    assert {name: {r.value for r in spec.command_type.roles()}
            for name, spec in COMMANDS.items()} == EXPECTED_ROLES
    for name, roles in EXPECTED_ROLES.items():
        for role in {"caseworker", "dso", "line_manager", "auditor", "administrator"} - roles:
            with pytest.raises(RuleViolation, match="role_may_give_command"):
                parse_command(name, {}, role)

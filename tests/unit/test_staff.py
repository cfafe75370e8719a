"""The staff member aggregate: who may be registered, and what its events record."""

from __future__ import annotations

from typing import Any

import pytest

from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Council, Role
from aggregates.staff import StaffMember, StaffProfile, staff_member_id

ADMIN = Actor(staff_id="adm-1", role=Role.ADMINISTRATOR)
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


def register(**overrides: Any) -> StaffMember:
    args: dict[str, Any] = dict(
        staff_id="cw-17", display_name="Imogen Thackeray-Pole", role=Role.CASEWORKER,
        teams=frozenset({"housing", "tenancy"}), council=Council.DOVER, manager_id="lm-3",
        actor=ADMIN, reason="New starter in the housing team.",
    )
    args.update(overrides)
    return StaffMember.register(**args)


def test_registered_member_has_profile_and_no_password() -> None:
    member = register()
    assert member.id == staff_member_id("cw-17")
    assert member.profile == StaffProfile(
        staff_id="cw-17", display_name="Imogen Thackeray-Pole", role=Role.CASEWORKER,
        teams=frozenset({"housing", "tenancy"}), council=Council.DOVER, manager_id="lm-3",
        active=True)
    assert member.password_hash is None
    assert member.profile.actor == Actor(staff_id="cw-17", role=Role.CASEWORKER)


def test_member_id_is_stable_and_distinct_per_staff_id() -> None:
    assert staff_member_id("cw-17") == staff_member_id("cw-17")
    assert staff_member_id("cw-17") != staff_member_id("cw-18")
    assert str(staff_member_id("cw-17")) == "f9b555ff-a71c-502f-b0f2-affc0cf6a984", \
        "the namespace is fixed: changing it orphans every recorded member of staff"


def test_every_event_records_who_and_why() -> None:
    member = register()
    member.change_password(password_hash=HASH, actor=ADMIN)
    member.deactivate(actor=ADMIN, reason="Left the council.")
    events = member.collect_events()
    assert [type(e).__name__ for e in events] == ["Registered", "PasswordChanged", "Deactivated"]
    for event in events:
        assert vars(event)["actor"] == {"staff_id": "adm-1", "role": "administrator"}
        assert vars(event)["reason"].strip()
    assert vars(events[0])["teams"] == ["housing", "tenancy"], "stored as a sorted list"


@pytest.mark.parametrize("staff_id", [
    "", "a" * 65, "Imogen Thackeray", "cw/17", "cw:17", "cw-17\n", "ñ-1", "cw@17"])
def test_staff_id_must_be_an_identifier(staff_id: str) -> None:
    with pytest.raises(RuleViolation) as error:
        register(staff_id=staff_id)
    assert (error.value.rule, error.value.field) == ("staff_id_is_identifier", "staff_id")
    if staff_id:
        assert staff_id.strip() not in str(error.value), "messages never echo the value"


@pytest.mark.parametrize("staff_id", ["cw-17", "a", "A.b_c-9", "x" * 64])
def test_identifier_staff_ids_are_accepted(staff_id: str) -> None:
    assert register(staff_id=staff_id, manager_id=None).profile.staff_id == staff_id


def test_system_id_is_reserved() -> None:
    with pytest.raises(RuleViolation) as error:
        register(staff_id="system")
    assert (error.value.rule, error.value.field) == ("staff_id_not_reserved", "staff_id")


def test_system_role_cannot_be_given_to_staff() -> None:
    with pytest.raises(RuleViolation) as error:
        register(role=Role.SYSTEM)
    assert (error.value.rule, error.value.field) == ("role_is_assignable", "role")


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SYSTEM])
def test_every_other_role_can_be_given(role: Role) -> None:
    assert register(role=role).profile.role is role


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_display_name_is_required(name: str) -> None:
    with pytest.raises(RuleViolation) as error:
        register(display_name=name)
    assert (error.value.rule, error.value.field) == ("display_name_given", "display_name")


def test_manager_id_must_be_an_identifier_and_someone_else() -> None:
    with pytest.raises(RuleViolation) as bad:
        register(manager_id="Line Manager")
    assert (bad.value.rule, bad.value.field) == ("staff_id_is_identifier", "manager_id")
    with pytest.raises(RuleViolation) as own:
        register(manager_id="cw-17")
    assert (own.value.rule, own.value.field) == ("manager_is_someone_else", "manager_id")


def test_teams_are_named() -> None:
    with pytest.raises(RuleViolation) as error:
        register(teams=frozenset({"housing", " "}))
    assert (error.value.rule, error.value.field) == ("team_is_named", "teams")
    with pytest.raises(RuleViolation):
        register(teams="housing")
    assert register(teams=frozenset()).profile.teams == frozenset()


def test_reason_is_recorded() -> None:
    with pytest.raises(RuleViolation) as error:
        register(reason=" ")
    assert (error.value.rule, error.value.field) == ("reason_is_recorded", "reason")


def test_only_an_argon2id_hash_is_recorded_as_password() -> None:
    member = register()
    for not_a_hash in ["correct horse battery staple", "$argon2i$v=19$m=8,t=1,p=1$x$y",
                       "$2b$12$bcrypthash"]:
        with pytest.raises(RuleViolation) as error:
            member.change_password(password_hash=not_a_hash, actor=ADMIN)
        assert (error.value.rule, error.value.field) == ("password_is_argon2id_hash",
                                                         "password_hash")
    member.change_password(password_hash=HASH, actor=ADMIN)
    assert member.password_hash == HASH


def test_deactivated_member_is_inactive_once_and_keeps_no_new_password() -> None:
    member = register()
    member.deactivate(actor=ADMIN, reason="Left the council.")
    assert member.profile.active is False
    with pytest.raises(ConflictError) as twice:
        member.deactivate(actor=ADMIN, reason="again")
    assert twice.value.rule == "deactivated_once"
    with pytest.raises(RuleViolation) as password:
        member.change_password(password_hash=HASH, actor=ADMIN)
    assert password.value.rule == "staff_is_active"


def test_deactivation_needs_a_reason() -> None:
    with pytest.raises(RuleViolation) as error:
        register().deactivate(actor=ADMIN, reason="")
    assert error.value.rule == "reason_is_recorded"

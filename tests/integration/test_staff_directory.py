"""The staff directory on a real SQLite file and a real PostgreSQL: registration, passwords,
deactivation, reload and what the raw tables hold."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
import sqlalchemy
from argon2 import PasswordHasher, extract_parameters

from activities.case_store import CaseStore, store_env
from activities.staff_directory import StaffDirectory
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Council, Role
from aggregates.staff import StaffMember, StaffProfile, staff_member_id
from tests.conftest import POSTGRES_URL

ADMIN = Actor(staff_id="adm-1", role=Role.ADMINISTRATOR)
NAME = "Imogen Thackeray-Pole"
PASSWORD = "plum-Orchard-47-lantern"


@dataclass(frozen=True)
class Database:
    url: str
    schema: str | None


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A SQLite file, or a PostgreSQL schema of its own dropped afterwards."""
    if request.param == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'events.sqlite3'}", None)
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Database(POSTGRES_URL, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def env(database: Database) -> dict[str, str]:
    return store_env(database.url, os.urandom(32), schema=database.schema)


@pytest.fixture
def directory(env: dict[str, str]) -> StaffDirectory:
    return StaffDirectory(env)


def register(directory: StaffDirectory, staff_id: str = "cw-17", **overrides: object
             ) -> StaffProfile:
    args: dict[str, object] = dict(
        display_name=NAME, role=Role.CASEWORKER, teams=["housing", "tenancy"],
        council=Council.DOVER, manager_id=None, actor=ADMIN, reason="New starter.")
    args.update(overrides)
    return directory.register(staff_id=staff_id, **args)  # type: ignore[arg-type]


def with_password(directory: StaffDirectory, staff_id: str = "cw-17") -> StaffProfile:
    profile = register(directory, staff_id)
    directory.set_password(staff_id=staff_id, password=PASSWORD, actor=ADMIN)
    return profile


def stored_hash(directory: StaffDirectory, staff_id: str) -> str | None:
    member: StaffMember = directory.repository.get(staff_member_id(staff_id))
    return member.password_hash


def raw_dump(directory: StaffDirectory) -> bytes:
    """Every value of every row of every table of the directory, as the database holds it."""
    engine = directory.factory.datastore.engine  # type: ignore[attr-defined]
    schema = directory.env.get("SQLALCHEMY_SCHEMA")
    tables = sqlalchemy.inspect(engine).get_table_names(schema=schema)
    assert tables, "the directory has tables"
    values: list[bytes] = []
    with engine.connect() as conn:
        for table in tables:
            name = f'"{schema}"."{table}"' if schema else f'"{table}"'
            for row in conn.exec_driver_sql(f"SELECT * FROM {name}"):
                values.extend(v if isinstance(v, bytes) else str(v).encode() for v in row)
    return b"|".join(values)


# ---- registration and reload ---------------------------------------------------------------


def test_profile_round_trips_through_reload(env: dict[str, str]) -> None:
    register(StaffDirectory(env), "lm-3", role=Role.LINE_MANAGER, council=Council.DARTFORD)
    registered = register(StaffDirectory(env), role=Role.LINE_MANAGER, council=Council.DARTFORD,
                          manager_id="lm-3")
    reloaded = StaffDirectory(env).profile("cw-17")
    assert reloaded == registered == StaffProfile(
        staff_id="cw-17", display_name=NAME, role=Role.LINE_MANAGER,
        teams=frozenset({"housing", "tenancy"}), council=Council.DARTFORD, manager_id="lm-3",
        active=True)
    assert StaffDirectory(env).profile("cw-99") is None


def test_staff_id_is_used_once_even_across_processes(env: dict[str, str]) -> None:
    register(StaffDirectory(env))
    with pytest.raises(ConflictError) as error:
        register(StaffDirectory(env), display_name="Someone Else")
    assert (error.value.rule, error.value.field) == ("staff_id_used_once", "staff_id")
    assert StaffDirectory(env).profile("cw-17").display_name == NAME  # type: ignore[union-attr]


def test_rules_are_checked_before_anything_is_recorded(directory: StaffDirectory) -> None:
    with pytest.raises(RuleViolation) as bad_id:
        register(directory, "Imogen Thackeray")
    assert bad_id.value.rule == "staff_id_is_identifier"
    with pytest.raises(RuleViolation) as system:
        register(directory, role=Role.SYSTEM)
    assert system.value.rule == "role_is_assignable"
    assert directory.is_empty()


def test_a_manager_is_an_active_member_of_staff_of_the_same_council(
        directory: StaffDirectory) -> None:
    """D 8.27: a manager is told when their DSO breaks glass; naming an id nobody holds would
    tell whoever registered under it later, and a manager of another council would learn of
    this council's cases."""
    register(directory, "lm-dartford", role=Role.LINE_MANAGER, council=Council.DARTFORD)
    register(directory, "adm-1", role=Role.ADMINISTRATOR, teams=[])
    for manager in ("ghost", "lm-dartford", "adm-1"):
        with pytest.raises(RuleViolation) as refused:
            register(directory, "dso-7", role=Role.DSO, manager_id=manager)
        assert (refused.value.rule, refused.value.field) == (
            "manager_is_active_staff_of_council", "manager_id")
    assert directory.profile("dso-7") is None
    register(directory, "lm-1", role=Role.LINE_MANAGER)
    assert register(directory, "dso-7", role=Role.DSO, manager_id="lm-1").manager_id == "lm-1"


def test_list_staff_lists_everyone_registered(directory: StaffDirectory) -> None:
    assert directory.is_empty() and directory.list_staff() == []
    for n in range(1, 8):
        register(directory, f"cw-{n}", display_name=f"Caseworker {n}")
    directory.set_password(staff_id="cw-2", password=PASSWORD, actor=ADMIN)
    directory.deactivate(staff_id="cw-3", actor=ADMIN, reason="Left the council.")
    assert not directory.is_empty()
    staff = directory.list_staff()
    assert [p.staff_id for p in staff] == [f"cw-{n}" for n in range(1, 8)]
    assert [p.active for p in staff] == [True, True, False, True, True, True, True]


def test_directory_has_tables_of_its_own(env: dict[str, str], database: Database) -> None:
    register(StaffDirectory(env))
    CaseStore(env)
    engine = sqlalchemy.create_engine(database.url)
    try:
        tables = set(sqlalchemy.inspect(engine).get_table_names(schema=database.schema))
    finally:
        engine.dispose()
    assert {"staffdirectory_events", "casestore_events"} <= tables


# ---- passwords -----------------------------------------------------------------------------


def test_right_password_gives_the_profile(directory: StaffDirectory) -> None:
    profile = with_password(directory)
    assert directory.verify_password(staff_id="cw-17", password=PASSWORD) == profile


def test_wrong_unknown_inactive_and_unset_all_give_none(directory: StaffDirectory) -> None:
    with_password(directory)
    register(directory, "cw-18")  # no password set yet
    with_password(directory, "cw-19")
    directory.deactivate(staff_id="cw-19", actor=ADMIN, reason="Left the council.")
    assert directory.verify_password(staff_id="cw-17", password=PASSWORD + "x") is None
    assert directory.verify_password(staff_id="cw-17", password="") is None
    assert directory.verify_password(staff_id="nobody", password=PASSWORD) is None
    assert directory.verify_password(staff_id="not an id!", password=PASSWORD) is None
    assert directory.verify_password(staff_id="cw-18", password=PASSWORD) is None
    assert directory.verify_password(staff_id="cw-19", password=PASSWORD) is None


def test_password_sign_in_ignores_the_case_of_the_staff_id(env: dict[str, str]) -> None:
    """As registration and provider sign-in do; a member registered by another process after
    this one last looked is found too."""
    directory = StaffDirectory(env)
    profile = with_password(directory)
    assert directory.verify_password(staff_id="CW-17", password=PASSWORD) == profile
    assert directory.verify_password(staff_id="Lm-4", password=PASSWORD) is None
    other_process = StaffDirectory(env)
    later = with_password(other_process, "Lm-4")
    assert directory.verify_password(staff_id="lm-4", password=PASSWORD) == later
    assert directory.verify_password(staff_id="LM-4", password=PASSWORD + "x") is None


def test_passwords_are_stored_only_as_argon2id_hashes(env: dict[str, str]) -> None:
    directory = StaffDirectory(env)
    with_password(directory)
    password_hash = stored_hash(StaffDirectory(env), "cw-17")
    assert password_hash is not None and password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash
    dump = raw_dump(directory)
    for secret in [PASSWORD, password_hash, NAME, "Thackeray", "$argon2"]:
        assert secret.encode() not in dump, "found in the raw tables in clear"


@pytest.mark.parametrize("weak", [
    "short-pw1", "", "password1234", "PASSWORD1234", "123456789012", "aaaaaaaaaaaaaaa",
    "my-id-is-cw-17-ok"])
def test_weak_passwords_are_refused(directory: StaffDirectory, weak: str) -> None:
    register(directory)
    with pytest.raises(RuleViolation) as error:
        directory.set_password(staff_id="cw-17", password=weak, actor=ADMIN)
    assert (error.value.rule, error.value.field) == ("password_strength", "password")
    assert stored_hash(directory, "cw-17") is None


def test_password_of_unknown_staff_is_refused(directory: StaffDirectory) -> None:
    with pytest.raises(RuleViolation) as error:
        directory.set_password(staff_id="cw-99", password=PASSWORD, actor=ADMIN)
    assert (error.value.rule, error.value.field) == ("staff_exists", "staff_id")


def test_new_password_replaces_the_old(directory: StaffDirectory) -> None:
    with_password(directory)
    directory.set_password(staff_id="cw-17", password="second-Lantern-93-orchard",
                           actor=Actor(staff_id="cw-17", role=Role.CASEWORKER))
    assert directory.verify_password(staff_id="cw-17", password=PASSWORD) is None
    assert directory.verify_password(staff_id="cw-17",
                                     password="second-Lantern-93-orchard") is not None


def test_deactivated_staff_cannot_sign_in_but_stay_listed(directory: StaffDirectory) -> None:
    with_password(directory)
    directory.deactivate(staff_id="cw-17", actor=ADMIN, reason="Left the council.")
    assert directory.verify_password(staff_id="cw-17", password=PASSWORD) is None
    assert directory.profile("cw-17").active is False  # type: ignore[union-attr]
    with pytest.raises(ConflictError):
        directory.deactivate(staff_id="cw-17", actor=ADMIN, reason="again")
    with pytest.raises(RuleViolation) as unknown:
        directory.deactivate(staff_id="cw-99", actor=ADMIN, reason="Left.")
    assert unknown.value.rule == "staff_exists"


def test_outdated_hash_is_upgraded_at_sign_in(env: dict[str, str]) -> None:
    old = StaffDirectory(env, hasher=PasswordHasher(time_cost=1, memory_cost=8 * 1024,
                                                    parallelism=1))
    with_password(old)
    assert extract_parameters(stored_hash(old, "cw-17") or "").memory_cost == 8 * 1024
    current = StaffDirectory(env)
    assert current.verify_password(staff_id="cw-17", password=PASSWORD) is not None
    upgraded = stored_hash(StaffDirectory(env), "cw-17") or ""
    assert not current.hasher.check_needs_rehash(upgraded)
    assert current.verify_password(staff_id="cw-17", password=PASSWORD) is not None
    assert [type(e).__name__ for e in current.events.get(staff_member_id("cw-17"))] == [
        "Registered", "PasswordChanged", "PasswordChanged"], "upgraded once, not every time"


# ---- timing --------------------------------------------------------------------------------


class CountingHasher(PasswordHasher):
    """argon2-cffi's hasher, noting every hash it verifies against."""

    def __init__(self) -> None:
        super().__init__()
        self.verified: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified.append(str(hash))
        return super().verify(hash, password)


def test_unknown_staff_id_still_spends_one_argon2_verify(env: dict[str, str]) -> None:
    hasher = CountingHasher()
    directory = StaffDirectory(env, hasher=hasher)
    with_password(directory)
    register(directory, "cw-18")
    with_password(directory, "cw-19")
    directory.deactivate(staff_id="cw-19", actor=ADMIN, reason="Left the council.")
    for staff_id in ["nobody", "not an id!", "cw-17", "CW-17", "cw-18", "cw-19"]:
        hasher.verified.clear()
        assert directory.verify_password(staff_id=staff_id, password="wrong-wrong-wrong") is None
        assert len(hasher.verified) == 1, staff_id
        assert hasher.verified[0].startswith("$argon2id$"), staff_id


def test_unknown_id_takes_as_long_as_a_wrong_password(directory: StaffDirectory) -> None:
    with_password(directory)

    def average(staff_id: str, tries: int = 5) -> float:
        directory.verify_password(staff_id=staff_id, password="warm-up-warm-up")
        started = time.perf_counter()
        for _ in range(tries):
            assert directory.verify_password(staff_id=staff_id,
                                             password="wrong-wrong-wrong") is None
        return (time.perf_counter() - started) / tries

    wrong_password = average("cw-17")
    unknown_id = average("nobody-here")
    assert 0.3 < unknown_id / wrong_password < 3, (unknown_id, wrong_password)

"""A member of staff who may sign in: who they are, the role and teams they act in, and the
hash of their password, recorded as an immutable sequence of events.

Every event carries who (staff id and role of the actor), when (the event timestamp) and why
(`reason`), like the case's events. The aggregate id is derived from the staff id
(`staff_member_id`), so the same staff id can be registered only once and the event store's
clear-text columns never hold a name. Display names and password hashes live only in the
(encrypted) event state; a password itself is never recorded, only its argon2id hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from aggregates.access import CASE_STAFF_ROLES
from aggregates.errors import ConflictError, RuleViolation
from aggregates.report import Actor, Council, Role

# Fixed forever: changing it would orphan every recorded staff member.
STAFF_NAMESPACE = UUID("6f2b7a3e-2f5d-5c1a-9b7e-3d4c8a1f0e21")

STAFF_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Ids the system itself acts under; a person may not be registered as one.
RESERVED_STAFF_IDS = frozenset({Actor.system().staff_id})
MAX_DISPLAY_NAME = 200
MAX_TEAM_NAME = 100
ARGON2ID_PREFIX = "$argon2id$"


def staff_member_id(staff_id: str) -> UUID:
    """The aggregate id of the staff member with this staff id."""
    return uuid5(STAFF_NAMESPACE, staff_id)


@dataclass(frozen=True)
class StaffProfile:
    """What the rest of the system may know of a member of staff (never the password hash)."""

    staff_id: str            # an identifier like "cw-17", never a name
    display_name: str
    role: Role
    teams: frozenset[str]
    council: Council
    manager_id: str | None
    active: bool

    @property
    def actor(self) -> Actor:
        return Actor(staff_id=self.staff_id, role=self.role)


def check_staff_id(staff_id: object, field: str) -> str:
    if not isinstance(staff_id, str) or not STAFF_ID_PATTERN.fullmatch(staff_id):
        raise RuleViolation("staff_id_is_identifier",
                            "a staff id is 1 to 64 letters, digits, '.', '_' or '-'",
                            field=field)
    return staff_id


def check_registration(*, staff_id: str, display_name: str, role: Role, teams: frozenset[str],
                       manager_id: str | None, reason: str) -> None:
    """The rules a registration must meet before anything is recorded."""
    check_staff_id(staff_id, "staff_id")
    if staff_id.lower() in RESERVED_STAFF_IDS:
        raise RuleViolation("staff_id_not_reserved",
                            "the staff id is reserved for the system", field="staff_id")
    if not isinstance(display_name, str) or not display_name.strip():
        raise RuleViolation("display_name_given", "the display name must not be empty",
                            field="display_name")
    if len(display_name) > MAX_DISPLAY_NAME:
        raise RuleViolation("display_name_given",
                            f"the display name is longer than {MAX_DISPLAY_NAME} characters",
                            field="display_name")
    if not isinstance(role, Role) or role is Role.SYSTEM:
        raise RuleViolation("role_is_assignable", "the role cannot be given to staff",
                            field="role")
    for team in teams:
        if not isinstance(team, str) or not team.strip() or len(team) > MAX_TEAM_NAME:
            raise RuleViolation("team_is_named",
                                f"a team name is 1 to {MAX_TEAM_NAME} characters",
                                field="teams")
    if manager_id is not None:
        check_staff_id(manager_id, "manager_id")
        if manager_id == staff_id:
            raise RuleViolation("manager_is_someone_else",
                                "a member of staff cannot be their own manager",
                                field="manager_id")
    if not isinstance(reason, str) or not reason.strip():
        raise RuleViolation("reason_is_recorded", "say why the member of staff is registered",
                            field="reason")


def check_manager(manager: StaffProfile | None, council: Council) -> None:
    """A manager is told when the member of staff breaks glass into a case (D 8.27), so is an
    active member of staff of the same council who works cases: never an id nobody holds (who
    ever registered under it later would be told), nor someone of another council."""
    if (manager is None or not manager.active or manager.council is not council
            or manager.role not in CASE_STAFF_ROLES):
        raise RuleViolation("manager_is_active_staff_of_council",
                            "the manager must be an active caseworker, DSO or line manager of "
                            "the same council", field="manager_id", section="D 8.27")


def check_not_last_administrator(profile: StaffProfile, active_administrators: int) -> None:
    """Someone must always be able to manage accounts: the last active administrator is not
    deactivated (by another, or by themselves)."""
    if profile.active and profile.role is Role.ADMINISTRATOR and active_administrators <= 1:
        raise ConflictError("last_administrator_stays",
                            "the last active administrator cannot be deactivated; register "
                            "another administrator first", field="staff_id")


def check_may_hold_token(profile: StaffProfile | None) -> StaffProfile:
    """A bearer token is issued only to a registered, active member of staff."""
    if profile is None:
        raise RuleViolation("staff_exists", "no member of staff has this staff id",
                            field="staff_id")
    if not profile.active:
        raise ConflictError("staff_is_active", "the member of staff has been deactivated",
                            field="staff_id")
    return profile


class StaffMember(Aggregate):
    """One member of staff of one council."""

    # ---- events ---------------------------------------------------------------------------

    class Registered(Aggregate.Created):
        staff_id: str
        display_name: str
        role: str
        teams: list[str]
        council: str
        manager_id: str | None
        actor: dict[str, str]
        reason: str

        def apply(self, member: StaffMember) -> None:
            member.staff_id = self.staff_id
            member.display_name = self.display_name
            member.role_value = self.role
            member.team_names = list(self.teams)
            member.council_code = self.council
            member.manager_id = self.manager_id
            member.active = True
            member.password_hash = None

    class PasswordChanged(Aggregate.Event):
        password_hash: str
        actor: dict[str, str]
        reason: str

        def apply(self, member: StaffMember) -> None:
            member.password_hash = self.password_hash

    class Deactivated(Aggregate.Event):
        actor: dict[str, str]
        reason: str

        def apply(self, member: StaffMember) -> None:
            member.active = False

    class ProviderIdentityBound(Aggregate.Event):
        """The first sign-in through the council's identity provider: from now on only this
        provider subject signs in as this member of staff. (Added in round 3; streams written
        before it simply have no binding yet.)"""

        issuer: str
        subject: str
        actor: dict[str, str]
        reason: str

        def apply(self, member: StaffMember) -> None:
            member.provider_issuer = self.issuer
            member.provider_subject = self.subject

    class TokenIssued(Aggregate.Event):
        """A bearer token acting as this member was issued (round 4; changes no state, so
        earlier streams load as they are). Never holds the token or its digest. Triggered by
        `StaffDirectory.record_token_issued` once `check_may_hold_token` allows it."""

        label: str
        expires_at: str  # ISO 8601, UTC
        actor: dict[str, str]  # the issuer: an administrator, or the command line (system)
        reason: str

        def apply(self, member: StaffMember) -> None:
            pass  # the token lives in AuthStore; this is the record of who issued it

    # State set by the events. Declared only for type checkers: eventsourcing would otherwise
    # turn class annotations into constructor arguments.
    if TYPE_CHECKING:
        staff_id: str
        display_name: str
        role_value: str
        team_names: list[str]
        council_code: str
        manager_id: str | None
        active: bool
        password_hash: str | None
        provider_issuer: str | None
        provider_subject: str | None

    # ---- commands -------------------------------------------------------------------------

    @classmethod
    def register(cls, *, staff_id: str, display_name: str, role: Role, teams: frozenset[str],
                 council: Council, manager_id: str | None, actor: Actor,
                 reason: str) -> StaffMember:
        """Record a new member of staff; their id is `staff_member_id(staff_id)`."""
        if isinstance(teams, str):  # a lone team name would become a set of its letters
            raise RuleViolation("team_is_named", "teams must be a collection of team names",
                                field="teams")
        team_set = frozenset(teams)
        check_registration(staff_id=staff_id, display_name=display_name, role=role,
                           teams=team_set, manager_id=manager_id, reason=reason)
        if not isinstance(council, Council):
            raise RuleViolation("council_is_known", "the council is not one we serve",
                                field="council")
        return cls._create(
            cls.Registered, id=staff_member_id(staff_id), staff_id=staff_id,
            display_name=display_name.strip(), role=role.value, teams=sorted(team_set),
            council=council.value, manager_id=manager_id, actor=actor.to_dict(), reason=reason,
        )

    def change_password(self, *, password_hash: str, actor: Actor,
                        reason: str = "The password was set.") -> None:
        """Record a new password hash (argon2id only: never a password in clear)."""
        if not self.active:
            raise RuleViolation("staff_is_active",
                                "the member of staff has been deactivated", field="staff_id")
        if not isinstance(password_hash, str) or not password_hash.startswith(ARGON2ID_PREFIX):
            raise RuleViolation("password_is_argon2id_hash",
                                "only an argon2id hash of a password may be recorded",
                                field="password_hash")
        self.trigger_event(self.PasswordChanged, password_hash=password_hash,
                           actor=actor.to_dict(), reason=reason)

    def deactivate(self, *, actor: Actor, reason: str) -> None:
        """Stop the member of staff signing in; their record stays."""
        if not self.active:
            raise ConflictError("deactivated_once",
                                "the member of staff is already deactivated", field="staff_id")
        if not isinstance(reason, str) or not reason.strip():
            raise RuleViolation("reason_is_recorded",
                                "say why the member of staff is deactivated", field="reason")
        self.trigger_event(self.Deactivated, actor=actor.to_dict(), reason=reason)

    def bind_provider_identity(self, *, issuer: str, subject: str, actor: Actor,
                               reason: str) -> None:
        """Bind the member to one subject of one identity provider, once."""
        if not self.active:
            raise RuleViolation("staff_is_active",
                                "the member of staff has been deactivated", field="staff_id")
        if not issuer or not subject:
            raise RuleViolation("provider_identity_given", "an issuer and a subject are needed",
                                field="subject")
        if self.provider_identity is not None:
            raise ConflictError("provider_identity_bound_once",
                                "the member of staff is already bound to a provider identity",
                                field="subject")
        self.trigger_event(self.ProviderIdentityBound, issuer=issuer, subject=subject,
                           actor=actor.to_dict(), reason=reason)

    # ---- views ----------------------------------------------------------------------------

    @property
    def provider_identity(self) -> tuple[str, str] | None:
        """(issuer, subject) bound at the first provider sign-in, or None."""
        issuer = getattr(self, "provider_issuer", None)  # absent before the first binding
        subject = getattr(self, "provider_subject", None)
        return (issuer, subject) if issuer and subject else None

    @property
    def role(self) -> Role:
        return Role(self.role_value)

    @property
    def council(self) -> Council:
        return Council(self.council_code)

    @property
    def teams(self) -> frozenset[str]:
        return frozenset(self.team_names)

    @property
    def profile(self) -> StaffProfile:
        return StaffProfile(
            staff_id=self.staff_id, display_name=self.display_name, role=self.role,
            teams=self.teams, council=self.council, manager_id=self.manager_id,
            active=self.active,
        )

"""The staff directory: who may sign in, in what role, for which council and teams.

An eventsourcing application of its own (tables `staffdirectory_*`), encrypted and compressed
at rest like the case store and configured by the same settings (`store_env`). Passwords are
hashed with argon2id (argon2-cffi's `PasswordHasher`); only the hash is recorded, inside the
encrypted event state.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from uuid import UUID

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Notification
from eventsourcing.utils import get_topic

from aggregates.errors import ConflictError, RuleViolation
from aggregates.provider_subjects import ProviderSubject
from aggregates.report import Actor, Council, Role
from aggregates.staff import (
    StaffMember,
    StaffProfile,
    check_manager,
    check_may_hold_token,
    check_not_last_administrator,
    staff_member_id,
)

MIN_PASSWORD_LENGTH = 12
# Passwords long enough to pass the length rule but guessed first by anyone.
OBVIOUS_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "password1234", "password12345",
    "passwordpassword", "qwertyuiopas", "qwertyuiop123", "letmeinletmein", "changeme1234",
    "administrator", "welcome12345", "iloveyou1234", "abcdefghijkl", "aaaaaaaaaaaa",
    "dover-council", "dartford-council", "password123!", "p@ssw0rd1234",
})
BIND_REASON = "First sign-in through the council's identity provider: its subject is bound."
REHASH_REASON = "The password hash was upgraded to the current hashing parameters at sign-in."


class ProviderSignInRefused(Exception):
    """A provider sign-in that may not start a session. `reason` is a fixed code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StaffDirectory(Application):
    """The record of staff: every member of staff as a stream of encrypted events."""

    name = "StaffDirectory"

    def __init__(self, env: Mapping[str, str], *, hasher: PasswordHasher | None = None) -> None:
        super().__init__(env=dict(env))
        self.hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory profile
        if self.hasher.type is not Type.ID:
            raise ValueError("staff passwords are hashed with argon2id only")
        # Verified against when the staff id is unknown, so an unknown id costs the same time.
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(24))
        # Case-folded staff id → member id, read from the notification log up to `_indexed_to`
        # (a staff id never changes once registered, so entries never go stale).
        self._folded: dict[str, UUID] = {}
        self._indexed_to = 0
        self._index_lock = threading.Lock()

    # ---- commands -------------------------------------------------------------------------

    def register(self, *, staff_id: str, display_name: str, role: Role, teams: Iterable[str],
                 council: Council, manager_id: str | None, actor: Actor,
                 reason: str) -> StaffProfile:
        """Record a new member of staff; a staff id already used raises `ConflictError`."""
        if isinstance(teams, str):
            raise RuleViolation("team_is_named", "teams must be a collection of team names",
                                field="teams")
        member = StaffMember.register(
            staff_id=staff_id, display_name=display_name, role=role, teams=frozenset(teams),
            council=council, manager_id=manager_id, actor=actor, reason=reason,
        )
        if manager_id is not None:
            check_manager(self.profile(manager_id), council)
        if self.find_member(staff_id) is not None:  # "CW-1" when "cw-1" exists
            raise ConflictError("staff_id_used_once", "the staff id is already registered "
                                "(staff ids are compared ignoring case)", field="staff_id")
        try:
            self.save(member)
        except IntegrityError:
            raise ConflictError("staff_id_used_once", "the staff id is already registered",
                                field="staff_id") from None
        return member.profile

    def set_password(self, *, staff_id: str, password: str, actor: Actor) -> None:
        """Record an argon2id hash of a new password for the member of staff."""
        check_password_strength(password, staff_id=staff_id)
        member = self._member(staff_id)
        if member is None:
            raise RuleViolation("staff_exists", "no member of staff has this staff id",
                                field="staff_id")
        member.change_password(password_hash=self.hasher.hash(password), actor=actor)
        self.save(member)

    def deactivate(self, *, staff_id: str, actor: Actor, reason: str) -> None:
        """Stop the member of staff signing in. Their sessions and tokens are ended by the
        caller (they live in `AuthStore`, not in the record)."""
        member = self._member(staff_id)
        if member is None:
            raise RuleViolation("staff_exists", "no member of staff has this staff id",
                                field="staff_id")
        if member.role is Role.ADMINISTRATOR:
            check_not_last_administrator(member.profile, sum(
                1 for p in self.list_staff() if p.active and p.role is Role.ADMINISTRATOR))
        member.deactivate(actor=actor, reason=reason)
        self.save(member)

    def record_token_issued(self, *, staff_id: str, label: str, expires_at: datetime,
                            actor: Actor) -> str:
        """Record on the member's stream who (`actor`) issued them a bearer token, its label
        and expiry; returns the issuer as `token_issuer` names it. Raises as
        `check_may_hold_token` (no such member 422, deactivated 409)."""
        issuer = token_issuer(actor)
        member = self._member(staff_id)
        check_may_hold_token(member.profile if member is not None else None)
        assert member is not None
        member.trigger_event(StaffMember.TokenIssued, label=label,
                             expires_at=expires_at.isoformat(), actor=actor.to_dict(),
                             reason=f"Bearer token {label!r} issued by {issuer}.")
        self.save(member)
        return issuer

    # ---- sign-in --------------------------------------------------------------------------

    def verify_password(self, *, staff_id: str, password: str) -> StaffProfile | None:
        """The member's profile if the password is theirs and they are active, else None.
        `staff_id` is matched ignoring case, as at registration and provider sign-in.

        Unknown, deactivated, password-less and wrong all give None after one argon2 verify,
        so neither the answer nor its timing tells which accounts exist.
        """
        member = self.find_member(staff_id) if isinstance(staff_id, str) else None
        stored = member.password_hash if member is not None else None
        if not isinstance(password, str):
            password = ""
        try:
            self.hasher.verify(stored or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if member is None or stored is None or not member.active:
            return None
        if self.hasher.check_needs_rehash(stored):
            self._rehash(member, password)
        return member.profile

    def _rehash(self, member: StaffMember, password: str) -> None:
        try:
            member.change_password(password_hash=self.hasher.hash(password),
                                   actor=Actor.system(), reason=REHASH_REASON)
            self.save(member)
        except IntegrityError:
            pass  # another process signed the same member in and rehashed first

    def sign_in_with_provider(self, *, staff_id: str, issuer: str,
                              subject: str) -> StaffProfile:
        """The active member whose staff id matches `staff_id` ignoring case, if the provider's
        (`issuer`, `subject`) is theirs: bound now at their first provider sign-in, compared at
        every later one. Raises `ProviderSignInRefused` with a reason code safe to log."""
        member = self.find_member(staff_id)
        if member is None or not member.active:
            raise ProviderSignInRefused("no_active_account")
        bound = member.provider_identity
        if bound is None:
            member.bind_provider_identity(issuer=issuer, subject=subject, actor=Actor.system(),
                                          reason=BIND_REASON)
            claim = ProviderSubject.claim(issuer=issuer, subject=subject,
                                          staff_id=member.staff_id, actor=Actor.system(),
                                          reason=BIND_REASON)
            try:
                self.save(member, claim)  # one transaction: both or neither
            except IntegrityError:
                # Another sign-in bound this member or this subject first: judge by that.
                member = self._member(member.staff_id) or member
                bound = member.provider_identity
                if bound is None:
                    raise ProviderSignInRefused("subject_bound_to_another_account") from None
            else:
                bound = (issuer, subject)
        if bound != (issuer, subject):
            raise ProviderSignInRefused("subject_differs_from_bound_subject")
        return member.profile

    # ---- read side ------------------------------------------------------------------------

    def find_member(self, staff_id: str) -> StaffMember | None:
        """The member whose staff id equals `staff_id` ignoring case (ids are registered once
        ignoring case, so at most one). The exact id is tried first, then an index of folded
        ids brought up to date from the notification log: an unknown id costs two lookups
        and one (usually empty) read of new registrations, however many staff there are."""
        member = self._member(staff_id)
        if member is not None:
            return member
        member_id = self._folded_member_id(staff_id.casefold())
        return self.repository.get(member_id) if member_id is not None else None

    def _folded_member_id(self, folded: str) -> UUID | None:
        with self._index_lock:
            if folded not in self._folded:
                topics = [get_topic(StaffMember.Registered)]
                for notification in self._notifications_after(self._indexed_to, topics):
                    registered = self.mapper.to_domain_event(notification)
                    if isinstance(registered, StaffMember.Registered):  # as its topic says
                        self._folded[registered.staff_id.casefold()] = registered.originator_id
                    self._indexed_to = notification.id
            return self._folded.get(folded)

    # ---- read side ------------------------------------------------------------------------

    def profile(self, staff_id: str) -> StaffProfile | None:
        member = self._member(staff_id)
        return member.profile if member is not None else None

    def list_staff(self) -> list[StaffProfile]:
        """Every registered member of staff (active or not), in order of registration."""
        profiles = []
        for member_id in self._registered_ids():
            member: StaffMember = self.repository.get(member_id)
            profiles.append(member.profile)
        return profiles

    def is_empty(self) -> bool:
        """True until the first member of staff is registered."""
        page = self.recorder.select_notifications(
            start=None, limit=1, topics=[get_topic(StaffMember.Registered)])
        return not page

    def _registered_ids(self) -> Iterator[UUID]:
        for notification in self._notifications_after(0, [get_topic(StaffMember.Registered)]):
            yield UUID(str(notification.originator_id))

    def _notifications_after(self, last: int, topics: list[str],
                             limit: int = 500) -> Iterator[Notification]:
        start = last + 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=limit, topics=topics)
            yield from page
            if len(page) < limit:
                return
            start = page[-1].id + 1

    def _member(self, staff_id: str) -> StaffMember | None:
        try:
            member: StaffMember = self.repository.get(staff_member_id(staff_id))
        except AggregateNotFoundError:
            return None
        return member


def token_issuer(actor: Actor) -> str:
    """Who issued a token, as the access log names them: "adm-1 (administrator)", or
    "command line" for the system actor the command line acts as."""
    return "command line" if actor.role is Role.SYSTEM else f"{actor.staff_id} ({actor.role})"


def check_password_strength(password: str, *, staff_id: str = "") -> None:
    """Refuse passwords that are short or among the first ones guessed."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation("password_strength",
                            f"a password must have at least {MIN_PASSWORD_LENGTH} characters",
                            field="password")
    folded = password.casefold()
    contains_staff_id = len(staff_id) >= 3 and staff_id.casefold() in folded
    if folded in OBVIOUS_PASSWORDS or contains_staff_id or len(set(folded)) < 4:
        raise RuleViolation("password_strength",
                            "the password is too easy to guess", field="password")

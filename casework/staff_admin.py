"""Staff accounts from the command line: the first administrator, staff and bearer tokens."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from activities.staff_directory import StaffDirectory
from aggregates.errors import RuleViolation
from aggregates.report import Actor, Council, Role
from casework.settings import Settings
from casework.wiring import build_directory, build_sessions

COMMAND_LINE = Actor(staff_id="system", role=Role.SYSTEM)


def new_password() -> str:
    """A random password to hand over once (no default password works anywhere)."""
    return secrets.token_urlsafe(15)


def create_first_admin(directory: StaffDirectory, staff_id: str = "admin",
                       council: Council = Council.DOVER) -> str | None:
    """Register the first administrator with a random password; None if staff exist already."""
    if not directory.is_empty():
        return None
    directory.register(staff_id=staff_id, display_name="Administrator", role=Role.ADMINISTRATOR,
                       teams=[], council=council, manager_id=None, actor=COMMAND_LINE,
                       reason="First administrator, created at installation.")
    password = new_password()
    directory.set_password(staff_id=staff_id, password=password, actor=COMMAND_LINE)
    return password


def create_demo_caseworker(directory: StaffDirectory, staff_id: str = "cw-demo",
                           council: Council = Council.DOVER) -> str | None:
    """Development only: a caseworker in Dover's Tenancy Support Team with a random password,
    so a newcomer can open the task pages at once; None if the id is taken."""
    if directory.profile(staff_id) is not None:
        return None
    directory.register(staff_id=staff_id, display_name="Demo caseworker", role=Role.CASEWORKER,
                       teams=["Tenancy Support Team"], council=council, manager_id=None,
                       actor=COMMAND_LINE, reason="Demonstration account (development).")
    password = new_password()
    directory.set_password(staff_id=staff_id, password=password, actor=COMMAND_LINE)
    return password


def add_staff(settings: Settings, *, staff_id: str, name: str, role: Role, teams: list[str],
              council: Council, manager_id: str | None) -> str:
    directory = build_directory(settings)
    # A refusal (id taken, manager not active staff of the council) is printed in one line by
    # casework/cli.py.
    directory.register(staff_id=staff_id, display_name=name, role=role, teams=teams,
                       council=council, manager_id=manager_id, actor=COMMAND_LINE,
                       reason="Account registered from the command line.")
    password = new_password()
    directory.set_password(staff_id=staff_id, password=password, actor=COMMAND_LINE)
    return password


def issue_token(settings: Settings, *, staff_id: str, label: str) -> str:
    """A bearer token for the member, its issue by the command line recorded on their stream
    first (see `StaffDirectory.record_token_issued`)."""
    sessions = build_sessions(settings)
    now = datetime.now(UTC)
    try:
        issuer = build_directory(settings).record_token_issued(
            staff_id=staff_id, label=label, expires_at=now + sessions.token_lifetime,
            actor=COMMAND_LINE)
    except RuleViolation as refused:
        raise SystemExit(f"no token for {staff_id!r}: {refused.message}") from None
    return sessions.issue_api_token(staff_id=staff_id, label=label, now=now, issued_by=issuer)

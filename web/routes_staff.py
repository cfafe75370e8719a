"""Staff accounts, for administrators: register, set a password, deactivate, issue tokens."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from aggregates.access import Permission
from aggregates.report import Council, Role
from aggregates.staff import StaffProfile
from web.auth import Principal, require, services
from web.input_types import Line, Text

router = APIRouter()
Admin = Annotated[Principal, Depends(require(Permission.MANAGE_STAFF))]
STAFF_ID = r"^[A-Za-z0-9._-]{1,64}$"
TeamName = Annotated[Line, Field(min_length=1, max_length=100)]


class StaffIn(BaseModel):
    staff_id: str = Field(pattern=STAFF_ID)
    display_name: Line = Field(min_length=1, max_length=200)
    role: Role
    teams: list[TeamName] = Field(default_factory=list, max_length=20)
    council: Council
    manager_id: str | None = Field(default=None, pattern=STAFF_ID)


class PasswordIn(BaseModel):
    password: Line = Field(max_length=1024)


class ReasonIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000)


class TokenIn(BaseModel):
    label: Line = Field(min_length=1, max_length=200)


def profile_out(p: StaffProfile) -> dict[str, Any]:
    return {"staff_id": p.staff_id, "display_name": p.display_name, "role": p.role.value,
            "teams": sorted(p.teams), "council": p.council.value, "manager_id": p.manager_id,
            "active": p.active}


@router.get("/staff")
async def list_staff(request: Request, admin: Admin) -> list[dict[str, Any]]:
    """Every staff account."""
    return [profile_out(p) for p in
            await asyncio.to_thread(services(request).directory.list_staff)]


@router.post("/staff", status_code=201)
async def register_staff(body: StaffIn, request: Request, admin: Admin) -> dict[str, Any]:
    """Register a member of staff (they cannot sign in until they have a password or token)."""
    profile = await asyncio.to_thread(
        services(request).directory.register, staff_id=body.staff_id,
        display_name=body.display_name, role=body.role, teams=body.teams,
        council=body.council, manager_id=body.manager_id, actor=admin.actor,
        reason="Account registered by an administrator.")
    return profile_out(profile)


@router.post("/staff/{staff_id}/password", status_code=204)
async def set_password(staff_id: str, body: PasswordIn, request: Request, admin: Admin) -> None:
    """Set a member of staff's password; their other sessions end."""
    auth = services(request)
    await asyncio.to_thread(auth.directory.set_password, staff_id=staff_id,
                            password=body.password, actor=admin.actor)
    await asyncio.to_thread(auth.sessions.end_sessions_of, staff_id, now=datetime.now(UTC))


@router.post("/staff/{staff_id}/deactivate", status_code=204)
async def deactivate(staff_id: str, body: ReasonIn, request: Request, admin: Admin) -> None:
    """Stop a member of staff signing in; their sessions and tokens end at once."""
    auth = services(request)
    now = datetime.now(UTC)
    await asyncio.to_thread(auth.directory.deactivate, staff_id=staff_id, actor=admin.actor,
                            reason=body.reason)
    await asyncio.to_thread(auth.sessions.end_sessions_of, staff_id, now=now)
    await asyncio.to_thread(auth.sessions.revoke_api_tokens_of, staff_id, now=now)


@router.post("/staff/{staff_id}/tokens", status_code=201)
async def issue_token(staff_id: str, body: TokenIn, request: Request,
                      admin: Admin) -> dict[str, str]:
    """Issue a bearer token for a machine client acting as this account. Shown only once;
    the issue (who, for whom, label, expiry) is recorded on the member's staff stream first,
    so no token exists unrecorded. `expires_at` is ISO 8601 UTC."""
    auth = services(request)
    now = datetime.now(UTC)
    expires_at = now + auth.sessions.token_lifetime
    issuer = await asyncio.to_thread(auth.directory.record_token_issued, staff_id=staff_id,
                                     label=body.label, expires_at=expires_at, actor=admin.actor)
    token = await asyncio.to_thread(auth.sessions.issue_api_token, staff_id=staff_id,
                                    label=body.label, now=now, issued_by=issuer)
    return {"staff_id": staff_id, "token": token, "expires_at": expires_at.isoformat()}

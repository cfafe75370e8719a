"""What the staff directory says of the staff a command names, handed into the command as data
(the domain reads no directory; its rules are in aggregates/access_changes.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from fastapi import Request

from aggregates.access_changes import KnownStaff
from aggregates.staff import StaffProfile
from web.auth import Principal, services


def _entry(profile: StaffProfile) -> dict[str, Any]:
    return KnownStaff(staff_id=profile.staff_id, role=profile.role, council=profile.council,
                      active=profile.active, teams=profile.teams).to_dict()


async def directory_for(request: Request, principal: Principal,
                        named: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The directory's facts (role, council, active, teams) of each staff id in `named` and of
    the principal, for a command's `directory`. An id the directory does not hold is left
    out, and the domain refuses it as it refuses any id that is not a member of staff."""
    directory = services(request).directory
    ids = sorted(set(named) - {principal.staff.staff_id})

    def look_up() -> dict[str, dict[str, Any]]:
        found = {principal.staff.staff_id: _entry(principal.staff)}
        for staff_id in ids:
            profile = directory.profile(staff_id)
            if profile is not None:
                found[staff_id] = _entry(profile)
        return found

    return await asyncio.to_thread(look_up)

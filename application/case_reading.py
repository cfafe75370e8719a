"""Reading a case as a member of staff: the need-to-know decision and the case's access-log
entry, in one service, so every read path (JSON routes, pages, benchmarks) logs alike.

A refusal does the same work whether the case exists or not: the same load, an entry in the
access log of that id (a probe of an unknown id is evidence too), and no answer sooner than
`REFUSAL_FLOOR` after the check began; so neither the answer nor its time tells a hidden case
from none. Errors: `CaseNotFound` for a refusal and for a case that does not exist alike.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from activities.case_store import CaseStore
from aggregates.access import (
    AccessDecision,
    CaseAccessFacts,
    StaffFacts,
    break_glass_refusal,
    need_to_know,
)
from aggregates.case import Case
from aggregates.errors import CaseNotFound

NO_SUCH_CASE = AccessDecision(False, "no_such_case")
# Seconds: well above the check's usual cost (what remains different between a hidden case
# and none is decrypting the case's events); a 404 can afford it.
REFUSAL_FLOOR = 0.05
Decide = Callable[[StaffFacts, CaseAccessFacts, datetime], AccessDecision]


class Reader(Protocol):
    """Who is reading: their facts for the rules, and the reason the access log records
    (e.g. naming the bearer token a read was made with)."""

    @property
    def facts(self) -> StaffFacts: ...

    def access_reason(self, reason: str) -> str: ...


async def read_case(store: CaseStore, case_id: UUID, reader: Reader, action: str,
                    *, why: str = "") -> Case:
    """The case if `reader` needs to know it (the need-to-know rule), else `CaseNotFound`.
    Every attempt is logged on the case's access log, allowed or not."""
    return await checked_read(store, case_id, reader, action, need_to_know, why=why,
                              log_allowed=True)


async def case_to_break_glass(store: CaseStore, case_id: UUID, reader: Reader) -> Case:
    """The case if `reader` may ask to break glass into it, else `CaseNotFound`: across the
    council boundary or past a restriction it is answered as a case that does not exist (and
    the refused attempt is logged; an allowed one is logged by the break-glass command)."""

    def decide(staff: StaffFacts, case: CaseAccessFacts, _: datetime) -> AccessDecision:
        refusal = break_glass_refusal(staff, case)
        return AccessDecision(refusal is None, refusal or "may_break_glass")

    return await checked_read(store, case_id, reader, "break_glass", decide, why="",
                              log_allowed=False)


async def checked_read(store: CaseStore, case_id: UUID, reader: Reader, action: str,
                       decide: Decide, *, why: str, log_allowed: bool) -> Case:
    """Load the case, apply `decide`, log the attempt (a refusal always; an allowed read when
    `log_allowed`) with `why` or the rule as its reason; the case or `CaseNotFound`."""
    started = time.monotonic()
    now = datetime.now(UTC)
    case = await asyncio.to_thread(_get_or_none, store, case_id)
    staff = reader.facts
    decision = NO_SUCH_CASE if case is None else decide(staff, case.access_facts, now)
    if log_allowed or not decision.allowed:
        await asyncio.to_thread(
            store.record_access, case_id=case_id, staff_id=staff.staff_id,
            role=staff.role.value, action=action,
            outcome="allowed" if decision.allowed else "denied", rule=decision.rule,
            reason=reader.access_reason(why or decision.rule.replace("_", " ")), at=now,
        )
    if case is None or not decision.allowed:
        await asyncio.sleep(max(0.0, REFUSAL_FLOOR - (time.monotonic() - started)))
        raise CaseNotFound()
    return case


def _get_or_none(store: CaseStore, case_id: UUID) -> Case | None:
    try:
        return store.get_case(case_id)
    except CaseNotFound:
        return None

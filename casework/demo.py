"""`make demo` (`python -m casework demo`): a made-up caseload for a newcomer to look at, loaded
through the same commands a user sends (the JSON API, signed in as each member of staff).

Both councils, every stage: just reported, immediate risk, a third party's report, contact
made, a DSO-assessed standard risk, high risk referred to the MARAC, and reports received a
week ago and typed up late, whose deadlines have passed and escalated to the DSOs. Reports
are back-dated through `reported_at` (with the reason for the late entry), so deadlines run
from then as the workflows compute them; what staff do on a case happens now.

Every name, address and phone number is invented (phone numbers from Ofcom's drama range).
If the web app is not running, the demo starts the stack (`make run`'s processes), loads the
caseload and stops it again. Staff are created once; running the demo again adds cases.
"""

from __future__ import annotations

import asyncio
import secrets
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from aggregates.report import Council, Role
from casework.devstack import devstack_processes
from casework.settings import Settings
from casework.stack import ProcessStack
from casework.staff_admin import COMMAND_LINE
from casework.wiring import build_sessions, prepare_storage

DOVER_TEAM, DARTFORD_TEAM = "Tenancy Support Team", "Tenancy Services Team"
# (staff id, name, role, teams, council, manager)
STAFF: tuple[tuple[str, str, Role, tuple[str, ...], Council, str | None], ...] = (
    ("dv-lm-1", "Demo line manager (Dover)", Role.LINE_MANAGER, (DOVER_TEAM,), Council.DOVER,
     None),
    ("dv-dso-1", "Demo DSO (Dover)", Role.DSO, (DOVER_TEAM,), Council.DOVER, "dv-lm-1"),
    ("dv-cw-1", "Demo caseworker 1 (Dover)", Role.CASEWORKER, (DOVER_TEAM,), Council.DOVER,
     "dv-lm-1"),
    ("dv-cw-2", "Demo caseworker 2 (Dover)", Role.CASEWORKER, (DOVER_TEAM,), Council.DOVER,
     "dv-lm-1"),
    ("dv-aud-1", "Demo auditor (Dover)", Role.AUDITOR, (), Council.DOVER, None),
    ("df-lm-1", "Demo line manager (Dartford)", Role.LINE_MANAGER, (DARTFORD_TEAM,),
     Council.DARTFORD, None),
    ("df-dso-1", "Demo DSO (Dartford)", Role.DSO, (DARTFORD_TEAM,), Council.DARTFORD,
     "df-lm-1"),
    ("df-cw-1", "Demo caseworker (Dartford)", Role.CASEWORKER, (DARTFORD_TEAM,),
     Council.DARTFORD, "df-lm-1"),
    ("df-aud-1", "Demo auditor (Dartford)", Role.AUDITOR, (), Council.DARTFORD, None),
)
VICTIMS = ("Morwenna Pike", "Dafydd Acheson", "Priya Fenwick", "Tomasz Wielgosz",
           "Abena Ostrowski", "Harriet Quaile", "Imran Teasdale", "Siobhan Marlow")
STREETS = ("Castle Street", "Maison Dieu Road", "Lowther Road", "Hythe Road", "Priory Hill",
           "Spital Street", "Church Road", "Heath Lane")
NOT_HIGH = {str(n): {"answer": "no"} for n in range(1, 25)}
HIGH = {str(n): {"answer": "yes" if n <= 14 else "no"} for n in range(1, 25)}
# The outcome that completes each kind of task the demo completes.
OUTCOMES = {"contact_victim": "discussion_offered", "tell_line_manager_and_dso": "done",
            "tell_housing_team": "done", "establish_police_awareness": "police_made_aware",
            "hold_personal_discussion": "held", "contact_police_now": "police_contacted"}


@dataclass(frozen=True)
class DemoCase:
    """One case to load: who reports it, how long ago it came in, and how far it goes."""

    officer: str
    stage: str  # reported | contacted | standard_risk | high_risk | overdue
    days_ago: float = 0
    report: dict[str, Any] = field(default_factory=dict)


def caseload() -> list[DemoCase]:
    cases = []
    for council, officers in ((Council.DOVER, ("dv-cw-1", "dv-cw-2")),
                              (Council.DARTFORD, ("df-cw-1",))):
        plan: list[tuple[str, float, dict[str, Any]]] = [
            ("reported", 0, {}),
            ("reported", 0, {"immediate_risk": True}),
            ("reported", 0.2, {"channel": "third_party",
                               "reporter": {"kind": "neighbour", "name": "Lewis Crane"}}),
            ("contacted", 0.5, {"reasonable_adjustments": ["interpreter"]}),
            ("standard_risk", 1, {}),
            ("high_risk", 1, {"reasonable_adjustments": ["telephone_only"]}),
            ("high_risk", 2, {"household": {"adults": [], "children": [{"age": 7}]}}),
            ("overdue", 6, {}),
            ("overdue", 7, {"reasonable_adjustments": ["safe_private_place"]}),
            ("overdue", 9, {"channel": "third_party",
                            "reporter": {"kind": "police", "name": "PC Ann Jessop"}}),
        ]
        for n, (stage, days, extra) in enumerate(plan):
            victim = VICTIMS[n % len(VICTIMS)]
            report: dict[str, Any] = {
                "council": council.value, "channel": "telephone",
                "reporter": {"kind": "victim"},
                "victim": {"name": victim, "address": f"{n + 3} {STREETS[n % len(STREETS)]}, "
                           f"{council.value.title()}", "phone": f"07700 900{100 + n:03d}"},
                "immediate_risk": False,
                "household": {"adults": [{"name": victim}], "children": []},
                "tenure": "council_general_needs", "perpetrator_lives_at_address": n % 2 == 0,
                "summary": "Made-up demonstration case: controlling behaviour and threats "
                           "by text message.", **extra}
            cases.append(DemoCase(officers[n % len(officers)], stage, days, report))
    return cases


async def load_case(http: httpx.AsyncClient, case: DemoCase, now: datetime) -> str:
    """Report the case as its officer and take it to its stage; returns its id."""
    body = dict(case.report)
    body["reported_at"] = (now - timedelta(days=case.days_ago)).isoformat()
    if case.days_ago >= 1 / 24:
        body["late_entry_reason"] = "Demonstration: received earlier, typed up now."
    opened = await http.post("/cases", json=body)
    opened.raise_for_status()
    case_id: str = opened.json()["case_id"]
    tasks = await _triaged(http, case_id)
    if case.stage in ("contacted", "standard_risk", "high_risk"):
        for task in tasks:
            outcome = OUTCOMES.get(task["kind"])
            if outcome:
                done = await http.post(f"/cases/{case_id}/tasks/{task['task_id']}/complete",
                                       json={"outcome": outcome})
                done.raise_for_status()
    if case.stage in ("standard_risk", "high_risk"):
        answers = HIGH if case.stage == "high_risk" else NOT_HIGH
        (await http.post(f"/cases/{case_id}/dash/complete",
                         json={"answers": answers})).raise_for_status()
    return case_id


async def _triaged(http: httpx.AsyncClient, case_id: str) -> list[dict[str, Any]]:
    for _ in range(300):
        body = (await http.get(f"/cases/{case_id}/tasks")).json()
        if body.get("triage_done"):
            return list(body["tasks"])
        await asyncio.sleep(0.1)
    raise SystemExit(f"demo: case {case_id} was not triaged within 30 s: is the worker up?")


async def _escalated(http: httpx.AsyncClient, case_id: str) -> None:
    for _ in range(300):
        tasks = (await http.get(f"/cases/{case_id}/tasks")).json()["tasks"]
        if any(task.get("escalated") for task in tasks):
            return
        await asyncio.sleep(0.1)
    raise SystemExit(f"demo: case {case_id} did not escalate within 30 s")


def register_staff(settings: Settings) -> tuple[str | None, dict[str, str]]:
    """The demo staff (once; a password shared by all of them, shown once) and a bearer
    token for each caseworker, to send their commands."""
    directory = prepare_storage(settings)
    sessions = build_sessions(settings)
    password = None
    if directory.profile(STAFF[0][0]) is None:
        password = secrets.token_urlsafe(12)
        for staff_id, name, role, teams, council, manager in STAFF:
            directory.register(staff_id=staff_id, display_name=name, role=role,
                               teams=list(teams), council=council, manager_id=manager,
                               actor=COMMAND_LINE, reason="Demonstration account.")
            directory.set_password(staff_id=staff_id, password=password, actor=COMMAND_LINE)
    tokens = {staff_id: sessions.issue_api_token(staff_id=staff_id, label="demo",
                                                 now=datetime.now(UTC))
              for staff_id, _, role, *_ in STAFF if role is Role.CASEWORKER}
    return password, tokens


async def load(base: str, tokens: dict[str, str]) -> list[str]:
    now = datetime.now(UTC)
    clients = {staff_id: httpx.AsyncClient(base_url=base, timeout=60, headers={
        "Authorization": f"Bearer {token}"}) for staff_id, token in tokens.items()}
    cases = caseload()
    try:
        case_ids = list(await asyncio.gather(*(load_case(clients[case.officer], case, now)
                                               for case in cases)))
        # Deadlines already past escalate at once: wait for that before the stack stops.
        for case, case_id in zip(cases, case_ids, strict=True):
            if case.stage == "overdue":
                await _escalated(clients[case.officer], case_id)
        return case_ids
    finally:
        for client in clients.values():
            await client.aclose()


def web_is_up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def run_demo(settings: Settings) -> None:
    base = f"http://{settings.web_host}:{settings.web_port}"
    password, tokens = register_staff(settings)
    stack = None if web_is_up(base) else ProcessStack(devstack_processes(settings))
    try:
        if stack is not None:
            print("starting the stack to load the demo caseload ...", flush=True)
            stack.start_all()
        case_ids = asyncio.run(load(base, tokens))
    finally:
        if stack is not None:
            stack.stop()
    print(f"\nLoaded {len(case_ids)} made-up cases in Dover and Dartford.", flush=True)
    if password:
        print(f"Demo staff (password for each, shown once: {password}):", flush=True)
        for staff_id, name, *_ in STAFF:
            print(f"  {staff_id:9} {name}", flush=True)
    print(f"Start everything with `make run`, then sign in at {base}/sign-in.", flush=True)

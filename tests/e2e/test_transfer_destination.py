"""Where a victim moves is told to nobody who need not know (issue 14; D 8.22, D 12.4): a
reciprocal transfer runs end to end against a real landlord server on loopback, then every
GET route and page of the case is read as every role, and the area and the new address are
looked for there, in task titles, in every log line, in the raw Temporal history of the case's
workflow and of the transfer's, and in the messages to the other partner the case has
(children's services). They are found only where they must be: what the staff named on the
transfer read, and the packet the receiving landlord was sent."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.access_changes import KnownStaff
from aggregates.report import Role
from aggregates.working_days import local_date
from temporal_contracts.payloads import CaseCommandInput, case_workflow_id
from temporal_contracts.transfer_payloads import transfer_workflow_id
from tests.e2e.test_access_matrix import flat_routes
from tests.support import eventually
from tests.web_harness import WebSystem, web_system
from tests.workflows.transfer_steps import AREA, LANDLORD, NEW_ADDRESS, partners
from workflows.client import CaseOrchestrator

SECRETS = (AREA, NEW_ADDRESS)
NAMED = ("cw-req", "dso-named")            # the requesting officer and the DSO named
MAY_READ = (*NAMED, "aud-1")               # and auditors with need to know
MAY_NOT = ("cw-other", "dso-other", "lm-1")  # case staff all the same, not named


def as_officer(staff_id: str, name: str, role: str = "caseworker", **args: object
               ) -> CaseCommandInput:
    return CaseCommandInput(command=name, args=dict(args), staff_id=staff_id, role=role,
                            request_id=str(uuid.uuid4()))


def directory_of(system: WebSystem, *staff_ids: str) -> dict[str, dict[str, object]]:
    """What the web edge looks up for a command naming staff (web/staff_lookup.py)."""
    found = {}
    for staff_id in staff_ids:
        p = system.directory.profile(staff_id)
        assert p is not None
        found[staff_id] = KnownStaff(staff_id=p.staff_id, role=p.role, council=p.council,
                                     active=p.active, teams=p.teams).to_dict()
    return found


def case_get_paths(system: WebSystem, case_id: str, versions: int) -> list[str]:
    """Every GET route of the app that takes only the case id, and the as-at views at every
    version of the case."""
    assert system.app is not None
    paths = []
    for route in flat_routes(system.app.routes):
        path = getattr(route, "path", "")
        methods = getattr(route, "methods", set()) or set()
        if "GET" in methods and "{case_id}" in path and path.count("{") == 1:
            paths.append(path.replace("{case_id}", case_id))
    for version in range(1, versions + 1):
        paths += [f"/cases/{case_id}/as-at?version={version}",
                  f"/work/cases/{case_id}/as-at?version={version}"]
    return [*paths, "/work/tasks", "/work/cases", "/work/escalations", "/me/notifications"]


async def run_transfer(system: WebSystem, orch: CaseOrchestrator, case_id: str) -> str:
    """Decision to share, request, the landlord's offer, acceptance, move date, old tenancy
    ended, new tenancy granted: the whole transfer, as the officers named on it."""
    await orch.apply_command(case_id, as_officer(
        "cw-req", "record_sharing_decision", partner=LANDLORD, purpose="reciprocal_transfer",
        shared=True, lawful_basis="consent", under_isa=True,
        categories=["case_reference", "victim_identity", "victim_contact", "children",
                    "risk_assessment", "transfer_destination"],
        justification="The tenant asked to move under the Kent reciprocal agreement."))
    transfer_id = uuid.uuid4().hex
    await orch.apply_command(case_id, as_officer(
        "cw-req", "request_reciprocal_transfer", transfer_id=transfer_id,
        receiving_landlord=LANDLORD, destination_area=AREA, dso_id="dso-named",
        directory=directory_of(system, "cw-req", "dso-named"),
        reason="Unsafe to stay: the ex-partner knows the address."))

    async def transfer_status() -> str:
        case = system.store.get_case(uuid.UUID(case_id))
        return case.transfer.transfers[transfer_id].status.value  # type: ignore[no-any-return]

    async def offered() -> bool:
        return await transfer_status() == "offered"
    await eventually(offered, timeout=30)
    today = local_date(datetime.now(UTC))
    steps = [("record_victim_transfer_decision", {"accepted": True, "reason": "Wants it."}),
              ("agree_transfer_move_date",
              {"move_date": (today + timedelta(days=7)).isoformat()}),
             ("record_old_tenancy_ended", {"ended_on": today.isoformat()}),
             ("record_new_tenancy_granted", {"granted_on": today.isoformat(),
                                             "security_of_tenure": "secure"})]
    for name, args in steps:
        await orch.apply_command(case_id, as_officer("cw-req", name, transfer_id=transfer_id,
                                                     **args))

    async def completed() -> bool:
        return await transfer_status() == "completed"
    await eventually(completed, timeout=30)
    return transfer_id


async def test_the_destination_is_found_only_where_it_may_be(
        tmp_path: Path, dev_env: WorkflowEnvironment, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with partners() as the:
        async with web_system(tmp_path, dev_env, gateway=the.gateway) as system:
            system.add_staff("cw-req", Role.CASEWORKER)
            system.add_staff("cw-other", Role.CASEWORKER)
            system.add_staff("lm-1", Role.LINE_MANAGER)
            system.add_staff("dso-named", Role.DSO, manager_id="lm-1")
            system.add_staff("dso-other", Role.DSO, manager_id="lm-1")
            system.add_staff("aud-1", Role.AUDITOR, teams=())
            case_id = await system.open_case("cw-req")
            assert system.app is not None
            orch: CaseOrchestrator = system.app.state.intake.orchestrator
            transfer_id = await run_transfer(system, orch, case_id)
            case = system.store.get_case(uuid.UUID(case_id))
            versions = case.version
            stored_area = case.transfer.transfers[transfer_id].destination_area
            paths = case_get_paths(system, case_id, versions)

            seen: dict[str, list[str]] = {}
            read: dict[str, int] = {}  # how many routes answered 200
            for who in (*MAY_READ, *MAY_NOT):
                async with system.client(who) as http:
                    for path in paths:
                        answer = await http.get(path)
                        read[who] = read.get(who, 0) + (answer.status_code == 200)
                        seen.setdefault(who, []).extend(
                            f"{path} {s}" for s in SECRETS if s in answer.text)
            tasks = await orch.open_tasks(case_id)
            histories = [await dev_env.client.get_workflow_handle(wid).fetch_history()
                         for wid in (case_workflow_id(case_id),
                                     transfer_workflow_id(case_id, transfer_id))]
        to_children = the.children.received()["messages"]
        to_landlord = the.landlord.received()["messages"]

    for who in MAY_NOT:
        assert read[who] > len(paths) // 2, f"{who} reads the case: the walk means something"
        assert seen[who] == [], f"{who} read the destination at {seen[who]}"
    # The walk reaches where the destination is: the case holds it, and the staff named on
    # the transfer read it (its JSON and its page), so finding it nowhere else means something.
    assert stored_area == AREA
    for who in NAMED:
        assert any(AREA in hit for hit in seen[who]), f"{who} cannot read the area"
        assert any("/safe-move" in hit for hit in seen[who]), f"{who}: not on the page"
    for task in tasks.open_tasks:
        assert not any(s in task.title for s in SECRETS)
    for secret in SECRETS:
        assert secret not in caplog.text
        for history in histories:
            raw = b"".join(e.SerializeToString() for e in history.events)
            assert secret.encode() not in raw
            assert base64.b64encode(secret.encode()) not in raw
            assert secret not in history.to_json()
    assert to_children, "the children's referral was sent"
    assert not any(s in json.dumps(to_children) for s in SECRETS)
    [request] = [m for m in to_landlord if m["message"]["type"] == "transfer_request"]
    assert request["message"]["packet"]["transfer_destination"] == {"destination_area": AREA}

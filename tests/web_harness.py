"""The whole system in one test process, served over real HTTP on loopback: the web app (by
uvicorn), a real worker on the session's Temporal dev server, the event store, the staff
directory and the sign-in store on a SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment

from activities.auth_store import AuthStore
from activities.board_projector import BoardProjector
from activities.case_store import CaseStore, store_env
from activities.inbound_log import InboundLog
from activities.request_keys import RequestKeys
from activities.staff_directory import StaffDirectory
from activities.task_board import TaskBoard
from aggregates.report import Actor, Council, Role
from application.evidence_bundle import BundleKeys
from application.intake import Intake
from gateways.base import PartnerGateway
from gateways.landlord_gateway import InMemoryLandlords, LandlordExchange, landlords_for
from gateways.registry import PartnerRegistry
from tests.conftest import running_worker
from tests.support import eventually, free_port, report_body
from transparency.note import Signer
from web.app import create_app
from web.auth import AuthServices
from web.oidc import OidcClient
from workflows.client import CaseOrchestrator

SETUP = Actor(staff_id="system", role=Role.SYSTEM)
# One TLS context for every test client: httpx builds one per client otherwise (about 50 ms
# of CPU each, loading the CA bundle), and the tests open thousands of clients.
LOOPBACK_TLS = httpx.create_ssl_context()
TST = "Tenancy Support Team"


@dataclass
class WebSystem:
    base_url: str
    store: CaseStore
    directory: StaffDirectory
    sessions: AuthStore
    inbound: InboundLog
    tokens: dict[str, str] = field(default_factory=dict)
    app: FastAPI | None = None  # to swap a service for one that fails, in tests of errors
    # The receiving landlords the worker's transfer workflows talk to (in memory), so a test
    # may keep a landlord's decision pending and give its answers itself.
    landlords: LandlordExchange = field(default_factory=InMemoryLandlords)

    def add_staff(self, staff_id: str, role: Role, teams: tuple[str, ...] = (TST,),
                  council: Council = Council.DOVER, manager_id: str | None = None,
                  password: str | None = None) -> str:
        """Register a member of staff and give them a bearer token (returned)."""
        self.directory.register(staff_id=staff_id, display_name=f"Test {staff_id}", role=role,
                                teams=teams, council=council, manager_id=manager_id,
                                actor=SETUP, reason="test account")
        if password:
            self.directory.set_password(staff_id=staff_id, password=password, actor=SETUP)
        token = self.sessions.issue_api_token(staff_id=staff_id, label="test",
                                              now=datetime.now(UTC))
        self.tokens[staff_id] = token
        return token

    def client(self, staff_id: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.tokens[staff_id]}"} if staff_id else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30,
                                 verify=LOOPBACK_TLS, **kwargs)

    async def open_case(self, staff_id: str, **body: Any) -> str:
        """Open a case as `staff_id` and wait until its triage tasks exist."""
        async with self.client(staff_id) as http:
            opened = await http.post("/cases", json=report_body(**body))
            assert opened.status_code == 201, opened.text
            case_id: str = opened.json()["case_id"]

            async def triaged() -> bool:
                return bool((await http.get(f"/cases/{case_id}/tasks")).json()["triage_done"])
            await eventually(triaged)
        return case_id


@contextlib.asynccontextmanager
async def _projecting(store: CaseStore) -> AsyncIterator[None]:
    with BoardProjector(store):
        yield


# The keys the harness's web app signs evidence bundles with (tests verify against them).
HARNESS_EVIDENCE_KEYS = BundleKeys(log_key=Signer.generate("harness.invalid/da-casework-log"),
                                   council_key=Ed25519PrivateKey.generate())


@contextlib.asynccontextmanager
async def web_system(tmp_path: Path, env: WorkflowEnvironment, oidc: OidcClient | None = None,
                     port: int | None = None, gateway: PartnerGateway | None = None,
                     partners: PartnerRegistry | None = None) -> AsyncIterator[WebSystem]:
    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"
    environment = store_env(url, os.urandom(32))
    store, directory = CaseStore(environment), StaffDirectory(environment)
    sessions = AuthStore(url)
    inbound = InboundLog(url)
    request_keys = RequestKeys(url)
    board = TaskBoard(store, url)
    # As the worker would choose them: signed HTTP beside a signed gateway, else in memory.
    landlords = landlords_for(gateway) if gateway is not None else InMemoryLandlords()
    # The worker process runs the board's projection; the web app only reads the board.
    async with running_worker(env.client, store, gateway, landlords) as task_queue, \
            _projecting(store):
        app = create_app(
            Intake(store, CaseOrchestrator(env.client, task_queue)),
            AuthServices(directory=directory, sessions=sessions,
                         idle=timedelta(minutes=30), absolute=timedelta(hours=10)),
            oidc, partners=partners, inbound=inbound, board=board,
            request_keys=request_keys, evidence_keys=HARNESS_EVIDENCE_KEYS)
        port = port or free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", access_log=False))
        serving = asyncio.create_task(server.serve())
        try:
            while not server.started:
                await asyncio.sleep(0.02)
            yield WebSystem(f"http://127.0.0.1:{port}", store, directory, sessions, inbound,
                            app=app, landlords=landlords)
        finally:
            server.should_exit = True
            await serving
            sessions.close()
            inbound.close()
            request_keys.close()
            board.close()

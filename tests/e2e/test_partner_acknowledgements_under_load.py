"""The issue's check against real processes, as `make run` starts them: the worker and the web
app (`python -m casework worker|web`), a stand-in partner (`python -m gateways.partner_standin`)
whose acknowledgement of each referral overtakes its answer to our POST, the Temporal dev
server and a SQLite file. Twenty cases with children are opened together; every children's referral
must reach "acknowledged" within 30 s, none given up by the partner (D 8.23: children are
referred in all cases)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from casework.settings import Settings
from casework.staff_admin import add_staff, issue_token
from gateways.default_partners import registry_document
from gateways.signing_keys import generate_private_key, public_key_b64, write_private_key
from tests.support import eventually, free_port, report_body

ROOT = Path(__file__).resolve().parents[2]
CHILDRENS = "childrens_services"
CASES = 20
WITHIN_SECONDS = 30.0


@dataclass
class Stack:
    base_url: str
    partner_url: str
    caseworker: dict[str, str]


@pytest.fixture
def stack(tmp_path: Path, payload_key: bytes, dev_env: WorkflowEnvironment) -> Iterator[Stack]:
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "payload.key").write_bytes(payload_key)
    council, partner_key = generate_private_key(), generate_private_key()
    write_private_key(keys / "council-signing.pem", council)
    write_private_key(keys / "partner.pem", partner_key)
    web_port, partner_port = free_port(), free_port()
    (tmp_path / "partners.json").write_text(json.dumps(registry_document(
        {CHILDRENS: f"http://127.0.0.1:{partner_port}/inbox"},
        {CHILDRENS: [public_key_b64(partner_key.public_key())]})))
    settings = {
        "data_dir": tmp_path, "event_store_url": f"sqlite:///{tmp_path / 'events.sqlite3'}",
        "event_store_key_file": keys / "store.key",
        "temporal_payload_key_file": keys / "payload.key",
        "temporal_address": dev_env.client.service_client.config.target_host,
        "temporal_task_queue": f"tq-{uuid.uuid4()}", "web_port": web_port,
        "partner_delivery": "signed_http", "partners_file": tmp_path / "partners.json",
        "signing_key_file": keys / "council-signing.pem",
    }
    env = {**os.environ, **{f"DA_{name.upper()}": str(value)
                            for name, value in settings.items()}}
    # Staff and a token in this process (as `casework add-staff` and `issue-token` do), to
    # save starting three more Pythons on a busy machine.
    configured = Settings(**settings)  # type: ignore[arg-type]
    add_staff(configured, staff_id="cw-17", name="Test caseworker", role=Role.CASEWORKER,
              teams=["Tenancy Support Team"], council=Council.DOVER, manager_id=None)
    token = issue_token(configured, staff_id="cw-17", label="e2e")
    procs: list[subprocess.Popen[bytes]] = []
    with (tmp_path / "processes.log").open("ab") as log:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gateways.partner_standin", "--partner", CHILDRENS,
             "--port", str(partner_port), "--key-file", str(keys / "partner.pem"),
             "--council-public-key", public_key_b64(council.public_key()),
             "--ack-url", f"http://127.0.0.1:{web_port}/partners/{CHILDRENS}/messages"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        for role in ("worker", "web"):
            procs.append(subprocess.Popen([sys.executable, "-m", "casework", role], env=env,
                                          cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
    try:
        yield Stack(f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{partner_port}",
                    {"Authorization": f"Bearer {token}"})
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


async def up(http: httpx.AsyncClient, path: str) -> bool:
    try:
        return (await http.get(path)).status_code == 200
    except httpx.TransportError:
        return False


async def test_twenty_cases_with_children_are_all_acknowledged_within_30_seconds(
        stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30,
                                 headers=stack.caseworker) as http, \
            httpx.AsyncClient(base_url=stack.partner_url, timeout=10) as partner:
        await eventually(lambda: up(http, "/healthz"), timeout=60)
        await eventually(lambda: up(partner, "/received"), timeout=60)
        # As in the issue: each acknowledgement reaches us before the partner's answer to our
        # POST, so before the case can record the delivery.
        control = await partner.post("/control", json={"answer_delay_seconds": 0.5})
        assert control.status_code == 200

        started = time.monotonic()
        opened = await asyncio.gather(*(http.post("/cases", json=report_body())
                                        for _ in range(CASES)))
        assert [r.status_code for r in opened] == [201] * CASES
        case_ids = [r.json()["case_id"] for r in opened]

        async def statuses() -> dict[str, int]:
            counts: dict[str, int] = {}
            for case_id in case_ids:
                response = await http.get(f"/cases/{case_id}/referrals")
                for referral in response.json() if response.status_code == 200 else []:
                    counts[referral["status"]] = counts.get(referral["status"], 0) + 1
            return counts

        async def all_acknowledged() -> bool:
            return (await statuses()).get("acknowledged") == CASES
        try:
            await eventually(all_acknowledged, interval=0.5,
                             timeout=WITHIN_SECONDS - (time.monotonic() - started))
        except AssertionError:
            raise AssertionError(f"not all acknowledged within {WITHIN_SECONDS}s: "
                                 f"{await statuses()}") from None
        took = time.monotonic() - started
        counters = (await partner.get("/received")).json()
    assert counters["accepted"] == CASES and counters["acks_sent"] == CASES
    assert counters["ack_failures"] == 0
    print(f"{CASES} referrals acknowledged {took:.1f} s after the first intake; answers to "
          f"the partner's acknowledgements: {sorted(set(counters['ack_statuses']))}")

"""A worker told to stop (SIGTERM, as a service manager or `docker stop` sends) finishes what it
is doing first: a referral whose delivery to a slow partner is in flight is delivered and its
result reported to Temporal before the process exits, so it is neither abandoned mid-way nor
sent again. The worker is the real `python -m casework worker` process; the partner is the
stand-in server on loopback, slow to answer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType, PendingActivityState
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore, store_env
from aggregates.report import Actor, Role
from gateways.default_partners import registry_document
from gateways.partner_standin import RunningPartner
from gateways.signing_keys import generate_private_key, write_private_key
from tests.support import eventually, make_report
from workflows.client import CaseOrchestrator
from workflows.referral_workflow import referral_workflow_id

REPO = Path(__file__).resolve().parents[2]
CHILDRENS = "childrens_services"
PARTNER_SLOW_S = 5.0
EXIT_TIMEOUT_S = 60


class WorkerProcess:
    """`python -m casework worker` with settings pointing at the test's server and files."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "casework", "worker"],
                                         env=self.env, cwd=self.env["DA_DATA_DIR"],
                                         stdout=out, stderr=subprocess.STDOUT)
        return self.proc

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=EXIT_TIMEOUT_S)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def setup(tmp_path: Path, payload_key: bytes, dev_env: WorkflowEnvironment
          ) -> Iterator[tuple[WorkerProcess, CaseStore, RunningPartner]]:
    council_key = generate_private_key()
    write_private_key(tmp_path / "council.pem", council_key)
    (tmp_path / "payload.key").write_bytes(payload_key)
    store_key = os.urandom(32)
    (tmp_path / "store.key").write_bytes(store_key)
    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"
    with RunningPartner(CHILDRENS, [council_key.public_key()]) as partner:
        (tmp_path / "partners.json").write_text(json.dumps(registry_document(
            {CHILDRENS: partner.inbox_url}, {CHILDRENS: [partner.public_key]})))
        env = {name: value for name, value in os.environ.items() if not name.startswith("DA_")}
        env.update({
            "PYTHONPATH": str(REPO), "DA_DATA_DIR": str(tmp_path), "DA_EVENT_STORE_URL": url,
            "DA_EVENT_STORE_KEY_FILE": str(tmp_path / "store.key"),
            "DA_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
            "DA_TEMPORAL_NAMESPACE": dev_env.client.namespace,
            "DA_TEMPORAL_TASK_QUEUE": f"tq-{uuid.uuid4()}",
            "DA_TEMPORAL_PAYLOAD_KEY_FILE": str(tmp_path / "payload.key"),
            "DA_PARTNER_DELIVERY": "signed_http",
            "DA_PARTNERS_FILE": str(tmp_path / "partners.json"),
            "DA_SIGNING_KEY_FILE": str(tmp_path / "council.pem"),
        })
        worker = WorkerProcess(env, tmp_path / "worker.log")
        try:
            yield worker, CaseStore(store_env(url, store_key)), partner
        finally:
            worker.kill()


async def test_sigterm_lets_an_in_flight_delivery_finish_and_report_before_exit(
        setup: tuple[WorkerProcess, CaseStore, RunningPartner],
        dev_env: WorkflowEnvironment) -> None:
    worker, store, partner = setup
    partner.set(slow_seconds=PARTNER_SLOW_S)
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor("cw-1", Role.CASEWORKER),
                    reason="Report.", request_fingerprint="f")
    worker.start()
    await CaseOrchestrator(dev_env.client, worker.env["DA_TEMPORAL_TASK_QUEUE"]).ensure_workflow(
        str(case_id))

    async def referral_id() -> str | None:
        referrals = store.get_case(case_id).referrals
        return next(iter(referrals)) if referrals else None
    delivery = dev_env.client.get_workflow_handle(
        referral_workflow_id(str(case_id), await eventually(referral_id, timeout=60)))

    async def delivering() -> bool:
        try:
            described = await delivery.describe()
        except RPCError as e:
            if e.status is RPCStatusCode.NOT_FOUND:
                return False  # the case has recorded the referral; its delivery starts next
            raise
        return any(a.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                   for a in described.raw_description.pending_activities)
    await eventually(delivering, timeout=60)

    assert worker.stop() == 0, worker.log.read_text()[-3000:]

    # Reported to Temporal by the worker on its way out: completed on the first attempt.
    events = (await delivery.fetch_history()).events
    started = [e for e in events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED]
    assert [e.activity_task_started_event_attributes.attempt for e in started] == [1]
    kinds = {e.event_type for e in events}
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED in kinds
    assert not kinds & {EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
                        EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED}

    # The next worker carries on from there: the case records the delivery, sent once.
    worker.start()

    async def delivered() -> bool:
        [referral] = store.get_case(case_id).referrals.values()
        return bool(referral.status == "delivered")
    await eventually(delivered, timeout=60)
    assert worker.stop() == 0
    received = partner.received()
    assert received["accepted"] == 1
    assert received["duplicates"] == 0

"""The whole system as real processes that a test can kill -9 and restart one by one: the
stack of casework/loopback_stack.py (Temporal dev server with its own SQLite file, workers
`worker-1`.., web processes `web-1`..) with an in-process stand-in partner whose inbox a test
can read, and the event store on a SQLite file or PostgreSQL. Used by test_faults.py and
test_replicas.py."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from casework.loopback_stack import LoopbackStack
from casework.wiring import signing_key
from gateways.default_partners import registry_document
from gateways.partner_standin import RunningPartner
from gateways.signing import sign_message
from tests.web_harness import LOOPBACK_TLS

CHILDRENS = "childrens_services"
# Temporal suggests continue-as-new past this many history events: low, so a case's
# workflow starts afresh after a handful of commands (the default is 4096 events).
CONTINUE_AS_NEW_EVENTS = 30


class Stack(LoopbackStack):
    """Temporal, `workers` worker processes and `webs` web processes, restartable; referrals
    go, signed, to one stand-in partner (children's services) that does not acknowledge them:
    the tests send acknowledgements themselves."""

    def __init__(self, tmp: Path, *, event_store_url: str | None = None, workers: int = 1,
                 webs: int = 1) -> None:
        settings = {
            "DA_TEMPORAL_TASK_QUEUE": f"tq-{uuid.uuid4()}",
            "DA_RECONCILE_INTERVAL_SECONDS": "0.5",
            "DA_PARTNER_DELIVERY": "signed_http",
        }
        if event_store_url is not None:
            settings["DA_EVENT_STORE_URL"] = event_store_url
        super().__init__(tmp, workers=workers, webs=webs, settings=settings, temporal_args=(
            "--dynamic-config-value",
            f"limit.historyCount.suggestContinueAsNew={CONTINUE_AS_NEW_EVENTS}"))
        self.partner: RunningPartner | None = None
        self.caseworker: dict[str, str] = {}

    def prepare(self) -> None:
        """The stack's keys and tables, a caseworker with a token, and the stand-in partner
        that the case refers to, in this process (the command line takes seconds to start)."""
        settings = self.settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        council = signing_key(settings)
        self.partner = RunningPartner(CHILDRENS, [council.public_key()]).__enter__()
        self.partner.set(send_acks=False)  # the tests send acknowledgements themselves
        settings.partners_file.write_text(json.dumps(registry_document(
            {CHILDRENS: self.partner.inbox_url}, {CHILDRENS: [self.partner.public_key]})))
        super().prepare()
        token = self.add_caseworker("cw-17", name="Test caseworker", label="faults")
        self.caseworker = {"Authorization": f"Bearer {token}"}

    def stop(self) -> None:
        super().stop()
        if self.partner is not None:
            self.partner.__exit__(None, None, None)

    def client(self, web: int = 1) -> httpx.AsyncClient:
        """A caseworker's client of web process number `web`."""
        return httpx.AsyncClient(base_url=self.url(web), timeout=60, headers=self.caseworker,
                                 verify=LOOPBACK_TLS)

    def signed_ack(self, case_id: str, referral_id: str, digest: str) -> tuple[bytes,
                                                                                 dict[str, Any]]:
        """The partner's signed acknowledgement of a referral (one id, however often sent)."""
        assert self.partner is not None
        signed = sign_message(
            {"type": "acknowledgement", "partner": CHILDRENS,
             "message_id": f"{case_id}:{referral_id}", "digest": digest,
             "received_at": "2026-11-30T10:00:00Z"},
            keys=[self.partner.signing_key], message_id=f"ack-{uuid.uuid4()}",
            timestamp=int(time.time()))
        return signed.body, dict(signed.headers)

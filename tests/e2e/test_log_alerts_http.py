"""The information-governance lead and the transparency log's alerts over HTTP (issue 15
scope 6: "raises an alert (a task for the information-governance lead ...)"): a tampered
store fails the worker's self-check, the alert is listed for the lead (JSON and page), the
lead acknowledges it once (who and when recorded; a second time is 409), and the lead's role
reaches nothing else: no case, no case's access log or proof, no staff admin. Also the lead's
column of the access matrix (tests/e2e/test_access_matrix.py holds the other roles')."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from application.log_self_check import LogSelfCheck
from application.transparency import TransparencyLog
from tests.e2e.test_access_matrix import EXPECTED, request
from tests.integration.test_add_staff_cli import add_staff, casework
from tests.integration.test_transparency_checkpoints import rewrite_event
from tests.web_harness import WebSystem, web_system
from transparency.note import Signer

IG, AUD, CW = "ig-1", "aud-1", "cw-1"

# The lead's column, by hand: every route not listed answers 403 (the role is refused
# before anything is read); these answer otherwise.
IG_LEAD: dict[tuple[str, str], int] = {
    ("GET", "/healthz"): 200, ("GET", "/docs"): 200, ("GET", "/docs/oauth2-redirect"): 200,
    ("GET", "/openapi.json"): 200, ("GET", "/"): 200, ("GET", "/sign-in"): 200,
    ("POST", "/sign-in"): 403, ("POST", "/sign-out"): 303,
    ("GET", "/auth/oidc/sign-in"): 404, ("GET", "/auth/oidc/callback"): 404,
    ("GET", "/me"): 200, ("GET", "/me/notifications"): 200,
    ("POST", "/partners/{partner}/messages"): 401, ("POST", "/partners/{partner}/works"): 401,
    ("POST", "/partners/{partner}/transfers"): 401,
    # Checkpoints and consistency proofs: hashes only, the record's integrity.
    ("GET", "/transparency/checkpoint"): 200, ("GET", "/transparency/consistency"): 200,
    ("GET", "/transparency/checkpoints/{tree_size}"): 200,
    ("GET", "/transparency/witnesses"): 200,
    # Proofs of one case's events pass need to know, which the lead never has: the same 404
    # as a case that does not exist.
    ("GET", "/cases/{case_id}/events/{version}/inclusion"): 404,
    ("GET", "/cases/{case_id}/access-log/{version}/inclusion"): 404,
    # Alert 1 exists (raised in setup): listed, acknowledged, then the page finds it done.
    ("GET", "/transparency/alerts"): 200,
    ("POST", "/transparency/alerts/{alert_id}/acknowledge"): 200,
    ("GET", "/work/log-alerts"): 200,
    ("POST", "/work/log-alerts/{alert_id}/acknowledge"): 409,
}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(IG, Role.INFORMATION_GOVERNANCE_LEAD, teams=())
        running.add_staff(AUD, Role.AUDITOR, teams=())
        running.add_staff(CW, Role.CASEWORKER)
        yield running


async def tampered(system: WebSystem) -> tuple[str, int]:
    """A case, a signed checkpoint, then its first event rewritten by an insider and the
    worker's self-check run: (case id, checkpoint size)."""
    case_id = await system.open_case(CW)
    the_log = TransparencyLog(system.store.recorder)  # type: ignore[arg-type]
    key = Signer.generate("alerts.invalid/da-casework-log")
    signed = the_log.make_checkpoint(key)
    rewrite_event(system.store, uuid.UUID(case_id), 1,
                  lambda state: state.update(reason="Changed later."))
    result = LogSelfCheck(the_log, key.verifier, the_log.alerts()).check_once()
    assert result.alerted
    return case_id, signed.size


async def test_the_lead_sees_the_alert_and_acknowledges_it_once(system: WebSystem) -> None:
    case_id, size = await tampered(system)
    async with system.client(IG) as lead, system.client(AUD) as auditor:
        assert (await auditor.get("/transparency/alerts")).status_code == 403
        listed = (await lead.get("/transparency/alerts")).json()
        assert [(a["alert_id"], a["status"], a["checkpoint_size"]) for a in listed] == [
            (1, "open", size)]
        assert f"stream {case_id} version 1" in listed[0]["summary"]
        page = await lead.get("/work/log-alerts")
        assert page.status_code == 200
        assert "Open" in page.text and "Acknowledge alert 1" in page.text
        assert f"stream {case_id} version 1" in page.text

        before = int(time.time())
        done = await lead.post("/transparency/alerts/1/acknowledge")
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "acknowledged"
        assert done.json()["acknowledged_by"] == IG
        acknowledged_at = done.json()["acknowledged_at"]
        assert datetime.fromisoformat(acknowledged_at).timestamp() >= before

        again = await lead.post("/transparency/alerts/1/acknowledge")
        assert again.status_code == 409
        assert again.json()["errors"][0]["rule"] == "alert_acknowledged_once"
        assert IG in again.json()["errors"][0]["message"]
        page_again = await lead.post("/work/log-alerts/1/acknowledge", data={})
        assert page_again.status_code == 409
        assert f"already acknowledged by {IG}" in page_again.text
        assert (await lead.post("/transparency/alerts/99/acknowledge")).status_code == 404
        assert (await lead.post("/work/log-alerts/99/acknowledge",
                                data={})).status_code == 404

        shown = await lead.get("/work/log-alerts")
        assert "Acknowledged" in shown.text and "Acknowledge alert 1" not in shown.text
        assert (await lead.get("/transparency/alerts")).json()[0]["acknowledged_at"] == (
            acknowledged_at)


async def test_the_lead_reaches_every_route_as_its_column_says(system: WebSystem) -> None:
    """Every route of the app, as the lead (a route missing from the matrix fails there)."""
    case_id, size = await tampered(system)
    unknown = str(uuid.uuid4())
    cases = dict.fromkeys(("main", "restrict", "lift", "conflict", "other_team", "needs",
                           "marac", "marac_referral", "complaint"), unknown)
    cases.update(main=case_id, today="2026-06-08", tree_size=str(size))
    failures = []
    for method, path in EXPECTED:
        async with system.client(IG) as http:
            response: httpx.Response = await request(http, method, path, IG, cases)
        expected = IG_LEAD.get((method, path), 403)
        if response.status_code != expected:
            failures.append(f"{method} {path}: {response.status_code} (expected {expected}) "
                            f"{response.text[:120]}")
    assert not failures, "\n".join(failures)


def test_add_staff_registers_an_information_governance_lead(tmp_path: Path) -> None:
    assert casework(tmp_path, "keys").returncode == 0
    added = add_staff(tmp_path, "ig-2", "information_governance_lead")
    assert added.returncode == 0, added.stderr
    assert "password" in added.stdout.lower()

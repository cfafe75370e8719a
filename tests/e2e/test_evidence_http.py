"""`GET /cases/{id}/evidence-bundle` over HTTP: a DSO exports a case under the decision to
share with the police recorded on it, as JSON that verifies with the published keys, and as
HTML and PDF to read; a missing decision or a bad window is 422 naming the field and rule;
the export is on the case's access log (D 12.5; D 8.24-8.28)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from tests.support import VICTIM_ADDRESS, VICTIM_NAME
from tests.web_harness import HARNESS_EVIDENCE_KEYS, WebSystem, web_system
from transparency.bundle import raw_public_key
from transparency.bundle_check import check_bundle

CW, DSO, AUD = "cw-1", "dso-1", "aud-1"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(DSO, Role.DSO)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


async def decided_to_share(system: WebSystem, case_id: str) -> str:
    async with system.client(DSO) as dso:
        answer = await dso.post(f"/cases/{case_id}/sharing-decisions", json={
            "partner": "police", "purpose": "evidence", "shared": True,
            "categories": ["case_reference", "victim_identity", "risk_assessment"],
            "lawful_basis": "public_task",
            "justification": "The police asked for the record for a prosecution"})
        assert answer.status_code == 200, answer.text
        decisions = (await dso.get(f"/cases/{case_id}/sharing-decisions")).json()
    return str([d for d in decisions if d["partner"] == "police"][-1]["decision_id"])


async def test_a_dso_exports_a_bundle_that_verifies_and_reads_as_html_and_pdf(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    decision = await decided_to_share(system, case_id)
    url = f"/cases/{case_id}/evidence-bundle"
    async with system.client(DSO) as dso:
        as_json = await dso.get(url, params={"sharing_decision_id": decision})
        as_html = await dso.get(url, params={"sharing_decision_id": decision,
                                             "format": "html"})
        as_pdf = await dso.get(url, params={"sharing_decision_id": decision,
                                            "format": "pdf"})
    assert as_json.status_code == 200, as_json.text
    assert as_json.headers["content-disposition"].startswith(
        f'attachment; filename="evidence-{case_id}-')
    assert as_json.headers["cache-control"] == "no-store"
    bundle = as_json.json()
    report = check_bundle(bundle, log_key=HARNESS_EVIDENCE_KEYS.log_key.verifier,
                          council_key=raw_public_key(HARNESS_EVIDENCE_KEYS.council_key))
    assert report.ok, report.failed
    assert VICTIM_NAME in as_json.text and VICTIM_ADDRESS not in as_json.text
    assert as_html.headers["content-type"].startswith("text/html")
    assert f"Evidence bundle: case {case_id}" in as_html.text
    assert as_pdf.headers["content-type"] == "application/pdf"
    assert as_pdf.content.startswith(b"%PDF-")
    async with system.client(AUD) as auditor:
        log = (await auditor.get(f"/cases/{case_id}/access-log")).json()
    exports = [e for e in log["entries"] if e["action"] == "export_evidence_bundle"]
    assert [(e["staff_id"], e["outcome"]) for e in exports] == [(DSO, "allowed")] * 3
    assert log["chain_intact"]


async def test_refusals_name_the_field_and_the_rule(system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    decision = await decided_to_share(system, case_id)
    url = f"/cases/{case_id}/evidence-bundle"
    async with system.client(AUD) as auditor, system.client(CW) as caseworker:
        no_decision = await auditor.get(url, params={
            "sharing_decision_id": "7d0f4c55-8d0e-4a4b-9d0c-4f1b2d3c4e5f"})
        not_an_id = await auditor.get(url, params={"sharing_decision_id": "the police"})
        no_zone = await auditor.get(url, params={"sharing_decision_id": decision,
                                                 "from": "2026-01-05T10:00:00"})
        backwards = await auditor.get(url, params={
            "sharing_decision_id": decision, "from": "2026-01-05T10:00:00Z",
            "to": "2026-01-04T10:00:00Z"})
        role = await caseworker.get(url, params={"sharing_decision_id": decision})
    assert (no_decision.status_code, no_decision.json()["errors"][0]["field"],
            no_decision.json()["errors"][0]["rule"]) == (
        422, "sharing_decision_id", "sharing_decision_recorded")
    assert (not_an_id.status_code, not_an_id.json()["errors"][0]["field"]) == (
        422, "sharing_decision_id")
    assert "the police" not in not_an_id.text
    assert [(r.status_code, r.json()["errors"][0]["field"], r.json()["errors"][0]["rule"])
            for r in (no_zone, backwards)] == [
        (422, "from", "window_has_time_zone"), (422, "to", "window_in_order")]
    assert role.status_code == 403

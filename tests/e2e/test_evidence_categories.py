"""What an evidence bundle shows, by data category: what the decision to share covers, plus
the record's rationale, never more than the exporter's role reads, and never free text, case
notes or who reported (D 12.5: nothing leaves beyond a recorded decision; D 8.27 need to
know). The planted case and values are the data-category test's (test_data_categories.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from aggregates.sharing import DataCategory
from tests.e2e.test_data_categories import PLANTED, planted_case
from tests.web_harness import WebSystem, web_system

CW, DSO, AUD = "cw-1", "dso-1", "aud-1"
# Where the victim moved to goes to the receiving landlord alone (D 8.22): no decision for
# the police may name it.
EVERY_SHAREABLE = sorted(c.value for c in DataCategory
                         if c is not DataCategory.TRANSFER_DESTINATION)
# (categories the decision covers, exporter) → the planted values the bundle shows.
EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    ("identity", DSO): frozenset({"victim_name", "sharing_reasons"}),
    ("everything", DSO): frozenset({"victim_name", "address", "phone", "email", "child",
                                    "perpetrator", "sharing_reasons"}),
    # An auditor never exports what their role may not read, whatever the decision covers.
    ("everything", AUD): frozenset({"victim_name", "sharing_reasons"}),
}
COVERS = {"identity": ["case_reference", "victim_identity"], "everything": EVERY_SHAREABLE}


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(DSO, Role.DSO)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


async def decide(system: WebSystem, case_id: str, categories: list[str]) -> str:
    async with system.client(DSO) as dso:
        answer = await dso.post(f"/cases/{case_id}/sharing-decisions", json={
            "partner": "police", "purpose": "evidence", "shared": True,
            "categories": categories, "lawful_basis": "public_task",
            "justification": "Disclosure to the police for a prosecution"})
        assert answer.status_code == 200, answer.text
        decisions = (await dso.get(f"/cases/{case_id}/sharing-decisions")).json()
    return str(decisions[-1]["decision_id"])


async def test_a_bundle_shows_exactly_what_the_decision_and_the_role_allow(
        system: WebSystem) -> None:
    wrong = []
    for (covers, who), expected in EXPECTED.items():
        case_id = await planted_case(system)
        decision = await decide(system, case_id, COVERS[covers])
        async with system.client(who) as http:
            answers = [await http.get(f"/cases/{case_id}/evidence-bundle", params={
                "sharing_decision_id": decision, "format": output})
                for output in ("json", "html")]
        assert [a.status_code for a in answers] == [200, 200], answers[0].text
        text = "\n".join(a.text for a in answers)
        shown = frozenset(name for name, (_, planted) in PLANTED.items() if planted in text)
        if shown != expected:
            wrong.append(f"{covers} as {who}: shows {sorted(shown - expected)}, "
                         f"hides {sorted(expected - shown)}")
    assert not wrong, "\n".join(wrong)

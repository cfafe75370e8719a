"""The pattern of repairs over HTTP (DBC 7.2, D 8.6): the repairs system feeds jobs with its
bearer token (CSV or JSON), bad rows come back by line and field, the good ones are kept; the
housing team sees the review with the address and run and decides; nobody else sees it."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Council, Role
from tests.web_harness import TST, WebSystem, web_system

FEEDER, CW, OTHER_TEAM, DARTFORD_CW, AUD = "dv-repairs", "cw-1", "cw-2", "df-cw", "aud-1"
ADDRESS = "4 Maison Dieu Road, Dover CT16 1RW"
CSV = ("job_reference,address,job_type,raised_on,council\n"
       f'H1,"{ADDRESS}",lost_keys,2026-10-01,dover\n'
       f'H2,"{ADDRESS}",broken_window,2026-10-09,dover\n'
       'H3,"1 Elsewhere, Dover",brick_through_window,2026-10-09,dover\n'
       f'H4,"{ADDRESS}",bathroom_lock_change,2026-10-20,dover\n'
       'H5,"2 Elsewhere, Dartford",lost_keys,2026-10-20,dartford\n')


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(FEEDER, Role.REPAIRS_SYSTEM, teams=())
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(OTHER_TEAM, Role.CASEWORKER, teams=("Housing Options",))
        running.add_staff(DARTFORD_CW, Role.CASEWORKER, teams=("Tenancy Services Team",),
                          council=Council.DARTFORD)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


async def test_a_csv_feed_opens_one_review_the_team_closes_with_a_reason(
        system: WebSystem, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with system.client(FEEDER) as feeder:
        fed = await feeder.post("/repairs/jobs", content=CSV,
                                headers={"content-type": "text/csv"})
        assert fed.status_code == 200, fed.text
        assert fed.json() == {"taken": 3, "repeated": 0, "reviews_opened": 1, "errors": [
            {"line": 4, "field": "job_type", "rule": "job_type_is_known",
             "message": "the job type must be one of: external_door_lock_change, "
                        "bathroom_lock_change, broken_window, lost_keys, "
                        "damaged_internal_door, other"},
            {"line": 6, "field": "council", "rule": "council_is_the_feeds",
             "message": "the repairs system feeds its own council's jobs only"}]}
        again = await feeder.post("/repairs/jobs", json=[
            {"job_reference": "H1", "address": ADDRESS, "job_type": "lost_keys",
             "raised_on": "2026-10-01", "council": "dover"}])
        assert again.json() == {"taken": 0, "repeated": 1, "reviews_opened": 0, "errors": []}
        assert (await feeder.get("/repair-reviews")).status_code == 403
    async with system.client(CW) as cw:
        assert (await cw.post("/repairs/jobs", content=CSV)).status_code == 403
        [review] = (await cw.get("/repair-reviews")).json()
        assert review["address"] == ADDRESS and review["team"] == TST
        assert [j["job_reference"] for j in review["jobs"]] == ["H1", "H2", "H4"]
        page = await cw.get("/work/repair-reviews")
        assert page.status_code == 200 and "4 Maison Dieu Road" in page.text
        link = re.search(r'href="(/work/repair-reviews/[^"]+/report)"', page.text)
        assert link is not None
        form = await cw.get(link.group(1))
        assert form.status_code == 200 and "4 Maison Dieu Road" in form.text
        url = f"/repair-reviews/{review['property_id']}/{review['review_id']}"
        short = await cw.post(f"{url}/no-further-action", json={"reason": "keys"})
        assert short.status_code == 422
        assert short.json()["errors"][0]["rule"] == "no_further_action_needs_reason"
        done = await cw.post(f"{url}/no-further-action",
                             json={"reason": "Tenant's son lost his keys twice; visited"})
        assert done.status_code == 200
        assert (await cw.get("/repair-reviews")).json() == []
        # The page form sent again (browser back, resubmit): a page saying so, not "not found".
        twice = await cw.post(f"/work{url}", data={"reason": "Visited, keys lost twice"})
        assert twice.status_code == 409
        assert "This review has already been closed" in twice.text
        assert "review_closed_once" not in twice.text
    for who in (OTHER_TEAM, DARTFORD_CW):
        async with system.client(who) as other:
            assert (await other.get("/repair-reviews")).json() == []
    assert "maison" not in caplog.text.casefold()


async def test_auditors_and_the_repairs_system_get_no_review_list(system: WebSystem) -> None:
    async with system.client(FEEDER) as feeder:
        await feeder.post("/repairs/jobs", content=CSV, headers={"content-type": "text/csv"})
    async with system.client(AUD) as auditor:
        assert (await auditor.get("/repair-reviews")).status_code == 403
        assert (await auditor.get("/work/repair-reviews")).status_code == 403


async def test_a_feed_nested_too_deep_to_parse_is_one_bad_body_not_a_server_error(
        system: WebSystem) -> None:
    # 100,000 nested lists fit under the body limit; the JSON parser gives up by recursion.
    async with system.client(FEEDER) as feeder:
        fed = await feeder.post("/repairs/jobs", content="[" * 100_000,
                                headers={"content-type": "application/json"})
        assert fed.status_code == 422, fed.text
        assert [e["rule"] for e in fed.json()["errors"]] == ["body_is_a_list_of_jobs"]

"""Every route against every role, and no sign-in: each answers as the access rule says.

The expected table below is written out by hand, not derived from the code's rule, so a
change to who may do what must be made in both places. A route the table does not know fails
the test: adding a route means deciding its rule here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from aggregates.working_days import local_date
from application.transparency import TransparencyLog
from tests.e2e.complaints_matrix import complaint_rows
from tests.e2e.home_safety_matrix import (
    home_safety_rows,
    repair_pattern_rows,
)
from tests.e2e.housing_matrix import housing_rows
from tests.e2e.log_alerts_matrix import log_alert_rows
from tests.e2e.matrix_requests import ADM, ANON, AUD, CW, DSO, LM, request
from tests.e2e.transfer_matrix import transfer_rows
from tests.web_harness import WebSystem, web_system
from transparency.note import Signer
from web.auth import access_rule_of

PRINCIPALS = [ANON, CW, DSO, LM, AUD, ADM]
CASE_ROLES = (CW, DSO, LM)


def row(anon: int, cw: int, dso: int, lm: int, aud: int, adm: int) -> dict[str | None, int]:
    return dict(zip(PRINCIPALS, (anon, cw, dso, lm, aud, adm), strict=True))


def same(status: int) -> dict[str | None, int]:
    return dict.fromkeys(PRINCIPALS, status)


READ = row(401, 200, 200, 200, 200, 403)
SIGNED_IN = row(401, 200, 200, 200, 200, 200)
SAFEGUARDING_LEADS = row(401, 403, 200, 200, 403, 403)
CASE_WORK = row(401, 200, 200, 200, 403, 403)
HIGH = {str(n): {"answer": "yes" if n <= 14 else "no"} for n in range(1, 25)}
ADMIN_ONLY = row(401, 403, 403, 403, 403, 200)
AUDITORS_ONLY = row(401, 403, 403, 403, 200, 403)

# (method, path) → who gets which status. {a}..{e} are cases made in setup; see `cases`.
EXPECTED: dict[tuple[str, str], dict[str | None, int]] = {
    ("GET", "/healthz"): same(200),
    ("GET", "/docs"): same(200),
    ("GET", "/docs/oauth2-redirect"): same(200),
    ("GET", "/openapi.json"): same(200),
    ("GET", "/"): row(303, 200, 200, 200, 200, 200),
    ("GET", "/sign-in"): same(200),
    ("POST", "/sign-in"): same(403),  # no sign-in form token: refused, whoever asks
    ("POST", "/sign-out"): same(303),  # no session to end: on to the sign-in page
    ("GET", "/auth/oidc/sign-in"): same(404),  # password sign-in is configured here
    ("GET", "/auth/oidc/callback"): same(404),
    ("GET", "/me"): SIGNED_IN,
    ("GET", "/me/notifications"): SIGNED_IN,
    ("POST", "/cases"): row(401, 201, 201, 201, 403, 403),
    ("GET", "/cases/{case_id}"): READ,
    ("GET", "/cases/{case_id}/tasks"): READ,
    ("GET", "/cases/{case_id}/events"): READ,
    ("GET", "/cases/{case_id}/as-at"): READ,
    ("POST", "/cases/{case_id}/tasks/{task_id}/complete"): row(401, 200, 200, 200, 403, 403),
    ("GET", "/cases/{case_id}/access-log"): row(401, 403, 403, 403, 200, 403),
    ("POST", "/cases/{case_id}/assign"): SAFEGUARDING_LEADS,
    ("POST", "/cases/{case_id}/restrict"): SAFEGUARDING_LEADS,
    # The second lift finds no restriction left: permitted, but a conflict.
    ("POST", "/cases/{case_id}/lift-restriction"): row(401, 403, 200, 409, 403, 403),
    ("POST", "/cases/{case_id}/conflict-of-interest"): row(401, 202, 202, 202, 202, 403),
    ("POST", "/cases/{case_id}/break-glass"): SAFEGUARDING_LEADS,
    ("GET", "/cases/{case_id}/dash"): READ,
    ("PUT", "/cases/{case_id}/dash"): CASE_WORK,
    ("POST", "/cases/{case_id}/dash/complete"): CASE_WORK,
    ("GET", "/cases/{case_id}/referrals"): READ,
    ("POST", "/cases/{case_id}/marac/hearing"): CASE_WORK,
    ("POST", "/cases/{case_id}/marac/actions"): CASE_WORK,
    ("POST", "/cases/{case_id}/incidents"): CASE_WORK,
    ("POST", "/cases/{case_id}/household/children"): CASE_WORK,
    # The victim's decision is recorded once: the next roles find it there already.
    ("POST", "/cases/{case_id}/support-consent"): row(401, 200, 409, 409, 403, 403),
    ("POST", "/cases/{case_id}/contacts"): CASE_WORK,
    ("POST", "/cases/{case_id}/notes"): CASE_WORK,
    ("POST", "/cases/{case_id}/corrections"): CASE_WORK,
    ("GET", "/cases/{case_id}/sharing-decisions"): READ,
    ("POST", "/cases/{case_id}/sharing-decisions"): CASE_WORK,
    ("POST", "/cases/{case_id}/consent"): CASE_WORK,
    **home_safety_rows(row, READ, CASE_WORK),
    **repair_pattern_rows(row),
    **transfer_rows(row, READ),
    **housing_rows(row, READ, CASE_WORK),
    **complaint_rows(row),
    # Pages: no sign-in → to the sign-in page; a role without the permission → 403; an
    # empty form → 422 with the form shown again (nothing written).
    ("GET", "/work/tasks"): row(303, 200, 200, 200, 200, 403),
    ("GET", "/work/cases"): row(303, 200, 200, 200, 200, 403),
    ("GET", "/work/escalations"): row(303, 403, 200, 200, 403, 403),
    # Monitoring (issue 17): line managers and DSOs; the default report is the board's.
    ("GET", "/work/monitoring"): row(303, 403, 200, 200, 403, 403),
    ("GET", "/work/monitoring/export"): row(303, 403, 200, 200, 403, 403),
    ("GET", "/work/cases/new"): row(303, 200, 200, 200, 403, 403),
    ("POST", "/work/cases/new"): row(303, 422, 422, 422, 403, 403),
    ("GET", "/work/cases/{case_id}"): row(303, 200, 200, 200, 200, 403),
    ("GET", "/work/cases/{case_id}/tasks/{task_id}"): row(303, 200, 200, 200, 403, 403),
    ("POST", "/work/cases/{case_id}/tasks/{task_id}"): row(303, 422, 422, 422, 403, 403),
    ("GET", "/work/cases/{case_id}/dash"): row(303, 200, 200, 200, 403, 403),
    # Past the role check, a form posted without its request id is refused (request_has_id).
    ("POST", "/work/cases/{case_id}/dash"): row(303, 422, 422, 422, 403, 403),
    ("GET", "/work/cases/{case_id}/sharing"): row(303, 200, 200, 200, 403, 403),
    ("POST", "/work/cases/{case_id}/sharing"): row(303, 422, 422, 422, 403, 403),
    ("GET", "/work/cases/{case_id}/marac"): row(303, 200, 200, 200, 403, 403),
    ("GET", "/work/cases/{case_id}/notes"): row(303, 200, 200, 200, 403, 403),
    ("POST", "/work/cases/{case_id}/marac"): row(303, 422, 422, 422, 403, 403),
    ("POST", "/work/cases/{case_id}/notes"): row(303, 422, 422, 422, 403, 403),
    ("GET", "/work/cases/{case_id}/corrections"): row(303, 200, 200, 200, 403, 403),
    ("POST", "/work/cases/{case_id}/corrections"): row(303, 422, 422, 422, 403, 403),
    ("GET", "/work/break-glass"): row(303, 403, 404, 404, 403, 403),
    ("GET", "/work/cases/{case_id}/break-glass"): row(303, 403, 200, 200, 403, 403),
    ("POST", "/work/cases/{case_id}/break-glass"): row(303, 403, 422, 422, 403, 403),
    ("GET", "/work/cases/{case_id}/history"): row(303, 200, 200, 200, 200, 403),
    ("GET", "/work/cases/{case_id}/as-at"): row(303, 200, 200, 200, 200, 403),
    ("GET", "/work/cases/{case_id}/access-log"): row(303, 403, 403, 403, 200, 403),
    # Partners authenticate by signature; staff credentials count for nothing here.
    ("POST", "/partners/{partner}/messages"): same(401),
    ("GET", "/staff"): ADMIN_ONLY,
    ("POST", "/staff"): row(401, 403, 403, 403, 403, 201),
    ("POST", "/staff/{staff_id}/password"): row(401, 403, 403, 403, 403, 204),
    ("POST", "/staff/{staff_id}/deactivate"): row(401, 403, 403, 403, 403, 204),
    # cw-leaver was deactivated by the row above: no token for a deactivated account.
    ("POST", "/staff/{staff_id}/tokens"): row(401, 403, 403, 403, 403, 409),
    # The transparency log: auditors only (hashes and indexes, never a case's content).
    ("GET", "/transparency/checkpoint"): AUDITORS_ONLY,
    ("GET", "/transparency/consistency"): AUDITORS_ONLY,
    ("GET", "/transparency/checkpoints/{tree_size}"): AUDITORS_ONLY,
    ("GET", "/transparency/witnesses"): AUDITORS_ONLY,
    ("GET", "/cases/{case_id}/events/{version}/inclusion"): AUDITORS_ONLY,
    ("GET", "/cases/{case_id}/access-log/{version}/inclusion"): AUDITORS_ONLY,
    # Evidence bundles: safeguarding leads and auditors; past the role, a decision id that
    # is recorded on no case is refused 422 (sharing_decision_recorded).
    ("GET", "/cases/{case_id}/evidence-bundle"): row(401, 403, 422, 422, 422, 403),
    **log_alert_rows(row),  # the information-governance lead's alone
}

def flat_routes(routes: list[Any]) -> list[Any]:
    """The app's routes, with included routers opened up (FastAPI ≥0.16x keeps an included
    router as one lazy entry; our routers have no prefix, so their paths stand as they are)."""
    flat = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        flat.extend(flat_routes(inner.routes) if inner is not None else [route])
    return flat


def app_routes(app: Any) -> set[tuple[str, str]]:
    return {(method, route.path) for route in flat_routes(app.routes)
            for method in (getattr(route, "methods", None) or ()) if method != "HEAD"}


def test_every_route_has_an_expected_row_and_declares_its_rule() -> None:
    """A new route without a rule (or without a row here) fails."""
    from web.app import create_app

    app = create_app(intake=None, auth=None)  # type: ignore[arg-type]  # routes only
    assert app_routes(app) == set(EXPECTED)
    for route in flat_routes(app.routes):
        if isinstance(route, APIRoute) and not route.path.startswith(("/docs", "/openapi")):
            declared = [access_rule_of(d.call)[0] for d in route.dependant.dependencies]
            assert declared.count(True) == 1, f"{route.path} must declare exactly one rule"


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(LM, Role.LINE_MANAGER)
        running.add_staff(DSO, Role.DSO, manager_id=LM)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        running.add_staff(ADM, Role.ADMINISTRATOR, teams=())
        running.add_staff("cw-other", Role.CASEWORKER, teams=("Housing Options",))
        yield running


async def test_every_route_answers_every_role_as_the_rule_says(system: WebSystem) -> None:
    system.add_staff("cw-leaver", Role.CASEWORKER)
    cases = {name: await system.open_case(CW) for name in ("main", "restrict", "lift",
                                                           "conflict")}
    cases["other_team"] = await system.open_case("cw-other")
    cases["needs"] = await system.open_case(CW, additional_needs=["mental_health"])
    cases["marac"] = await system.open_case(CW)
    async with system.client(CW) as cw:
        assert (await cw.post(f"/cases/{cases['marac']}/dash/complete",
                              json={"answers": HIGH})).status_code == 200
        marac = [r for r in (await cw.get(f"/cases/{cases['marac']}/referrals")).json()
                 if r["kind"] == "marac"]
        cases["marac_referral"] = marac[0]["referral_id"]
        # London's date: the referral is dated there (near midnight UTC differs in summer).
        cases["today"] = local_date(datetime.now(UTC)).isoformat()
    async with system.client(DSO) as dso:
        restricted = await dso.post(f"/cases/{cases['lift']}/restrict", json={
            "named_staff": [CW, DSO, LM, AUD], "reason": "Perpetrator works for the council"})
        assert restricted.status_code == 200, restricted.text
    async with system.client(AUD) as auditor:  # so the main case has an access log
        assert (await auditor.get(f"/cases/{cases['main']}")).status_code == 200
    signed = TransparencyLog(system.store.recorder).make_checkpoint(  # type: ignore[arg-type]
        Signer.generate("matrix.invalid/da-casework-log"))
    cases["tree_size"] = str(signed.size)

    failures = []
    for (method, path), expected in EXPECTED.items():
        for who in PRINCIPALS:
            async with system.client(who) as http:
                response = await request(http, method, path, who, cases)
            if response.status_code != expected[who]:
                failures.append(f"{method} {path} as {who}: {response.status_code} "
                                f"(expected {expected[who]}) {response.text[:120]}")
    assert not failures, "\n".join(failures)


async def test_unauthorised_answers_say_why_without_detail(system: WebSystem) -> None:
    async with system.client() as anon, system.client(AUD) as auditor:
        unsigned = await anon.get("/me")
        assert unsigned.headers["www-authenticate"] == "Bearer"
        assert unsigned.json()["errors"][0]["rule"] == "signed_in"
        refused = await auditor.post("/cases", json={})
        assert refused.status_code == 403  # the role is checked before the body
        assert refused.json()["errors"][0]["rule"] == "role_may_use_action"


async def test_the_access_log_shows_every_read_the_matrix_made(system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    reads = {"": "read_summary", "/tasks": "read_tasks", "/events": "read_events"}
    for who in (CW, DSO, LM, AUD, "cw-other"):
        async with system.client(who) as http:
            for suffix in reads:
                await http.get(f"/cases/{case_id}{suffix}")
    async with system.client(AUD) as auditor:
        log = (await auditor.get(f"/cases/{case_id}/access-log")).json()
    seen = {(e["staff_id"], e["action"], e["outcome"]) for e in log["entries"]}
    for who in (CW, DSO, LM, AUD):
        for action in reads.values():
            assert (who, action, "allowed") in seen
    for action in reads.values():
        assert ("cw-other", action, "denied") in seen
    assert log["chain_intact"]

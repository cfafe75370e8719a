"""A command has two doors, the API and its page, and one route behind them: the same roles
are refused at both (the command's own permission), and the same rule refuses both. The
JSON error names the field, the rule and the section; the page says it in plain words, in
the GOV.UK pattern, with no rule code, pydantic text or brackets."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from temporalio.testing import WorkflowEnvironment

from aggregates.commands import COMMANDS
from aggregates.report import Role
from tests.e2e.test_access_matrix import flat_routes
from tests.support import VICTIM_NAME
from tests.web_harness import WebSystem, web_system
from web.auth import access_rule_of

CW, DSO, AUD = "cw-1", "dso-1", "aud-1"
NO_CHILDREN = {"adults": [{"name": VICTIM_NAME}], "children": []}  # no referral at triage

HOUSING_PAGE = ("POST", "/work/cases/{case_id}/housing-options/{housing_step}")
# Each command → its API route and, where it has one, the page form that sends it.
DOORS: dict[str, tuple[tuple[str, str], tuple[str, str] | None]] = {
    "assign_case": (("POST", "/cases/{case_id}/assign"), None),
    "restrict_case": (("POST", "/cases/{case_id}/restrict"), None),
    "lift_restriction": (("POST", "/cases/{case_id}/lift-restriction"), None),
    "declare_conflict": (("POST", "/cases/{case_id}/conflict-of-interest"), None),
    "break_glass": (("POST", "/cases/{case_id}/break-glass"),
                    ("POST", "/work/cases/{case_id}/break-glass")),
    "save_dash": (("PUT", "/cases/{case_id}/dash"), ("POST", "/work/cases/{case_id}/dash")),
    "complete_dash": (("POST", "/cases/{case_id}/dash/complete"),
                      ("POST", "/work/cases/{case_id}/dash")),
    "record_marac_hearing": (("POST", "/cases/{case_id}/marac/hearing"),
                             ("POST", "/work/cases/{case_id}/marac")),
    "add_marac_actions": (("POST", "/cases/{case_id}/marac/actions"),
                          ("POST", "/work/cases/{case_id}/marac")),
    "report_incident": (("POST", "/cases/{case_id}/incidents"), None),
    "add_child": (("POST", "/cases/{case_id}/household/children"), None),
    "record_support_consent": (("POST", "/cases/{case_id}/support-consent"), None),
    "record_contact": (("POST", "/cases/{case_id}/contacts"), None),
    "record_case_note": (("POST", "/cases/{case_id}/notes"),
                         ("POST", "/work/cases/{case_id}/notes")),
    "record_sharing_decision": (("POST", "/cases/{case_id}/sharing-decisions"),
                                ("POST", "/work/cases/{case_id}/sharing")),
    "record_consent": (("POST", "/cases/{case_id}/consent"), None),
    "correct_entry": (("POST", "/cases/{case_id}/corrections"), None),
    "refer_to_sanctuary": (("POST", "/cases/{case_id}/sanctuary/referral"),
                           ("POST", "/work/cases/{case_id}/home-safety/{step}")),
    "assess_sanctuary_risk": (("POST", "/cases/{case_id}/sanctuary/risk-assessments"),
                              ("POST", "/work/cases/{case_id}/home-safety/{step}")),
    "decide_sanctuary": (("POST", "/cases/{case_id}/sanctuary/decision"),
                         ("POST", "/work/cases/{case_id}/home-safety/{step}")),
    "decline_sanctuary_measures": (("POST", "/cases/{case_id}/sanctuary/decline"),
                                   ("POST", "/work/cases/{case_id}/home-safety/{step}")),
    "record_sanctuary_measure": (("POST", "/cases/{case_id}/sanctuary/measures"),
                                 ("POST", "/work/cases/{case_id}/home-safety/{step}")),
    "tell_sanctuary_referrer": (("POST", "/cases/{case_id}/sanctuary/referrer-told"),
                                ("POST", "/work/cases/{case_id}/home-safety/{step}")),
    "report_emergency_repair": (("POST", "/cases/{case_id}/repairs/emergency"),
                                ("POST", "/work/cases/{case_id}/home-safety/{step}")),
    "refer_to_safer": (("POST", "/cases/{case_id}/safer/referral"), None),
    # Kent reciprocal transfers (issue 14): the API and the "Safe move" page.
    **{name: (("POST", f"/cases/{{case_id}}/transfer/{step}"),
              ("POST", "/work/cases/{case_id}/safe-move/{step}")) for name, step in (
        ("request_reciprocal_transfer", "request"),
        ("record_victim_transfer_decision", "victim-decision"),
        ("agree_transfer_move_date", "move-date"),
        ("record_old_tenancy_ended", "old-tenancy-ended"),
        ("record_new_tenancy_granted", "new-tenancy"),
        ("answer_inbound_transfer", "inbound-answer"))},
    **{name: (("POST", f"/cases/{{case_id}}/{path}"), HOUSING_PAGE) for name, path in (
        ("record_homelessness_application", "homelessness/application"),
        ("record_local_connection", "homelessness/local-connection"),
        ("record_loss_of_settled_home", "homelessness/loss-of-settled-home"),
        ("record_homelessness_outcome", "homelessness/outcome"),
        ("record_options_advice", "housing-options/advice"),
        ("record_tenancy", "housing-options/tenancy"),
        ("start_tenancy_route", "housing-options/route"),
        ("complete_tenancy_step", "housing-options/route/step"),
        ("grant_new_tenancy", "housing-options/new-tenancy"),
        ("refer_to_complex_case_panel", "housing-options/complex-case-panel"),
        ("record_victim_wishes", "housing-options/victim-wishes"),
        ("record_specialist_consulted", "housing-options/specialists"),
        ("consider_enforcement", "housing-options/enforcement"))},
}
# Commands the system gives on a partner's verified, signed message: their only door is the
# partner's, which no member of staff can use (it declares the partner's signature).
PARTNER_DOORS: dict[str, tuple[str, str]] = {
    "record_safer_works": ("POST", "/partners/{partner}/works"),
    "record_inbound_transfer_request": ("POST", "/partners/{partner}/transfers"),
}
# Commands only a transfer's workflow gives, from the receiving landlord's verified answer to
# our signed request: no HTTP door at all.
WORKFLOW_ONLY = frozenset({"record_transfer_request_sent", "record_transfer_offer",
                           "record_transfer_refusal"})


def test_both_doors_of_every_command_ask_for_the_commands_own_permission() -> None:
    """The role check at the API and at the page is the command's permission, the one the
    domain checks again; a command without a door listed here fails."""
    from web.app import create_app

    app = create_app(intake=None, auth=None)  # type: ignore[arg-type]  # routes only
    declared = {}
    for route in flat_routes(app.routes):
        if isinstance(route, APIRoute):
            for method in route.methods:
                rules = [access_rule_of(d.call)[1] for d in route.dependant.dependencies]
                declared[(method, route.path)] = [r for r in rules if r is not None]
    assert set(DOORS) | set(PARTNER_DOORS) | WORKFLOW_ONLY == set(COMMANDS)
    for name in WORKFLOW_ONLY:
        assert COMMANDS[name].command_type.roles() == {Role.SYSTEM}, name
    for name, door in PARTNER_DOORS.items():
        assert declared[door] == ["partner_signature"], name
        assert COMMANDS[name].command_type.roles() == {Role.SYSTEM}, name
    for name, (api, page) in DOORS.items():
        permission = COMMANDS[name].command_type.permission
        assert declared[api] == [permission], name
        if page is not None:
            assert declared[page] == [permission], name


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(DSO, Role.DSO)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


def error_summary(html: str) -> str:
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert found, "the page has no error summary"
    return found.group(0)


def assert_plain(summary: str, *codes: str) -> None:
    """No rule code, no pydantic wording, no brackets in what the page says."""
    words = re.sub(r"<[^>]+>", " ", summary)
    for code in codes:
        assert code not in words
    assert "(" not in words and "[" not in words, words
    assert "Input should" not in words and "String should" not in words, words


async def test_a_role_the_command_does_not_allow_is_refused_at_both_doors(
        system: WebSystem) -> None:
    """An auditor may not record a sharing decision and a caseworker may not break glass,
    through the API (403 naming the rule) or the page (403 in plain words); nothing is
    recorded."""
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    decision = {"partner": "police", "purpose": "police_notification", "shared": False,
                "categories": ["victim_identity"], "reasons": "The victim asked us not to"}
    async with system.client(AUD) as auditor:
        api = await auditor.post(f"/cases/{case_id}/sharing-decisions", json=decision)
        page = await auditor.post(f"/work/cases/{case_id}/sharing", data={
            **decision, "shared": "no", "categories": "victim_identity",
            "request_id": str(uuid.uuid4())})
    async with system.client(CW) as caseworker:
        glass_api = await caseworker.post(f"/cases/{case_id}/break-glass", json={
            "reason": "Police called out of hours about this address"})
        glass_page = await caseworker.post(f"/work/cases/{case_id}/break-glass", data={
            "reason": "Police called out of hours about this address",
            "request_id": str(uuid.uuid4())})
        decisions = (await caseworker.get(f"/cases/{case_id}/sharing-decisions")).json()
    for refused in (api, glass_api):
        assert refused.status_code == 403, refused.text
        assert refused.json()["errors"][0]["rule"] == "role_may_use_action"
    for refused in (page, glass_page):
        assert refused.status_code == 403, refused.text[:300]
        assert "Your role does not allow you to do this" in refused.text
        assert "role_may_use_action" not in refused.text
    assert decisions == []
    types = [e.type for e in system.store.events_of(uuid.UUID(case_id))]
    assert "SharingDecided" not in types and "BreakGlassUsed" not in types


async def test_a_refused_page_form_says_what_to_do_in_plain_words(system: WebSystem) -> None:
    """The same refusals as the API, each with its GOV.UK message beside its field: a
    hearing date in the future, a break-glass reason too short, a sharing form left empty."""
    case_id = await system.open_case(CW, household=NO_CHILDREN)
    tomorrow = datetime.now(UTC).date() + timedelta(days=2)
    async with system.client(CW) as http:
        hearing_api = await http.post(f"/cases/{case_id}/marac/hearing", json={
            "referral_id": "r1", "heard_on": tomorrow.isoformat()})
        hearing_page = await http.post(f"/work/cases/{case_id}/marac", data={
            "action": "hearing", "referral_id": "r1", "request_id": str(uuid.uuid4()),
            "heard_on-day": str(tomorrow.day), "heard_on-month": str(tomorrow.month),
            "heard_on-year": str(tomorrow.year)})
        sharing_page = await http.post(f"/work/cases/{case_id}/sharing",
                                       data={"request_id": str(uuid.uuid4())})
    async with system.client(DSO) as dso:
        glass_api = await dso.post(f"/cases/{case_id}/break-glass", json={"reason": "Police"})
        glass_page = await dso.post(f"/work/cases/{case_id}/break-glass", data={
            "reason": "Police", "request_id": str(uuid.uuid4())})

    assert hearing_api.status_code == 422
    assert hearing_api.json()["errors"][0]["rule"] == "hearing_not_in_future"
    assert hearing_page.status_code == 422
    summary = error_summary(hearing_page.text)
    assert "The date of the hearing must be today or in the past" in summary
    assert 'href="#heard_on"' in summary
    assert_plain(summary, "hearing_not_in_future")
    assert re.search(rf'id="heard_on-year"[^>]*value="{tomorrow.year}"', hearing_page.text)

    assert glass_api.status_code == 422
    assert glass_api.json()["errors"][0]["rule"] == "break_glass_needs_reason"
    assert glass_page.status_code == 422
    summary = error_summary(glass_page.text)
    assert "Say why you need to open this case in at least 10 characters" in summary
    assert_plain(summary, "break_glass_needs_reason")
    assert 'value="Police"' in glass_page.text or ">Police</textarea>" in glass_page.text

    assert sharing_page.status_code == 422
    summary = error_summary(sharing_page.text)
    for message in ("Select who it is shared with", "Select the purpose",
                    "Select whether to share"):
        assert message in summary
    assert_plain(summary, "literal_error", "enum", "string_too_short", "missing")
    types = [e.type for e in system.store.events_of(uuid.UUID(case_id))]
    assert not {"MaracHeard", "BreakGlassUsed", "SharingDecided"} & set(types)

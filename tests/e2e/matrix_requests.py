"""The request each cell of the access matrix (tests/e2e/test_access_matrix.py) makes: for a
route and a principal, a URL and a body the route accepts, so a refusal is the access rule's
and never a malformed request's. `cases` holds the ids the matrix's setup made."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.e2e.complaints_matrix import complaint_call
from tests.e2e.home_safety_matrix import home_safety_request, repair_pattern_call
from tests.e2e.housing_matrix import housing_request
from tests.e2e.log_alerts_matrix import is_log_alert_route, log_alert_call
from tests.e2e.transfer_matrix import is_transfer_route, transfer_call
from tests.support import report_body
from tests.web_harness import TST

ANON, CW, DSO, LM, AUD, ADM = None, "cw-1", "dso-1", "lm-1", "aud-1", "adm-1"
NOT_HIGH = {str(n): {"answer": "no"} for n in range(1, 25)}

# Each task is completed by one role, in this order (t4 opens when t2 is done, D 8.28).
TASK_FOR = {CW: ("t2", "done"), DSO: ("t3", "done"), LM: ("t4", "logged")}


async def request(http: httpx.AsyncClient, method: str, path: str, who: str | None,
                  cases: dict[str, str]) -> httpx.Response:
    """The request each cell makes, with a body the route accepts."""
    case = cases["main"]
    body: dict[str, Any] | None = None
    url = path
    if "repair-reviews" in path or path == "/repairs/jobs":
        return await repair_pattern_call(http, method, path)
    if path.startswith(("/complaints", "/feedback", "/work/complaints", "/work/feedback")):
        return await complaint_call(http, method, path, cases)
    if is_transfer_route(path):
        return await transfer_call(http, method, path, case)
    if is_log_alert_route(path):
        return await log_alert_call(http, method, path)
    if path.startswith("/work"):
        url = path.replace("{case_id}", case).replace("{task_id}", "t1").replace(
            "{step}", "repair").replace("{housing_step}", "advice")
        if method == "GET":
            return await http.get(url)
        return await http.post(url, data={})
    if path.endswith("/evidence-bundle"):
        return await http.get(path.replace("{case_id}", case),
                              params={"sharing_decision_id": str(uuid.uuid4())})
    if "inclusion" in path or path.startswith("/transparency/"):
        size = cases["tree_size"]
        url = path.replace("{case_id}", case).replace("{version}", "1").replace(
            "{tree_size}", str(size)) + (
            f"?old_size=1&new_size={size}" if path.endswith("consistency")
            else "" if path.endswith("checkpoint") else f"?tree_size={size}")
        return await http.get(url)
    if path == "/cases":
        body = report_body()
    elif "{task_id}" in path:
        task, outcome = TASK_FOR.get(who, ("t2", "done"))
        url, body = f"/cases/{case}/tasks/{task}/complete", {"outcome": outcome}
    elif path.endswith("/assign"):
        url, body = f"/cases/{case}/assign", {"team": TST, "officer_id": CW,
                                              "reason": "Caseworker keeps the case"}
    elif path.endswith("/restrict"):
        url, body = f"/cases/{cases['restrict']}/restrict", {
            "named_staff": [CW, DSO, LM, AUD], "reason": "Victim is related to staff"}
    elif path.endswith("/lift-restriction"):
        url, body = f"/cases/{cases['lift']}/lift-restriction", {"reason": "No longer needed"}
    elif path.endswith("/conflict-of-interest"):
        url, body = f"/cases/{cases['conflict']}/conflict-of-interest", {
            "reason": "I know the family"}
    elif path.endswith("/break-glass"):
        url, body = f"/cases/{cases['other_team']}/break-glass", {
            "reason": "Out of hours call from the police about this address"}
    elif "/dash" in path and method != "GET":
        url = path.replace("{case_id}", case)
        body = {"answers": NOT_HIGH}
    elif "/marac/" in path:
        url = path.replace("{case_id}", cases["marac"])
        body = {"referral_id": cases["marac_referral"], "heard_on": cases["today"]}
        if path.endswith("actions"):
            body = {"referral_id": cases["marac_referral"], "actions": [{
                "description": "Fit a door chain", "owner_id": CW, "due_on": cases["today"]}]}
    elif path.endswith("/incidents"):
        url = path.replace("{case_id}", case)
        body = {"occurred_on": cases["today"], "summary": "Shouting heard by a neighbour"}
    elif path.endswith("/household/children"):
        url, body = path.replace("{case_id}", case), {"age": 2}
    elif path.endswith("/support-consent"):
        url = path.replace("{case_id}", cases["needs"])
        body = {"given": True, "reason": "Agreed at the personal discussion"}
    elif path.endswith("/sharing-decisions") and method == "POST":
        url = path.replace("{case_id}", case)
        body = {"partner": "police", "purpose": "police_notification", "shared": False,
                "categories": ["victim_identity"], "reasons": "Victim asked us not to, "
                "and there is no immediate risk"}
    elif path.endswith("/consent"):
        url = path.replace("{case_id}", case)
        body = {"purpose": "support_referral", "given": True, "reason": "Agreed on the phone"}
    elif path.startswith("/partners/") and not path.endswith("/works"):
        url, body = "/partners/kent_medway_marac/messages", {"type": "acknowledgement"}
    elif path.endswith("/contacts"):
        url = path.replace("{case_id}", case)
        body = {"party": "victim", "purpose": "about_abuse", "channel": "telephone"}
    elif path.endswith("/corrections"):
        url = path.replace("{case_id}", case)
        body = {"corrects_version": 1, "what_was_wrong": "The wrong channel",
                "correction": "It was by email", "reason": "Misread the form"}
    elif housing_request(path, case) is not None:
        url, body = housing_request(path, case)  # type: ignore[misc]
    elif path.endswith("/notes"):  # a case note, over the API or the page
        url, body = path.replace("{case_id}", case), {"note": "Call after 6pm only"}
    elif "{case_id}" in path or path.endswith("/works"):
        url, body = home_safety_request(path, case)  # a safety-at-home body, or none
    elif path == "/staff":
        body = {"staff_id": f"new-{uuid.uuid4().hex[:8]}", "display_name": "New starter",
                "role": "caseworker", "teams": [TST], "council": "dover"} if method == "POST" \
            else None
    elif "{staff_id}" in path:
        url = path.replace("{staff_id}", "cw-leaver")
        body = ({"password": "a long enough passphrase"} if url.endswith("password")
                else {"reason": "Left the council"} if url.endswith("deactivate")
                else {"label": "integration"})
    if method == "GET":
        return await http.get(url)
    if method == "PUT":
        return await http.put(url, json=body)
    if body is None and path in ("/sign-in", "/sign-out"):
        return await http.post(url, data={})
    return await http.post(url, json=body)

"""The pages staff work in, under /work: my tasks, escalations, reporting a case, the case page
with a form for every human step, and the auditor's step-by-step history and access log.

Handlers translate forms into the same commands the API uses and render what comes back; on
an error the form is shown again with everything the user typed and a GOV.UK error summary
naming the field and the rule.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from activities.case_store import DuplicateRequest
from aggregates.access import Permission, check_permission
from aggregates.dash import QUESTIONS, Answer
from aggregates.data_categories import redact_event, redact_view
from aggregates.errors import CaseNotFound, RuleViolation
from aggregates.referrals import Partner
from aggregates.report import (
    AdditionalNeed,
    Adjustment,
    Channel,
    Council,
    ReporterKind,
    Role,
    Tenure,
)
from aggregates.sharing import DataCategory, LawfulBasis, Purpose
from aggregates.tasks import OUTCOMES, TaskKind
from temporal_contracts.payloads import CaseCommandInput, CompleteTaskInput
from web.auth import NotSignedIn, Principal, breakable_case, current_principal, visible_case
from web.pages import page
from web.presenters import (
    REFERRAL_KINDS,
    deadline,
    partner_name,
    timeline_line,
    when,
    who,
)
from web.resubmission import form_request_id, send_once, sent_before
from web.routes_cases import IDEMPOTENCY_NAMESPACE, fingerprint, intake_of
from web.schemas import ReportIn
from web.staff_lookup import with_directory
from workflows.client import CommandRefused, WorkflowNotRunning

router = APIRouter(prefix="/work")

Errors = list[dict[str, str]]


class PageNotSignedIn(Exception):
    """A page asked for without signing in: send the browser to the sign-in page."""


def page_access(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """Dependency for pages: a signed-in member of staff whose role may use `permission`."""

    async def check(request: Request) -> Principal:
        try:
            principal = await current_principal(request)
        except NotSignedIn:
            raise PageNotSignedIn() from None
        check_permission(principal.staff.role, permission)
        return principal

    check.permission = permission  # type: ignore[attr-defined]  # read by the route matrix
    return check


Reader = Annotated[Principal, Depends(page_access(Permission.READ_CASE))]
Worker = Annotated[Principal, Depends(page_access(Permission.RECORD_CASE_WORK))]
Completer = Annotated[Principal, Depends(page_access(Permission.COMPLETE_TASK))]
Opener = Annotated[Principal, Depends(page_access(Permission.OPEN_CASE))]
Lead = Annotated[Principal, Depends(page_access(Permission.BREAK_GLASS))]
Auditor = Annotated[Principal, Depends(page_access(Permission.READ_ACCESS_LOG))]


def render(request: Request, principal: Principal, name: str, status_code: int = 200,
           **context: Any) -> Response:
    csrf = principal.session.csrf_token if principal.session else ""
    return page(request, name, status_code=status_code, staff=principal.staff,
                csrf_token=csrf, **context)


def field_errors(errors: Errors) -> dict[str, str]:
    return {e["field"]: f"{e['message']} ({e['rule']})" for e in errors}


def rule_error(e: RuleViolation | CommandRefused) -> Errors:
    field = (e.field or "form").replace(".", "-")
    return [{"field": field, "rule": e.rule, "message": e.message}]


def refused_form(e: RuleViolation | CommandRefused, values: dict[str, Any],
                 status_code: int = 422) -> tuple[Errors, int]:
    """The errors to show on a refused form, and its status. A form sent before with other
    answers is 409, links to the case and gets a new request id: sending it again is then a
    new request, so what was typed is neither lost nor taken for the first."""
    if isinstance(e, DuplicateRequest):
        values.pop("request_id", None)
        return [sent_before(e.case_id)], 409
    return rule_error(e), status_code


def pydantic_errors(error: ValidationError) -> Errors:
    return [{"field": "-".join(str(p) for p in err["loc"]) or "form", "rule": err["type"],
             "message": err["msg"]} for err in error.errors()]


async def command(request: Request, principal: Principal, case_id: uuid.UUID, name: str,
                  args: dict[str, Any], form: FormData) -> None:
    """Apply a case command; the form's request id makes a resubmitted form a no-op and the
    same form with other answers a `DuplicateRequest` (web/resubmission.py)."""
    orchestrator = intake_of(request).orchestrator
    await send_once(request, principal, case_id, form_request_id(form),
                    {"command": name, "args": args},
                    lambda command_id: orchestrator.apply_command(str(case_id), CaseCommandInput(
                        command=name, args=args, staff_id=principal.staff.staff_id,
                        role=principal.staff.role.value, request_id=command_id)))


# ---- lists ---------------------------------------------------------------------------------

@router.get("/tasks")
async def my_tasks(request: Request, principal: Reader) -> Response:
    """My tasks across cases, soonest deadline first; overdue ones marked."""
    now = datetime.now(UTC)
    board = request.app.state.board
    tasks = await asyncio.to_thread(board.visible_tasks, principal.facts, now)
    rows = [{"task": t, "deadline": deadline(t.due_at, now), "due": when(t.due_at)}
            for t in tasks]
    return render(request, principal, "pages/tasks.html", rows=rows,
                  overdue=sum(1 for r in rows if r["deadline"]["overdue"]))


@router.get("/escalations")
async def escalations(request: Request, principal: Lead) -> Response:
    """Escalated and overdue tasks across the cases a DSO needs to know."""
    now = datetime.now(UTC)
    tasks = await asyncio.to_thread(request.app.state.board.visible_tasks, principal.facts, now)
    rows = [{"task": t, "deadline": deadline(t.due_at, now), "due": when(t.due_at)}
            for t in tasks if t.escalated or (t.due_at is not None and t.due_at <= now)]
    return render(request, principal, "pages/escalations.html", rows=rows)


@router.get("/cases")
async def cases(request: Request, principal: Reader, reference: str = "") -> Response:
    """The cases I need to know; or go straight to one by its reference."""
    if reference.strip():
        try:
            return RedirectResponse(f"/work/cases/{uuid.UUID(reference.strip())}",
                                    status_code=303)
        except ValueError:
            errors = [{"field": "reference", "rule": "case_reference_is_valid",
                       "message": "Enter a case reference like 3d13456c-…"}]
            return render(request, principal, "pages/cases.html", status_code=422, rows=[],
                          errors=errors, field_errors=field_errors(errors),
                          reference=reference)
    rows = await asyncio.to_thread(request.app.state.board.visible_cases, principal.facts,
                                   datetime.now(UTC))
    return render(request, principal, "pages/cases.html", rows=rows, errors=[],
                  field_errors={}, reference="")


# ---- reporting a case ----------------------------------------------------------------------

INTAKE_OPTIONS = {
    "council": [(c.value, c.value.title()) for c in Council],
    "channel": [(c.value, c.value.replace("_", " ").capitalize()) for c in Channel],
    "reporter_kind": [(k.value, k.value.replace("_", " ").capitalize()) for k in ReporterKind],
    "tenure": [(t.value, t.value.replace("_", " ").capitalize()) for t in Tenure],
    "adjustments": [(a.value, a.value.replace("_", " ").capitalize()) for a in Adjustment],
    "additional_needs": [(n.value, n.value.replace("_", " ").capitalize())
                         for n in AdditionalNeed],
}


@router.get("/cases/new")
async def new_case(request: Request, principal: Opener) -> Response:
    """The report form."""
    return render(request, principal, "pages/new_case.html", values={
        "council": principal.staff.council.value, "request_id": str(uuid.uuid4())},
        errors=[], field_errors={}, options=INTAKE_OPTIONS)


def report_from_form(form: FormData) -> dict[str, Any]:
    """The API's report body, from the form's fields (shape only; rules are the domain's)."""
    ages = [a.strip() for a in str(form.get("children_ages", "")).split(",") if a.strip()]
    adults: list[dict[str, Any]] = []
    if form.get("adult_care_needs"):
        adults.append({"care_and_support_needs": True})
    perpetrator = str(form.get("perpetrator_name", "")).strip()
    return {
        "council": form.get("council"), "channel": form.get("channel"),
        "reported_at": datetime.now(UTC).isoformat(),
        "reporter": {"kind": form.get("reporter_kind"),
                     "name": str(form.get("reporter_name", "")).strip() or None},
        "victim": {"name": str(form.get("victim_name", "")).strip(),
                   "address": str(form.get("victim_address", "")).strip(),
                   "phone": str(form.get("victim_phone", "")).strip() or None},
        "immediate_risk": form.get("immediate_risk") == "yes",
        "household": {"adults": adults,
                      "children": [{"age": int(a) if a.isdigit() else a} for a in ages]},
        "tenure": form.get("tenure"),
        "perpetrator_lives_at_address": form.get("perpetrator_lives_at_address") == "yes",
        "perpetrator": {"name": perpetrator} if perpetrator else None,
        "summary": str(form.get("summary", "")).strip(),
        "reasonable_adjustments": form.getlist("adjustments"),
        "additional_needs": form.getlist("additional_needs"),
    }


# What to tell the user for each field, in the GOV.UK pattern; the rule is still shown.
FRIENDLY = {
    "council": "Select the council", "channel": "Select how we heard of it",
    "reporter_kind": "Select who told us", "victim_name": "Enter the victim's name",
    "victim_address": "Enter the victim's address", "tenure": "Select the tenure",
    "immediate_risk": "Select whether anyone is at immediate risk of harm",
    "perpetrator_lives_at_address": "Select whether the perpetrator lives at the address",
    "summary": "Enter what was reported", "children_ages": "Enter each child's age as a number",
}

# A page's report is dated when it is sent: the same form sent twice differs only in this.
SENT_AT = frozenset({"reported_at"})

FORM_FIELD = {"victim-name": "victim_name", "victim-address": "victim_address",
              "victim-phone": "victim_phone", "reporter-kind": "reporter_kind",
              "reporter-name": "reporter_name"}


@router.post("/cases/new")
async def create_case(request: Request, principal: Opener) -> Response:
    """Record the report; on an error, show the form again with what was typed."""
    form = await request.form()
    values: dict[str, Any] = {k: form.get(k) for k in form}
    values["adjustments"] = form.getlist("adjustments")
    values["additional_needs"] = form.getlist("additional_needs")
    errors: Errors = []
    status_code = 422
    try:
        request_id = form_request_id(form)
        body = ReportIn.model_validate(report_from_form(form))
    except RuleViolation as e:
        errors = rule_error(e)
    except ValidationError as invalid:
        errors = pydantic_errors(invalid)
    else:
        if body.council is not principal.staff.council:
            errors = [{"field": "council", "rule": "staff_council_matches_case",
                       "message": "You can report cases only for your own council"}]
        else:
            case_id = uuid.uuid5(IDEMPOTENCY_NAMESPACE,
                                 f"{principal.staff.staff_id}:{request_id}")
            try:
                await intake_of(request).open_case(
                    case_id=case_id, report=body.to_report(), actor=principal.actor,
                    reason=f"Report received by {body.channel.value.replace('_', ' ')}.",
                    request_fingerprint=fingerprint(body, without=SENT_AT))
            except DuplicateRequest as again:
                if again.same_request:  # the same form sent twice: show the case it opened
                    return RedirectResponse(f"/work/cases/{again.case_id}", status_code=303)
                values.pop("request_id", None)  # sending it again reports another case
                errors = [sent_before(again.case_id, "It opened the case linked here")]
                status_code = 409
            except RuleViolation as e:
                errors = rule_error(e)
            else:
                return RedirectResponse(f"/work/cases/{case_id}?opened=1", status_code=303)
    for error in errors:
        error["field"] = FORM_FIELD.get(error["field"], error["field"])
        if error["field"].startswith("household-children"):
            error["field"] = "children_ages"
        if error["rule"] in ("enum", "string_too_short", "missing", "bool_type",
                             "int_parsing", "int_type") and error["field"] in FRIENDLY:
            error["message"] = FRIENDLY[error["field"]]
    values.setdefault("request_id", str(uuid.uuid4()))
    return render(request, principal, "pages/new_case.html", status_code=status_code,
                  values=values, errors=errors, field_errors=field_errors(errors),
                  options=INTAKE_OPTIONS)


# ---- the case page -------------------------------------------------------------------------

@router.get("/cases/{case_id}")
async def case_page(case_id: uuid.UUID, request: Request, principal: Reader) -> Response:
    """Everything about a case this role may see, and links to every step."""
    intake = intake_of(request)
    case = await visible_case(intake.store, case_id, principal, "read_case_page")
    events = await asyncio.to_thread(intake.store.events_of, case_id)
    now = datetime.now(UTC)
    try:
        view = await intake.orchestrator.open_tasks(str(case_id))
        tasks, triage_done = view.open_tasks, view.triage_done
    except WorkflowNotRunning:
        tasks, triage_done = [], False
    role = principal.staff.role
    report = redact_view("report", case.report.to_dict(), role)
    readable = [(e, redact_event(e.type, e.data, role)) for e in events]
    timeline = [{"when": when(e.recorded_at), "who": who(data),
                 "what": timeline_line(e.type, data)} for e, data in readable]
    referrals = [redact_view("referral", r.to_dict(), role) for r in case.referrals.values()]
    return render(
        request, principal, "pages/case.html", case_id=str(case_id), case=case, report=report,
        tasks=[{"task": t, "deadline": deadline(t.due_at, now), "due": when(t.due_at),
                "completable": bool(OUTCOMES.get(TaskKind(t.kind)))} for t in tasks],
        triage_done=triage_done, timeline=list(reversed(timeline)),
        referrals=referrals,
        decisions=[redact_view("sharing_decision", d.to_dict(), role)
                   for d in case.sharing_decisions],
        opened=request.query_params.get("opened") == "1", partner_name=partner_name,
        kind_name=lambda kind: REFERRAL_KINDS.get(kind, kind), can_work=principal.staff.role in (
            Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER),
        marac=[r for r in referrals if r["kind"] in ("marac", "repeat_marac")],
        when=when)


@router.get("/cases/{case_id}/tasks/{task_id}")
async def task_form(case_id: uuid.UUID, task_id: str, request: Request,
                    principal: Completer) -> Response:
    """The form that completes a task."""
    return await _task_page(request, principal, case_id, task_id, {}, [])


async def _task_page(request: Request, principal: Principal, case_id: uuid.UUID, task_id: str,
                     values: dict[str, Any], errors: Errors, status_code: int = 200) -> Response:
    case = await visible_case(intake_of(request).store, case_id, principal, "read_task")
    task = case.tasks.get(task_id)
    if task is None or task_id in case.completed:
        raise CaseNotFound()
    outcomes = [(o, o.replace("_", " ").capitalize()) for o in sorted(OUTCOMES[task.kind])]
    return render(request, principal, "pages/task.html", status_code=status_code,
                  case_id=str(case_id), task=task, outcomes=outcomes,
                  values={"request_id": str(uuid.uuid4()), **values}, errors=errors,
                  field_errors=field_errors(errors), due=when(task.due_at))


@router.post("/cases/{case_id}/tasks/{task_id}")
async def complete_task(case_id: uuid.UUID, task_id: str, request: Request,
                        principal: Completer) -> Response:
    """Complete a task from its form."""
    form = await request.form()
    values = {k: form.get(k) for k in form}
    await visible_case(intake_of(request).store, case_id, principal, "complete_task")
    if not form.get("outcome"):
        errors = [{"field": "outcome", "rule": "outcome_fits_task",
                   "message": "Choose the outcome"}]
        return await _task_page(request, principal, case_id, task_id, values, errors, 422)
    outcome, note = str(form.get("outcome")), str(form.get("note", ""))
    orchestrator = intake_of(request).orchestrator
    try:
        await send_once(request, principal, case_id, form_request_id(form), {
            "command": "complete_task", "args": {"task_id": task_id, "outcome": outcome,
                                                 "note": note}},
            lambda command_id: orchestrator.complete_task(str(case_id), CompleteTaskInput(
                task_id=task_id, outcome=outcome, note=note, staff_id=principal.staff.staff_id,
                role=principal.staff.role.value, request_id=command_id)))
    except (CommandRefused, RuleViolation) as refused:
        errors, status_code = refused_form(refused, values, 409 if isinstance(
            refused, CommandRefused) and refused.kind == "Conflict" else 422)
        return await _task_page(request, principal, case_id, task_id, values, errors,
                                status_code)
    return RedirectResponse(f"/work/cases/{case_id}", status_code=303)


# ---- DASH ----------------------------------------------------------------------------------

ANSWERS = [(a.value, a.value.replace("_", " ").capitalize()) for a in Answer]


@router.get("/cases/{case_id}/dash")
async def dash_form(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """The DASH checklist, with any saved draft's answers filled in."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_dash")
    draft = redact_view("dash", {"draft": case.dash_draft and case.dash_draft.to_dict()},
                        principal.staff.role)["draft"] or {}
    values = {f"q{n}": a for n, (a, _) in draft.get("answers", {}).items()}
    values["police_callouts_12_months"] = str(draft.get("police_callouts_12_months", 0))
    return _dash_page(request, principal, case_id, values, [], 200, case.assessments)


def _dash_page(request: Request, principal: Principal, case_id: uuid.UUID,
               values: dict[str, Any], errors: Errors, status_code: int,
               assessments: list[Any]) -> Response:
    assessments = redact_view("dash", {"assessments": [a.to_dict() for a in assessments]},
                              principal.staff.role)["assessments"]
    return render(request, principal, "pages/dash.html", status_code=status_code,
                  case_id=str(case_id), questions=list(QUESTIONS.items()), answers=ANSWERS,
                  values={"request_id": str(uuid.uuid4()), **values}, errors=errors,
                  field_errors=field_errors(errors), assessments=assessments)


@router.post("/cases/{case_id}/dash")
async def dash_submit(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """Save the checklist part-way, or complete it."""
    form = await request.form()
    values = {k: form.get(k) for k in form}
    case = await visible_case(intake_of(request).store, case_id, principal, "save_dash")
    answers = {str(n): [str(form.get(f"q{n}")), ""] for n in QUESTIONS if form.get(f"q{n}")}
    callouts = str(form.get("police_callouts_12_months") or "0")
    errors: Errors = []
    if not callouts.isdigit():
        errors = [{"field": "police_callouts_12_months", "rule": "callouts_is_a_number",
                   "message": "Enter the number of police call-outs, like 0 or 3"}]
    else:
        complete = form.get("action") == "complete"
        args: dict[str, Any] = {"answers": answers,
                                "police_callouts_12_months": int(callouts),
                                "victim_present": form.get("victim_present") != "no"}
        if complete:
            args["professional_judgement"] = form.get("professional_judgement") == "yes"
            args["judgement_reason"] = str(form.get("judgement_reason", ""))
        try:
            await command(request, principal, case_id,
                          "complete_dash" if complete else "save_dash", args, form)
        except (CommandRefused, RuleViolation) as refused:
            errors, status_code = refused_form(refused, values)
            if errors[0]["field"] == "answers":
                errors[0]["field"] = "q1"
            elif errors[0]["field"].startswith("answers-"):
                errors[0]["field"] = "q" + errors[0]["field"].split("-")[1]
            return _dash_page(request, principal, case_id, values, errors, status_code,
                              case.assessments)
        return RedirectResponse(f"/work/cases/{case_id}", status_code=303)
    return _dash_page(request, principal, case_id, values, errors, 422, case.assessments)


# ---- sharing decisions ---------------------------------------------------------------------

SHARING_OPTIONS = {
    # Only the registered partners (the domain refuses anything else).
    "partner": [(p.value, partner_name(p.value)) for p in Partner],
    "purpose": [(p.value, p.value.replace("_", " ").capitalize()) for p in Purpose],
    "categories": [(c.value, c.value.replace("_", " ").capitalize()) for c in DataCategory],
    "lawful_basis": [(b.value, b.value.replace("_", " ").capitalize()) for b in LawfulBasis],
}


@router.get("/cases/{case_id}/sharing")
async def sharing_form(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """Record a decision to share, or not to share."""
    await visible_case(intake_of(request).store, case_id, principal, "read_sharing")
    return render(request, principal, "pages/sharing.html", case_id=str(case_id),
                  options=SHARING_OPTIONS, values={"request_id": str(uuid.uuid4()),
                                                   "categories": []},
                  errors=[], field_errors={})


@router.post("/cases/{case_id}/sharing")
async def sharing_submit(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    form = await request.form()
    values: dict[str, Any] = {k: form.get(k) for k in form}
    values["categories"] = form.getlist("categories")
    await visible_case(intake_of(request).store, case_id, principal, "record_sharing")
    shared = form.get("shared") == "yes"
    args = {"partner": str(form.get("partner") or ""), "purpose": str(form.get("purpose") or ""),
            "shared": shared, "categories": values["categories"],
            "lawful_basis": str(form.get("lawful_basis")) if shared and form.get(
                "lawful_basis") else None,
            "justification": str(form.get("justification", "")),
            "reasons": str(form.get("reasons", "")), "under_isa": form.get("under_isa") == "yes"}
    try:
        await command(request, principal, case_id, "record_sharing_decision", args, form)
    except (CommandRefused, RuleViolation) as refused:
        errors, status_code = refused_form(refused, values)
        values.setdefault("request_id", str(uuid.uuid4()))
        return render(request, principal, "pages/sharing.html", status_code=status_code,
                      case_id=str(case_id), options=SHARING_OPTIONS, values=values,
                      errors=errors, field_errors=field_errors(errors))
    return RedirectResponse(f"/work/cases/{case_id}", status_code=303)


# ---- MARAC ---------------------------------------------------------------------------------

def date_from(form: FormData, name: str) -> str:
    """An ISO date from GOV.UK's three date inputs, or what was typed (for the rule to name)."""
    day, month, year = (str(form.get(f"{name}-{p}", "")).strip()
                        for p in ("day", "month", "year"))
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return f"{year}-{month}-{day}"


@router.get("/cases/{case_id}/marac")
async def marac_form(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """Record the MARAC hearing and the actions it gave housing."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_marac")
    return _marac_page(request, principal, case, {}, [], 200)


def _marac_page(request: Request, principal: Principal, case: Any, values: dict[str, Any],
                errors: Errors, status_code: int) -> Response:
    referrals = [redact_view("referral", r.to_dict(), principal.staff.role)
                 for r in case.referrals.values() if r.kind in ("marac", "repeat_marac")]
    return render(request, principal, "pages/marac.html", status_code=status_code,
                  case_id=str(case.id), referral_options=[
                      (r["referral_id"], f"{r['kind'].replace('_', ' ').capitalize()} "
                                         f"({r['referral_id']})") for r in referrals],
                  values={"request_id": str(uuid.uuid4()), **values}, errors=errors,
                  field_errors=field_errors(errors))


@router.post("/cases/{case_id}/marac")
async def marac_submit(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    form = await request.form()
    values = {k: form.get(k) for k in form}
    case = await visible_case(intake_of(request).store, case_id, principal, "record_marac")
    referral_id = str(form.get("referral_id") or "")
    try:
        if form.get("action") == "hearing":
            await command(request, principal, case_id, "record_marac_hearing", {
                "referral_id": referral_id, "heard_on": date_from(form, "heard_on")}, form)
        else:
            owner = str(form.get("owner_id", ""))
            await command(request, principal, case_id, "add_marac_actions", await with_directory(
                request, principal, {"referral_id": referral_id, "actions": [{
                    "description": str(form.get("description", "")), "owner_id": owner,
                    "due_on": date_from(form, "due_on")}]}, [owner] if owner else []), form)
    except (CommandRefused, RuleViolation) as refused:
        errors, status_code = refused_form(refused, values)
        for error in errors:
            if error["field"].startswith("actions-0-"):
                error["field"] = error["field"].removeprefix("actions-0-")
        return _marac_page(request, principal, case, values, errors, status_code)
    return RedirectResponse(f"/work/cases/{case_id}", status_code=303)


# ---- DSO: break-glass ------------------------------------------------------------------------

@router.get("/break-glass")
async def break_glass_lookup(request: Request, principal: Lead, case_id: str = "") -> Response:
    """From the escalations page: the case reference typed, to its break-glass form."""
    try:
        return RedirectResponse(f"/work/cases/{uuid.UUID(case_id.strip())}/break-glass",
                                status_code=303)
    except ValueError:
        raise CaseNotFound() from None


@router.get("/cases/{case_id}/break-glass")
async def break_glass_form(case_id: uuid.UUID, request: Request, principal: Lead) -> Response:
    """Open a case outside your need to know, giving the reason."""
    await breakable_case(intake_of(request).store, case_id, principal)
    return render(request, principal, "pages/break_glass.html", case_id=str(case_id),
                  values={"request_id": str(uuid.uuid4())}, errors=[], field_errors={})


@router.post("/cases/{case_id}/break-glass")
async def break_glass_submit(case_id: uuid.UUID, request: Request, principal: Lead) -> Response:
    form = await request.form()
    values = {k: form.get(k) for k in form}
    await breakable_case(intake_of(request).store, case_id, principal)
    staff = principal.staff
    try:
        await command(request, principal, case_id, "break_glass", {
            "reason": str(form.get("reason", "")), "teams": sorted(staff.teams),
            "council": staff.council.value, "manager_id": staff.manager_id}, form)
    except (CommandRefused, RuleViolation) as refused:
        errors, status_code = refused_form(refused, values)
        values.setdefault("request_id", str(uuid.uuid4()))
        return render(request, principal, "pages/break_glass.html", status_code=status_code,
                      case_id=str(case_id), values=values, errors=errors,
                      field_errors=field_errors(errors))
    return RedirectResponse(f"/work/cases/{case_id}", status_code=303)


# ---- auditors ------------------------------------------------------------------------------

@router.get("/cases/{case_id}/history")
async def history(case_id: uuid.UUID, request: Request, principal: Reader,
                  step: int = 1) -> Response:
    """The case's history, one event at a time, with who, when and why."""
    store = intake_of(request).store
    await visible_case(store, case_id, principal, "read_history")
    events = await asyncio.to_thread(store.events_of, case_id)
    step = min(max(step, 1), len(events))
    event = events[step - 1]
    data = redact_event(event.type, event.data, principal.staff.role)
    return render(request, principal, "pages/history.html", case_id=str(case_id), step=step,
                  total=len(events), event=event, data=data, what=timeline_line(event.type, data),
                  who=who(data), when=when(event.recorded_at),
                  details={k: v for k, v in data.items() if k not in ("actor", "reason")})


@router.get("/cases/{case_id}/access-log")
async def access_log_page(case_id: uuid.UUID, request: Request, principal: Auditor) -> Response:
    """Who has seen the case, when, what and why; and whether the log is intact."""
    store = intake_of(request).store
    await visible_case(store, case_id, principal, "read_access_log")
    entries, broken = await asyncio.to_thread(store.access_log, case_id)
    return render(request, principal, "pages/access_log.html", case_id=str(case_id),
                  entries=[{**e, "when": when(e["at"])} for e in entries], broken=broken)

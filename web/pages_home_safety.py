"""Safety at home from pages: the Sanctuary Scheme (referral, risk assessments, decision, the
household declining, measures installed, the referrer told), emergency repairs and KCC SAFER
(the referral, its delivery and the works KCC reported). Each form
is turned into the body of the same API route (web/routes_sanctuary.py, web/routes_repairs.py)
and sent by the same dispatch; the page shows only the forms the case's stage allows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from aggregates.case import Case
from aggregates.contact import ContactChannel
from aggregates.data_categories import redact_view
from aggregates.equality import CHOICES, NEED_WORDS, QUESTIONS, CommunicationNeed, answer_words
from aggregates.errors import CaseNotFound
from aggregates.referrals import ReferralKind, ReferralStatus
from aggregates.repair_rules import JOB_WORDS
from aggregates.sanctuary_rules import (
    DECLINE_WORDS,
    HOUSEHOLD_WORDS,
    MEASURE_WORDS,
    OUTCOMES,
    RISK_SUBJECT_WORDS,
    DeclineReason,
    HouseholdType,
    Installer,
    MeasureType,
    ReferrerKind,
    RiskSubject,
    SanctuaryStatus,
)
from web.auth import Principal, visible_case
from web.command_routes import CommandRoute
from web.form_messages import LABELS, Label
from web.page_forms import Errors, date_from, field_errors, page_access, render, submit, text
from web.page_forms import yes_no as yes_no_of
from web.presenters import when
from web.routes_cases import intake_of
from web.routes_repairs import REPORT_REPAIR
from web.routes_safer import REFER as REFER_SAFER
from web.routes_sanctuary import ASSESS, DECIDE, DECLINE, MEASURE, REFER, TELL

router = APIRouter(prefix="/work")
Worker = Annotated[Principal, Depends(page_access(REFER.permission))]


def _choices(values: Any) -> list[tuple[str, str]]:
    return [(v.value, v.value.replace("_", " ").capitalize()) for v in values]


OPTIONS = {
    "referrer_kind": _choices(ReferrerKind),
    "household_type": [(h.value, HOUSEHOLD_WORDS[h]) for h in HouseholdType],
    "subject": [(r.value, RISK_SUBJECT_WORDS[r]) for r in RiskSubject],
    "measure_type": [(m.value, MEASURE_WORDS[m]) for m in MeasureType],
    "installer": _choices(Installer), "channel": _choices(ContactChannel),
    "job_type": [(j.value, words) for j, words in JOB_WORDS.items()],
    "reason_code": [(r.value, DECLINE_WORDS[r]) for r in DeclineReason],
    "communication_needs": [(n.value, NEED_WORDS[n]) for n in CommunicationNeed],
}
FACTS = [
    ("perpetrator_lives_at_property", "Does the perpetrator live at the property?"),
    ("safe_to_stay", "Is it safe for the victim to stay?"),
    ("victim_chooses_to_stay", "Is staying the victim's own choice?"),
    ("perpetrator_associates_live_there",
     "Do the perpetrator's friends or relatives live at the property?"),
    ("area_too_dangerous", "Is the area itself too dangerous for the household?"),
    ("household_can_operate_measures",
     "Can the household operate the measures and follow safety procedures?"),
    ("rent_arrears", "Are there rent arrears? (They never stop the scheme.)"),
]
PAGE_LABELS: dict[str, Label] = {
    **LABELS,
    "referrer_kind": Label("who is referring", choice=True),
    "referrer_name": Label("the referrer's name"),
    "referrer_contact": Label("how to tell the referrer the outcome"),
    "referring_agency": Label("the referring agency"),
    "household_type": Label("the household type", choice=True),
    "subject": Label("what was assessed", choice=True),
    "findings": Label("the findings"),
    "measure_type": Label("the measure", choice=True),
    "installed_on": Label("the date it was installed"),
    "installer": Label("who installed it", choice=True),
    "cost_pence": Label("the cost in pounds",
                        typed="Enter the cost in pounds as an amount from 0 to 100,000, "
                              "like 125.50"),
    "channel": Label("how the referrer was told", choice=True),
    "job_type": Label("the repair", choice=True),
    **{name: Label("the answer", choice=True) for name, _ in FACTS},
    **{f"pc_{c.value}": Label(f"an answer to {words.lower()}", choice=True)
       for c, words in QUESTIONS.items()},
    "communication_needs": Label("the communication needs", choice=True),
    "reason_code": Label("why they chose not to have measures", choice=True),
    "safer_reason": Label("why you are referring, and that the household agreed"),
}
# What the victim chooses to say of themselves (SCAR Q7): one optional question each, its
# answers (CAR; aggregates/equality.py).
CHARACTERISTICS = [(f"pc_{c.value}", words, CHOICES[c]) for c, words in QUESTIONS.items()]


def _field(path: str, step: str = "") -> str:
    """A body path as the form field showing it: a characteristic has a box of its own."""
    head, _, rest = path.partition(".")
    if head == "reason" and step == "safer-referral":
        return "safer_reason"  # the decline form on the same page has its own reason box
    if head == "protected_characteristics" and rest:
        return f"pc_{rest.split('.')[0]}"
    return head or "form"


MOST_POUNDS = 100_000  # the JSON body's own limit (cost_pence le=10_000_000), in pounds


def _pence(form: FormData) -> int | str:
    """Pounds typed ("125.50") as whole pence; what was typed if it is not an amount of
    pounds and whole pence from 0 to 100,000 (the body then refuses it, naming the cost).
    "Infinity", "NaN", "sNaN" and "1e999999" are Decimals too: they are kept as typed before
    any sum or `int`, which raise on them or build a number of a million digits (a 500)."""
    typed = text(form, "cost").replace("£", "").replace(",", "")
    try:
        pounds = Decimal(typed)
    except InvalidOperation:
        return typed
    if not pounds.is_finite() or not 0 <= pounds <= MOST_POUNDS:
        return typed
    pence = pounds * 100
    return int(pence) if pence == pence.to_integral_value() else typed


BODIES: dict[str, tuple[CommandRoute, Callable[[FormData], dict[str, Any]]]] = {
    "sanctuary-referral": (REFER, lambda f: {
        "referrer_kind": text(f, "referrer_kind"), "referrer_name": text(f, "referrer_name"),
        "referrer_contact": text(f, "referrer_contact"),
        "referring_agency": text(f, "referring_agency") or None,
        "household_type": text(f, "household_type"),
        "protected_characteristics": {name[3:]: text(f, name) for name, _, _ in CHARACTERISTICS
                                      if text(f, name)},
        "communication_needs": [str(n) for n in f.getlist("communication_needs")]}),
    "risk-assessment": (ASSESS, lambda f: {"subject": text(f, "subject"),
                                           "findings": str(f.get("findings") or "")}),
    "decision": (DECIDE, lambda f: {name: yes_no_of(f, name) for name, _ in FACTS}),
    "decline": (DECLINE, lambda f: {"reason_code": text(f, "reason_code"),
                                    "reason": str(f.get("reason") or "")}),
    "measure": (MEASURE, lambda f: {
        "measure_type": text(f, "measure_type"), "installed_on": date_from(f, "installed_on"),
        "installer": text(f, "installer"), "cost_pence": _pence(f)}),
    "referrer-told": (TELL, lambda f: {"channel": text(f, "channel")}),
    "repair": (REPORT_REPAIR, lambda f: {"job_type": text(f, "job_type")}),
    "safer-referral": (REFER_SAFER, lambda f: {"reason": str(f.get("safer_reason") or "")}),
}


@router.get("/cases/{case_id}/home-safety")
async def home_safety(case_id: uuid.UUID, request: Request, principal: Worker) -> Response:
    """The Sanctuary Scheme and emergency repairs of a case, with the forms its stage allows."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_home_safety")
    return _page(request, principal, "")(case, {"request_id": str(uuid.uuid4())}, [], 200)


def _page(request: Request, principal: Principal, step: str) -> Any:
    def show(case: Case, values: dict[str, Any], errors: Errors, status_code: int) -> Response:
        role = principal.staff.role
        referral = case.sanctuary.referral
        sanctuary = redact_view("sanctuary", {
            "referral": referral and referral.to_dict(),
            "measures": [m.to_dict() for m in case.sanctuary.measures]}, role)
        answers = _answers_in_words(sanctuary["referral"])
        status = referral.status if referral else None
        safer = [r for r in case.referrals.values() if r.kind is ReferralKind.SAFER]
        return render(
            request, principal, "pages/home_safety.html", status_code=status_code,
            case_id=str(case.id), offered=case.policy.has_sanctuary_scheme,
            scheme_rule=case.policy.sanctuary_scheme, sanctuary=sanctuary,
            safer_rule=case.policy.safer_referral.section,
            can_refer=status in (None, SanctuaryStatus.NOT_ACCEPTED, SanctuaryStatus.DECLINED),
            can_assess=status is SanctuaryStatus.REFERRED,
            can_decide=bool(referral and status is SanctuaryStatus.REFERRED
                            and referral.assessed == frozenset(RiskSubject)),
            can_decline=status is SanctuaryStatus.ACCEPTED,
            can_install=status in (SanctuaryStatus.ACCEPTED, SanctuaryStatus.INSTALLED),
            can_tell=bool(referral and status in OUTCOMES and not referral.referrer_told_at),
            jobs=[_job_words(redact_view("repair_job", j.to_dict(), role))
                  for j in case.repairs.jobs.values()],
            safer=[redact_view("referral", r.to_dict(), role) for r in safer],
            safer_works=[redact_view("safer_works", w.to_dict(), role) for w in case.safer.works],
            can_refer_safer=all(r.status is ReferralStatus.FAILED for r in safer),
            facts=FACTS, characteristics=CHARACTERISTICS, options=OPTIONS, step=step,
            measure_words=MEASURE_WORDS,
            answers=answers,
            values=values, errors=errors,
            field_errors=field_errors(errors))
    return show


def _answers_in_words(referral: dict[str, Any] | None) -> dict[str, str]:
    """The referral's decline reason, equality answers and communication needs in words (a
    value withheld from the reader is shown as the withheld notice it already is)."""
    if not referral:
        return {}
    given = referral["protected_characteristics"]
    needs = referral["communication_needs"]
    declined = referral.get("decline_reason")
    done = referral.get("assessed") or []
    household = referral.get("household_type")
    return {
        "declined": DECLINE_WORDS.get(declined, declined) if declined else "",
        "household": HOUSEHOLD_WORDS.get(household, household) if household else "",
        "assessed": " and ".join(  # in RiskSubject's order, the second in lower case
            RISK_SUBJECT_WORDS[r] if not n else RISK_SUBJECT_WORDS[r].lower()
            for n, r in enumerate(r for r in RiskSubject if r.value in done))
        if isinstance(done, list) else str(done),
        "characteristics": "; ".join(
            f"{QUESTIONS[c]}: {answer_words(c, given[c])}" for c in QUESTIONS if c in given)
        if isinstance(given, dict) else str(given),
        "needs": ", ".join(NEED_WORDS.get(n, n) for n in needs)
        if isinstance(needs, list) else str(needs)}


def _job_words(job: dict[str, Any]) -> dict[str, Any]:
    """The job with its deadline in words in London time, as on every task list."""
    return {**job, "due": when(job["due_at"]) if job.get("due_at") else "not shown"}


@router.post("/cases/{case_id}/home-safety/{step}")
async def home_safety_submit(case_id: uuid.UUID, step: str, request: Request,
                             principal: Worker) -> Response:
    """Send one step's form; on an error, show the page again with what was typed."""
    if step not in BODIES:
        raise CaseNotFound()  # no such form: the same 404 page as any unknown address
    form = await request.form()
    route, body_of = BODIES[step]
    return await submit(request, principal, case_id, route, body_of(form), form,
                        _page(request, principal, step), multi=("communication_needs",),
                        field_of=lambda path: _field(path, step),
                        labels=PAGE_LABELS)

"""What every page under /work shares: who may see it, rendering, and sending a form.

A form that gives a command is turned into the body of that command's API route
(web/command_routes.py), validated by the same model and sent by the same dispatch, so a page
and the API build the same command in one place. On an error the form is shown again with
what was typed and a GOV.UK error summary in plain words (web/form_messages.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from aggregates.access import Permission, check_permission
from aggregates.case import Case
from aggregates.errors import CaseNotFound
from web.auth import NotSignedIn, Principal, current_principal
from web.command_routes import CommandRoute, reach, send_reached
from web.dispatch import Refusal, refusal_of
from web.form_messages import LABELS, Label, page_message
from web.pages import page
from web.resubmission import form_request_id, sent_before

Errors = list[dict[str, str]]
# A body path of the route's model ("actions.0.due_on") → the form field showing it.
FieldOf = Callable[[str], str]
# The form shown again: the case, what was typed, the errors, the status.
Show = Callable[[Case, dict[str, Any], Errors, int], Response]


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
    """Each field's message, for the message above the field."""
    return {e["field"]: e["message"] for e in errors}


def form_values(form: FormData, multi: Iterable[str] = ()) -> dict[str, Any]:
    """What was typed, to show the form again (`multi`: checkboxes, a list each)."""
    values: dict[str, Any] = {k: form.get(k) for k in form}
    values.update({name: form.getlist(name) for name in multi})
    for day in [k for k in values if k.endswith("-day")]:  # a date typed in three parts
        name = day.removesuffix("-day")
        values[name] = {part: text(form, f"{name}-{part}") for part in ("day", "month", "year")}
    return values


def text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()


def yes_no(form: FormData, name: str) -> bool | None:
    """A yes/no radio: True, False, or None when neither was chosen (the body refuses it)."""
    return {"yes": True, "no": False}.get(text(form, name))


PLAIN_NUMBER = re.compile(r"[0-9]{1,9}")


def whole_number(typed: str) -> int | None:
    """`typed` as a whole number if it is one in ASCII digits (at most 9 of them), else None.
    Not `str.isdigit`: "²" passes it and `int` refuses it, and so does `int` a number of more
    than 4,300 digits; both were a 500."""
    return int(typed) if PLAIN_NUMBER.fullmatch(typed) else None


def number(form: FormData, name: str, default: str = "0") -> int | str:
    """A number field: the number, or what was typed (the body refuses it, naming the field)."""
    typed = text(form, name) or default
    found = whole_number(typed)
    return typed if found is None else found


def date_from(form: FormData, name: str) -> str | None:
    """An ISO date from GOV.UK's three date inputs; None if all are empty; else what was
    typed (not a date: the body refuses it, naming the field)."""
    day, month, year = (text(form, f"{name}-{p}") for p in ("day", "month", "year"))
    if not (day or month or year):
        return None
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return f"{year}-{month}-{day}"


def without_none(body: Mapping[str, Any]) -> dict[str, Any]:
    """The body without the fields left empty, so the model names them as missing."""
    return {k: v for k, v in body.items() if v is not None}


def same_field(path: str) -> str:
    return path.replace(".", "-") or "form"


def pydantic_errors(invalid: ValidationError, field_of: FieldOf = same_field,
                    labels: Mapping[str, Label] = LABELS) -> Errors:
    errors = []
    for err in invalid.errors():
        field = field_of(".".join(str(p) for p in err["loc"] if p != "[key]")) or "form"
        errors.append({"field": field, "message": page_message(
            field, err["type"], labels=labels, numbers=err.get("ctx"))})
    return errors


def refusal_errors(refusal: Refusal, field_of: FieldOf = same_field,
                   labels: Mapping[str, Label] = LABELS, made: str | None = None) -> Errors:
    """`made`: what the first request made, for a form sent before with other answers."""
    if refusal.first_case is not None:
        return [sent_before(refusal.first_case, *([made] if made else []))]
    field = field_of(refusal.field or "") or "form"
    return [{"field": field, "message": page_message(field, refusal.rule, refusal.message,
                                                      labels)}]


async def attempt(send: Callable[[], Awaitable[object]], values: dict[str, Any],
                  field_of: FieldOf = same_field, labels: Mapping[str, Label] = LABELS,
                  made: str | None = None) -> tuple[Errors, int] | None:
    """Run `send`; None if it went through, else the errors to show and the status. A form
    sent before with other answers gets a new request id (its values lose theirs): sending
    it again is a new request, so what was typed is neither lost nor taken for the first."""
    try:
        await send()
    except ValidationError as invalid:
        return pydantic_errors(invalid, field_of, labels), 422
    except CaseNotFound:
        raise
    except Exception as error:
        refusal = refusal_of(error)
        if refusal is None:
            raise
        if refusal.first_case is not None:
            values.pop("request_id", None)
        return refusal_errors(refusal, field_of, labels, made), refusal.status
    return None


async def submit(request: Request, principal: Principal, case_id: uuid.UUID,
                 route: CommandRoute, body: Mapping[str, Any], form: FormData, show: Show, *,
                 multi: Iterable[str] = (), field_of: FieldOf = same_field,
                 labels: Mapping[str, Label] = LABELS) -> Response:
    """Send a form's command: reach the case (else the 404 page), then the form's request
    id, the route's body model and the command's dispatch, as the API does. Success goes
    back to the case; an error shows the form again (`show`) with what was typed."""
    case = await reach(route, request, principal, case_id)
    values = form_values(form, multi)

    async def send() -> None:
        key = form_request_id(form)
        valid: BaseModel = route.body.model_validate(without_none(body))
        await send_reached(route, request, principal, case_id, valid, key)

    refused = await attempt(send, values, field_of, labels)
    if refused is None:
        return RedirectResponse(f"/work/cases/{case_id}", status_code=303)
    errors, status = refused
    values.setdefault("request_id", str(uuid.uuid4()))
    return show(case, values, errors, status)

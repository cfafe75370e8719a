"""Sending a case command once per caller's key, for the API and the pages alike.

The key is the API's `Idempotency-Key` header or a page form's hidden `request_id`. The same
request sent again with it changes nothing more (its command id is the same, and the case
applies a command id once); the same key with another request is refused 409
`idempotency_key_used_once` (`DuplicateRequest`, naming the case of the first one) before
anything reaches the case. See activities/request_keys.py for how, and why nothing of the key
or the request is stored in clear.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi import Request
from starlette.datastructures import FormData

from activities.request_keys import RequestKeys
from aggregates.errors import RuleViolation
from web.auth import Principal

T = TypeVar("T")


async def send_once(request: Request, principal: Principal, case_id: uuid.UUID,
                    key: str | None, what: Mapping[str, Any],
                    send: Callable[[str], Awaitable[T]]) -> T:
    """`send(command_id)` for the command described by `what` (a JSON object: the command's
    name and arguments) on `case_id`, under the principal's `key`.

    Without a key every call is a new command. Raises `DuplicateRequest` when the key was
    used for another request (on this case or another); re-raises whatever `send` raises,
    after freeing the key so that the corrected request may use it."""
    if key is None:
        return await send(str(uuid.uuid4()))
    keys: RequestKeys = request.app.state.request_keys
    claim = await asyncio.to_thread(
        keys.claim, staff_id=principal.staff.staff_id, key=key, case_id=case_id,
        request={"case_id": str(case_id), **what}, now=datetime.now(UTC))
    try:
        return await send(claim.command_id)
    except Exception:
        await asyncio.to_thread(keys.release, claim)
        raise


def form_request_id(form: FormData) -> str:
    """The request id a page form carries (made when the form was shown). Without it a
    resubmission could not be told from a new request, so it is refused, never made up."""
    request_id = str(form.get("request_id") or "").strip()
    if not request_id:
        raise RuleViolation("request_has_id", "This form was sent without its request id. "
                            "Open the form again and send it from there")
    return request_id


def sent_before(case_id: uuid.UUID, made: str = "See what it recorded on the case") -> dict[
        str, str]:
    """The GOV.UK error for a form sent again with other answers, linking to the case."""
    return {"field": "form", "rule": "idempotency_key_used_once", "href": f"/work/cases/{case_id}",
            "message": f"You have already sent this form with other answers. {made}; to "
                       "record these answers too, check them and send the form again"}

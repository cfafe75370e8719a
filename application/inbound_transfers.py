"""Another Kent landlord's verified request to house their tenant here opens a case of our own
(D 8.22: we "support and facilitate" moves under the Kent reciprocal agreement; DBC 4.2.1).

`open_inbound_transfer` is one use case in two steps, each safe to repeat, so a sender's retry
(Standard Webhooks: the same message id every try) heals a half-done one:
1. intake opens the case (application/intake.py): its id is derived from (landlord, their
   request id), and its request fingerprint from the message, so a retry finds the same case
   and a different request under the same id is refused (`DuplicateRequest`, not the same);
2. the case's workflow records the request on it (`record_inbound_transfer_request`, the
   system's command, keyed on the message id), which opens the task to answer it. A request
   already recorded is the retry of one we hold: nothing more is written.

The message (JSON, as signed):
`{"type": "transfer_request", "request_id", "to": <our landlord id>, "current_tenancy":
<SecurityOfTenure>, "tenant": {"name", "phone"?, "email"?, "current_address"?},
"household": {"children": [{"age"}]}?}`. Malformed parts raise `RuleViolation` naming the
field, never echoing the value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from activities.case_store import DuplicateRequest
from aggregates.canonical import canonical_json
from aggregates.errors import RuleViolation
from aggregates.landlords import LANDLORD_NAMES, OWN_LANDLORD, KentLandlord
from aggregates.report import (
    Actor,
    Channel,
    Child,
    Council,
    Household,
    Report,
    Reporter,
    ReporterKind,
    Tenure,
    Victim,
)
from aggregates.transfer_rules import SecurityOfTenure
from application.intake import Intake
from temporal_contracts.payloads import CaseCommandInput
from workflows.client import CommandRefused

# Case ids of inbound requests: uuid5 in this namespace of "<landlord>:<their request id>".
INBOUND_NAMESPACE = UUID("6f1d5d2e-3c1a-4f0e-9a57-0b7c2f1e9d41")
ALREADY_RECORDED = "inbound_transfer_recorded_once"


def _text(value: Any, field: str, *, required: bool = True, limit: int = 200) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise RuleViolation("inbound_transfer_field_valid",
                            f"give {field} as text of 1 to {limit} characters", field=field)
    return value


def council_of(to: Any) -> Council:
    """Which of our councils the request is to (its landlord id), else a RuleViolation."""
    for council, landlord in OWN_LANDLORD.items():
        if to == landlord.value:
            return council
    raise RuleViolation("inbound_transfer_to_our_council",
                        "name one of our councils as the receiving landlord", field="to")


def inbound_report(landlord: KentLandlord, message: Mapping[str, Any], now: datetime) -> Report:
    """The report a case opened by `landlord`'s request records (a partner's referral)."""
    tenant = message.get("tenant")
    if not isinstance(tenant, Mapping):
        raise RuleViolation("inbound_transfer_field_valid", "give the tenant", field="tenant")
    household = message.get("household", {})
    if not isinstance(household, Mapping):  # a list or text could hide children
        raise RuleViolation("inbound_transfer_field_valid", "give the household as an object",
                            field="household")
    children = household.get("children", [])
    if not isinstance(children, list) or not all(
            isinstance(c, Mapping) and type(c.get("age")) is int for c in children):
        raise RuleViolation("inbound_transfer_field_valid", "give each child's age",
                            field="household.children")
    name = LANDLORD_NAMES[landlord]
    return Report(
        council=council_of(message.get("to")), channel=Channel.PARTNER_REFERRAL,
        reported_at=now,
        reporter=Reporter(kind=ReporterKind.PARTNER_AGENCY, organisation=name),
        victim=Victim(
            name=str(_text(tenant.get("name"), "tenant.name")),
            address=_text(tenant.get("current_address"), "tenant.current_address",
                          required=False, limit=500) or "Not given by the sending landlord",
            phone=_text(tenant.get("phone"), "tenant.phone", required=False),
            email=_text(tenant.get("email"), "tenant.email", required=False)),
        immediate_risk=False,
        household=Household(children=tuple(Child(age=c["age"]) for c in children)),
        tenure=Tenure.SOCIAL_TENANT_ELSEWHERE, perpetrator_lives_at_address=False,
        summary=f"Transfer request from {name} under the Kent reciprocal agreement (D 8.22).")


def inbound_case_id(landlord: KentLandlord, request_id: str) -> UUID:
    return uuid5(INBOUND_NAMESPACE, f"{landlord.value}:{request_id}")


async def open_inbound_transfer(intake: Intake, *, landlord: KentLandlord,
                                message: Mapping[str, Any], message_id: str, signed_body: str,
                                signature: str, now: datetime) -> UUID:
    """Open (or find) the case of `landlord`'s verified request and record the request on it.
    Raises `RuleViolation` for a malformed request, `DuplicateRequest` (not the same
    request) for another request under a request id already used, `CommandRefused` for what
    the case refuses, anything else for what the sender may retry."""
    if message.get("type") != "transfer_request":
        raise RuleViolation("message_type_known", "only transfer_request is accepted here",
                            field="type")
    request_id = str(_text(message.get("request_id"), "request_id", limit=100))
    tenancy = message.get("current_tenancy")
    if tenancy not in {t.value for t in SecurityOfTenure}:
        raise RuleViolation("inbound_transfer_field_valid", "give the tenant's tenancy",
                            field="current_tenancy")
    report = inbound_report(landlord, message, now)
    case_id = inbound_case_id(landlord, request_id)
    fingerprint = hashlib.sha256(canonical_json(
        {k: v for k, v in message.items() if k != "sent_at"})).hexdigest()
    try:
        await intake.open_case(case_id=case_id, report=report, actor=Actor.system(),
                               reason=f"Opened on a verified transfer request from "
                                      f"{LANDLORD_NAMES[landlord]}.",
                               request_fingerprint=fingerprint)
    except DuplicateRequest as duplicate:
        if not duplicate.same_request:
            raise
    try:
        await intake.orchestrator.apply_command(str(case_id), CaseCommandInput(
            command="record_inbound_transfer_request", args={
                "request_id": request_id, "from_landlord": landlord.value,
                "message_id": message_id, "current_tenancy": tenancy,
                "signed_body": signed_body, "signature": signature},
            staff_id="system", role="system", request_id=f"inbound-{message_id}"))
    except CommandRefused as refused:
        if refused.rule != ALREADY_RECORDED:  # a retry of a request we hold: done
            raise
    return case_id

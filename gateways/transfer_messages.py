"""The messages of a Kent reciprocal transfer between two landlords (D 8.22, D 8.35; DBC 4.2),
as they cross the signed gateway: their types, their ids and the landlord's answers.

Every message is a Standard Webhooks `v1a` envelope (gateways/signing.py) POSTed to the
landlord's registered endpoint; the landlord answers in the HTTP response with a body it signs
the same way (headers `webhook-id` = `reply:<our message id>`, `webhook-timestamp`,
`webhook-signature`), so we can prove what it said.

Message ids are stable per step (`transfer:<case>:<transfer>:<step>`), the same on every
retry: the landlord records a step once and answers a repeat with the answer it gave the
first time. Only `enquiry` messages (asking where the landlord's decision stands) are not
steps: each carries the poll's number, and the landlord answers with what it knows now.

Shapes (JSON objects; every one has `type`, `transfer_id`, `council`):
- `transfer_request`: `packet` (built by the sharing gate: activities/transfer_packet.py),
  `destination_area`;                    answer `status` = "received"
- `transfer_enquiry`:                    answer `status` = "pending" | "offer" | "refusal"
  | "granted" (see `LandlordAnswer`)
- `victim_decision`: `accepted` (bool);   answer "received"
- `move_date`: `move_date` (ISO date);    answer "received"
- `old_tenancy_ended`: `ended_on`;        answer "received"

When another landlord asked *us* (an inbound request), our answer is a `transfer_answer`
message the other way, shaped as a landlord's answer above (`transfer_id` = their request id,
`in_reply_to` = their message id, `status` "offer" or "refusal"), under the id
`transfer:<case>:<their request id>:transfer_answer`; they answer "received".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class TransferStep(StrEnum):
    REQUEST = "transfer_request"
    ENQUIRY = "transfer_enquiry"
    VICTIM_DECISION = "victim_decision"
    MOVE_DATE = "move_date"
    OLD_TENANCY_ENDED = "old_tenancy_ended"
    ANSWER = "transfer_answer"   # ours, as the receiving landlord of an inbound request


class AnswerStatus(StrEnum):
    RECEIVED = "received"   # the step is recorded by the landlord
    PENDING = "pending"     # no decision yet
    OFFER = "offer"         # a property offered: offer_ref, new_address, tenancy_type
    REFUSAL = "refusal"     # no property: reason (a short code)
    GRANTED = "granted"     # the new tenancy: granted_on, security_of_tenure


STEPS_ONCE = frozenset(TransferStep) - {TransferStep.ENQUIRY}
_TOKEN = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")


class AnswerUnusable(ValueError):
    """A landlord's signed answer that is not one of the shapes above (a reason code only)."""


def message_id(case_id: str, transfer_id: str, step: TransferStep, poll: int = 0) -> str:
    """The id of a step's message: the same on every retry. An enquiry adds its poll number."""
    base = f"transfer:{case_id}:{transfer_id}:{step.value}"
    return f"{base}:{poll}" if step is TransferStep.ENQUIRY else base


def reply_id(our_message_id: str) -> str:
    """The id the landlord signs its answer under (unique per landlord, like any message)."""
    return f"reply:{our_message_id}"


@dataclass(frozen=True)
class LandlordAnswer:
    """What a landlord said, after its signature was verified. `new_address` is the one field
    of the `transfer_destination` category; everything else is a code, a reference or a date."""

    status: AnswerStatus
    in_reply_to: str
    offer_ref: str = ""
    new_address: str = ""
    tenancy_type: str = ""
    reason: str = ""
    granted_on: str = ""
    security_of_tenure: str = ""

    def to_message(self, transfer_id: str) -> dict[str, Any]:
        """The JSON a landlord signs (the stand-in's side of `parse_answer`)."""
        fields = {"offer_ref": self.offer_ref, "new_address": self.new_address,
                  "tenancy_type": self.tenancy_type, "reason": self.reason,
                  "granted_on": self.granted_on,
                  "security_of_tenure": self.security_of_tenure}
        return {"type": "transfer_answer", "transfer_id": transfer_id,
                "in_reply_to": self.in_reply_to, "status": self.status.value,
                **{k: v for k, v in fields.items() if v}}


def _code(answer: dict[str, Any], name: str) -> str:
    value = answer.get(name, "")
    if value == "":
        return ""
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise AnswerUnusable(f"{name}_is_code")
    return value


def parse_answer(answer: dict[str, Any], *, transfer_id: str,
                 in_reply_to: str) -> LandlordAnswer:
    """A verified answer as a `LandlordAnswer`; `AnswerUnusable` (naming the field's rule,
    never its value) if it answers another message or lacks what its status needs."""
    if answer.get("type") != "transfer_answer" or answer.get("transfer_id") != transfer_id:
        raise AnswerUnusable("answer_names_transfer")
    if answer.get("in_reply_to") != in_reply_to:
        raise AnswerUnusable("answer_replies_to_message")
    try:
        status = AnswerStatus(str(answer.get("status")))
    except ValueError:
        raise AnswerUnusable("answer_status_known") from None
    address = answer.get("new_address", "")
    if not isinstance(address, str) or len(address) > 500:
        raise AnswerUnusable("new_address_is_text")
    parsed = LandlordAnswer(
        status=status, in_reply_to=in_reply_to, offer_ref=_code(answer, "offer_ref"),
        new_address=address.strip(), tenancy_type=_code(answer, "tenancy_type"),
        reason=_code(answer, "reason"), granted_on=_code(answer, "granted_on"),
        security_of_tenure=_code(answer, "security_of_tenure"))
    needs = {AnswerStatus.OFFER: ("offer_ref", "new_address", "tenancy_type"),
             AnswerStatus.REFUSAL: ("reason",),
             AnswerStatus.GRANTED: ("granted_on", "security_of_tenure")}.get(status, ())
    for name in needs:
        if not getattr(parsed, name):
            raise AnswerUnusable(f"{name}_given")
    return parsed

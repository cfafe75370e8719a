"""A recorded field in words, for the pages that show every field of an event or of the case
as it stood (the history page, the case as at a moment): its label, its value, and which
fields are for machines and stay out of a reader's view.

Codes read as words ("council_general_needs" → "council general needs", "childrens_services"
→ "Children's Services", "dso" → "Designated Safeguarding Officer"); times to the second, so
two events in one minute can be ordered; free text (a justification, a reason, a note) is shown
exactly as it was written, codes and all, because it is the record of why. Presentation only:
what a role may read is `aggregates/data_categories.py`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from aggregates.working_days import LONDON
from web.event_wording import REFERRAL_KINDS
from web.wording_basics import partner_name, words

# Digests, fingerprints, hashes, signatures and idempotency keys: for machines (a delivery's
# digest is checked by the partner, a fingerprint by the resubmission guard), kept in the
# JSON answers and in evidence bundles, left out of the pages a person reads.
MACHINE_FIELDS = frozenset({"digest", "request_fingerprint", "command_id", "entry_hash",
                            "prev_hash", "signature"})

# Free text as written by a person (or by a rule, citing itself): never reworded.
FREE_TEXT = frozenset({"justification", "reasons", "reason", "note", "summary", "title",
                       "description", "what_was_wrong", "correction", "judgement_reason",
                       "late_entry_reason"})

LABELS = {"dash_in_progress": "DASH checklist in progress", "marac_last_heard":
          "MARAC last heard", "under_isa": "under the Information Sharing Agreement",
          "officer_id": "officer", "break_glass_until": "break-glass until",
          "delivery_id": "delivery reference", "decision_id": "decision reference",
          "ack_message_id": "acknowledgement reference", "message_id": "message reference",
          "task_id": "task", "referral_id": "referral", "assessment_id": "DASH checklist",
          "staff_id": "staff id", "corrects_version": "corrects step"}

ROLES = {"dso": "Designated Safeguarding Officer", "line_manager": "line manager",
         "caseworker": "caseworker", "auditor": "auditor", "administrator": "administrator",
         "system": "the system", "repairs_system": "repairs system"}

CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+")
ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def when_exact(moment: datetime | str) -> str:
    """'23 November 2026, 5:00:07pm' in London time: to the second, so the events of one
    minute read in their order."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0")
    return (f"{local.day} {local.strftime('%B %Y')}, "
            f"{hour}:{local.strftime('%M:%S%p').lower()}")


def field_label(key: str) -> str:
    """A field's name in words: "under_isa" → "under the Information Sharing Agreement"."""
    return LABELS.get(key, key.replace("_", " "))


def role_name(role: Any) -> str:
    return ROLES.get(str(role), words(role))


def field_value(key: str, value: str) -> str:
    """A recorded string in words, read by the field it is in (`key`): a partner by its name,
    a role, a council, a referral's kind; any other code in words; free text as written."""
    if not value.strip():
        return "none"
    if key in FREE_TEXT:
        return value
    if ISO_MOMENT.fullmatch(value):
        moment = datetime.fromisoformat(value)
        # A deadline falls on the minute; a recorded time reads to the second.
        return when_exact(moment) if moment.second or moment.microsecond else _minute(moment)
    if ISO_DATE.fullmatch(value):
        day = date.fromisoformat(value)
        return f"{day.day} {day.strftime('%B %Y')}"
    if key == "partner":
        return partner_name(value)
    if key == "role":
        return role_name(value)
    if key == "council":
        return value.capitalize()
    if key == "kind" and value in REFERRAL_KINDS:
        return REFERRAL_KINDS[value]
    if CODE.fullmatch(value):
        return value.replace("_", " ")
    return value


def _minute(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local.strftime('%B %Y')}, {hour}:{local.strftime('%M%p').lower()}"

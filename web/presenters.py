"""Wording for pages: dates, deadlines in working days, the timeline in plain language.
Presentation only: every decision is the domain's (what a role may read of a case is
`aggregates/data_categories.py`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from aggregates.data_categories import WITHHELD
from aggregates.referrals import Partner
from aggregates.working_days import LONDON, local_date, working_days_between
from gateways.default_partners import NAMES

REFERRAL_KINDS = {"marac": "MARAC", "repeat_marac": "Repeat MARAC",
                  "children": "Children's safeguarding", "adult_safeguarding":
                  "Adult safeguarding", "support_services": "Support services"}


def partner_name(partner: str) -> str:

    try:
        return NAMES[Partner(partner)]
    except ValueError:
        return partner.replace("_", " ")

EVENT_WORDS = {
    "Opened": "Case opened",
    "Assigned": "Case assigned",
    "TriageDecided": "Triage decided",
    "TaskOpened": "Task opened",
    "TaskCompleted": "Task completed",
    "DeadlineEscalated": "Deadline missed: escalated to a DSO",
    "Restricted": "Case restricted to named staff",
    "RestrictionLifted": "Restriction lifted",
    "ConflictDeclared": "Conflict of interest declared",
    "BreakGlassUsed": "Case opened by break-glass",
    "AccessChangeNotified": "Staff told of a change to who may see the case",
    "SharingDecided": "Decision on sharing information",
    "ConsentChanged": "Consent recorded",
    "ReferralOpened": "Referral made",
    "ReferralDelivered": "Referral delivered to the partner",
    "ReferralAcknowledged": "Partner acknowledged the referral",
    "ReferralDeliveryFailed": "Referral could not be delivered",
    "DashSaved": "DASH checklist saved part-way",
    "DashCompleted": "DASH checklist completed",
    "MaracHeard": "MARAC hearing recorded",
    "MaracActionAgreed": "MARAC action for housing recorded",
    "IncidentReported": "New incident reported",
    "ChildAdded": "A child joined the household",
    "SupportConsentRecorded": "Victim's decision on a support referral",
    "ContactRecorded": "Contact recorded",
}


def when(moment: datetime | str | None) -> str:
    """'23 November 2026, 5:00pm' in London time."""
    if moment is None:
        return "No deadline"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local.strftime('%B %Y')}, {hour}:{local.strftime('%M%p').lower()}"


def deadline(due_at: datetime | None, now: datetime) -> dict[str, Any]:
    """How a deadline reads on a task list: text, tag colour, and whether it is overdue."""
    if due_at is None:
        return {"text": "No deadline", "colour": "grey", "overdue": False}
    if due_at <= now:
        late = working_days_between(local_date(due_at), local_date(now))
        text = "Overdue" if late <= 0 else (
            f"Overdue by {late} working day{'s' if late != 1 else ''}")
        return {"text": text, "colour": "red", "overdue": True}
    left = working_days_between(local_date(now), local_date(due_at))
    if left == 0:
        return {"text": "Due today", "colour": "orange", "overdue": False}
    return {"text": f"{left} working day{'s' if left != 1 else ''} left",
            "colour": "yellow" if left <= 1 else "blue", "overdue": False}


def event_words(event_type: str) -> str:
    """What an event says happened: its words above, or its name in words ("CaseNoteRecorded"
    → "Case note recorded"), so a new event reads plainly without an entry here."""
    if event_type in EVENT_WORDS:
        return EVENT_WORDS[event_type]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", event_type).capitalize()


def timeline_line(event_type: str, data: dict[str, Any]) -> str:
    """One event in plain language: what happened and why, and its note (free text) where the
    reader may read it."""
    line = event_words(event_type) + "."
    reason = str(data.get("reason", "")).strip()
    note = str(data.get("note") or "").strip()
    if reason:
        line += f" {reason}"
    if note and note != WITHHELD:
        line += f" Note: {note}"
    return line


def who(data: dict[str, Any]) -> str:
    actor = data.get("actor") or {}
    if actor.get("role") == "system":
        return "The system (by rule)"
    return f"{actor.get('staff_id', '?')} ({str(actor.get('role', '')).replace('_', ' ')})"

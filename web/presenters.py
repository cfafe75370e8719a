"""Wording for pages: dates, deadlines in working days, the timeline in plain language.
Presentation only: every decision is the domain's (what a role may read of a case is
`aggregates/data_categories.py`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from aggregates.data_categories import WITHHELD
from aggregates.working_days import LONDON, local_date, working_days_between
from web.event_wording import REFERRAL_KINDS as REFERRAL_KINDS
from web.event_wording import partner_name as partner_name
from web.event_wording import what_happened


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


def timeline_line(event_type: str, data: dict[str, Any]) -> str:
    """One event in plain language: what happened (its wording, web/event_wording.py), why,
    and its note (free text) where the reader may read it."""
    line = what_happened(event_type, data)
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


ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)")


def labelled(path: tuple[str, ...]) -> str:
    """A field's path in words: ("report", "victim", "name") → "Report › victim › name"."""
    return " › ".join(str(part).replace("_", " ") for part in path).capitalize()


def plain(value: Any) -> str:
    """A recorded value in words: yes/no, "none", lists joined, times in London time; codes
    keep their spelling."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(plain(v) for v in value) or "none"
    if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
        return when(value)  # a deadline or a decision's time, in London time
    return str(value)


def field_rows(data: Any, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Every field of an event's data (or of a view) as (label, value) rows, nested fields
    flattened into their path ("Report › victim › name"), in the order recorded."""
    if isinstance(data, dict) and data:
        return [row for key, value in data.items()
                for row in field_rows(value, (*path, str(key)))]
    if isinstance(data, list) and any(isinstance(v, dict | list) for v in data):
        return [row for index, value in enumerate(data, 1)
                for row in field_rows(value, (*path, str(index)))]
    return [(labelled(path), plain(data if data != {} else None))]


SECTIONS = {"facts": "Facts", "open_tasks": "Open task", "risk": "Risk",
            "referrals": "Referral", "sharing_decisions": "Sharing decision",
            "consent": "Consent", "access": "Who could see it"}


KEYED = frozenset({"open_tasks", "referrals", "sharing_decisions"})


def item_summary(value: Any) -> str:
    """A task, referral or decision in a few words; any other value in words."""
    if not isinstance(value, dict):
        return plain(value)
    if "title" in value:
        due = value.get("due_at")
        return f"{value['title']} ({'due ' + when(due) if due else 'no deadline'})"
    if "partner" in value:
        kind = value.get("kind") or value.get("purpose")
        state = value.get("status") or ("shared" if value.get("shared") else "not shared")
        return (f"{partner_name(str(value['partner']))}, {plain(kind).replace('_', ' ')}: "
                f"{plain(state).replace('_', ' ')}")
    return "; ".join(f"{label}: {text}" for label, text in field_rows(value)) or "none"


def change_line(kind: str, path: tuple[str, ...], before: Any, after: Any) -> str:
    """One change between two moments of a case in words, e.g. "Referral r1 › status
    changed from queued to delivered", "Open task added: Contact the victim (due …)"."""
    section, rest = SECTIONS.get(path[0], labelled(path[:1])), path[1:]
    # An item of a collection is named by its id ("Open task t3"); a field by its path.
    joint = " " if path[0] in KEYED else " › "
    label = section + (joint + labelled(rest).lower() if rest else "")
    if kind == "added":
        return f"{label} added: {item_summary(after)}"
    if kind == "removed":
        return f"{label} removed (was {item_summary(before)})"
    return f"{label} changed from {item_summary(before)} to {item_summary(after)}"

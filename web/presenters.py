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
from web.field_wording import MACHINE_FIELDS, field_label, field_value, role_name
from web.field_wording import when_exact as when_exact


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
    reason = why(data) if str(data.get("reason") or "").strip() else ""
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
    return f"{actor.get('staff_id', '?')} ({role_name(actor.get('role', ''))})"


SNAKE_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def why(data: dict[str, Any]) -> str:
    """The reason an event records, with any code in it in words: most reasons are the
    domain's own sentences, which name partners and purposes by their codes ("Decided to
    share with childrens_services for child_safeguarding."). A partner's code reads as its
    name. The JSON answers and evidence bundles keep every reason exactly as recorded."""
    reason = str(data.get("reason") or "").strip()
    if not reason:
        return "Not recorded"
    return SNAKE_CODE.sub(lambda code: partner_name(code.group(0)), reason)


def labelled(path: tuple[str, ...]) -> str:
    """A field's path in words: ("report", "victim", "name") → "Report › victim › name";
    only the first letter is made a capital (an id keeps its spelling)."""
    text = " › ".join(field_label(str(part)) for part in path)
    return text[:1].upper() + text[1:]


def plain(value: Any, key: str = "") -> str:
    """A recorded value in words: yes/no, "none", lists joined, times in London time, codes
    in words as the field `key` reads them (web/field_wording.py); free text as written."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple) and all(not isinstance(v, dict | list | tuple)
                                              for v in value):
        return ", ".join(plain(v, key) for v in value) or "none"
    if isinstance(value, str):
        return field_value(key, value)
    return str(value)


def field_rows(data: Any, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Every field of an event's data (or of a view) as (label, value) rows, nested fields
    flattened into their path ("Report › victim › name"), in the order recorded; the fields
    for machines (digests, fingerprints: web/field_wording.py) left out."""
    if isinstance(data, dict) and data:
        return [row for key, value in data.items() if key not in MACHINE_FIELDS
                for row in field_rows(value, (*path, str(key)))]
    if isinstance(data, list | tuple) and any(isinstance(v, dict | list | tuple) for v in data):
        return [row for index, value in enumerate(data, 1)
                for row in field_rows(value, (*path, str(index)))]
    return [(labelled(path), plain(data if data != {} else None, path[-1] if path else ""))]


SECTIONS = {"facts": "Facts", "open_tasks": "Open task", "risk": "Risk",
            "referrals": "Referral", "sharing_decisions": "Sharing decision",
            "consent": "Consent", "access": "Who could see it"}


KEYED = frozenset({"open_tasks", "referrals", "sharing_decisions"})


def section_rows(section: str, view: Any) -> list[tuple[str, str]]:
    """The rows of one section of a case's view; a task or a referral named by its id
    ("Task t1 › title"), a sharing decision by its place ("Decision 2 › partner"): its id
    is a UUID, a reference rather than a name, shown in its own row."""
    if section not in KEYED or not isinstance(view, dict):
        return field_rows(view)
    name = {"open_tasks": "Task {key}", "referrals": "Referral {key}",
            "sharing_decisions": "Decision {n}"}[section]
    named_by = {"task_id", "referral_id"}  # already in the name: no row of its own
    return [row for n, (key, item) in enumerate(view.items(), 1)
            for row in field_rows({k: v for k, v in item.items() if k not in named_by}
                                  if isinstance(item, dict) else item,
                                  (name.format(key=key, n=n),))]


def item_summary(value: Any) -> str:
    """A task, referral or decision in a few words; any other value in words."""
    if not isinstance(value, dict):
        return plain(value)
    if "title" in value:
        due = value.get("due_at")
        return f"{value['title']} ({'due ' + when(due) if due else 'no deadline'})"
    if "partner" in value:
        kind = plain(value.get("kind"), "kind") if value.get("kind") else plain(
            value.get("purpose"), "purpose")
        state = plain(value.get("status")) if value.get("status") else (
            "shared" if value.get("shared") else "not shared")
        return f"{partner_name(str(value['partner']))}, {kind}: {state}"
    return "; ".join(f"{label}: {text}" for label, text in field_rows(value)) or "none"


def change_line(kind: str, path: tuple[str, ...], before: Any, after: Any) -> str:
    """One change between two moments of a case in words, e.g. "Referral r1 › status
    changed from queued to delivered", "Open task added: Contact the victim (due …)"."""
    section, rest = SECTIONS.get(path[0], labelled(path[:1])), path[1:]
    if path[0] == "sharing_decisions" and rest:
        rest = rest[1:]  # a decision's id is a UUID: named by what it decided instead
    # An item of a collection is named by its id ("Open task t3"); a field by its path.
    joint = " " if path[0] in KEYED and path[0] != "sharing_decisions" else " › "
    label = section + (joint + labelled(rest).lower() if rest else "")
    key = path[-1] if path else ""
    if kind == "added":
        return f"{label} added: {_summary(after, key)}"
    if kind == "removed":
        return f"{label} removed (was {_summary(before, key)})"
    return f"{label} changed from {_summary(before, key)} to {_summary(after, key)}"


def _summary(value: Any, key: str) -> str:
    return item_summary(value) if isinstance(value, dict) else plain(value, key)


def moment_changes(event_type: str, data: dict[str, Any], lines: list[str]) -> list[str]:
    """What changed at a moment in words: `lines` (the changes of the case's view), or for a
    correction, which changes no part of the view (the wrong entry stays as it was stored,
    aggregates/corrections.py), the correction itself."""
    if event_type != "EntryCorrected":
        return lines
    step = data.get("corrects_version", "?")
    return [f"The entry at step {step} was corrected (it stays as it was recorded). "
            f"What was wrong: {plain(data.get('what_was_wrong'), 'what_was_wrong')}. "
            f"The correction: {plain(data.get('correction'), 'correction')}.", *lines]


def event_name(event_type: str) -> str:
    """An event's type in words: "SharingDecided" → "Sharing decided"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", event_type).capitalize()

"""Every case event in plain language: one wording function per event type, in one table
(`WORDING`), for the history page, the case's timeline and the case as it stood at a moment.

A wording takes the event's data as the reader's role may read it (already redacted by
`aggregates/data_categories.py`) and says what happened in a sentence; who, when and why are
said by the page from the fields every event has. A wording quotes no free text (a note, a
summary, a description: `web.presenters.timeline_line` adds an event's note where the role may
read it), and says "(withheld)" for a value the role may not read. A new event type needs its
wording here: tests/unit/test_event_wording.py fails until it has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from web.home_safety_wording import HOME_SAFETY_WORDING
from web.housing_wording import HOUSING_WORDING
from web.transfer_wording import TRANSFER_WORDING
from web.wording_basics import partner_name, referral_phrase, rule_phrase, words, yes_no

Wording = Callable[[Mapping[str, Any]], str]

REFERRAL_KINDS = {"marac": "MARAC", "repeat_marac": "Repeat MARAC",
                  "children": "Children's safeguarding", "adult_safeguarding":
                  "Adult safeguarding", "support_services": "Support services",
                  "emergency_repair": "Emergency repair", "safer": "KCC SAFER"}


def opened(data: Mapping[str, Any]) -> str:
    report = data.get("report") or {}
    channel = words(report.get("channel")) if isinstance(report, Mapping) else "(withheld)"
    return (f"Case opened for {words(data.get('council')).title()} council under policy "
            f"{data.get('policy_version', '?')}, on a report made by {channel}.")


def triage_decided(data: Mapping[str, Any]) -> str:
    rules = data.get("rules")
    named = ", ".join(f"{words(r.get('rule'))} ({r.get('section')})" for r in rules
                      if isinstance(r, Mapping)) if isinstance(rules, list) else ""
    return (f"Triage decided: immediate risk {yes_no(data.get('immediate_risk'))}, reported "
            f"by a third party {yes_no(data.get('third_party'))}"
            + (f"; rules applied: {named}." if named else "."))


def task_opened(data: Mapping[str, Any]) -> str:
    task = data.get("task") or {}
    due = task.get("due_at")
    return (f"Task opened: {task.get('title', '?')} ({task.get('task_id', '?')}), for "
            f"{words(task.get('assignee'))}" + (f", due {due}" if due else ", no deadline")
            + rule_phrase(task) + ".")


def task_completed(data: Mapping[str, Any]) -> str:
    late = " after its deadline" if data.get("late") is True else ""
    return (f"Task {data.get('task_id', '?')} completed{late}: "
            f"{words(data.get('outcome'))}.")


def deadline_escalated(data: Mapping[str, Any]) -> str:
    return (f"Deadline of task {data.get('task_id', '?')} missed: escalated to "
            f"{words(data.get('escalated_to'))}{rule_phrase(data)}.")


def assigned(data: Mapping[str, Any]) -> str:
    officer = data.get("officer_id")
    return (f"Case assigned to the {words(data.get('team'))}"
            + (f", officer {officer}." if officer else ", no named officer."))


def restricted(data: Mapping[str, Any]) -> str:
    named = data.get("named_staff")
    staff = ", ".join(named) if isinstance(named, list) else words(named)
    return f"Case restricted: only {staff} may see it."


def restriction_lifted(data: Mapping[str, Any]) -> str:
    return "Restriction lifted: the case's team and officer may see it again."


def conflict_declared(data: Mapping[str, Any]) -> str:
    return f"Conflict of interest declared: {data.get('staff_id', '?')} may no longer see it."


def break_glass_used(data: Mapping[str, Any]) -> str:
    notify = data.get("notify")
    told = ", ".join(notify) if isinstance(notify, list) and notify else "nobody"
    return (f"Break-glass: {data.get('staff_id', '?')} opened the case until "
            f"{data.get('until', '?')}; told: {told}.")


def access_change_notified(data: Mapping[str, Any]) -> str:
    notify = data.get("notify")
    told = ", ".join(notify) if isinstance(notify, list) and notify else "nobody"
    return f"Staff told of a change to who may see the case ({words(data.get('change'))}): " \
           f"{told}."


def referral_opened(data: Mapping[str, Any]) -> str:
    kind = str(data.get("kind", ""))
    return (f"Referral made ({REFERRAL_KINDS.get(kind, words(kind))}, "
            f"{data.get('referral_id', '?')}) to "
            f"{partner_name(str(data.get('partner', '')))} on {data.get('opened_on', '?')}"
            f"{rule_phrase(data)}.")


def referral_delivered(data: Mapping[str, Any]) -> str:
    return (f"{referral_phrase(data).capitalize()} delivered to the partner (delivery "
            f"{data.get('delivery_id', '?')}).")


def referral_acknowledged(data: Mapping[str, Any]) -> str:
    return (f"The partner acknowledged {referral_phrase(data)} with a signed message "
            f"({data.get('ack_message_id', '?')}).")


def referral_delivery_failed(data: Mapping[str, Any]) -> str:
    return f"{referral_phrase(data).capitalize()} could not be delivered: " \
           f"{words(data.get('failure'))}."


def dash_saved(data: Mapping[str, Any]) -> str:
    return f"DASH checklist {data.get('assessment_id', '?')} saved part-way."


def dash_completed(data: Mapping[str, Any]) -> str:
    judged = (" by professional judgement" if data.get("professional_judgement") is True
              else "")
    return (f"DASH checklist {data.get('assessment_id', '?')} completed: risk "
            f"{words(data.get('level'))}{judged}, {data.get('yes_count', '?')} yes answers.")


def marac_heard(data: Mapping[str, Any]) -> str:
    return f"MARAC heard {referral_phrase(data)} on {data.get('heard_on', '?')}."


def marac_action_agreed(data: Mapping[str, Any]) -> str:
    return (f"MARAC action for housing agreed ({data.get('task_id', '?')}), owned by "
            f"{data.get('owner_id', '?')}, due {data.get('due_on', '?')}.")


def incident_reported(data: Mapping[str, Any]) -> str:
    return f"New incident reported, that happened on {data.get('occurred_on', '?')}."


def child_added(data: Mapping[str, Any]) -> str:
    return f"A child aged {data.get('age', '?')} joined the household."


def support_consent_recorded(data: Mapping[str, Any]) -> str:
    given = data.get("given")
    return ("The victim agreed to a support referral." if given is True
            else "The victim declined a support referral.")


def contact_recorded(data: Mapping[str, Any]) -> str:
    return (f"Contact with the {words(data.get('party'))} by {words(data.get('channel'))} "
            f"about {words(data.get('purpose'))}.")


def sharing_decided(data: Mapping[str, Any]) -> str:
    categories = data.get("categories")
    what = ", ".join(words(c) for c in categories) if isinstance(categories, list) else ""
    verb = "Decided to share" if data.get("shared") is True else "Decided not to share"
    basis = data.get("lawful_basis")
    return (f"{verb} {what or 'information'} with "
            f"{partner_name(str(data.get('partner', '')))} for "
            f"{words(data.get('purpose'))}" + (f", lawful basis {words(basis)}" if basis
                                               else "") + ".")


def consent_changed(data: Mapping[str, Any]) -> str:
    given = "given" if data.get("given") is True else "withdrawn or refused"
    return f"Consent for {words(data.get('purpose'))} {given}."


def case_note_recorded(data: Mapping[str, Any]) -> str:
    return "Case note recorded."


def entry_corrected(data: Mapping[str, Any]) -> str:
    return f"Corrected the entry at step {data.get('corrects_version', '?')} by this one."



WORDING: Mapping[str, Wording] = {
    "Opened": opened,
    "TriageDecided": triage_decided,
    "TaskOpened": task_opened,
    "TaskCompleted": task_completed,
    "DeadlineEscalated": deadline_escalated,
    "Assigned": assigned,
    "Restricted": restricted,
    "RestrictionLifted": restriction_lifted,
    "ConflictDeclared": conflict_declared,
    "BreakGlassUsed": break_glass_used,
    "AccessChangeNotified": access_change_notified,
    "ReferralOpened": referral_opened,
    "ReferralDelivered": referral_delivered,
    "ReferralAcknowledged": referral_acknowledged,
    "ReferralDeliveryFailed": referral_delivery_failed,
    "DashSaved": dash_saved,
    "DashCompleted": dash_completed,
    "MaracHeard": marac_heard,
    "MaracActionAgreed": marac_action_agreed,
    "IncidentReported": incident_reported,
    "ChildAdded": child_added,
    "SupportConsentRecorded": support_consent_recorded,
    "ContactRecorded": contact_recorded,
    "SharingDecided": sharing_decided,
    "ConsentChanged": consent_changed,
    "CaseNoteRecorded": case_note_recorded,
    "EntryCorrected": entry_corrected,
    **HOME_SAFETY_WORDING,
    **TRANSFER_WORDING,
    **HOUSING_WORDING,
}


def what_happened(event_type: str, data: Mapping[str, Any]) -> str:
    """The event in a sentence (an event type without a wording: its name in words, so a page
    never fails on one; the wording test fails instead)."""
    wording = WORDING.get(event_type)
    if wording is None:
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", event_type).capitalize() + "."
    return wording(data)

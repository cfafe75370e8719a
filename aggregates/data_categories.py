"""What each role may read of a case: the data categories (need to know, the "what" axis).

One table, `READABLE` (role → categories), and one function, `redact` (aggregates/redaction.py,
with the categories and the spec types), that withholds from a case view or an event's data
every value whose category the role may not read. The safety-at-home slices' specs are in
aggregates/data_categories_home.py. Every read
path (JSON and pages) goes through `redact_event` or `redact_view`.

Each field of each event and view is given its category here. Free text (summaries, DASH
comments, contact notes, MARAC action descriptions, a partner's message) is its own category,
`NARRATIVE`, because it can carry anything. Rationales (why a decision was taken) are another,
`RATIONALE`: auditors need them. A field not listed is treated as `NARRATIVE` (fail closed):
an auditor never sees a new field until someone decides its category here. A field whose values
are a closed set (`OneOf`) has its category only for values in the set: a value stored before
the set was closed (free text then) is `NARRATIVE`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aggregates.contact import CONTACT_PURPOSES, PARTIES, ContactChannel
from aggregates.data_categories_home import (
    HOME_SAFETY_EVENTS,
    REPAIR_JOB,
    SAFER_MEASURES,
    SANCTUARY_MEASURE,
    SANCTUARY_REFERRAL,
)
from aggregates.data_categories_housing import HOUSING_EVENTS, HOUSING_VIEW
from aggregates.data_categories_transfer import TRANSFER_EVENTS, TRANSFER_VIEW
from aggregates.policies import POLICIES
from aggregates.redaction import (  # noqa: F401 (the names readers import from here)
    ALL_CATEGORIES,
    WITHHELD,
    C,
    Category,
    Each,
    Items,
    OneOf,
    Spec,
    Values,
    redact,
)
from aggregates.redaction import (
    ref as _ref,
)
from aggregates.report import Role

# Role → the categories it may read. Auditors check what was done and why (D 8.26: records may
# be evidence): they read the rules, risk, rationales and who the victim is, never where the
# victim lives or how to reach them, the children's or the perpetrator's names, the reporter,
# nor free text (which can hold any of those), staff's case notes included, nor the
# victim's protected characteristics.
# Where a victim moves on a reciprocal transfer (D 8.22) is read by role only by auditors; the
# staff named on the transfer read it on that case (`NAMED_ON_TRANSFER`, given by the read
# path that knows the case: aggregates/data_categories_transfer.py `transfer_readers`).
NAMED_ON_TRANSFER = frozenset({C.TRANSFER_DESTINATION})
CASE_STAFF_READ = ALL_CATEGORIES - NAMED_ON_TRANSFER
READABLE: Mapping[Role, frozenset[Category]] = {
    Role.CASEWORKER: CASE_STAFF_READ,
    Role.DSO: CASE_STAFF_READ,
    Role.LINE_MANAGER: CASE_STAFF_READ,
    Role.AUDITOR: frozenset({C.CASE_REFERENCE, C.CASE_FACTS, C.VICTIM_IDENTITY,
                             C.ADULTS_CARE_NEEDS, C.RISK_ASSESSMENT, C.SUPPORT_NEEDS,
                             C.RATIONALE, C.TRANSFER_DESTINATION}),
    Role.ADMINISTRATOR: frozenset(),
    Role.SYSTEM: frozenset(),
}


REPORT: Mapping[str, Spec] = {
    "council": C.CASE_REFERENCE, "channel": C.CASE_FACTS, "reported_at": C.CASE_REFERENCE,
    "reporter": {"kind": C.CASE_FACTS, "name": C.REPORTER_DETAILS,
                 "organisation": C.REPORTER_DETAILS, "contact": C.REPORTER_DETAILS},
    "victim": {"name": C.VICTIM_IDENTITY, "address": C.VICTIM_ADDRESS,
               "phone": C.VICTIM_CONTACT, "email": C.VICTIM_CONTACT},
    "immediate_risk": C.RISK_ASSESSMENT,
    "household": {"adults": Each({"name": C.VICTIM_IDENTITY,
                                  "care_and_support_needs": C.ADULTS_CARE_NEEDS}),
                  "children": Each({"age": C.CASE_FACTS, "name": C.CHILDREN})},
    "tenure": C.CASE_FACTS, "perpetrator_lives_at_address": C.CASE_FACTS,
    "summary": C.NARRATIVE,
    "reasonable_adjustments": C.SUPPORT_NEEDS, "additional_needs": C.SUPPORT_NEEDS,
    "perpetrator": {"name": C.PERPETRATOR_DETAILS, "relationship": C.PERPETRATOR_DETAILS},
    "late_entry_reason": C.NARRATIVE,
}
TASK: Mapping[str, Spec] = {
    **dict.fromkeys(("task_id", "kind", "title", "assignee", "due_at", "rule", "section",
                     "opened_at", "escalated"), C.CASE_REFERENCE),
    "requirements": Each(C.SUPPORT_NEEDS),
}
DASH_ANSWERS = Values(Items((C.RISK_ASSESSMENT, C.NARRATIVE)))
DASH_DRAFT: Mapping[str, Spec] = {
    "assessment_id": C.CASE_REFERENCE, "checklist_version": C.CASE_REFERENCE,
    "answers": DASH_ANSWERS, "police_callouts_12_months": C.RISK_ASSESSMENT,
    "victim_present": C.RISK_ASSESSMENT,
}
ASSESSMENT: Mapping[str, Spec] = {
    **dict.fromkeys(("assessment_id", "supersedes", "completed_at", "completed_by"),
                    C.CASE_REFERENCE),
    **dict.fromkeys(("level", "yes_count", "reasons", "victim_present"), C.RISK_ASSESSMENT),
}
REFERRAL: Mapping[str, Spec] = dict.fromkeys(
    ("referral_id", "kind", "partner", "rule", "section", "status", "opened_on", "opened_at",
     "delivery_id", "digest", "acknowledged_at", "failure", "heard_on"), C.CASE_REFERENCE)
SHARING_DECISION: Mapping[str, Spec] = {
    **dict.fromkeys(("decision_id", "partner", "purpose", "categories", "shared",
                     "lawful_basis", "under_isa", "decided_by", "decided_at"),
                    C.CASE_REFERENCE),
    "justification": C.RATIONALE, "reasons": C.RATIONALE,
}
# The teams a council's policy routes cases to; any other team name given on assignment is
# free text to a reader.
ROUTED_TEAMS = frozenset(team for policy in POLICIES.values()
                         for team in policy.routed_teams)

# The case as it stood at a moment (application/case_history.py `case_view`).
CASE_AS_AT: Mapping[str, Spec] = {
    "facts": {**_ref("council", "policy_version", "opened_at", "triaged",
                          "completed_tasks", "escalated_tasks"),
              "report": REPORT, "added_children": Each({"age": C.CASE_FACTS})},
    "open_tasks": Values(TASK),
    "risk": {**_ref("dash_in_progress", "marac_last_heard"),
             "risk_level": C.RISK_ASSESSMENT, "assessments": Each(ASSESSMENT)},
    "referrals": Values(REFERRAL),
    "sharing_decisions": Values(SHARING_DECISION),
    "consent": {"support": C.CASE_REFERENCE, "by_purpose": Values(C.CASE_REFERENCE)},
    "access": {**_ref("officer_id", "restricted_to", "conflicted", "break_glass_until"),
               "team": OneOf(ROUTED_TEAMS, C.CASE_REFERENCE)},
}

VIEWS: Mapping[str, Spec] = {
    "report": REPORT,
    "case_summary": dict.fromkeys(("case_id", "council", "policy_version", "opened_at",
                                   "triaged", "open_tasks", "escalations"), C.CASE_REFERENCE),
    "task": TASK,
    "dash": {"checklist_version": C.CASE_REFERENCE, "questions": C.CASE_REFERENCE,
             "draft": DASH_DRAFT, "assessments": Each(ASSESSMENT),
             "risk_level": C.RISK_ASSESSMENT},
    "referral": REFERRAL,
    "sharing_decision": SHARING_DECISION,
    "case_as_at": CASE_AS_AT,
    "sanctuary": {"referral": SANCTUARY_REFERRAL, "measures": Each(SANCTUARY_MEASURE),
                  "offered": C.CASE_REFERENCE, "rule": C.CASE_REFERENCE,
                  "section": C.CASE_REFERENCE},
    "repair_job": REPAIR_JOB,
    "housing": HOUSING_VIEW,
    "safer_works": {**dict.fromkeys(("referral_id", "completed_on", "message_id"),
                                    C.CASE_REFERENCE), "measures": SAFER_MEASURES},
    "transfer": TRANSFER_VIEW,
}

CONTACT_CHANNEL = OneOf(frozenset(ContactChannel), C.CASE_FACTS)

# Fields every case event has: who, which command, why, and when (the command's time).
COMMON: Mapping[str, Spec] = {"actor": C.CASE_REFERENCE, "command_id": C.CASE_REFERENCE,
                              "reason": C.RATIONALE, "at": C.CASE_REFERENCE}


EVENTS: Mapping[str, Mapping[str, Spec]] = {
    "Opened": {**_ref("council", "policy_version", "request_fingerprint"), "report": REPORT},
    "TriageDecided": {"immediate_risk": C.RISK_ASSESSMENT, "third_party": C.CASE_FACTS,
                      "rules": C.CASE_REFERENCE},
    "TaskOpened": {"task": TASK},
    "TaskCompleted": {**_ref("task_id", "outcome", "late"), "note": C.NARRATIVE},
    "DeadlineEscalated": _ref("task_id", "escalated_to", "rule", "section"),
    "Assigned": {**_ref("officer_id"), "team": OneOf(ROUTED_TEAMS, C.CASE_REFERENCE)},
    "Restricted": _ref("named_staff"),
    "RestrictionLifted": {},
    "ConflictDeclared": _ref("staff_id"),
    "BreakGlassUsed": _ref("staff_id", "until", "notify"),
    "AccessChangeNotified": _ref("change", "notify"),
    "ReferralOpened": _ref("referral_id", "kind", "partner", "rule", "section", "opened_on"),
    "ReferralDelivered": _ref("referral_id", "delivery_id", "digest", "via"),
    # The partner's own words are free text; the digest and signature are the evidence.
    "ReferralAcknowledged": {**_ref("referral_id", "ack_message_id", "digest", "signature"),
                             "signed_body": C.NARRATIVE},
    "ReferralDeliveryFailed": _ref("referral_id", "failure"),
    "DashSaved": {**DASH_DRAFT},
    "DashCompleted": {**DASH_DRAFT, **_ref("supersedes"),
                      **dict.fromkeys(("yes_count", "professional_judgement", "level",
                                       "reasons"), C.RISK_ASSESSMENT),
                      "judgement_reason": C.RATIONALE},
    "MaracHeard": _ref("referral_id", "heard_on"),
    "MaracActionAgreed": {**_ref("referral_id", "task_id", "owner_id", "due_on"),
                          "description": C.NARRATIVE},
    "IncidentReported": {**_ref("incident_id", "occurred_on"), "summary": C.NARRATIVE},
    "ChildAdded": {"age": C.CASE_FACTS, "name": C.CHILDREN},
    "SupportConsentRecorded": {"given": C.CASE_REFERENCE, "needs": C.SUPPORT_NEEDS},
    "ContactRecorded": {"party": OneOf(frozenset(PARTIES), C.CASE_REFERENCE),
                        "purpose": OneOf(frozenset(CONTACT_PURPOSES), C.CASE_REFERENCE),
                        "channel": CONTACT_CHANNEL, "note": C.NARRATIVE},
    "SharingDecided": {**{k: v for k, v in SHARING_DECISION.items()
                          if k not in ("decided_by", "decided_at")}},
    "ConsentChanged": _ref("purpose", "given"),
    "CaseNoteRecorded": {"note": C.CASE_NOTE},
    **HOME_SAFETY_EVENTS,
    **TRANSFER_EVENTS,
    **HOUSING_EVENTS,
    # A correction's words may repeat anything the wrong entry held: free text.
    "EntryCorrected": {**_ref("corrects_version"), "what_was_wrong": C.NARRATIVE,
                       "correction": C.NARRATIVE},
}


def readable_by(role: Role, *, named: bool = False) -> frozenset[Category]:
    """The categories `role` may read (none for a role the table does not know); `named`:
    the reader is named on the case's transfer (case staff then read its destination)."""
    readable = READABLE.get(role, frozenset())
    if named and role in (Role.CASEWORKER, Role.DSO, Role.LINE_MANAGER):
        return readable | NAMED_ON_TRANSFER
    return readable


def redact_event(event_type: str, data: Mapping[str, Any], role: Role, *,
                 named: bool = False) -> dict[str, Any]:
    """An event's data as `role` may read it (an unknown event type: its common fields only)."""
    spec = {**COMMON, **EVENTS.get(event_type, {})}
    return dict(redact(data, spec, readable_by(role, named=named)))


def redact_view(view: str, data: Any, role: Role, *, named: bool = False) -> Any:
    """A view of the case (a key of `VIEWS`) as `role` may read it."""
    return redact(data, VIEWS[view], readable_by(role, named=named))


# What the recipient of an evidence bundle reads (D 8.24-8.28: records given as evidence;
# D 12.5: only what a recorded decision to share covers): the categories the decision names,
# plus what the record is made of and needs to be read as evidence at all (ids, rules,
# dates and staff ids; facts that identify nobody: channel, tenure, ages; and the rationale
# of every decision, which evidence must carry). Free text, case notes, the reporter and
# protected characteristics are never in a decision's vocabulary, so never exported; and
# nobody exports what their own role may not read.
EVIDENCE_RECORD = frozenset({C.CASE_REFERENCE, C.CASE_FACTS, C.RATIONALE})


def readable_under_decision(categories: Iterable[str], role: Role) -> frozenset[Category]:
    """The categories an evidence bundle exported by `role` under a decision covering
    `categories` (DataCategory values) shows."""
    covered = {Category(c) for c in categories if c in {k.value for k in Category}}
    return frozenset((covered | EVIDENCE_RECORD) & readable_by(role))


def redact_event_for(event_type: str, data: Mapping[str, Any],
                     readable: frozenset[Category]) -> dict[str, Any]:
    """An event's data with only `readable` categories shown (see `redact_event`)."""
    return dict(redact(data, {**COMMON, **EVENTS.get(event_type, {})}, readable))

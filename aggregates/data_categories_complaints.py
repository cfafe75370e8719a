"""Data categories of a complaint (aggregates/complaints.py) and of victim feedback
(aggregates/feedback.py), applied by every read of the register (web/routes_complaints.py,
web/routes_feedback.py) with `aggregates.redaction.redact`.

Closed sets (channel, subject, area, outcome) are the facts the monitoring return counts, so
auditors read them; the complainant is someone who told us (as a reporter: auditors do not
read it); the summary is free text, which can carry anything; the adjustments are support
needs (D 10.3); why a stage was answered as it was is a rationale, which auditors need.
A victim's feedback in their own words is free text; the rating is a fact the return counts.
"""

from __future__ import annotations

from collections.abc import Mapping

from aggregates.complaints import ComplaintChannel, ComplaintSubject, Outcome, ServiceArea
from aggregates.feedback import FeedbackChannel, Satisfaction
from aggregates.redaction import C, Each, OneOf, Spec

COMPLAINT: Mapping[str, Spec] = {
    **dict.fromkeys(("complaint_id", "council", "received_at", "recorded_at", "recorded_by",
                     "case_id", "stage", "status", "ombudsman", "withdrawn_at"),
                    C.CASE_REFERENCE),
    "channel": OneOf(frozenset(ComplaintChannel), C.CASE_FACTS),
    "subject": OneOf(frozenset(ComplaintSubject), C.CASE_FACTS),
    "area": OneOf(frozenset(ServiceArea), C.CASE_FACTS),
    "complainant": C.REPORTER_DETAILS,
    "summary": C.NARRATIVE,
    "adjustments": Each(C.SUPPORT_NEEDS),
    "responses": Each({"stage": C.CASE_REFERENCE, "by": C.CASE_REFERENCE,
                       "at": C.CASE_REFERENCE,
                       "outcome": OneOf(frozenset(Outcome), C.CASE_FACTS),
                       "reason": C.RATIONALE}),
}
FEEDBACK: Mapping[str, Spec] = {
    **dict.fromkeys(("feedback_id", "council", "given_at", "case_id", "may_quote",
                     "recorded_by", "recorded_at"), C.CASE_REFERENCE),
    "channel": OneOf(frozenset(FeedbackChannel), C.CASE_FACTS),
    "satisfaction": OneOf(frozenset(Satisfaction), C.CASE_FACTS),
    "comments": C.NARRATIVE,
}

"""How a case workflow's refusals reach the caller of an update: the error types the web edge
maps to HTTP statuses, and the translation of an activity's failure into one of them.

Kept apart from the workflow so the rule "a final refusal passes unchanged; our own timing or
an unavailable store is something to retry" is read in one place (web/errors.py and
web/routes_partners.py map the types to 409/422/404/503).
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.exceptions import ActivityError, ApplicationError, RetryState

# Error types the web edge maps to HTTP statuses: a domain refusal's, typed in one place
# (temporal_contracts/refusals.py), and the orchestration's own.
from temporal_contracts.refusals import CONFLICT as CONFLICT
from temporal_contracts.refusals import FORBIDDEN as FORBIDDEN
from temporal_contracts.refusals import RULE_VIOLATION as RULE_VIOLATION
from temporal_contracts.refusals import TASK_NOT_FOUND as TASK_NOT_FOUND

UNAVAILABLE = "Unavailable"
# Not taken for a reason of our timing (the sender should retry): the web edge answers 503.
RETRY_LATER = "RetryLater"
# How long an acknowledgement waits for its delivery to be recorded, then for the store; the
# partner's HTTP request is open meanwhile, so well under a sender's usual timeout.
ACK_PATIENCE = timedelta(seconds=5)


def refusal(err: ActivityError) -> Exception:
    """The store's final answer (a refusal or an unusable input, non-retryable) passed on to
    the update's caller unchanged; retries run out (the store is down) as `Unavailable`,
    without the store's message, which may quote what it was writing."""
    cause = err.cause
    final = err.retry_state is RetryState.NON_RETRYABLE_FAILURE
    if isinstance(cause, ApplicationError) and (cause.non_retryable or final):
        return ApplicationError(cause.message, *cause.details, type=cause.type)
    return ApplicationError("the case store is unavailable; nothing was changed, try again",
                            "store_available", "", type=UNAVAILABLE)


def acknowledgement_refusal(err: ActivityError) -> Exception:
    """A final refusal by the case (not what we delivered, no such referral) as it is; our
    timing (a Conflict such as `delivery_recorded_first`) or the store unavailable as
    `RetryLater`, so the web edge answers 503 and the partner retries."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.non_retryable and cause.type != CONFLICT:
        return refusal(err)
    rule = (str(cause.details[0]) if isinstance(cause, ApplicationError) and cause.details
            else "store_available")
    return ApplicationError(f"{rule}: not taken; retry shortly", rule, "message_id",
                            type=RETRY_LATER)

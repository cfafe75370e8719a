"""How a domain refusal crosses Temporal: the error type each domain error travels as, set in
one place for the activities (a refusal by the case in the store) and the workflows' update
validators (the same rule, refused before history). The web edge maps each type to its HTTP
status once (web/dispatch.py `refusal_of`), and the types are the retry policies' too.
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from aggregates.access import Forbidden
from aggregates.errors import CaseError, CaseNotFound, ConflictError, RuleViolation
from aggregates.tasks import TaskNotFound

# Error types a refusal travels as (ApplicationError.type).
CONFLICT = "Conflict"  # 409: stale or a duplicate (a task completed once, ...)
RULE_VIOLATION = "RuleViolation"  # 422: a rule of the domain or the policy refuses it
FORBIDDEN = "Forbidden"  # 403: e.g. break-glass access changing who may see a case
TASK_NOT_FOUND = "TaskNotFound"  # 404: the case has no such task
NOT_FOUND = "CaseNotFound"  # no such case


def refusal_type(error: CaseError) -> str:
    """The type `error` travels as; the most specific class decides."""
    if isinstance(error, TaskNotFound):
        return TASK_NOT_FOUND
    if isinstance(error, ConflictError):
        return CONFLICT
    if isinstance(error, Forbidden):
        return FORBIDDEN
    if isinstance(error, CaseNotFound):
        return NOT_FOUND
    return RULE_VIOLATION


def as_application_error(error: CaseError, *, non_retryable: bool = True) -> ApplicationError:
    """`error` as Temporal carries it: its message, then details (rule, field, section), never
    the value refused (it may be personal data). Final unless said otherwise: no retry changes
    a refusal."""
    if isinstance(error, RuleViolation):
        return ApplicationError(str(error), error.rule, error.field or "", error.section or "",
                                type=refusal_type(error), non_retryable=non_retryable)
    return ApplicationError(str(error), type=refusal_type(error), non_retryable=non_retryable)

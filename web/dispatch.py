"""One dispatch for the API and the pages: a command on a case goes to the case's workflow
once per caller's key (web/resubmission.py), and whatever refuses it is mapped to HTTP here,
once (`refusal_of`). JSON routes answer a refusal with `{"errors": [...]}` (web/errors.py);
pages show the same refusal on their form in plain words (web/form_messages.py)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from eventsourcing.persistence import PersistenceError
from fastapi import Request
from temporalio.service import RPCError

from activities.case_store import DuplicateRequest
from aggregates.access import Forbidden
from aggregates.commands import Command
from aggregates.errors import CaseNotFound, ConflictError, RuleViolation
from aggregates.tasks import TaskNotFound
from temporal_contracts.payloads import CaseCommandInput, CaseTasks, CompleteTaskInput
from temporal_contracts.refusals import CONFLICT, FORBIDDEN, RULE_VIOLATION, TASK_NOT_FOUND
from web.auth import Principal
from web.resubmission import send_once
from workflows.client import CommandRefused, WorkflowNotRunning
from workflows.refusals import UNAVAILABLE

log = logging.getLogger(__name__)

# How the workflow names the kind of a refusal (temporal_contracts/refusals.py, the domain's
# refusals; workflows/refusals.py) → HTTP status.
STATUS_FOR_REFUSAL = {CONFLICT: 409, RULE_VIOLATION: 422, FORBIDDEN: 403, TASK_NOT_FOUND: 404,
                      UNAVAILABLE: 503}  # the store stayed down: nothing was changed


@dataclass(frozen=True)
class Refusal:
    """A refused request as HTTP: `status`, and the field, rule, message and section the JSON
    error names. `first_case` is the case a `DuplicateRequest`'s key was first used on."""

    status: int
    field: str | None
    rule: str
    message: str
    section: str | None = None
    first_case: uuid.UUID | None = None
    same_request: bool = False


def refusal_of(error: Exception) -> Refusal | None:
    """The HTTP answer to an error that refuses a request, or None for any other error."""
    match error:
        case DuplicateRequest():
            return Refusal(409, error.field, error.rule, error.message,
                           first_case=error.case_id, same_request=error.same_request)
        case Forbidden():
            return Refusal(403, error.field, error.rule, error.message, error.section)
        case TaskNotFound():
            return Refusal(404, error.field, error.rule, error.message, error.section)
        case ConflictError():
            return Refusal(409, error.field, error.rule, error.message, error.section)
        case RuleViolation():
            return Refusal(422, error.field, error.rule, error.message, error.section)
        case CommandRefused():
            return Refusal(STATUS_FOR_REFUSAL.get(error.kind, 422), error.field or None,
                           error.rule, error.message, error.section or None)
        case CaseNotFound():
            return Refusal(404, "case_id", "case_exists", "case not found")
        case WorkflowNotRunning():
            return Refusal(409, None, "triage_first", "the case is still being triaged; try "
                           "again in a few seconds")
        case RPCError():
            log.warning("Temporal call failed: %s", error.status)
            return Refusal(503, None, "service_available", "the workflow service is "
                           "unavailable; nothing was changed, try again")
        case PersistenceError():
            log.warning("event store call failed: %s", type(error).__name__)
            return Refusal(503, None, "service_available",
                           "the case record is unavailable; try again")
    return None


async def dispatch(request: Request, principal: Principal, case_id: uuid.UUID,
                   command: Command, key: str | None) -> CaseTasks:
    """Send `command` to the case's workflow as `principal`, once per `key` (the API's
    `Idempotency-Key` or a page form's request id); returns the case's open tasks after it.
    The caller has checked that the principal may reach the case (web/auth.py)."""
    orchestrator = request.app.state.intake.orchestrator
    name, args = command.command_name, command.args()
    return await send_once(
        request, principal, case_id, key, {"command": name, "args": args},
        lambda command_id: orchestrator.apply_command(str(case_id), CaseCommandInput(
            command=name, args=args, staff_id=principal.staff.staff_id,
            role=principal.staff.role.value, request_id=command_id)))


async def dispatch_completion(request: Request, principal: Principal, case_id: uuid.UUID,
                              task_id: str, outcome: str, note: str,
                              key: str | None) -> CaseTasks:
    """Complete a task through the case's workflow (its update checks the task and the
    outcome), once per `key`; returns the open tasks that follow."""
    orchestrator = request.app.state.intake.orchestrator
    return await send_once(
        request, principal, case_id, key,
        {"command": "complete_task", "args": {"task_id": task_id, "outcome": outcome,
                                              "note": note}},
        lambda command_id: orchestrator.complete_task(str(case_id), CompleteTaskInput(
            task_id=task_id, outcome=outcome, note=note, staff_id=principal.staff.staff_id,
            role=principal.staff.role.value, request_id=command_id)))

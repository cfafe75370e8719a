"""Emergency repairs over HTTP (D 8.36-8.37): report damage that leaves the victim at risk, and
read the case's jobs. The job reaches the contractor through the signed gateway; the
contractor confirms it by its signed message to /partners/repairs_contractor/messages."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from aggregates.access import Permission
from aggregates.commands.repairs import ReportEmergencyRepair
from aggregates.data_categories import redact_view
from aggregates.repair_rules import RepairJobType
from web.auth import Principal, require, visible_case
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.routes_cases import intake_of
from web.schemas import TasksOut

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.READ_CASE))]


class EmergencyRepairIn(BaseModel):
    job_type: RepairJobType


REPORT_REPAIR = CommandRoute(ReportEmergencyRepair, EmergencyRepairIn)


@router.get("/cases/{case_id}/repairs")
async def repairs(case_id: UUID, request: Request, principal: Reader) -> list[dict[str, Any]]:
    """The case's emergency repair jobs: due when, and whether the contractor confirmed."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_repairs")
    return [redact_view("repair_job", j.to_dict(), principal.staff.role)
            for j in case.repairs.jobs.values()]


@router.post("/cases/{case_id}/repairs/emergency", response_model=TasksOut)
async def report_repair(
    case_id: UUID, body: EmergencyRepairIn, request: Request,
    principal: Annotated[Principal, Depends(REPORT_REPAIR.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Report an emergency repair: the contractor gets the address and the job, due 24 clock
    hours after the report (D 8.36)."""
    return await api_command(REPORT_REPAIR, request, principal, case_id, body,
                             idempotency_key)

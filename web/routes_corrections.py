"""Correcting a wrong entry of a case over HTTP (aggregates/corrections.py): the entry stays
as it was stored; a new entry points at it with what was wrong, what is right and why. The
case's history (`GET /cases/{id}/events`) marks the corrected entry with `corrected_by`."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from aggregates.commands.corrections import CorrectEntry
from web.auth import Principal
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.form_messages import WHY_HINT
from web.input_types import Int, Text
from web.schemas import TasksOut

router = APIRouter()


class CorrectionIn(BaseModel):
    corrects_version: Int = Field(ge=1, description="the version of the wrong entry")
    what_was_wrong: Text = Field(min_length=1, max_length=10_000)
    correction: Text = Field(min_length=1, max_length=10_000)
    # Read by auditors and in evidence bundles: the record of why.
    reason: Text = Field(min_length=1, max_length=2_000, description=WHY_HINT)


CORRECTION = CommandRoute(CorrectEntry, CorrectionIn)


@router.post("/cases/{case_id}/corrections", response_model=TasksOut)
async def correct_entry(
    case_id: UUID, body: CorrectionIn, request: Request,
    principal: Annotated[Principal, Depends(CORRECTION.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Correct an entry of the case's history by a new entry pointing at it (the wrong one
    stays, marked as corrected)."""
    return await api_command(CORRECTION, request, principal, case_id, body, idempotency_key)

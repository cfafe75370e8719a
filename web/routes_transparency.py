"""The transparency log for auditors: the latest signed checkpoint (a C2SP signed note, as
text), inclusion proofs of a case's events and access-log entries (RFC 9162 §2.1.3), and
consistency proofs between tree sizes (RFC 9162 §2.1.4). Hashes and indexes only: nothing of
a case's content is in any answer.

An inclusion proof does not fix the tree size (RFC 9162 §2.1.3.2): an auditor checks it
against the size and root of a checkpoint they opened with the log's verifier key, never
against numbers given beside the proof (`transparency.checkpoint.verify_included`). Proofs of
a case's events pass the need-to-know check and are written to the case's access log, like
every read of a case.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from aggregates.access import Permission
from aggregates.access_log import access_log_id
from aggregates.errors import ConflictError, RuleViolation
from application.transparency import Inclusion, LogError, TransparencyLog
from web.auth import Principal, require, visible_case
from web.contract import ERRORS_REF
from web.routes_cases import intake_of

router = APIRouter()
Auditor = Annotated[Principal, Depends(require(Permission.READ_TRANSPARENCY_LOG))]
MAX_SIZE = 2**63 - 1  # what the database's integers hold
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {
    "description": "No checkpoint (of that size) has been signed yet.",
    "content": {"application/json": {"schema": ERRORS_REF}}}}


class InclusionOut(BaseModel):
    """Leaf `leaf_index` (hash `leaf_hash`, base64) is in the tree of `tree_size` leaves:
    `proof` is the audit path, lowest first (base64 SHA-256 hashes)."""

    leaf_index: int
    leaf_hash: str
    tree_size: int
    proof: list[str]


class ConsistencyOut(BaseModel):
    """The tree of `new_size` leaves extends the tree of `old_size` (base64 hashes)."""

    old_size: int
    new_size: int
    proof: list[str]


def _log(request: Request) -> TransparencyLog:
    return TransparencyLog(intake_of(request).store.recorder)  # type: ignore[arg-type]


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _refused(error: LogError) -> Exception:
    if error.rule == "event_in_checkpoint":
        return ConflictError(error.rule, str(error), field="tree_size")
    if error.rule == "sizes_in_order":
        return RuleViolation(error.rule, str(error), field="old_size")
    return HTTPException(404, str(error))


CHECKPOINT_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **NOT_FOUND}


def _cosigned(log_: TransparencyLog, size: int | None) -> bytes | None:
    if size is None:
        latest = log_.latest_checkpoint()
        if latest is None:
            return None
        size = latest.size
    try:
        return log_.cosigned_note(size)
    except LogError:
        return None


async def _note(request: Request, size: int | None) -> PlainTextResponse:
    note = await asyncio.to_thread(_cosigned, _log(request), size)
    if note is None:
        raise HTTPException(404, "no checkpoint of that size has been signed")
    return PlainTextResponse(note.decode(), media_type="text/plain; charset=utf-8")


@router.get("/transparency/checkpoint", response_class=PlainTextResponse,
            responses=CHECKPOINT_TEXT)
async def latest_checkpoint(request: Request, _: Auditor) -> PlainTextResponse:
    """The latest signed checkpoint of the log (C2SP tlog-checkpoint signed note), with the
    cosignature lines of the witnesses that cosigned it (C2SP tlog-cosignature)."""
    return await _note(request, None)


@router.get("/transparency/checkpoints/{tree_size}", response_class=PlainTextResponse,
            responses=CHECKPOINT_TEXT)
async def checkpoint_of_size(request: Request, _: Auditor,
                             tree_size: Annotated[int, Path(ge=0, le=MAX_SIZE)]
                             ) -> PlainTextResponse:
    """The signed checkpoint of `tree_size` leaves with its witnesses' cosignatures."""
    return await _note(request, tree_size)


class WitnessOut(BaseModel):
    """A partner that witnesses the log: its id and its cosignature verifier key (C2SP
    vkey, type 0x04), to check the cosignature lines on checkpoints."""

    partner: str
    witness_key: str


@router.get("/transparency/witnesses", response_model=list[WitnessOut])
async def witnesses(request: Request, _: Auditor) -> list[WitnessOut]:
    """The witnesses of the log and their verifier keys, as the partner registry holds them."""
    registry = request.app.state.partners
    entries = [] if registry is None else registry.witnesses()
    return [WitnessOut(partner=e.partner, witness_key=e.witness.key.vkey()) for e in entries]


async def _inclusion(request: Request, principal: Principal, case_id: uuid.UUID,
                     stream: uuid.UUID, version: int, tree_size: int) -> InclusionOut:
    await visible_case(intake_of(request).store, case_id, principal, "read_log_proof")
    try:
        found: Inclusion = await asyncio.to_thread(_log(request).inclusion, stream, version,
                                                   tree_size)
    except LogError as error:
        raise _refused(error) from None
    return InclusionOut(leaf_index=found.leaf_index, leaf_hash=_b64(found.leaf_hash),
                        tree_size=found.tree_size, proof=[_b64(h) for h in found.proof])


@router.get("/cases/{case_id}/events/{version}/inclusion", response_model=InclusionOut)
async def event_inclusion(
    case_id: uuid.UUID, request: Request, principal: Auditor,
    version: Annotated[int, Path(ge=1, le=MAX_SIZE)],
    tree_size: Annotated[int, Query(ge=1, le=MAX_SIZE)],
) -> InclusionOut:
    """Proof that event `version` of the case is in the checkpoint of `tree_size` leaves."""
    return await _inclusion(request, principal, case_id, case_id, version, tree_size)


@router.get("/cases/{case_id}/access-log/{version}/inclusion", response_model=InclusionOut)
async def access_entry_inclusion(
    case_id: uuid.UUID, request: Request, principal: Auditor,
    version: Annotated[int, Path(ge=1, le=MAX_SIZE)],
    tree_size: Annotated[int, Query(ge=1, le=MAX_SIZE)],
) -> InclusionOut:
    """Proof that entry `version` of the case's access log is in the checkpoint of
    `tree_size` leaves."""
    return await _inclusion(request, principal, case_id, access_log_id(case_id), version,
                            tree_size)


@router.get("/transparency/consistency", response_model=ConsistencyOut, responses=NOT_FOUND)
async def consistency(
    request: Request, _: Auditor,
    old_size: Annotated[int, Query(ge=1, le=MAX_SIZE)],
    new_size: Annotated[int, Query(ge=1, le=MAX_SIZE)],
) -> ConsistencyOut:
    """Proof that the checkpoint of `new_size` leaves extends the tree of `old_size`."""
    try:
        proof = await asyncio.to_thread(_log(request).consistency, old_size, new_size)
    except LogError as error:
        raise _refused(error) from None
    return ConsistencyOut(old_size=old_size, new_size=new_size,
                          proof=[_b64(h) for h in proof])

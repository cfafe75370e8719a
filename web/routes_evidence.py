"""`GET /cases/{id}/evidence-bundle`: export a case (or a window of it) as an evidence bundle
for the police, a court or the Ombudsman, under a recorded decision to share
(application/evidence_bundle.py holds the rules; transparency/bundle.py the format).

Who: DSOs, line managers and auditors (`Permission.EXPORT_EVIDENCE`), with need to know of the
case; what: only what the decision covers and the exporter's role may read. `format=json`
(the bundle, for `python -m transparency verify-bundle`), `html` or `pdf` (the court's
reading), each a download. The export, or its refusal, is on the case's access log.

Errors: 404 (no case, or no need to know), 422 naming `sharing_decision_id`, `from` or `to`
and the rule, 503 when this process was not given the keys that sign a bundle.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from aggregates.access import Permission
from application.evidence_bundle import BundleKeys, BundleRequest, export_evidence_bundle
from gateways.registry import PartnerRegistry
from web.auth import Principal, require
from web.routes_cases import intake_of

router = APIRouter()
Exporter = Annotated[Principal, Depends(require(Permission.EXPORT_EVIDENCE))]


class BundleFormat(StrEnum):
    JSON = "json"
    HTML = "html"
    PDF = "pdf"


MEDIA = {BundleFormat.JSON: "application/json", BundleFormat.HTML: "text/html; charset=utf-8",
         BundleFormat.PDF: "application/pdf"}
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"content": {m: {"schema": {"type": "string"}} for m in MEDIA.values()}}}


@router.get("/cases/{case_id}/evidence-bundle", response_class=Response,
            responses=DOWNLOAD)
async def evidence_bundle(
    case_id: uuid.UUID, request: Request, principal: Exporter,
    sharing_decision_id: Annotated[uuid.UUID, Query(description="the recorded decision to "
                                                    "share the export rests on")],
    window_from: Annotated[datetime | None, Query(alias="from", description="ISO 8601, with "
                                                  "its time zone")] = None,
    window_to: Annotated[datetime | None, Query(alias="to", description="ISO 8601, with "
                                                "its time zone")] = None,
    output: Annotated[BundleFormat, Query(alias="format")] = BundleFormat.JSON,
) -> Response:
    """The case's events under a recorded sharing decision, proven in the transparency log
    and signed by the council: JSON to verify offline, or HTML or PDF to read."""
    keys: BundleKeys | None = getattr(request.app.state, "evidence_keys", None)
    if keys is None:
        raise HTTPException(503, "evidence bundles are not signed by this process; use "
                                 "`casework evidence-bundle`")
    registry: PartnerRegistry | None = request.app.state.partners
    if registry is not None:  # the witnesses' keys, so their cosignatures are checked too
        keys = replace(keys, witness_keys=tuple(
            e.witness.key.vkey() for e in registry.witnesses() if e.witness is not None))
    bundle = await export_evidence_bundle(
        intake_of(request).store, principal,
        BundleRequest(case_id, sharing_decision_id, window_from, window_to), keys)
    name = f"evidence-{case_id}-{bundle['header']['bundle_id'][:8]}.{output.value}"
    if output is BundleFormat.JSON:
        body: bytes = json.dumps(bundle, ensure_ascii=False).encode()
    else:
        from web.evidence_render import render_html, render_pdf

        body = await asyncio.to_thread(
            lambda: render_pdf(bundle) if output is BundleFormat.PDF
            else render_html(bundle).encode())
    # A download, never a page of ours: should a browser show it anyway, nothing in it runs
    # or loads (its one stylesheet is inline).
    return Response(body, media_type=MEDIA[output], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "X-Content-Type-Options": "nosniff"})

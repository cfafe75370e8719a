"""`casework evidence-bundle`: export a case as an evidence bundle from the command line, as
a named member of staff (who must be active, and whose role may export: DSO, line manager or
auditor), under a recorded sharing decision (application/evidence_bundle.py). Writes
bundle.json (for `python -m transparency verify-bundle`), bundle.html and bundle.pdf (for
reading, web/evidence_render.py) into a directory. The export is on the case's access log,
marked as made from the command line.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from aggregates.access import Permission, StaffFacts, check_permission
from aggregates.errors import RuleViolation
from application.evidence_bundle import BundleKeys, BundleRequest, export_evidence_bundle
from casework.settings import Settings
from casework.wiring import (
    build_directory,
    build_registry,
    build_store,
    log_key,
    signing_key,
)
from transparency.bundle_check import check_bundle
from web.evidence_render import render_html, render_pdf

FILES = ("bundle.json", "bundle.html", "bundle.pdf")


@dataclass(frozen=True)
class CommandLineExporter:
    """A member of staff exporting from the command line (`Reader`)."""

    facts: StaffFacts

    def access_reason(self, reason: str) -> str:
        return f"{reason} [command line]"


def exporter(settings: Settings, staff_id: str) -> CommandLineExporter:
    """The active member of staff `staff_id`, if their role may export. `RuleViolation`
    (`staff_is_active`, `role_may_use_action`) otherwise."""
    profile = build_directory(settings).profile(staff_id)
    if profile is None or not profile.active:
        raise RuleViolation("staff_is_active", "no active member of staff has that id",
                            field="staff_id")
    check_permission(profile.role, Permission.EXPORT_EVIDENCE)
    return CommandLineExporter(StaffFacts(staff_id=profile.staff_id, role=profile.role,
                                          teams=profile.teams, council=profile.council))


def export_to(settings: Settings, *, staff_id: str, case_id: UUID, decision_id: UUID,
              window_from: datetime | None, window_to: datetime | None, out: Path,
              witness_keys: tuple[str, ...] = ()) -> list[Path]:
    """Export and write the three files into `out` (created, readable by the owner only);
    returns their paths. Raises `RuleViolation`, `CaseNotFound`, `OSError`."""
    who = exporter(settings, staff_id)
    registry = build_registry(settings)
    registered = () if registry is None else tuple(
        e.witness.key.vkey() for e in registry.witnesses() if e.witness is not None)
    keys = BundleKeys(log_key=log_key(settings), council_key=signing_key(settings),
                      witness_keys=tuple(dict.fromkeys((*registered, *witness_keys))))
    bundle = asyncio.run(export_evidence_bundle(
        build_store(settings), who, BundleRequest(case_id, decision_id, window_from, window_to),
        keys))
    report = check_bundle(bundle, log_key=keys.log_key.verifier)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    contents = (json.dumps(bundle, indent=1, ensure_ascii=False).encode(),
                render_html(bundle, report).encode(), render_pdf(bundle, report))
    written = []
    for name, content in zip(FILES, contents, strict=True):
        path = out / name
        # Personal data: owner-only from the first byte, not chmod-ed after.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        written.append(path)
    return written

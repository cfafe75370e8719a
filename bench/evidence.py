"""An evidence bundle of a long case: how long export, the offline check and the court's
rendering take, and what the bundle weighs.

Run: `.venv/bin/python bench/evidence.py [--sizes 100,1000]`

For each size N, one case on a SQLite file (in a temporary directory) is opened, triaged,
given a decision to share with the police and then `record_contact` commands until it has N
events; other streams' events (an access-log entry per 50 contacts) sit between its leaves as
in production. Printed per N, in CPU seconds of this process (the machine is shared, so wall
time would measure the neighbours): `export s` (need to know,
read, decrypt, redact, prove each event, sign; the checkpoint signed at export),
`verify s` (transparency.bundle_check, as `python -m transparency verify-bundle` runs it),
`html s`, `pdf s`, `pdf pages`, and the sizes of bundle.json and bundle.pdf in kB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from activities.case_store import CaseStore, store_env
from application.evidence_bundle import BundleRequest, export_evidence_bundle
from tests.evidence_support import (
    DSO,
    auditor,
    bundle_keys,
    case_for_the_police,
)
from transparency.bundle_check import check_bundle
from web.evidence_render import render_html, render_pdf


def grown_case(store: CaseStore, size: int) -> tuple[uuid.UUID, str]:
    case_id, decision = case_for_the_police(store)
    case = store.get_case(case_id)
    from aggregates.commands.registry import CommandContext, apply_command

    while case.version < size:
        apply_command(case, "record_contact", {"party": "victim", "purpose": "about_abuse",
                                               "channel": "telephone"},
                      CommandContext(actor=DSO, at=datetime.now(UTC),
                                     command_id=str(uuid.uuid4())))
        if case.version % 50 == 0 or case.version >= size:
            store.save(case)
            store.record_access(case_id=case_id, staff_id="aud-1", role="auditor",
                                action="read_summary", outcome="allowed",
                                rule="auditor_reads_council", reason="", at=datetime.now(UTC))
            case = store.get_case(case_id)
    return case_id, decision


def measure(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        store = CaseStore(store_env(f"sqlite:///{directory}/events.sqlite3", os.urandom(32)))
        case_id, decision = grown_case(store, size)
        keys = bundle_keys()
        started = time.process_time()
        bundle = asyncio.run(export_evidence_bundle(store, auditor(), BundleRequest(
            case_id, uuid.UUID(decision)), keys))
        exported = time.process_time()
        report = check_bundle(json.loads(json.dumps(bundle)), log_key=keys.log_key.verifier)
        verified = time.process_time()
        assert report.ok, report.failed
        render_html(bundle, report)
        rendered = time.process_time()
        pdf = render_pdf(bundle, report)
        printed = time.process_time()
        from weasyprint import HTML

        pages = len(HTML(string=render_html(bundle, report)).render().pages)
    return {"events": len(bundle["entries"]), "export s": exported - started,
            "verify s": verified - exported, "html s": rendered - verified,
            "pdf s": printed - rendered, "pdf pages": pages,
            "json kB": len(json.dumps(bundle)) / 1000, "pdf kB": len(pdf) / 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        figures = measure(size)
        print("  ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in figures.items()), flush=True)


if __name__ == "__main__":
    main()

"""The court's reading of an evidence bundle (web/evidence_render.py), HTML and PDF, from a
bundle exported from a real store: chronological, fact and opinion marked, each decision with
its rationale, who / when / why on every entry, the checkpoint it is proven against, and a
correction beside the entry it corrects (issue 15 scope 4 and 5; D 8.24-8.28)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from weasyprint import HTML

from activities.case_store import CaseStore
from application.evidence_bundle import BundleRequest, export_evidence_bundle
from tests.evidence_support import JUSTIFICATION, auditor, bundle_keys, case_for_the_police
from transparency.checkpoint import Checkpoint
from transparency.note import parse_note
from web.evidence_render import court_entries, render_html, render_pdf


@pytest.fixture
async def bundle(sqlite_store: CaseStore) -> dict[str, Any]:
    case_id, decision = case_for_the_police(sqlite_store)
    return await export_evidence_bundle(sqlite_store, auditor(), BundleRequest(
        case_id, uuid.UUID(decision)), bundle_keys())


def test_entries_are_in_order_marked_and_corrections_stand_beside_what_they_correct(
        bundle: dict[str, Any]) -> None:
    entries = court_entries(bundle)
    assert [e.version for e in entries] == sorted(e.version for e in entries)
    opened, decided = entries[0], [e for e in entries if e.type == "SharingDecided"][-1]
    assert (opened.label, decided.label) == ("Recorded fact",
                                             "Professional judgement (opinion)")
    assert ("Justification", JUSTIFICATION) in decided.rationale
    correction = next(e for e in entries if e.type == "EntryCorrected")
    assert correction.corrects == 1
    assert opened.corrected_by == [(correction.version, "Misread the form")]
    assert all(e.who != "(not recorded)" and e.when != "(not recorded)" for e in entries)


def test_the_html_names_the_case_the_decision_and_the_checkpoint(
        bundle: dict[str, Any]) -> None:
    html = render_html(bundle)
    header = bundle["header"]
    checkpoint = Checkpoint.parse(parse_note(header["checkpoint"].encode()).text)
    assert f"Evidence bundle: case {header['case_id']}" in html
    assert f"{checkpoint.size} entries, root hash" in html
    assert checkpoint.origin in html
    assert JUSTIFICATION in html
    assert "every check passed" in html
    assert "Corrected by entry" in html and "This entry corrects entry 1." in html
    assert "<script" not in html and "http" not in html.split("</style>")[1]


def test_the_html_shows_what_the_decision_discloses_and_withholds_the_rest(
        bundle: dict[str, Any]) -> None:
    """The police decision covers the victim's identity and the risk assessment: the court
    reads the victim's name (and the risk) on the first entry; the address it does not cover
    reads as withheld, never as the address."""
    from tests.support import VICTIM_ADDRESS, VICTIM_NAME

    opened = court_entries(bundle)[0]
    shown = dict(opened.details)
    assert shown["Report › victim › name"] == VICTIM_NAME
    assert shown["Report › victim › address"].startswith("Withheld")
    html = render_html(bundle)
    assert VICTIM_NAME in html and VICTIM_ADDRESS not in html


def page_text(document: Any) -> str:
    """The text weasyprint laid out on the PDF's pages, page by page, in reading order."""
    lines = []
    for page in document.pages:
        for box in page._page_box.descendants():
            text = getattr(box, "text", None)
            if text:
                lines.append(text)
    return "\n".join(lines)


def test_the_pdf_opens_and_holds_the_case_reference_and_entries_in_order(
        bundle: dict[str, Any]) -> None:
    pdf = render_pdf(bundle)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    document = HTML(string=render_html(bundle)).render()
    assert len(document.pages) >= 1
    text = page_text(document)
    assert bundle["header"]["case_id"] in text
    numbers = [int(n) for n in re.findall(r"(?m)^(\d+)\. [A-Z]", text)]
    assert numbers == [e["version"] for e in bundle["entries"]]

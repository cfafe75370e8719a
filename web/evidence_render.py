"""An evidence bundle (transparency/bundle.py) as a court reads it: one self-contained HTML
document (no scripts, no links out, its style inline, so it opens from a disk or a USB stick)
and the same as PDF (weasyprint, which lays out the same HTML and CSS).

Chronological (the case's own order: the order its events were stored); every entry says who
(staff id and role), when (the time of the act, and when it was recorded), why (the reason
recorded with it) and what (its plain-language wording, web/event_wording.py), is marked
recorded fact or professional judgement (web/event_marking.py) and shows the rationale of
every decision; an entry corrected later says so beside it, with the correcting entry's
number and reason. The document names the checkpoint every entry is proven against (origin,
size, root) and what the offline check found when it was rendered, and says how to check the
file again. Values withheld from the recipient read "Withheld: not needed for your role".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from transparency.bundle import b64
from transparency.bundle_check import BundleReport, check_bundle
from transparency.checkpoint import Checkpoint
from transparency.note import Verifier, parse_note
from web.event_marking import LABEL, RATIONALE_FIELDS, Marking, marking_of
from web.event_wording import what_happened
from web.presenters import field_rows
from web.wording_basics import partner_name, words

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates" / "evidence"),
    autoescape=select_autoescape(default=True, default_for_string=True))
_TEMPLATES.filters["b64"] = b64


@dataclass
class CourtEntry:
    """One entry as the document shows it."""

    version: int
    type: str
    what: str
    marking: Marking
    label: str
    who: str
    when: str
    recorded_at: str
    why: str
    rationale: list[tuple[str, str]]
    leaf_index: int
    details: list[tuple[str, str]] = field(default_factory=list)  # what the entry records
    corrects: int | None = None
    corrected_by: list[tuple[int, str]] = field(default_factory=list)


# Fields each entry already shows in its own line (who, when, why, rationale).
SHOWN_ABOVE = frozenset({"actor", "at", "reason", *RATIONALE_FIELDS})


def court_entries(bundle: Mapping[str, Any]) -> list[CourtEntry]:
    """The bundle's entries in the case's order, each with its corrections beside it."""
    entries = sorted(bundle["entries"], key=lambda e: int(e["version"]))
    shown: list[CourtEntry] = []
    for entry in entries:
        content: Mapping[str, Any] = entry["content"]
        actor = content.get("actor")
        who = (f"{actor.get('staff_id', '?')} ({words(actor.get('role'))})"
               if isinstance(actor, Mapping) else "(not recorded)")
        corrects = content.get("corrects_version") if entry["type"] == "EntryCorrected" \
            else None
        marking = marking_of(entry["type"])
        shown.append(CourtEntry(
            version=int(entry["version"]), type=entry["type"],
            what=what_happened(entry["type"], content), marking=marking,
            label=LABEL[marking], who=who, when=str(content.get("at") or "(not recorded)"),
            recorded_at=str(entry["recorded_at"]), why=str(content.get("reason") or ""),
            rationale=[(words(name).capitalize(), str(content[name]))
                       for name in RATIONALE_FIELDS if content.get(name)],
            leaf_index=int(entry["leaf_index"]),
            # Every field the decision discloses (the victim's name, the risk, the household
            # ...), in words; withheld ones say so. Who, when, why and rationale are above.
            details=field_rows({k: v for k, v in content.items() if k not in SHOWN_ABOVE}),
            corrects=corrects if isinstance(corrects, int) else None))
    by_version = {e.version: e for e in shown}
    for entry in shown:
        if entry.corrects is not None and entry.corrects in by_version:
            by_version[entry.corrects].corrected_by.append((entry.version, entry.why))
    return shown


def render_html(bundle: Mapping[str, Any], report: BundleReport | None = None) -> str:
    """The document as HTML; `report` is the offline check's (made here when not given, with
    the log key the exporter itself signed with: the council checks what it just made; a
    court checks again offline with the published key)."""
    header = bundle["header"]
    note = parse_note(str(header["checkpoint"]).encode())
    checkpoint = Checkpoint.parse(note.text)
    checked = report if report is not None else check_bundle(
        bundle, log_key=Verifier.from_vkey(str(header["log_key"])))
    decision = header["decision"]
    return _TEMPLATES.get_template("bundle.html").render(
        header=header, decision=decision, partner=partner_name(str(decision.get("partner"))),
        purpose=words(decision.get("purpose")), entries=court_entries(bundle),
        checkpoint=checkpoint, cosigners=[s.name for s in note.signatures[1:]],
        report=checked, council_key=bundle["council_key"],
        categories=", ".join(words(c) for c in header["readable_categories"]),
        words=words)


def render_pdf(bundle: Mapping[str, Any], report: BundleReport | None = None) -> bytes:
    """The document as PDF (A4), laid out by weasyprint from the same HTML."""
    from weasyprint import HTML  # imported here: slow to load, and only exports need it

    pdf: bytes = HTML(string=render_html(bundle, report)).write_pdf()
    return pdf

"""The repairs system's feed of repair jobs (DBC 7.2, D 8.6): one row per job, read from a CSV
file or an HTTP body, checked field by field. A bad row is reported by its line, field and
rule, never with the value sent (it may be an address); the good rows are still taken.

Row shape (CSV header or JSON object keys): `job_reference` (1-64 letters, digits, '-', '_',
'/', '.'), `address` or `property_reference` (at least one; no control or hidden
characters, `aggregates/input_rules.py`), `job_type` (`JobType`),
`raised_on` (ISO date, YYYY-MM-DD, from 1900, not in the future), `council` (`Council`).
Pure functions: no I/O.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from aggregates.input_rules import EARLIEST_DATE, TEXT_RULE, forbidden_character, text_message
from aggregates.report import Council

MAX_ADDRESS = 300
MAX_ROWS = 20_000  # one feed; a bigger file is sent in parts
JOB_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$")
FIELDS = ("job_reference", "address", "property_reference", "job_type", "raised_on", "council")


class JobType(StrEnum):
    """The closed set of jobs the feed carries. All but `OTHER` are the security-related jobs
    DBC 7.2 names as a possible sign of abuse."""

    EXTERNAL_DOOR_LOCK_CHANGE = "external_door_lock_change"
    BATHROOM_LOCK_CHANGE = "bathroom_lock_change"
    BROKEN_WINDOW = "broken_window"
    LOST_KEYS = "lost_keys"
    DAMAGED_INTERNAL_DOOR = "damaged_internal_door"
    OTHER = "other"


SECURITY_JOBS = frozenset(JobType) - {JobType.OTHER}


@dataclass(frozen=True)
class FeedJob:
    """One good row: `property_key` is the normalised address (or `ref:` + the property
    reference), the only form the property's stream id is derived from."""

    job_reference: str
    property_key: str
    address: str  # as sent, trimmed (shown to the Tenancy Support Team); "" with a reference
    job_type: JobType
    raised_on: date
    council: Council
    line: int


@dataclass(frozen=True)
class RowError:
    """A bad row: its line (the header is line 1 of a CSV; a JSON list counts from 1), the
    field and the rule it broke, in words that never repeat the value."""

    line: int
    field: str
    rule: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "rule": self.rule,
                "message": self.message}


@dataclass(frozen=True)
class ParsedFeed:
    jobs: tuple[FeedJob, ...]
    errors: tuple[RowError, ...]


def normalise_address(address: str) -> str:
    """The address in one form whatever its case, punctuation or spacing:
    "12, High St.  DOVER ct16 1aa" -> "12 high st dover ct16 1aa"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", address.casefold()).split())


def parse_csv(text: str, today: date) -> ParsedFeed:
    """A CSV feed (header row naming the fields, any order): good jobs and bad rows."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"job_reference", "job_type", "raised_on", "council"} - set(reader.fieldnames or ())
    if missing or not ({"address", "property_reference"} & set(reader.fieldnames or ())):
        wanted = sorted(missing) or ["address"]
        return ParsedFeed((), (RowError(1, wanted[0], "header_names_fields",
                                        "the header row must name job_reference, address "
                                        "or property_reference, job_type, raised_on and "
                                        "council"),))
    broken: list[RowError] = []

    def rows() -> Iterator[tuple[int, Mapping[str, Any]]]:
        # The csv module stops at a field over its limit or a malformed quote; the rows
        # before it are good and kept, the bad line is reported like any other bad row.
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error:
            broken.append(RowError(reader.line_num + 1, "", "csv_is_well_formed",
                                   "this line is not well-formed CSV or a field is over "
                                   f"{csv.field_size_limit()} characters; the lines after "
                                   "it were not read: send them again"))

    feed = parse_rows(rows(), today)
    return ParsedFeed(feed.jobs, feed.errors + tuple(broken))


def parse_rows(rows: Iterable[tuple[int, Mapping[str, Any]]], today: date) -> ParsedFeed:
    """Rows numbered by line: each checked; a row with several problems reports each."""
    jobs: list[FeedJob] = []
    errors: list[RowError] = []
    for count, (line, row) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            errors.append(RowError(line, "", "feed_within_row_limit",
                                   f"a feed holds at most {MAX_ROWS} rows: send the rest "
                                   "in another"))
            break
        job, row_errors = _parse_row(line, row, today)
        errors.extend(row_errors)
        if job is not None:
            jobs.append(job)
    return ParsedFeed(tuple(jobs), tuple(errors))


def _text(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    return value.strip() if isinstance(value, str) else ""


def _parse_row(line: int, row: Mapping[str, Any], today: date
               ) -> tuple[FeedJob | None, list[RowError]]:
    errors: list[RowError] = []

    def bad(field: str, rule: str, message: str) -> None:
        errors.append(RowError(line, field, rule, message))

    reference = _text(row, "job_reference")
    if not JOB_REFERENCE.match(reference):
        bad("job_reference", "job_reference_given",
            "enter the job reference: 1 to 64 letters, digits, '-', '_', '/' or '.'")
    address, property_reference = _text(row, "address"), _text(row, "property_reference")
    key = ""
    if property_reference:
        key = "ref:" + property_reference.casefold()
    elif normalise_address(address):
        key = normalise_address(address)
    if not key:
        bad("address", "address_or_property_reference_given",
            "enter the address or the property reference")
    elif len(address) > MAX_ADDRESS or len(property_reference) > MAX_ADDRESS:
        bad("address", "address_within_length", f"the address is longer than {MAX_ADDRESS} "
            "characters")
    else:
        hidden = (forbidden_character(address, multiline=False)
                  or forbidden_character(property_reference, multiline=False))
        if hidden is not None:
            bad("address", TEXT_RULE, text_message(hidden))
    job_type = None
    try:
        job_type = JobType(_text(row, "job_type").casefold())
    except ValueError:
        bad("job_type", "job_type_is_known",
            "the job type must be one of: " + ", ".join(t.value for t in JobType))
    raised_on = None
    try:
        raised_on = date.fromisoformat(_text(row, "raised_on"))
    except ValueError:
        bad("raised_on", "raised_on_is_a_date", "enter the date raised as YYYY-MM-DD")
    if raised_on is not None and raised_on > today:
        bad("raised_on", "raised_on_not_in_future", "the date raised is in the future")
    if raised_on is not None and raised_on < EARLIEST_DATE:
        bad("raised_on", "raised_on_in_range",
            f"the date raised must be from {EARLIEST_DATE.isoformat()}")
    council = None
    try:
        council = Council(_text(row, "council").casefold())
    except ValueError:
        bad("council", "council_is_known",
            "the council must be one of: " + ", ".join(c.value for c in Council))
    if errors or job_type is None or raised_on is None or council is None:
        return None, errors
    return FeedJob(reference, key, address, job_type, raised_on, council, line), []

"""The repair-jobs feed from the command line: `python -m casework import-repairs FILE`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from activities.property_store import FeedResult, PropertyRepairsStore
from aggregates.repair_feed import parse_csv
from aggregates.working_days import local_date
from casework.settings import Settings
from casework.wiring import _creating_tables, _store_env


def build_property_store(settings: Settings) -> PropertyRepairsStore:
    """Properties' repair jobs and reviews, beside the cases in the same event store."""
    env = _store_env(settings)
    return _creating_tables(lambda: PropertyRepairsStore(env))


def import_repairs(settings: Settings, path: Path) -> FeedResult:
    """Take a CSV feed of repair jobs (UTF-8, header row; aggregates/repair_feed.py)."""
    text = path.read_text(encoding="utf-8-sig")
    return build_property_store(settings).take_feed(
        parse_csv(text, local_date(datetime.now(UTC))))


def report_lines(result: FeedResult) -> list[str]:
    """What the command prints: each bad row by line, field and reason, then the counts.
    Never an address (the reviews are read on their page)."""
    lines = [f"line {e.line}: {e.field or 'row'}: {e.message} ({e.rule})" for e in result.errors]
    lines.append(f"{result.taken} jobs taken, {result.repeated} seen before, "
                 f"{len(result.errors)} problems in rows; "
                 f"{result.reviews_opened} reviews opened")
    return lines

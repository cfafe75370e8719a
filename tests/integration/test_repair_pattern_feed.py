"""The repair-jobs feed into the event store (DBC 7.2, D 8.6): a few hundred jobs open exactly
one review, for the one address with a qualifying run; bad rows are reported and the good ones
kept; a feed sent twice counts nothing twice. SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from activities.case_store import store_env
from activities.property_store import PropertyRepairsStore
from aggregates.repair_feed import SECURITY_JOBS, JobType, parse_csv
from aggregates.repair_pattern import REVIEW_TITLE
from aggregates.report import Actor, Council, Role

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
HEADER = "job_reference,address,job_type,raised_on,council\n"
TARGET = "17 Marlowe Court, Dover CT16 2AB"
SECURITY = sorted(SECURITY_JOBS)


@pytest.fixture
def store(database: tuple[str, str | None]) -> PropertyRepairsStore:
    url, schema = database
    return PropertyRepairsStore(store_env(url, os.urandom(32), schema), clock=lambda: NOW)


def few_hundred_jobs() -> str:
    """300 jobs over 120 addresses in Dover. Every other address gets at most two security
    jobs within 60 days, or three spread over more than 60 days, or many "other" jobs; only
    TARGET gets three security jobs within 60 days (written three different ways)."""
    start = date(2026, 6, 1)
    rows: list[str] = []
    n = 0

    def add(address: str, job: JobType, day: int) -> None:
        nonlocal n
        n += 1
        rows.append(f'DV-{n:05d},"{address}",{job.value},{start + timedelta(days=day)},dover\n')

    for a in range(40):  # two security jobs close together, then nothing
        add(f"{a} Pencester Road, Dover", SECURITY[a % 5], a % 30)
        add(f"{a} Pencester Road, Dover", SECURITY[(a + 1) % 5], a % 30 + 10)
    for a in range(40):  # three security jobs, each 61 days apart (three runs of one)
        for k in range(3):
            add(f"{a} Castle Street, Dover", SECURITY[k], k * 61)
    for a in range(39):  # any number of other jobs
        add(f"{a} Priory Hill, Dover", JobType.OTHER, 0)
    for day, job, written in (
            (3, JobType.EXTERNAL_DOOR_LOCK_CHANGE, TARGET),
            (20, JobType.BROKEN_WINDOW, "17 MARLOWE COURT DOVER CT16 2AB"),
            (50, JobType.BATHROOM_LOCK_CHANGE, "17 marlowe court, dover, ct16 2ab")):
        add(written, job, day)
    assert n == 80 + 120 + 39 + 3 >= 240
    return HEADER + "".join(rows)


def test_a_few_hundred_jobs_open_one_review_for_the_one_qualifying_address(
        store: PropertyRepairsStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    feed = parse_csv(few_hundred_jobs(), NOW.date())
    assert feed.errors == ()
    result = store.take_feed(feed)
    assert (result.taken, result.repeated, result.reviews_opened) == (242, 0, 1)
    [review] = store.reviews(Council.DOVER)
    assert review["address"] == TARGET and review["team"] == "Tenancy Support Team"
    assert [j["job_type"] for j in review["jobs"]] == [
        "external_door_lock_change", "broken_window", "bathroom_lock_change"]
    assert review["title"] == REVIEW_TITLE and "Marlowe" not in review["title"]
    assert review["section"].startswith("D 8.6")
    assert store.reviews(Council.DARTFORD) == []
    # The address is in no log line and no stream id.
    assert "marlowe" not in caplog.text.casefold()
    assert "marlowe" not in review["property_id"]


def test_the_same_feed_again_counts_nothing_twice(store: PropertyRepairsStore) -> None:
    feed = parse_csv(few_hundred_jobs(), NOW.date())
    store.take_feed(feed)
    again = store.take_feed(feed)
    assert (again.taken, again.repeated, again.reviews_opened) == (0, 242, 0)
    assert len(store.reviews(Council.DOVER)) == 1


def test_a_later_job_extending_the_run_opens_no_second_review_and_a_new_run_does(
        store: PropertyRepairsStore) -> None:
    rows = [f"L{i},\"{TARGET}\",lost_keys,{d},dover\n" for i, d in enumerate(
        ("2026-01-05", "2026-01-20", "2026-02-01"))]
    assert store.take_feed(parse_csv(HEADER + "".join(rows), NOW.date())).reviews_opened == 1
    extend = HEADER + f"L3,\"{TARGET}\",broken_window,2026-03-01,dover\n"
    assert store.take_feed(parse_csv(extend, NOW.date())).reviews_opened == 0
    [review] = store.reviews(Council.DOVER)
    assert [j["job_reference"] for j in review["jobs"]] == ["L0", "L1", "L2", "L3"]
    later = HEADER + "".join(f"M{i},\"{TARGET}\",broken_window,{d},dover\n" for i, d in
                             enumerate(("2026-06-01", "2026-06-15", "2026-07-01")))
    assert store.take_feed(parse_csv(later, NOW.date())).reviews_opened == 1
    assert len(store.reviews(Council.DOVER)) == 2


def test_malformed_rows_are_each_reported_and_every_good_row_is_kept(
        store: PropertyRepairsStore) -> None:
    good = [f"G{i},{i} Lowther Road,broken_window,2026-10-{1 + i:02d},dartford\n"
            for i in range(20)]
    bad = ["B1,1 Road,smashed,2026-10-01,dartford\n", "B2,2 Road,lost_keys,01/10/2026,dover\n",
           ",3 Road,lost_keys,2026-10-01,dover\n", "B4,4 Road,lost_keys,2026-10-01,\n"]
    text = HEADER + "".join(good[:10]) + "".join(bad) + "".join(good[10:])
    result = store.take_feed(parse_csv(text, NOW.date()))
    assert result.taken == 20
    assert [(e.line, e.field) for e in result.errors] == [
        (12, "job_type"), (13, "raised_on"), (14, "job_reference"), (15, "council")]


def test_the_same_address_in_another_council_is_another_property(
        store: PropertyRepairsStore) -> None:
    rows = "".join(f"X{i},1 High Street,lost_keys,2026-10-0{1 + i},{c}\n"
                   for i, c in enumerate(("dover", "dover", "dartford", "dartford")))
    assert store.take_feed(parse_csv(HEADER + rows, NOW.date())).reviews_opened == 0


def test_no_further_action_is_recorded_with_its_reason_and_closes_the_review(
        store: PropertyRepairsStore) -> None:
    rows = "".join(f"N{i},\"{TARGET}\",lost_keys,2026-10-0{1 + i},dover\n" for i in range(3))
    store.take_feed(parse_csv(HEADER + rows, NOW.date()))
    [review] = store.reviews(Council.DOVER)
    prop_id = review["property_id"]
    with pytest.raises(LookupError):
        store.close_review(UUID(prop_id), review["review_id"], "Tenant's son lost keys",
                           Actor("df-cw-1", Role.CASEWORKER), Council.DARTFORD)
    store.close_review(UUID(prop_id), review["review_id"], "Tenant's son lost keys",
                       Actor("dv-cw-1", Role.CASEWORKER), Council.DOVER)
    assert store.reviews(Council.DOVER) == []
    [closed] = store.reviews(Council.DOVER, open_only=False)
    assert (closed["status"], closed["reason"]) == ("no_further_action",
                                                    "Tenant's son lost keys")


def test_every_property_event_is_a_leaf_of_the_transparency_log_and_verifies(
        store: PropertyRepairsStore) -> None:
    """The transparency log covers the properties' streams as it does the cases': a signed
    checkpoint after a feed verifies, every event a leaf, none under another name."""
    from activities.case_store import CaseStore
    from application.log_verifier import verify_store
    from application.transparency import TransparencyLog
    from transparency.checkpoint import open_checkpoint
    from transparency.note import Signer, Verifier

    cases = CaseStore(dict(store.env))
    store.take_feed(parse_csv(few_hundred_jobs(), NOW.date()))
    log = TransparencyLog(cases.recorder)  # type: ignore[arg-type]
    key = Signer.generate("test.invalid/da-casework-log")
    signed = log.make_checkpoint(key, now=1_000)
    events = store.recorder.max_notification_id()
    assert signed.size == events and events > 242
    checkpoint = open_checkpoint(signed.note, log_key=Verifier.from_vkey(
        key.verifier.vkey())).checkpoint
    with cases.recorder.transaction(commit=False) as session:  # type: ignore[attr-defined]
        found = verify_store(session, log.tables, checkpoint)
    assert found.ok, found.problems
    assert found.leaves == events


def test_the_same_run_opens_a_review_in_dartford_and_not_in_dover(
        store: PropertyRepairsStore) -> None:
    """Three security jobs over 75 days: within Dartford's 90 (DBC 7.2, configured), not
    Dover's 60 (D 8.6, configured). Dartford's review goes to its Tenancy Services Team."""
    days = ("2026-07-01", "2026-08-10", "2026-09-14")
    rows = "".join(f"{c[:2].upper()}{i},3 Station Road,broken_window,{d},{c}\n"
                   for c in ("dover", "dartford") for i, d in enumerate(days))
    assert store.take_feed(parse_csv(HEADER + rows, NOW.date())).reviews_opened == 1
    assert store.reviews(Council.DOVER) == []
    [review] = store.reviews(Council.DARTFORD)
    assert (review["team"], review["section"][:7]) == ("Tenancy Services Team", "DBC 7.2")


def test_two_feeds_at_once_count_each_job_once_and_open_one_review(
        store: PropertyRepairsStore) -> None:
    """The repairs system retries while the nightly file is imported: both carry the same
    jobs for one address; whichever saves second finds the first's and adds nothing."""
    from concurrent.futures import ThreadPoolExecutor

    rows = "".join(f"C{i},\"{TARGET}\",lost_keys,2026-10-0{1 + i},dover\n" for i in range(3))
    feed = parse_csv(HEADER + rows, NOW.date())
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(store.take_feed, [feed] * 4))
    assert sum(r.taken for r in results) == 3
    assert sum(r.reviews_opened for r in results) == 1
    assert len(store.reviews(Council.DOVER)) == 1

"""The pattern of repairs (DBC 7.2; D 8.6) and the feed's rows: pure rules."""

from __future__ import annotations

from datetime import date, timedelta

from aggregates.policies import DARTFORD_2026, DOVER_2025
from aggregates.repair_feed import JobType, normalise_address, parse_csv
from aggregates.repair_pattern import JobSeen, runs_to_review

TODAY = date(2026, 11, 30)
LOCK = JobType.EXTERNAL_DOOR_LOCK_CHANGE


def jobs(*days_and_types: tuple[int, JobType]) -> list[JobSeen]:
    start = date(2026, 3, 2)
    return [JobSeen(f"J{i}", t, start + timedelta(days=d))
            for i, (d, t) in enumerate(days_and_types)]


def test_three_security_jobs_within_dartfords_window_need_a_review() -> None:
    """DBC 7.2: "numerous repairs such as external door lock changes, bathroom lock changes,
    broken windows, lost keys or damage to internal doors"; 3 in 90 days (configured)."""
    found = runs_to_review(jobs((0, LOCK), (40, JobType.BROKEN_WINDOW),
                                (85, JobType.LOST_KEYS)), frozenset(), DARTFORD_2026)
    assert [[j.job_reference for j in run] for run in found] == [["J0", "J1", "J2"]]
    assert DARTFORD_2026.repair_pattern.section.startswith("DBC 7.2")


def test_dover_and_dartford_differ_on_the_window() -> None:
    """The same three jobs over 85 days: a run for Dartford (90 days), not for Dover (60,
    configured default under D 8.6)."""
    seen = jobs((0, LOCK), (40, JobType.BROKEN_WINDOW), (85, JobType.LOST_KEYS))
    assert runs_to_review(seen, frozenset(), DOVER_2025) == []
    assert len(runs_to_review(seen, frozenset(), DARTFORD_2026)) == 1
    assert "configured default" in DOVER_2025.repair_pattern.section


def test_other_jobs_never_count_toward_a_run() -> None:
    seen = jobs((0, LOCK), (1, JobType.OTHER), (2, JobType.OTHER), (3, JobType.BROKEN_WINDOW))
    assert runs_to_review(seen, frozenset(), DOVER_2025) == []


def test_a_run_already_reviewed_opens_nothing_more_when_it_grows() -> None:
    seen = jobs((0, LOCK), (5, LOCK), (10, LOCK), (30, JobType.LOST_KEYS))
    assert runs_to_review(seen, frozenset({"J0", "J1", "J2"}), DOVER_2025) == []


def test_a_new_run_after_the_window_needs_a_review_of_its_own() -> None:
    seen = jobs((0, LOCK), (5, LOCK), (10, LOCK), (200, LOCK), (201, LOCK), (202, LOCK))
    found = runs_to_review(seen, frozenset({"J0", "J1", "J2"}), DOVER_2025)
    assert [[j.job_reference for j in run] for run in found] == [["J3", "J4", "J5"]]


def test_addresses_written_differently_are_one_property() -> None:
    assert (normalise_address("12, High St.  DOVER ct16 1aa")
            == normalise_address("12 high st dover CT16 1AA") == "12 high st dover ct16 1aa")


def test_each_bad_row_is_reported_by_line_and_field_without_its_value() -> None:
    text = ("job_reference,address,job_type,raised_on,council\n"
            "R1,1 Secret Road,broken_window,2026-11-01,dover\n"
            "R2,2 Hidden Lane,broken_mirror,2026-11-01,dover\n"
            ",3 Quiet Close,lost_keys,2026-13-01,dover\n"
            "R4,4 Calm Way,lost_keys,2026-11-01,atlantis\n"
            "R5,,lost_keys,2099-01-01,dover\n")
    feed = parse_csv(text, TODAY)
    assert [j.job_reference for j in feed.jobs] == ["R1"]
    assert [(e.line, e.field, e.rule) for e in feed.errors] == [
        (3, "job_type", "job_type_is_known"),
        (4, "job_reference", "job_reference_given"),
        (4, "raised_on", "raised_on_is_a_date"),
        (5, "council", "council_is_known"),
        (6, "address", "address_or_property_reference_given"),
        (6, "raised_on", "raised_on_not_in_future")]
    words = " ".join(e.message for e in feed.errors)
    assert "Hidden" not in words and "broken_mirror" not in words and "atlantis" not in words


def test_a_header_without_the_fields_is_one_error_on_line_1() -> None:
    feed = parse_csv("ref,where\nR1,1 Road\n", TODAY)
    assert feed.jobs == () and [(e.line, e.rule) for e in feed.errors] == [
        (1, "header_names_fields")]


def test_a_field_too_long_for_csv_is_a_bad_row_and_the_rows_before_it_are_kept() -> None:
    # A 140 KB field fits under the feed's body limit but not the csv module's field limit:
    # the sender gets its line back, not a server error that loses the good rows.
    long_address = "x" * 140_000
    text = ("job_reference,address,job_type,raised_on,council\n"
            "R1,1 Secret Road,broken_window,2026-11-01,dover\n"
            f'R2,"{long_address}",lost_keys,2026-11-01,dover\n'
            "R3,3 Quiet Close,lost_keys,2026-11-01,dover\n")
    feed = parse_csv(text, TODAY)
    assert [j.job_reference for j in feed.jobs] == ["R1"]
    assert [(e.line, e.rule) for e in feed.errors] == [(3, "csv_is_well_formed")]
    assert "x" * 20 not in feed.errors[0].message


def test_an_address_with_hidden_or_control_characters_is_a_bad_row() -> None:
    # A right-to-left override would show the review's address reordered to the housing
    # team, and NUL breaks storage: refused here as in every other field (input_rules).
    text = ("job_reference,address,job_type,raised_on,council\n"
            "R1,\u202e1 Secret Road,broken_window,2026-11-01,dover\n"
            "R2,2 Hidden\x00 Lane,lost_keys,2026-11-01,dover\n"
            "R3,3 Quiet Close,lost_keys,2026-11-01,dover\n")
    feed = parse_csv(text, TODAY)
    assert [j.job_reference for j in feed.jobs] == ["R3"]
    assert [(e.line, e.field, e.rule) for e in feed.errors] == [
        (2, "address", "text_has_no_control_characters"),
        (3, "address", "text_has_no_control_characters")]


def test_a_job_raised_before_1900_is_a_typing_slip_and_a_bad_row() -> None:
    text = ("job_reference,address,job_type,raised_on,council\n"
            "R1,1 Secret Road,broken_window,0001-01-01,dover\n"
            "R2,1 Secret Road,broken_window,1900-01-01,dover\n")
    feed = parse_csv(text, TODAY)
    assert [j.job_reference for j in feed.jobs] == ["R2"]
    assert [(e.line, e.field, e.rule) for e in feed.errors] == [
        (2, "raised_on", "raised_on_in_range")]


def test_auditors_never_read_the_address_of_a_review_and_staff_do() -> None:
    from aggregates.data_categories import readable_by
    from aggregates.data_categories_home import REPAIR_REVIEW
    from aggregates.redaction import WITHHELD, redact
    from aggregates.report import Role

    view = {"review_id": "r1", "address": "1 Secret Road", "status": "open", "reason": "",
            "jobs": [{"job_reference": "J1", "raised_on": "2026-10-01",
                      "job_type": "lost_keys"}]}
    assert redact(view, REPAIR_REVIEW, readable_by(Role.AUDITOR))["address"] == WITHHELD
    assert redact(view, REPAIR_REVIEW, readable_by(Role.CASEWORKER))["address"] == (
        "1 Secret Road")

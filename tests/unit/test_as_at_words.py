"""The case as it stood, in words: every field of a view as a labelled row (no raw JSON), and
each change between two moments as a sentence."""

from __future__ import annotations

from web.presenters import change_line, field_rows


def test_a_view_reads_as_labelled_rows_with_times_in_london_time() -> None:
    rows = field_rows({"report": {"victim": {"name": "Ada Quill"}},
                       "open_tasks": {"t2": {"title": "Contact the victim",
                                             "due_at": "2026-11-25T17:00:00+00:00"}},
                       "triaged": True, "restricted_to": None, "notify": ["dso-1", "lm-1"]})
    assert rows == [("Report › victim › name", "Ada Quill"),
                    ("Open tasks › t2 › title", "Contact the victim"),
                    ("Open tasks › t2 › due at", "25 November 2026, 5:00pm"),
                    ("Triaged", "yes"), ("Restricted to", "none"),
                    ("Notify", "dso-1, lm-1")]


def test_each_change_between_two_moments_reads_as_a_sentence() -> None:
    assert change_line("changed", ("access", "restricted_to"), None, ["cw-1", "dso-1"]) == (
        "Who could see it › restricted to changed from none to cw-1, dso-1")
    assert change_line("added", ("open_tasks", "t3"), None, {
        "title": "Complete the DASH checklist", "due_at": "2026-11-25T17:00:00+00:00"}) == (
        "Open task t3 added: Complete the DASH checklist (due 25 November 2026, 5:00pm)")
    assert change_line("changed", ("referrals", "r1", "status"), "queued", "delivered") == (
        "Referral r1 › status changed from queued to delivered")
    assert change_line("removed", ("open_tasks", "t2"), {"title": "Contact the victim",
                                                         "due_at": None}, None) == (
        "Open task t2 removed (was Contact the victim (no deadline))")

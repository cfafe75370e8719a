"""The case as it stood, in words: every field of a view as a labelled row (no raw JSON), and
each change between two moments as a sentence."""

from __future__ import annotations

from web.presenters import change_line, field_rows, section_rows


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


def test_codes_read_as_words_and_machine_fields_stay_out_of_view() -> None:
    """Issue 15 scope 1: plain language, not raw values. A tuple is "none", a partner and a
    role by name, a code in words, a digest or fingerprint left out (kept in the JSON)."""
    rows = dict(field_rows({
        "tenure": "council_general_needs", "reasonable_adjustments": (),
        "partner": "childrens_services", "decided_by": {"role": "dso"},
        "lawful_basis": "public_task", "digest": "ab" * 32, "request_fingerprint": "cd" * 32,
        "justification": "children_referred_in_all_cases (D 8.23): as written",
        "opened_on": "2026-11-30", "decided_at": "2026-11-30T17:20:03.123+00:00"}))
    assert rows == {
        "Tenure": "council general needs", "Reasonable adjustments": "none",
        "Partner": "Kent County Council Children's Social Care",
        "Decided by › role": "Designated Safeguarding Officer",
        "Lawful basis": "public task",
        "Justification": "children_referred_in_all_cases (D 8.23): as written",
        "Opened on": "30 November 2026", "Decided at": "30 November 2026, 5:20:03pm"}


def test_a_decision_is_named_by_its_place_not_its_capitalised_id() -> None:
    decision = "bedcfbf4-8e96-45f0-abbc-05f6203d6cd2"
    rows = section_rows("sharing_decisions", {decision: {
        "decision_id": decision, "partner": "police", "purpose": "police_notification",
        "shared": True}})
    assert rows[0] == ("Decision 1 › decision reference", decision)
    assert ("Decision 1 › purpose", "police notification") in rows
    assert change_line("added", ("sharing_decisions", decision), None, {
        "partner": "police", "purpose": "police_notification", "shared": True}) == (
        "Sharing decision added: Kent Police, police notification: shared")
    assert section_rows("open_tasks", {"t1": {"task_id": "t1", "kind": "contact_victim"}}) == [
        ("Task t1 › kind", "contact victim")]

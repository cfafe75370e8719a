"""MARAC rules that need no case (D 8.15, SafeLives guidance): a hearing's date and the
actions a hearing gives housing. Pure: they return nothing or raise a `RuleViolation`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from aggregates.errors import RuleViolation
from aggregates.input_rules import check_date_in_range


def check_hearing_date(heard_on: date, *, referred_on: date, today: date) -> None:
    """A hearing is recorded once held (not in the future) and after its referral (the same
    day is allowed)."""
    check_date_in_range("heard_on", heard_on, today)
    if heard_on > today:
        raise RuleViolation("hearing_not_in_future", "the hearing date is in the future",
                            field="heard_on")
    if heard_on < referred_on:
        raise RuleViolation("hearing_after_referral",
                            "the hearing date is before the referral was made",
                            field="heard_on")


def check_marac_actions(actions: Sequence[dict[str, Any]], *, heard_on: date | None,
                        section: str) -> None:
    """`actions` ([{"description", "owner_id", "due_on" (a date)}]) follow a recorded
    hearing; there is at least one; each is described, has an owner and is due on or after
    the hearing. The first broken rule is raised, naming the action's field."""
    if heard_on is None:
        raise RuleViolation("marac_actions_follow_hearing",
                            "record the hearing before its actions", field="referral_id",
                            section=section)
    if not actions:
        raise RuleViolation("marac_actions_listed", "list at least one action",
                            field="actions")
    for index, action in enumerate(actions):
        due_on = action.get("due_on")
        if not action.get("owner_id"):
            raise RuleViolation("marac_action_has_owner", "every action names its owner",
                                field=f"actions.{index}.owner_id")
        if not isinstance(due_on, date):
            raise RuleViolation("marac_action_has_due_date", "every action has a due date",
                                field=f"actions.{index}.due_on")
        if not str(action.get("description", "")).strip():
            raise RuleViolation("marac_action_described", "describe the action",
                                field=f"actions.{index}.description")
        if due_on < heard_on:
            raise RuleViolation("marac_action_due_after_hearing",
                                "an action cannot be due before the hearing",
                                field=f"actions.{index}.due_on")

"""Versions of the Sanctuary Scheme's events (aggregates/sanctuary.py), on top of
`CaseEvent`'s versions 1 to 3 (aggregates/case_events.py). eventsourcing's mapper runs each
event class's `upcast_v3_v4` on the stored state of an older event, in place, before the event
exists; a stored event is never rewritten.

- `SanctuaryReferred` 4 holds the equality answers as codes (aggregates/equality.py, CAR;
  SCAR Q7). Version 3 held the victim's own words: each answer given becomes the code
  `OWN_WORDS` ("given in own words (not coded)"), any communication need given becomes one
  `OWN_WORDS` need, and the words are kept beside the codes in `characteristics_in_own_words`
  and `needs_in_own_words`, read by the same roles as before. The words are never parsed: a
  guess at a code would put a household in a row of the return it never chose. New referrals
  store codes only (data minimisation: a code is all the return counts), so those two fields
  are empty on them.
- `SanctuaryMeasuresDeclined` 4 holds `reason_code` (a `DeclineReason`, SCAR Q15) beside the
  household's words in `reason`. Version 3 had the words only: its code is `not_recorded`.
"""

from __future__ import annotations

from typing import Any

from aggregates.equality import OWN_WORDS
from aggregates.sanctuary_rules import NOT_RECORDED


def referred_v3_v4(state: dict[str, Any]) -> None:
    """A referral's answers in the victim's words become `OWN_WORDS`; the words are kept."""
    words = dict(state["protected_characteristics"])
    needs = list(state["communication_needs"])
    state["protected_characteristics"] = dict.fromkeys(words, OWN_WORDS)
    state["communication_needs"] = [OWN_WORDS] if needs else []
    state["characteristics_in_own_words"] = words
    state["needs_in_own_words"] = needs


def declined_v3_v4(state: dict[str, Any]) -> None:
    """A decline from before reasons were coded: its reason was not recorded as a code."""
    state.setdefault("reason_code", NOT_RECORDED)

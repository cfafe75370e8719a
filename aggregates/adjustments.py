"""How reasonable adjustments asked for at intake shape every task (D 8.16; CAR).

Meeting tasks (the personal discussion, the DASH) carry "same-sex officer" and "two officers";
a telephone-only victim gets no visit. Every contact task carries communication needs:
interpreter, BSL, Relay UK, large print, Braille, audio, translated documents.
"""

from __future__ import annotations

from collections.abc import Iterable

from aggregates.report import Adjustment
from aggregates.tasks import TaskKind

MEETING_TASKS = frozenset({TaskKind.HOLD_PERSONAL_DISCUSSION, TaskKind.COMPLETE_DASH})
CONTACT_TASKS = frozenset({TaskKind.CONTACT_VICTIM, TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY,
                           TaskKind.HOLD_PERSONAL_DISCUSSION, TaskKind.COMPLETE_DASH})

MEETING_NEEDS = (Adjustment.SAME_SEX_OFFICER, Adjustment.TWO_OFFICERS,
                 Adjustment.SAFE_PRIVATE_PLACE)
COMMUNICATION_NEEDS = (Adjustment.INTERPRETER, Adjustment.BSL, Adjustment.RELAY_UK,
                       Adjustment.LARGE_PRINT, Adjustment.BRAILLE, Adjustment.AUDIO,
                       Adjustment.TRANSLATED_DOCUMENTS)

WORDING = {
    Adjustment.TELEPHONE_ONLY: "by telephone only: no home visit",
    Adjustment.SAME_SEX_OFFICER: "an officer of the same sex",
    Adjustment.TWO_OFFICERS: "two officers attend",
    Adjustment.SAFE_PRIVATE_PLACE: "in a safe, private place the victim chooses",
    Adjustment.INTERPRETER: "interpreter",
    Adjustment.BSL: "British Sign Language interpreter",
    Adjustment.RELAY_UK: "Relay UK for calls",
    Adjustment.LARGE_PRINT: "large print",
    Adjustment.BRAILLE: "Braille",
    Adjustment.AUDIO: "audio format",
    Adjustment.TRANSLATED_DOCUMENTS: "translated documents",
}


def requirements_for(kind: TaskKind, adjustments: Iterable[Adjustment]) -> tuple[str, ...]:
    """What the officer doing a task of `kind` must honour, in words on the task."""
    asked = set(adjustments)
    needs: list[Adjustment] = []
    if kind in MEETING_TASKS:
        if Adjustment.TELEPHONE_ONLY in asked:
            needs.append(Adjustment.TELEPHONE_ONLY)
        else:
            needs.extend(a for a in MEETING_NEEDS if a in asked)
        if Adjustment.TELEPHONE_ONLY in asked and Adjustment.SAME_SEX_OFFICER in asked:
            needs.append(Adjustment.SAME_SEX_OFFICER)  # still true on the telephone
    if kind in CONTACT_TASKS:
        needs.extend(a for a in COMMUNICATION_NEEDS if a in asked)
    return tuple(WORDING[a] for a in needs)

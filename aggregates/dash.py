"""The DASH risk identification checklist and the high-risk rule (D 8.14, D 8.15).

[guidance] SafeLives' Domestic Abuse, Stalking and Honour Based Violence (DASH 2009) Risk
Identification Checklist: 24 questions, each answered yes / no / not known with an optional
comment. High risk when any of: 14 or more "yes" (visible high risk); the officer's
professional judgement, with a recorded reason; potential escalation (3 or more police
call-outs in the past 12 months). Labels here are short reminders, not the questions' wording;
the officer asks the questions from the SafeLives form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from aggregates.errors import RuleViolation

CHECKLIST_VERSION = "safelives-dash-ric-2009"
GUIDANCE = "SafeLives DASH RIC guidance; D 8.14, D 8.15"

QUESTIONS: dict[int, str] = {
    1: "current incident resulted in injury",
    2: "very frightened",
    3: "afraid of further injury or violence",
    4: "isolated from family or friends",
    5: "depressed or having suicidal thoughts",
    6: "separated or tried to separate within the past year",
    7: "conflict over child contact",
    8: "constantly texts, calls, follows, stalks or harasses",
    9: "pregnant or had a baby in the last 18 months",
    10: "abuse happening more often",
    11: "abuse getting worse",
    12: "tries to control everything or is excessively jealous",
    13: "used weapons or objects to hurt",
    14: "threatened to kill and was believed",
    15: "attempted to strangle, choke, suffocate or drown",
    16: "sexual abuse",
    17: "another person has threatened or is feared",
    18: "has hurt anyone else",
    19: "mistreated an animal or the family pet",
    20: "financial issues",
    21: "problems with drugs, alcohol or mental health in the past year",
    22: "threatened or attempted suicide",
    23: "broken bail, an injunction or a formal agreement",
    24: "trouble with the police or a criminal history",
}


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


class RiskLevel(StrEnum):
    HIGH = "high"
    NOT_HIGH = "not_high"


@dataclass(frozen=True)
class RiskThresholds:
    """The numbers of the high-risk rule, kept with the council's policy."""

    visible_high_risk_yes: int = 14
    escalation_police_callouts: int = 3


@dataclass(frozen=True)
class RiskOutcome:
    level: RiskLevel
    yes_count: int
    reasons: tuple[str, ...]  # rule names, e.g. "visible_high_risk"


def check_answers(answers: Mapping[int, tuple[str, str]], *, complete: bool) -> None:
    """Every answer is to a known question and is yes / no / not known; a completed checklist
    answers all of them."""
    for number, (answer, comment) in answers.items():
        if number not in QUESTIONS:
            raise RuleViolation("dash_question_exists", f"question {number} is not on the "
                                "checklist", field=f"answers.{number}", section=GUIDANCE)
        if answer not in {a.value for a in Answer}:
            raise RuleViolation("dash_answer_is_yes_no_or_not_known",
                                "answer yes, no or not_known", field=f"answers.{number}",
                                section=GUIDANCE)
        if len(comment) > 2000:
            raise RuleViolation("dash_comment_length", "a comment is at most 2000 characters",
                                field=f"answers.{number}.comment")
    if complete:
        missing = sorted(set(QUESTIONS) - set(answers))
        if missing:
            raise RuleViolation("dash_complete_answers_every_question",
                                f"questions {missing} are not answered yet", field="answers",
                                section=GUIDANCE)


def assess_risk(answers: Mapping[int, tuple[str, str]], *, police_callouts_12_months: int,
                professional_judgement: bool, judgement_reason: str,
                thresholds: RiskThresholds) -> RiskOutcome:
    """The high-risk rule: any one of the three reasons makes the case high risk."""
    if police_callouts_12_months < 0:
        raise RuleViolation("callouts_not_negative", "police call-outs cannot be negative",
                            field="police_callouts_12_months")
    if professional_judgement and not judgement_reason.strip():
        raise RuleViolation("professional_judgement_has_reason",
                            "record the reason for your professional judgement",
                            field="judgement_reason", section=GUIDANCE)
    yes = sum(1 for answer, _ in answers.values() if answer == Answer.YES)
    reasons = []
    if yes >= thresholds.visible_high_risk_yes:
        reasons.append("visible_high_risk")
    if professional_judgement:
        reasons.append("professional_judgement")
    if police_callouts_12_months >= thresholds.escalation_police_callouts:
        reasons.append("potential_escalation")
    return RiskOutcome(level=RiskLevel.HIGH if reasons else RiskLevel.NOT_HIGH, yes_count=yes,
                       reasons=tuple(reasons))


# ---- what a case records of the checklist (aggregates/case_risk.py) -------------------

Answers = dict[int, tuple[str, str]]


def answers_to_store(answers: Answers) -> dict[str, list[str]]:
    return {str(n): [a, c] for n, (a, c) in sorted(answers.items())}


def answers_from_store(stored: dict[str, list[str]]) -> Answers:
    return {int(n): (a, c) for n, (a, c) in stored.items()}


@dataclass(frozen=True)
class DashDraft:
    """A checklist saved part-way. `answers`: question number -> (answer, comment)."""

    assessment_id: str
    checklist_version: str
    answers: dict[int, tuple[str, str]]
    police_callouts_12_months: int
    victim_present: bool

    def to_dict(self) -> dict[str, Any]:
        return {"assessment_id": self.assessment_id, "answers": answers_to_store(self.answers),
                "police_callouts_12_months": self.police_callouts_12_months,
                "victim_present": self.victim_present,
                "checklist_version": self.checklist_version}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DashDraft:
        return cls(assessment_id=data["assessment_id"],
                   checklist_version=data["checklist_version"],
                   answers=answers_from_store(data["answers"]),
                   police_callouts_12_months=data["police_callouts_12_months"],
                   victim_present=data["victim_present"])


@dataclass(frozen=True)
class Assessment:
    """A completed DASH assessment. `reasons`: (rule, section) of each high-risk finding."""

    assessment_id: str
    level: RiskLevel
    yes_count: int
    reasons: tuple[tuple[str, str], ...]
    supersedes: str | None
    completed_at: datetime
    completed_by: str  # staff id
    victim_present: bool

    def to_dict(self) -> dict[str, Any]:
        return {"assessment_id": self.assessment_id, "level": self.level.value,
                "yes_count": self.yes_count,
                "reasons": [{"rule": r, "section": s} for r, s in self.reasons],
                "supersedes": self.supersedes, "completed_at": self.completed_at.isoformat(),
                "completed_by": self.completed_by, "victim_present": self.victim_present}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        return cls(assessment_id=data["assessment_id"], level=RiskLevel(data["level"]),
                   yes_count=data["yes_count"],
                   reasons=tuple((r["rule"], r["section"]) for r in data["reasons"]),
                   supersedes=data["supersedes"],
                   completed_at=datetime.fromisoformat(data["completed_at"]),
                   completed_by=data["completed_by"], victim_present=data["victim_present"])

"""Request and response bodies. Shape checks only (types, lengths, known values); the policy's
rules are checked by the domain, which names them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from aggregates.report import (
    AdditionalNeed,
    Adjustment,
    Adult,
    Channel,
    Child,
    Council,
    Household,
    Perpetrator,
    Report,
    Reporter,
    ReporterKind,
    Tenure,
    Victim,
)
from web.input_types import Bool, Int, Line, ReportedAt, Text

Name = Field(default=None, max_length=200)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReporterIn(Strict):
    kind: ReporterKind
    name: Line | None = Name
    organisation: Line | None = Name
    contact: Line | None = Name


class VictimIn(Strict):
    name: Line = Field(min_length=1, max_length=200)
    address: Text = Field(min_length=1, max_length=500)
    phone: Line | None = Field(default=None, max_length=40)
    email: Line | None = Field(default=None, max_length=254)


class AdultIn(Strict):
    name: Line | None = Name
    care_and_support_needs: Bool = False


class ChildIn(Strict):
    age: Int
    name: Line | None = Name


class HouseholdIn(Strict):
    adults: list[AdultIn] = Field(default_factory=list, max_length=20)
    children: list[ChildIn] = Field(default_factory=list, max_length=20)


class PerpetratorIn(Strict):
    name: Line | None = Name
    relationship: Line | None = Field(default=None, max_length=100)


class ReportIn(Strict):
    """A report of domestic abuse, as the caseworker records it at intake."""

    council: Council
    channel: Channel
    reported_at: ReportedAt
    reporter: ReporterIn
    victim: VictimIn
    immediate_risk: Bool
    household: HouseholdIn = Field(default_factory=HouseholdIn)
    tenure: Tenure
    perpetrator_lives_at_address: Bool
    summary: Text = Field(min_length=1, max_length=10_000)
    reasonable_adjustments: list[Adjustment] = Field(default_factory=list, max_length=20)
    additional_needs: list[AdditionalNeed] = Field(default_factory=list, max_length=5)
    perpetrator: PerpetratorIn | None = None
    late_entry_reason: Text | None = Field(
        default=None, max_length=2_000,
        description="Why the report is entered long after `reported_at` (required then: the "
                    "council's policy says how long)")

    def to_report(self) -> Report:
        return Report(
            council=self.council, channel=self.channel, reported_at=self.reported_at,
            reporter=Reporter(**self.reporter.model_dump()),
            victim=Victim(**self.victim.model_dump()),
            immediate_risk=self.immediate_risk,
            household=Household(
                adults=tuple(Adult(**a.model_dump()) for a in self.household.adults),
                children=tuple(Child(**c.model_dump()) for c in self.household.children),
            ),
            tenure=self.tenure, perpetrator_lives_at_address=self.perpetrator_lives_at_address,
            summary=self.summary, reasonable_adjustments=tuple(self.reasonable_adjustments),
            additional_needs=tuple(self.additional_needs),
            perpetrator=Perpetrator(**self.perpetrator.model_dump()) if self.perpetrator else None,
            late_entry_reason=self.late_entry_reason,
        )


class CompleteTaskIn(Strict):
    outcome: Line = Field(min_length=1, max_length=64)
    note: Text = Field(default="", max_length=10_000)


class CaseOpenedOut(BaseModel):
    case_id: str
    links: dict[str, str]


class TaskOut(BaseModel):
    task_id: str
    kind: str
    title: str
    assignee: str
    due_at: datetime | None
    rule: str
    section: str
    escalated: bool
    requirements: list[str] = []


class TasksOut(BaseModel):
    case_id: str
    triage_done: bool
    tasks: list[TaskOut]


class EventOut(BaseModel):
    version: int
    type: str
    recorded_at: datetime
    data: dict[str, object]
    # The versions of the entries that correct this one (EntryCorrected), oldest first: the
    # entry stays as it was stored, marked as corrected.
    corrected_by: list[int] = []


class CaseSummaryOut(BaseModel):
    case_id: str
    council: str
    policy_version: str
    opened_at: datetime
    triaged: bool
    open_tasks: int
    escalations: int

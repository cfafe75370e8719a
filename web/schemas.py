"""Request and response bodies. Shape checks only (types, lengths, known values); the policy's
rules are checked by the domain, which names them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
from web.input_types import EMAIL_CHECK, LINE_CHECK, TEXT_CHECK, Bool, Int, Line, ReportedAt, Text

OptionalName = Annotated[str, StringConstraints(max_length=200), LINE_CHECK] | None
LateEntryReason = Annotated[str, StringConstraints(max_length=2_000), TEXT_CHECK] | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReporterIn(Strict):
    kind: ReporterKind
    name: OptionalName = None
    organisation: OptionalName = None
    contact: OptionalName = None


class VictimIn(Strict):
    name: Line = Field(min_length=1, max_length=200)
    address: Text = Field(min_length=1, max_length=500)
    phone: Annotated[str, StringConstraints(max_length=40), LINE_CHECK] | None = None
    email: Annotated[str, StringConstraints(max_length=254), LINE_CHECK, EMAIL_CHECK] | None = None


class AdultIn(Strict):
    name: OptionalName = None
    care_and_support_needs: Bool = False


class ChildIn(Strict):
    age: Int
    name: OptionalName = None


class HouseholdIn(Strict):
    adults: list[AdultIn] = Field(default_factory=list, max_length=20)
    children: list[ChildIn] = Field(default_factory=list, max_length=20)


class PerpetratorIn(Strict):
    name: OptionalName = None
    relationship: Annotated[str, StringConstraints(max_length=100), LINE_CHECK] | None = None


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
    late_entry_reason: LateEntryReason = Field(
        default=None,
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

"""The Sanctuary Scheme over HTTP (DBC 7.4.2, SCAR): the referral, the risk assessments of
the case and the property, the decision, the household declining, measures installed and the
referrer told. Each is a command the case's workflow applies; its route (body → command) is
declared here once, for the pages too."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)

from aggregates.access import Permission
from aggregates.commands.sanctuary import (
    AssessSanctuaryRisk,
    DecideSanctuary,
    DeclineSanctuaryMeasures,
    RecordSanctuaryMeasure,
    ReferToSanctuary,
    TellSanctuaryReferrer,
)
from aggregates.contact import ContactChannel
from aggregates.data_categories import redact_view
from aggregates.equality import (
    Age,
    CommunicationNeed,
    Disability,
    EthnicGroup,
    GenderIdentity,
    Partnership,
    PregnancyOrMaternity,
    Religion,
    Sex,
    SexualOrientation,
)
from aggregates.sanctuary_rules import (
    DeclineReason,
    HouseholdType,
    Installer,
    MeasureType,
    ReferrerKind,
    RiskSubject,
)
from web.auth import Principal, require, visible_case
from web.command_routes import CommandRoute, IdempotencyKey, api_command
from web.input_types import LINE_CHECK, Bool, ClosedBody, Int, Line, Text
from web.routes_cases import intake_of
from web.schemas import TasksOut

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.READ_CASE))]


class EqualityAnswersIn(BaseModel):
    """The victim's answers, each optional, as codes (aggregates/equality.py: ONS 2021
    Census categories, each with "prefer_not_to_say"). Only the answers given are sent on."""

    model_config = ConfigDict(extra="forbid")

    age: Age | None = None
    disability: Disability | None = None
    gender_reassignment: GenderIdentity | None = None
    marriage_or_civil_partnership: Partnership | None = None
    pregnancy_or_maternity: PregnancyOrMaternity | None = None
    race: EthnicGroup | None = None
    religion_or_belief: Religion | None = None
    sex: Sex | None = None
    sexual_orientation: SexualOrientation | None = None

    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class SanctuaryReferralIn(ClosedBody):
    """Who referred and how to tell them the outcome; the household; what the victim chose
    to give of their protected characteristics and communication needs (SCAR Q7)."""

    referrer_kind: ReferrerKind
    referrer_name: Line = Field(min_length=1, max_length=200)
    referrer_contact: Line = Field(min_length=1, max_length=200)
    referring_agency: Annotated[str, StringConstraints(max_length=200), LINE_CHECK] | None = None
    household_type: HouseholdType
    protected_characteristics: EqualityAnswersIn = Field(default_factory=EqualityAnswersIn)
    communication_needs: list[CommunicationNeed] = Field(
        default_factory=list, max_length=len(CommunicationNeed))


class RiskAssessmentIn(ClosedBody):
    subject: RiskSubject
    findings: Text = Field(min_length=1, max_length=10_000)


class SanctuaryDecisionIn(ClosedBody):
    """The facts established at the risk assessments (DBC 7.4.2). Rent arrears are
    recorded and never a reason (DBC 7.6.1)."""

    perpetrator_lives_at_property: Bool
    safe_to_stay: Bool
    victim_chooses_to_stay: Bool
    perpetrator_associates_live_there: Bool
    area_too_dangerous: Bool
    household_can_operate_measures: Bool
    rent_arrears: Bool = False


class DeclineIn(ClosedBody):
    """Why the household chose not to have measures: a reason the return counts (SCAR Q15)
    and their words."""

    reason_code: DeclineReason
    reason: Text = Field(min_length=1, max_length=2000)


class MeasureIn(ClosedBody):
    measure_type: MeasureType
    installed_on: date
    installer: Installer
    cost_pence: Int = Field(ge=0, le=10_000_000)


class ReferrerToldIn(ClosedBody):
    channel: ContactChannel


REFER = CommandRoute(ReferToSanctuary, SanctuaryReferralIn)
ASSESS = CommandRoute(AssessSanctuaryRisk, RiskAssessmentIn)
DECIDE = CommandRoute(DecideSanctuary, SanctuaryDecisionIn)
DECLINE = CommandRoute(DeclineSanctuaryMeasures, DeclineIn)
MEASURE = CommandRoute(RecordSanctuaryMeasure, MeasureIn)
TELL = CommandRoute(TellSanctuaryReferrer, ReferrerToldIn)


@router.get("/cases/{case_id}/sanctuary")
async def sanctuary(case_id: UUID, request: Request, principal: Reader) -> dict[str, Any]:
    """Whether the council runs a Sanctuary Scheme (and the rule), the referral and the
    measures installed."""
    case = await visible_case(intake_of(request).store, case_id, principal, "read_sanctuary")
    rule = case.policy.sanctuary_scheme
    referral = case.sanctuary.referral
    return redact_view("sanctuary", {  # type: ignore[no-any-return]
        "offered": case.policy.has_sanctuary_scheme, "rule": rule.name,
        "section": rule.section, "referral": referral and referral.to_dict(),
        "measures": [m.to_dict() for m in case.sanctuary.measures]}, principal.staff.role)


@router.post("/cases/{case_id}/sanctuary/referral", response_model=TasksOut)
async def refer(
    case_id: UUID, body: SanctuaryReferralIn, request: Request,
    principal: Annotated[Principal, Depends(REFER.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Refer the victim to the Sanctuary Scheme (anyone may refer, any tenure; DBC 7.4.2).
    A council without the scheme refuses, saying what it offers instead."""
    return await api_command(REFER, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/sanctuary/risk-assessments", response_model=TasksOut)
async def assess(
    case_id: UUID, body: RiskAssessmentIn, request: Request,
    principal: Annotated[Principal, Depends(ASSESS.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record the risk assessment of the case or of the property (SCAR Q11)."""
    return await api_command(ASSESS, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/sanctuary/decision", response_model=TasksOut)
async def decide(
    case_id: UUID, body: SanctuaryDecisionIn, request: Request,
    principal: Annotated[Principal, Depends(DECIDE.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Decide on the referral once both risk assessments are recorded; not accepted opens
    a task to explore other housing options (SCAR Q11)."""
    return await api_command(DECIDE, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/sanctuary/decline", response_model=TasksOut)
async def decline(
    case_id: UUID, body: DeclineIn, request: Request,
    principal: Annotated[Principal, Depends(DECLINE.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """The household chose not to have measures; say why (SCAR Q15)."""
    return await api_command(DECLINE, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/sanctuary/measures", response_model=TasksOut)
async def measure(
    case_id: UUID, body: MeasureIn, request: Request,
    principal: Annotated[Principal, Depends(MEASURE.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record a measure installed: type, date, installer, cost in pence (DBC 5.1; SCAR
    Q10, Q15)."""
    return await api_command(MEASURE, request, principal, case_id, body, idempotency_key)


@router.post("/cases/{case_id}/sanctuary/referrer-told", response_model=TasksOut)
async def referrer_told(
    case_id: UUID, body: ReferrerToldIn, request: Request,
    principal: Annotated[Principal, Depends(TELL.access())],
    idempotency_key: IdempotencyKey = None,
) -> TasksOut:
    """Record that the referrer was told the outcome and how to complain (DBC 7.4.2; SCAR
    Q15)."""
    return await api_command(TELL, request, principal, case_id, body, idempotency_key)

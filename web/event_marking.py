"""Fact or opinion, per case event type: how an evidence bundle's court rendering marks each
entry (D 8.24-8.28: records given as evidence keep fact apart from opinion), beside the
plain-language wording of the same events (web/event_wording.py).

- FACT: something that happened or was received, and is recorded as it was: a report, a
  referral sent, a delivery, a contact, who may see the case, a rule's mechanical outcome.
- OPINION: a professional judgement or a decision resting on one, with its rationale: a risk
  level, a sharing decision, an assessment's findings, staff's own notes.

A new case event type needs its marking here: tests/unit/test_event_marking.py fails until
it has one, as the wording test does for `WORDING`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Marking(StrEnum):
    FACT = "fact"
    OPINION = "opinion"


LABEL: Mapping[Marking, str] = {
    Marking.FACT: "Recorded fact",
    Marking.OPINION: "Professional judgement (opinion)",
}

FACT, OPINION = Marking.FACT, Marking.OPINION

MARKING: Mapping[str, Marking] = {
    "Opened": FACT,                    # a report received, as it was made
    "TriageDecided": FACT,             # the policy's rules applied to the report's facts
    "TaskOpened": FACT,
    "TaskCompleted": FACT,
    "DeadlineEscalated": FACT,         # a deadline passed: arithmetic on working days
    "Assigned": FACT,
    "Restricted": FACT,
    "RestrictionLifted": FACT,
    "ConflictDeclared": FACT,
    "BreakGlassUsed": FACT,
    "AccessChangeNotified": FACT,
    "ReferralOpened": FACT,            # a referral made (by a rule, or on a decision recorded)
    "ReferralDelivered": FACT,
    "ReferralAcknowledged": FACT,      # the partner's signed receipt
    "ReferralDeliveryFailed": FACT,
    "DashSaved": FACT,                 # answers given so far, no level yet
    "DashCompleted": OPINION,             # a risk level: scored, or raised by judgement
    "MaracHeard": FACT,
    "MaracActionAgreed": FACT,
    "IncidentReported": FACT,          # a report of an incident received
    "ChildAdded": FACT,
    "SupportConsentRecorded": FACT,    # what the victim said
    "ContactRecorded": FACT,
    "SharingDecided": OPINION,            # a decision to share or not, justified (D 12.5)
    "ConsentChanged": FACT,
    "CaseNoteRecorded": OPINION,          # staff's own words: may hold impressions
    "EntryCorrected": FACT,            # that an entry was corrected, and why
    "SanctuaryReferred": FACT,
    "SanctuaryRiskAssessed": OPINION,     # an assessment's findings
    "SanctuaryDecided": OPINION,          # eligibility resting on the risk assessments
    "SanctuaryMeasuresDeclined": FACT,
    "SanctuaryMeasureInstalled": FACT,
    "SanctuaryReferrerTold": FACT,
    "EmergencyRepairReported": FACT,
    "EmergencyRepairConfirmed": FACT,
    "SaferWorksRecorded": FACT,        # KCC's signed record of the works
    # Kent reciprocal transfers: requests, offers and answers as made and received.
    "ReciprocalTransferRequested": FACT,
    "TransferRequestSent": FACT,
    "TransferOfferReceived": FACT,
    "TransferRefused": FACT,           # the other landlord's refusal, as they gave it
    "TransferOfferAccepted": FACT,     # the victim's choice
    "TransferOfferDeclined": FACT,
    "TransferMoveDateAgreed": FACT,
    "OldTenancyEnded": FACT,
    "NewTenancyGranted": FACT,
    "InboundTransferRequestReceived": FACT,
    "InboundTransferAnswered": OPINION,  # our decision to offer a home or refuse
    # Homelessness and tenancy options.
    "HomelessnessApplicationRecorded": OPINION,  # eligibility and priority need assessed
    "LocalConnectionRecorded": FACT,
    "LossOfSettledHomeRecorded": OPINION,  # that the abuse caused the loss: a finding
    "HomelessnessOutcomeRecorded": OPINION,  # that homelessness was prevented: a judgement
    "HousingOptionsAdvised": FACT,     # the advice given, as given
    "TenancyRecorded": FACT,
    "TenancyRouteStarted": OPINION,    # the route chosen for the victim's tenancy
    "TenancyRouteStepCompleted": FACT,
    "ComplexCasePanelReferred": OPINION,  # complex issues judged to need the panel
    "VictimWishesRecorded": FACT,      # what the victim said
    "SpecialistConsulted": FACT,
    "EnforcementConsidered": OPINION,  # a decision on enforcement against the perpetrator
}

# The fields of an event that say why a judgement or decision was made (its rationale).
RATIONALE_FIELDS = ("justification", "reasons", "judgement_reason")


def marking_of(event_type: str) -> Marking:
    """The event type's marking; an unmarked type is OPINION (fail safe: a court is never
    told that something is a recorded fact unless someone decided so here)."""
    return MARKING.get(event_type, Marking.OPINION)

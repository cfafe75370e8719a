"""Commands on a case after intake, other than completing tasks. Each is declared once: a
dataclass naming itself and the permission it needs, and one handler registered beside it
with `@handles` (registry.py holds the one table, `COMMANDS`). Adding a command is the
dataclass, its handler, and its route in web/.

- access.py: assign, restrict, lift a restriction, conflict of interest, break glass
- safeguarding.py: DASH, MARAC, incidents, children, support consent, contacts, case notes
- sharing.py: decisions to share, consent
- sanctuary.py: the Sanctuary Scheme (refer, assess, decide, decline, install, tell)
- repairs.py: emergency repairs
- safer.py: KCC SAFER (the referral, and the works KCC's signed message reports)
- housing.py: homelessness, tenancy options and enforcement against a perpetrator
- corrections.py: correcting a wrong entry by a new one pointing at it
- transfers.py: Kent reciprocal transfers (request, the landlord's answers, the victim's
  decision, move date, old tenancy ended, new tenancy granted; another landlord's request
  to us and our answer)
"""

from aggregates.commands.access import (
    AssignCase,
    DeclareConflict,
    LiftRestriction,
    RestrictCase,
    UseBreakGlass,
)
from aggregates.commands.corrections import CorrectEntry
from aggregates.commands.housing import (
    CompleteTenancyStep,
    ConsiderEnforcement,
    GrantNewTenancy,
    RecordHomelessnessApplication,
    RecordHomelessnessOutcome,
    RecordLocalConnection,
    RecordLossOfSettledHome,
    RecordOptionsAdvice,
    RecordSpecialistConsulted,
    RecordTenancy,
    RecordVictimWishes,
    ReferToComplexCasePanel,
    StartTenancyRoute,
)
from aggregates.commands.registry import (
    COMMANDS,
    Command,
    CommandContext,
    Directory,
    apply_command,
    handles,
    parse_command,
)
from aggregates.commands.repairs import ReportEmergencyRepair
from aggregates.commands.safeguarding import (
    AddChild,
    AddMaracActions,
    CompleteDash,
    RecordContact,
    RecordMaracHearing,
    RecordSupportConsent,
    ReportIncident,
    SaveDash,
    parse_answers,
    parse_date,
)
from aggregates.commands.safer import RecordSaferWorks, ReferToSafer
from aggregates.commands.sanctuary import (
    AssessSanctuaryRisk,
    DecideSanctuary,
    DeclineSanctuaryMeasures,
    RecordSanctuaryMeasure,
    ReferToSanctuary,
    TellSanctuaryReferrer,
)
from aggregates.commands.sharing import RecordConsent, RecordSharingDecision
from aggregates.commands.transfers import (
    AgreeTransferMoveDate,
    AnswerInboundTransfer,
    RecordInboundTransferRequest,
    RecordNewTenancyGranted,
    RecordOldTenancyEnded,
    RecordTransferOffer,
    RecordTransferRefusal,
    RecordTransferRequestSent,
    RecordVictimTransferDecision,
    RequestReciprocalTransfer,
)

__all__ = [
    "COMMANDS", "AddChild", "AddMaracActions", "AgreeTransferMoveDate", "AnswerInboundTransfer",
    "AssessSanctuaryRisk", "AssignCase", "Command", "CommandContext", "CompleteDash",
    "CorrectEntry", "DecideSanctuary", "DeclareConflict", "DeclineSanctuaryMeasures", "Directory",
    "LiftRestriction", "RecordConsent", "RecordContact", "RecordInboundTransferRequest",
    "RecordMaracHearing", "RecordNewTenancyGranted", "RecordOldTenancyEnded", "RecordSaferWorks",
    "RecordSanctuaryMeasure", "RecordSharingDecision", "RecordSupportConsent",
    "RecordTransferOffer", "RecordTransferRefusal", "RecordTransferRequestSent",
    "RecordVictimTransferDecision", "ReferToSafer", "ReferToSanctuary", "ReportEmergencyRepair",
    "ReportIncident", "RequestReciprocalTransfer", "RestrictCase", "SaveDash",
    "TellSanctuaryReferrer", "UseBreakGlass", "apply_command", "handles", "parse_answers",
    "parse_command", "parse_date",
]
# Homelessness, tenancy options, enforcement (housing.py).
__all__ += [
    "CompleteTenancyStep", "ConsiderEnforcement", "GrantNewTenancy",
    "RecordHomelessnessApplication", "RecordHomelessnessOutcome", "RecordLocalConnection",
    "RecordLossOfSettledHome", "RecordOptionsAdvice", "RecordSpecialistConsulted",
    "RecordTenancy", "RecordVictimWishes", "ReferToComplexCasePanel", "StartTenancyRoute",
]

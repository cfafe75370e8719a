"""What each slice of the case may use of the others, declared once for type checkers.

`Case` (aggregates/case.py) is one aggregate, one stream and one version, composed of slice
mixins: work (report, triage and tasks: aggregates/case_work.py), access
(aggregates/case_access.py), risk (DASH, MARAC, incidents: aggregates/case_risk.py),
safeguarding referrals and contact (aggregates/safeguarding.py), sharing and consent
(aggregates/sharing_decisions.py), the Sanctuary Scheme (aggregates/sanctuary.py), emergency
repairs (aggregates/repairs.py), KCC SAFER (aggregates/safer.py), homelessness
(aggregates/homelessness.py), tenancy options and enforcement (aggregates/tenancy_options.py,
aggregates/enforcement.py), Kent reciprocal transfers (aggregates/reciprocal_transfer.py).
Each slice module holds its events, its typed state and its commands; the rules are pure
functions they call. A slice reaches another only through what `CaseParts` declares here, so
no slice module imports another (nor `aggregates.case`) at run time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aggregates.case_access import AccessState
    from aggregates.case_risk import RiskState
    from aggregates.case_work import WorkState
    from aggregates.homelessness import HomelessnessState
    from aggregates.policies import Policy, Rule
    from aggregates.referrals import ReferralKind
    from aggregates.repairs import RepairsState
    from aggregates.report import Actor, Council, Report
    from aggregates.safeguarding import SafeguardingState
    from aggregates.safer import SaferState
    from aggregates.sanctuary import SanctuaryState
    from aggregates.sharing_decisions import SharingState
    from aggregates.tasks import Task, TaskKind
    from aggregates.tenancy_records import TenancyState
    from aggregates.transfer_records import TransferState
    from aggregates.triage import TaskSpec


class CaseParts:
    """The case as every slice sees it (declarations only: `Case` provides them)."""

    if TYPE_CHECKING:
        report: Report
        opened_by: Actor
        work: WorkState
        access: AccessState
        risk: RiskState
        safeguarding: SafeguardingState
        sharing: SharingState
        sanctuary: SanctuaryState
        repairs: RepairsState
        safer: SaferState
        transfer: TransferState
        homelessness: HomelessnessState
        tenancy: TenancyState
        recent_commands: dict[str, None]
        # The events `Case` names (their topics are `aggregates.case:Case.<name>`).
        TriageDecided: Any
        TaskOpened: Any
        TaskCompleted: Any
        DeadlineEscalated: Any
        Assigned: Any
        Restricted: Any
        RestrictionLifted: Any
        ConflictDeclared: Any
        BreakGlassUsed: Any
        AccessChangeNotified: Any

        @property
        def policy(self) -> Policy: ...
        @property
        def council(self) -> Council: ...
        @property
        def team(self) -> str: ...
        @property
        def open_tasks(self) -> list[Task]: ...
        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...
        def _open_tasks(self, specs: list[TaskSpec], actor: Actor, at: datetime,
                        command_id: str) -> list[Task]: ...
        def _close_task(self, kind: TaskKind, outcome: str, actor: Actor, at: datetime,
                        command_id: str) -> None: ...
        def triage_referrals(self, actor: Actor, at: datetime, command_id: str) -> None: ...
        def _open_referral(self, kind: ReferralKind, rule: Rule, actor: Actor, at: datetime,
                           reason: str, *, command_id: str,
                           on: date | None = None) -> str: ...
        def record_referral_acknowledged(self, *, referral_id: str, ack_message_id: str,
                                         digest: str, signed_body: str, signature: str,
                                         at: datetime) -> None: ...
        def decide_sharing(self, *, partner: str, purpose: str, categories: list[str],
                           shared: bool, lawful_basis: str | None, justification: str,
                           reasons: str, under_isa: bool, actor: Actor, at: datetime,
                           command_id: str) -> str: ...

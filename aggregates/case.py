"""The case aggregate: one domestic-abuse case, recorded as an immutable sequence of events.

`Case` is one aggregate (one stream, one version, its workflow the single writer) composed of
slices, each a module with its events, its typed state and its commands (aggregates/
case_parts.py lists them): work, access, risk, safeguarding, sharing, the Sanctuary Scheme,
emergency repairs, SAFER, homelessness, tenancy options and enforcement, Kent reciprocal
transfers. This module holds only what makes them one case: intake (`Opened`), the names of
the events on `Case` itself, the council and policy, and the window of recent command ids.

Every event carries who, which command, why and when (aggregates/case_events.py). Event class
names and the case id never hold personal data: the event store keeps them in clear (only
event state is encrypted).
"""

from __future__ import annotations

from collections.abc import KeysView
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from aggregates import case_access, case_work
from aggregates.case_access import AccessCommands, AccessState
from aggregates.case_events import CaseEvent
from aggregates.case_risk import RiskCommands, RiskState
from aggregates.case_versions import upcast_v1_v2, upcast_v2_v3, upcast_v3_v4, upcast_v4_v5
from aggregates.case_work import WorkCommands, WorkState
from aggregates.checks import check_reason
from aggregates.enforcement import EnforcementCommands
from aggregates.errors import RuleViolation
from aggregates.homelessness import HomelessnessCommands, HomelessnessState
from aggregates.inbound_transfer import InboundTransferCommands
from aggregates.input_rules import check_date_in_range
from aggregates.policies import Policy, policy_for
from aggregates.reciprocal_transfer import TransferCommands, TransferState
from aggregates.repairs import RepairsCommands, RepairsState
from aggregates.report import Actor, Council, Report, Role
from aggregates.report_received import check_received_at
from aggregates.safeguarding import SafeguardingCommands, SafeguardingState
from aggregates.safer import SaferCommands, SaferState
from aggregates.sanctuary import SanctuaryCommands, SanctuaryState
from aggregates.sharing_decisions import SharingCommands, SharingState
from aggregates.tasks import TaskNotFound as TaskNotFound  # raised by Case since v1 (tasks.py)
from aggregates.tenancy_options import TenancyCommands
from aggregates.tenancy_records import TenancyState
from aggregates.working_days import local_date

MAX_CLOCK_SKEW = timedelta(minutes=5)


def check_report(report: Report, now: datetime) -> None:
    """Rules a report must meet before a case is opened on it."""
    if report.reported_at.tzinfo is None:
        raise RuleViolation("report_time_has_time_zone",
                            "the time of the report must include a time zone",
                            field="reported_at")
    # Before any time-zone arithmetic: a year near 1 would overflow it.
    check_date_in_range("reported_at", report.reported_at, now.date())
    if report.reported_at > now + MAX_CLOCK_SKEW:
        raise RuleViolation("report_time_not_in_future",
                            "the time of the report is in the future", field="reported_at")
    for index, child in enumerate(report.household.children):
        if isinstance(child.age, bool) or not isinstance(child.age, int) or not (
                0 <= child.age < 18):
            raise RuleViolation("child_is_under_18", "a child's age must be from 0 to 17",
                                field=f"household.children.{index}.age", section="D 7.4")
    if report.channel.value in {"third_party", "partner_referral"} and not report.is_third_party:
        raise RuleViolation("third_party_channel_has_third_party_reporter",
                            f"a report by channel {report.channel.value!r} must name a reporter "
                            "other than the victim", field="reporter.kind", section="D 8.12")


class Case(RepairsCommands, WorkCommands, AccessCommands, RiskCommands, SafeguardingCommands,
           SharingCommands, SanctuaryCommands, SaferCommands, HomelessnessCommands,
           TenancyCommands, EnforcementCommands, TransferCommands, InboundTransferCommands,
           Aggregate):
    """A domestic-abuse case of one council, under the policy version in force at intake.

    The repairs slice comes first: its `record_referral_acknowledged` extends the
    safeguarding slice's (a contractor's acknowledgement confirms a repair job)."""

    # The shape of the state snapshots hold; a change to it is a version step with an upcaster
    # (aggregates/case_versions.py).
    class_version = 5
    upcast_v1_v2 = staticmethod(upcast_v1_v2)
    upcast_v2_v3 = staticmethod(upcast_v2_v3)
    upcast_v3_v4 = staticmethod(upcast_v3_v4)
    upcast_v4_v5 = staticmethod(upcast_v4_v5)

    class Opened(CaseEvent, Aggregate.Created):
        council: str
        policy_version: str
        report: dict[str, Any]
        request_fingerprint: str

        def apply(self, case: Case) -> None:
            case.council_code = self.council
            case.policy_version = self.policy_version
            case.report = Report.from_dict(self.report)
            case.opened_by = self.actor
            case.request_fingerprint = self.request_fingerprint
            case.recent_commands = {}
            # Every slice starts from its initial state.
            case.work = WorkState()
            case.access = AccessState()
            case.risk = RiskState()
            case.safeguarding = SafeguardingState()
            case.sharing = SharingState()
            case.sanctuary = SanctuaryState()
            case.repairs = RepairsState()
            case.safer = SaferState()
            case.transfer = TransferState()
            case.homelessness = HomelessnessState()
            case.tenancy = TenancyState()

    # Events of the work and access slices, named here so that their topics stay
    # `aggregates.case:Case.<name>` (stored since version 1; the task board, notifications and
    # intake select events by these topics). Their fields and `apply` are the slices'.
    class TriageDecided(case_work.TriageDecided):
        pass

    class TaskOpened(case_work.TaskOpened):
        pass

    class TaskCompleted(case_work.TaskCompleted):
        pass

    class DeadlineEscalated(case_work.DeadlineEscalated):
        pass

    class Assigned(case_access.Assigned):
        pass

    class Restricted(case_access.Restricted):
        pass

    class RestrictionLifted(case_access.RestrictionLifted):
        pass

    class ConflictDeclared(case_access.ConflictDeclared):
        pass

    class BreakGlassUsed(case_access.BreakGlassUsed):
        pass

    class AccessChangeNotified(case_access.AccessChangeNotified):
        pass

    # State set by the events. Declared only for type checkers: eventsourcing would otherwise
    # turn class annotations into constructor arguments.
    if TYPE_CHECKING:
        council_code: str
        policy_version: str
        report: Report
        opened_by: Actor
        request_fingerprint: str
        recent_commands: dict[str, None]  # ids of the latest commands applied, oldest first
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

    @classmethod
    def open(cls, *, case_id: UUID, report: Report, policy: Policy, actor: Actor, reason: str,
             request_fingerprint: str, at: datetime) -> Case:
        """Open a case on a report at `at`, the time of the intake request (the one business
        time read from a clock: application/intake.py via `CaseStore.open_case`), recording
        the council's policy version in force."""
        check_report(report, at)
        if policy.council is not report.council:
            raise RuleViolation("policy_belongs_to_council",
                                "the policy is not the case's council's", field="council")
        if policy.in_force_from > local_date(report.reported_at):
            raise RuleViolation("policy_in_force_at_report",
                                "the policy was not yet in force when the report was made",
                                field="reported_at")
        check_received_at(report, policy, at)
        check_reason(reason)
        case = cls._create(
            cls.Opened, id=case_id, council=report.council.value,
            policy_version=policy.version, report=report.to_dict(), actor=actor,
            reason=reason, request_fingerprint=request_fingerprint, at=at, command_id="intake",
        )
        # Need to know starts with the team the policy routes the case to, and the officer who
        # took the report if they are a caseworker. Whoever recorded the report, in any case
        # role, keeps seeing it (`access_facts.reported_by`).
        officer = actor.staff_id if actor.role is Role.CASEWORKER else None
        case.trigger_event(
            cls.Assigned, team=case.team, officer_id=officer, command_id="intake",
            actor=actor, at=at,
            reason=f"Routed to the {case.team} ({policy.housing_team.section}).",
        )
        return case

    @property
    def council(self) -> Council:
        return Council(self.council_code)

    @property
    def policy(self) -> Policy:
        return policy_for(self.council, self.policy_version)

    @property
    def team(self) -> str:
        return self.policy.team_for(self.report.tenure)

    def has_applied(self, command_id: str) -> bool:
        """Whether the command is among the latest RECENT_COMMANDS applied to the case."""
        return command_id in self.recent_commands

    @property
    def applied_commands(self) -> KeysView[str]:
        """Ids of the latest commands applied (a window, not every command ever applied)."""
        return self.recent_commands.keys()

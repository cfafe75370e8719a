"""How the case's value objects are written into snapshots and events.

Records of the case (frozen dataclasses with `to_dict` / `from_dict`) are stored as the JSON
dict `to_dict` gives, the same shape the API shows; a slice's state as its fields, each of
which the transcoder writes in turn (records, sets, datetimes, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date
from functools import lru_cache
from typing import Any

from eventsourcing.persistence import Transcoding

from aggregates.case_access import AccessState
from aggregates.case_risk import RiskState
from aggregates.case_work import WorkState
from aggregates.dash import Assessment, DashDraft, RiskLevel
from aggregates.homelessness import HomelessnessApplication, HomelessnessState
from aggregates.referrals import Referral
from aggregates.repair_rules import RepairJob
from aggregates.repairs import RepairsState
from aggregates.report import Actor, Report, Role
from aggregates.safeguarding import AddedChild, SafeguardingState
from aggregates.safer import SaferState, SaferWorks
from aggregates.sanctuary import SanctuaryState
from aggregates.sanctuary_records import Measure, SanctuaryReferral
from aggregates.sharing_decisions import SharingDecision, SharingState
from aggregates.tasks import Task
from aggregates.tenancy_records import TenancyRoute, TenancyState
from aggregates.transfer_records import InboundTransfer, ReciprocalTransfer, TransferState


class RecordAsDict(Transcoding):
    """A record with `to_dict()` and `from_dict(data)`, stored as that dict."""

    def __init__(self, record: type, name: str) -> None:
        self.type = record
        self.name = name

    def encode(self, obj: Any) -> dict[str, Any]:
        return obj.to_dict()  # type: ignore[no-any-return]

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type.from_dict(data)  # type: ignore[attr-defined]


class StateAsFields(Transcoding):
    """A slice's state (a frozen dataclass), stored as its fields. `coerce` turns a field
    JSON cannot keep typed (a StrEnum reads back as its str) back into its type."""

    def __init__(self, state: type, name: str,
                 coerce: dict[str, Callable[[Any], Any]] | None = None) -> None:
        self.type = state
        self.name = name
        self.coerce = coerce or {}

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        for name, convert in self.coerce.items():
            if data.get(name) is not None:
                data[name] = convert(data[name])
        return self.type(**data)


class ActorAsPair(Transcoding):
    """An `Actor` as [staff id, role]: every event carries one, and a pair is smaller and
    quicker to read back than a dict (replaying a long case reads thousands). Snapshots and
    events written before stored {"staff_id", "role"}; that reads back too."""

    type = Actor
    name = "da_actor"

    def encode(self, obj: Actor) -> list[str]:
        return [obj.staff_id, obj.role.value]

    def decode(self, data: list[str] | dict[str, str]) -> Actor:
        if isinstance(data, dict):
            return Actor.from_dict(data)
        return _actor(data[0], data[1])


@lru_cache(maxsize=1024)
def _actor(staff_id: str, role: str) -> Actor:
    """The same few staff act on a case again and again: one (immutable) Actor each."""
    return Actor(staff_id=staff_id, role=Role(role))


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class SetAsSortedList(Transcoding):
    type = set
    name = "set"

    def encode(self, obj: set[Any]) -> list[Any]:
        return sorted(obj)

    def decode(self, data: list[Any]) -> set[Any]:
        return set(data)


class FrozensetAsSortedList(Transcoding):
    type = frozenset
    name = "frozenset"

    def encode(self, obj: frozenset[Any]) -> list[Any]:
        return sorted(obj)

    def decode(self, data: list[Any]) -> frozenset[Any]:
        return frozenset(data)


ALL = (
    # The names of the first three are stored in every snapshot since version 1.
    RecordAsDict(Report, "da_report"), RecordAsDict(Task, "da_task"),
    ActorAsPair(), SetAsSortedList(), FrozensetAsSortedList(), DateAsISO(),
    RecordAsDict(Referral, "da_referral"), RecordAsDict(DashDraft, "da_dash_draft"),
    RecordAsDict(Assessment, "da_assessment"), RecordAsDict(AddedChild, "da_added_child"),
    RecordAsDict(SharingDecision, "da_sharing_decision"),
    StateAsFields(WorkState, "da_work_state"), StateAsFields(AccessState, "da_access_state"),
    StateAsFields(RiskState, "da_risk_state", {"risk_level": RiskLevel}),
    StateAsFields(SafeguardingState, "da_safeguarding_state"),
    StateAsFields(SharingState, "da_sharing_state"),
    StateAsFields(SanctuaryState, "da_sanctuary_state"),
    RecordAsDict(SanctuaryReferral, "da_sanctuary_referral"),
    RecordAsDict(Measure, "da_sanctuary_measure"),
    StateAsFields(RepairsState, "da_repairs_state"), RecordAsDict(RepairJob, "da_repair_job"),
    StateAsFields(SaferState, "da_safer_state"), RecordAsDict(SaferWorks, "da_safer_works"),
    # Kent reciprocal transfers (issue 14)
    StateAsFields(TransferState, "da_transfer_state"),
    RecordAsDict(ReciprocalTransfer, "da_reciprocal_transfer"),
    RecordAsDict(InboundTransfer, "da_inbound_transfer"),
    StateAsFields(HomelessnessState, "da_homelessness_state"),
    RecordAsDict(HomelessnessApplication, "da_homelessness_application"),
    StateAsFields(TenancyState, "da_tenancy_state"),
    RecordAsDict(TenancyRoute, "da_tenancy_route"),
)

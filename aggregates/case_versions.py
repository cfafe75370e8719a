"""Versions of the case's state, as snapshots store it, and the steps from one to the next.

A snapshot is the case's attributes at one version of the stream, written by one version of
this code. `Case.class_version` says which; eventsourcing runs `Case.upcast_vN_vN1` on an older
snapshot's state, step by step, before the case is rebuilt from it (`Snapshot.mutate`). So
every change to what `Opened.apply` sets (an attribute, or the shape of a slice's state) is a
version step:

1. bump `Case.class_version` to N+1;
2. write `upcast_vN_vN1(state)` here, giving an old snapshot's state the new shape (derive the
   new attribute from the old ones, or give it the value a case replayed from its events
   would have);
3. add the new shape under N+1 in `SHAPES` (the guard test prints it for you).

`tests/unit/test_case_versions.py` fails while the shape of a newly opened case differs from
`SHAPES[Case.class_version]`, and `tests/integration/test_stored_versions.py` loads the
snapshots of every committed fixture store. See the README, "How to add a field or a slice
safely".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aggregates.case_access import AccessState
from aggregates.case_risk import RiskState
from aggregates.case_work import WorkState
from aggregates.dash import Assessment, DashDraft, RiskLevel
from aggregates.homelessness import HomelessnessState
from aggregates.recent_commands import RECENT_COMMANDS as RECENT_COMMANDS
from aggregates.recent_commands import remember_command as remember_command
from aggregates.referrals import Referral
from aggregates.repairs import RepairsState
from aggregates.safeguarding import AddedChild, SafeguardingState
from aggregates.safer import SaferState
from aggregates.sanctuary import SanctuaryState
from aggregates.sharing_decisions import SharingDecision, SharingState
from aggregates.tenancy_records import TenancyState
from aggregates.transfer_records import TransferState

# The attributes a case has once opened (before anything else happens to it), with the type
# of their first value. Version 1 kept every command id ever applied; version 2 keeps a
# bounded window of recent ones (`RECENT_COMMANDS`) and mutates sets in place; version 3
# holds one typed state per slice, records as frozen dataclasses instead of dicts.
SHAPES: dict[int, dict[str, str]] = {
    1: {
        "_created_on": "datetime", "_modified_on": "datetime",
        "council_code": "str", "policy_version": "str", "report": "Report",
        "opened_by": "Actor", "request_fingerprint": "str", "triaged": "bool",
        "tasks": "dict", "completed": "dict", "escalated": "set", "assigned_team": "str",
        "officer_id": "NoneType", "restricted_to": "NoneType", "conflicted": "frozenset",
        "break_glass_until": "dict", "applied_commands": "frozenset",
        "referrals": "dict", "dash_draft": "NoneType", "assessments": "list",
        "risk_level": "NoneType", "marac_last_heard": "NoneType", "added_children": "list",
        "support_consent": "NoneType", "sharing_decisions": "list", "consents": "dict",
    },
}
SHAPES[2] = {**{k: v for k, v in SHAPES[1].items() if k != "applied_commands"},
             "conflicted": "set", "recent_commands": "dict"}
SHAPES[3] = {
    "_created_on": "datetime", "_modified_on": "datetime",
    "council_code": "str", "policy_version": "str", "report": "Report",
    "opened_by": "Actor", "request_fingerprint": "str", "recent_commands": "dict",
    "work": "WorkState", "access": "AccessState", "risk": "RiskState",
    "safeguarding": "SafeguardingState", "sharing": "SharingState",
}
# Version 4 adds the Sanctuary Scheme, emergency-repairs and SAFER slices (issue 13).
SHAPES[4] = {**SHAPES[3], "sanctuary": "SanctuaryState", "repairs": "RepairsState",
             "safer": "SaferState"}
# Version 5 adds the slices of issue 14: Kent reciprocal transfers, homelessness and tenancy
# options.
SHAPES[5] = {**SHAPES[4], "transfer": "TransferState", "homelessness": "HomelessnessState",
             "tenancy": "TenancyState"}

# Attributes eventsourcing keeps out of snapshots (they come from the snapshot's own fields).
NOT_STATE = frozenset({"_id", "_version", "_pending_events"})


def state_shape(case: Any) -> dict[str, str]:
    """{attribute: type name of its value} of a case's snapshot state."""
    return {name: type(value).__name__ for name, value in vars(case).items()
            if name not in NOT_STATE}


class StateShapeChanged(Exception):
    """The case's state changed shape without a version step (a programming error)."""


def check_shape(shape: dict[str, str], class_version: int,
                shapes: dict[int, dict[str, str]] = SHAPES) -> None:
    """Raise `StateShapeChanged`, saying what to do, unless `shape` is the one committed for
    `class_version`."""
    committed = shapes.get(class_version)
    if committed == shape:
        return
    committed = committed or {}
    added = sorted(set(shape) - set(committed))
    removed = sorted(set(committed) - set(shape))
    retyped = sorted(k for k in set(shape) & set(committed) if shape[k] != committed[k])
    raise StateShapeChanged(
        f"The case's state no longer has the shape committed for class_version "
        f"{class_version} (added: {added}, removed: {removed}, retyped: {retyped}). Snapshots "
        f"written before would load without it. Bump Case.class_version to "
        f"{class_version + 1}, add Case.upcast_v{class_version}_v{class_version + 1} "
        f"(aggregates/case_versions.py) giving old snapshots the new state, and commit "
        f"SHAPES[{class_version + 1}] = {dict(sorted(shape.items()))!r}. "
        "See the README, 'How to add a field or a slice safely'.")


def upcast_v1_v2(state: dict[str, Any]) -> None:
    """Version 1 kept every command id ever applied (unordered), and a frozenset of conflicts.

    The old ids all become the window, so a command applied just before the upgrade is still
    recognised when retried after it; the window is trimmed to RECENT_COMMANDS as new
    commands arrive. In place, as eventsourcing's snapshot upcasting expects."""
    state["recent_commands"] = dict.fromkeys(sorted(state.pop("applied_commands", ())))
    state["conflicted"] = set(state.get("conflicted", ()))


def upcast_v2_v3(state: dict[str, Any]) -> None:
    """Version 2 held each slice's state as attributes of the case, its records as dicts.

    Each slice's attributes become its typed state, each dict its record (the facts are the
    same: `to_dict()` of a record gives back the dict it came from). In place."""
    level, heard, draft = (state.pop("risk_level"), state.pop("marac_last_heard"),
                           state.pop("dash_draft"))
    state["work"] = WorkState(
        triaged=state.pop("triaged"), tasks=state.pop("tasks"),
        completed=state.pop("completed"), escalated=set(state.pop("escalated")))
    state["access"] = AccessState(
        team=state.pop("assigned_team"), officer_id=state.pop("officer_id"),
        restricted_to=state.pop("restricted_to"), conflicted=set(state.pop("conflicted")),
        break_glass_until=state.pop("break_glass_until"))
    state["risk"] = RiskState(
        dash_draft=DashDraft.from_dict(draft) if draft else None,
        assessments=[Assessment.from_dict(a) for a in state.pop("assessments")],
        risk_level=RiskLevel(level) if level else None,
        marac_last_heard=date.fromisoformat(heard) if heard else None)
    state["safeguarding"] = SafeguardingState(
        referrals={k: Referral.from_dict(r) for k, r in state.pop("referrals").items()},
        added_children=[AddedChild(age=c["age"]) for c in state.pop("added_children")],
        support_consent=state.pop("support_consent"))
    state["sharing"] = SharingState(
        decisions=[SharingDecision.from_dict(d) for d in state.pop("sharing_decisions")],
        consents=state.pop("consents"))


def upcast_v3_v4(state: dict[str, Any]) -> None:
    """Version 3 had no Sanctuary, repairs or SAFER slice. No event of theirs existed then,
    so a case replayed from its events would have their initial states: so does its snapshot.
    In place."""
    state["sanctuary"] = SanctuaryState()
    state["repairs"] = RepairsState()
    state["safer"] = SaferState()


def _transfer_defaults_v5(state: dict[str, Any]) -> None:
    """Version 4 had no reciprocal transfer slice; no event of it existed then, so a case
    replayed from its events would have its initial state: so does its snapshot."""
    state["transfer"] = TransferState()


def _housing_defaults_v5(state: dict[str, Any]) -> None:
    """Version 4 had no homelessness or tenancy-options slice; no event of theirs existed,
    so a case replayed from its events would have their initial states. In place."""
    state["homelessness"] = HomelessnessState()
    state["tenancy"] = TenancyState()


def upcast_v4_v5(state: dict[str, Any]) -> None:
    """Version 4 to 5: the slices of issue 14 (transfers, homelessness, tenancy options) get
    their initial states. In place."""
    _transfer_defaults_v5(state)
    _housing_defaults_v5(state)

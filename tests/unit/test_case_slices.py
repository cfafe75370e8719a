"""The case in typed slices: each slice's state is a frozen dataclass with an initial value,
its records frozen dataclasses; applying an event changes one record, never copying a
collection; the state survives a snapshot unchanged; and `aggregates/` has no import cycle.
"""

from __future__ import annotations

import ast
import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, UUIDAsHex

from activities import transcodings
from aggregates.case import Case
from aggregates.case_access import AccessState
from aggregates.case_risk import RiskState
from aggregates.case_work import WorkState
from aggregates.commands import CommandContext, apply_command
from aggregates.referrals import Referral, ReferralStatus
from aggregates.report import Child
from aggregates.safeguarding import SafeguardingState
from aggregates.sharing_decisions import SharingState
from aggregates.tasks import TaskKind
from tests.fixtures.stored_versions import case_facts
from tests.unit.builders import (
    CASEWORKER,
    ORDINARY_MONDAY,
    discussion_case,
    finish_task,
    make_report,
    open_case,
    record_dash,
)

SLICES = {"work": WorkState, "access": AccessState, "risk": RiskState,
          "safeguarding": SafeguardingState, "sharing": SharingState}
AGGREGATES = Path(__file__).resolve().parents[2] / "aggregates"


def test_a_new_case_starts_every_slice_from_its_initial_state() -> None:
    case = open_case()
    for name, state in SLICES.items():
        assert dataclasses.is_dataclass(state) and state.__dataclass_params__.frozen, name
        value = getattr(case, name)
        assert type(value) is state, name
        if name != "access":  # intake routes the case to a team at once
            assert value == state(), name
    assert case.access == AccessState(team=case.team, officer_id=CASEWORKER.staff_id)


def test_state_and_records_cannot_be_changed_in_place() -> None:
    case = discussion_case(make_report(children=(Child(age=4),)))
    record_dash(case, yes=14)
    records = [case.referrals["r1"], case.assessments[0], case.sharing_decisions[0],
               case.tasks["t1"]]
    for frozen in (case.work, case.access, case.risk, case.safeguarding, case.sharing, *records):
        with pytest.raises(dataclasses.FrozenInstanceError):
            frozen.__setattr__(dataclasses.fields(frozen)[0].name, None)


def test_applying_an_event_changes_one_record_and_copies_no_collection() -> None:
    """Point 5 of the issue: a long case loads in time proportional to its events."""
    case = discussion_case(make_report(children=(Child(age=4),)))
    collections = [case.work.tasks, case.work.completed, case.safeguarding.referrals,
                   case.risk.assessments, case.sharing.decisions, case.recent_commands]
    before = dict(case.referrals)
    record_dash(case, yes=14)  # a DASH, a MARAC referral, its sharing decision and a task
    case.record_referral_delivered(referral_id="r1", delivery_id="d-1", digest="sha256:aa",
                                   via="stand-in", at=ORDINARY_MONDAY + timedelta(days=3))
    assert [case.work.tasks, case.work.completed, case.safeguarding.referrals,
            case.risk.assessments, case.sharing.decisions, case.recent_commands] == collections
    assert all(now is then for now, then in zip(
        [case.work.tasks, case.work.completed, case.safeguarding.referrals,
         case.risk.assessments, case.sharing.decisions, case.recent_commands],
        collections, strict=True))
    # The delivered referral is a new record; the one the DASH opened is untouched.
    assert case.referrals["r1"] is not before["r1"]
    assert case.referrals["r1"].status is ReferralStatus.DELIVERED
    assert before["r1"].status is ReferralStatus.QUEUED


def mapper() -> Mapper:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), *transcodings.ALL):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)


def busy_case() -> Case:
    """A case with something in every slice."""
    case = discussion_case(make_report(children=(Child(age=4),)))
    record_dash(case, yes=14)
    case.save_dash(answers={1: ("yes", "")}, police_callouts_12_months=1, victim_present=True,
                   actor=CASEWORKER, at=ORDINARY_MONDAY + timedelta(days=3), command_id="d2")
    case.record_referral_delivered(referral_id="r1", delivery_id="d-1", digest="sha256:aa",
                                   via="stand-in", at=ORDINARY_MONDAY + timedelta(days=3))
    case.add_child(child=Child(age=1), actor=CASEWORKER, at=ORDINARY_MONDAY + timedelta(days=4),
                   command_id="child")
    finish_task(case, TaskKind.TELL_HOUSING_TEAM, "done", command_id="told")
    apply_command(case, "record_consent", {"purpose": "support_referral", "given": False,
                                           "reason": "Said no."},
                  CommandContext(actor=CASEWORKER, at=ORDINARY_MONDAY + timedelta(days=5),
                                 command_id="consent"))
    apply_command(case, "declare_conflict", {"reason": "Knows the family."},
                  CommandContext(actor=CASEWORKER, at=ORDINARY_MONDAY + timedelta(days=5),
                                 command_id="conflict"))
    return case


def test_a_snapshot_of_this_version_loads_as_the_same_case() -> None:
    case = busy_case()
    m = mapper()
    snapshot = m.to_domain_event(m.to_stored_event(Case.Snapshot.take(case)))
    loaded = snapshot.mutate(None)  # type: ignore[attr-defined]
    assert isinstance(loaded, Case)
    assert case_facts(loaded) == case_facts(case)
    for name, state in SLICES.items():
        assert getattr(loaded, name) == getattr(case, name), name
        assert type(getattr(loaded, name)) is state, name
    assert isinstance(next(iter(loaded.referrals.values())), Referral)
    assert loaded.risk_level is case.risk_level


def test_a_records_dict_is_the_shape_the_api_showed_and_reads_back_as_the_record() -> None:
    case = busy_case()
    referral = case.referrals["r1"]
    shown = referral.to_dict()
    assert set(shown) == {"referral_id", "kind", "partner", "rule", "section", "status",
                          "opened_on", "opened_at", "delivery_id", "digest"}
    assert Referral.from_dict(shown) == referral
    for record in (*case.assessments, *case.sharing_decisions, *case.added_children):
        assert type(record).from_dict(record.to_dict()) == record  # type: ignore[attr-defined]


def module_imports(path: Path) -> set[str]:
    """The aggregates modules `path` imports when it is imported (not those imported only
    for type checkers, nor inside functions)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node) if isinstance(node, ast.Try | ast.If) else [node]:
            if isinstance(inner, ast.ImportFrom) and inner.module:
                names = [inner.module] + [f"{inner.module}.{a.name}" for a in inner.names]
                found |= {n for n in names if n.startswith("aggregates.")}
            elif isinstance(inner, ast.Import):
                found |= {a.name for a in inner.names if a.name.startswith("aggregates.")}
    return found


def test_no_module_of_aggregates_imports_itself_through_others() -> None:
    modules = {f"aggregates.{p.stem}": p for p in AGGREGATES.glob("*.py")
               if p.stem != "__init__"}
    graph = {name: module_imports(path) & set(modules) for name, path in modules.items()}
    assert graph["aggregates.case"] >= {"aggregates.case_work", "aggregates.safeguarding"}

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*path, start]
                if nxt not in path:
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = {name: cycle for name in graph if (cycle := cycle_from(name))}
    assert cycles == {}

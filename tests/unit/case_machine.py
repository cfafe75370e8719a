"""The commands of a case as a Hypothesis rule-based state machine, run through the store use
cases that the workflow's activities call (on the in-memory event store, so every event is
transcoded and reloaded). The invariants it must keep are in test_case_state_machine.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from activities.case_store import CaseStore
from aggregates.case import Case
from aggregates.errors import RuleViolation
from aggregates.referral_content import outbound_message
from aggregates.referrals import Partner
from aggregates.report import (
    Actor,
    AdditionalNeed,
    Adult,
    Channel,
    Child,
    Council,
    ReporterKind,
    Role,
)
from aggregates.sharing import PURPOSE_OF, REQUIRED, DataCategory, LawfulBasis, Purpose
from aggregates.tasks import OUTCOMES, TaskKind
from aggregates.working_days import local_date
from gateways.default_partners import profile_of
from gateways.stand_in import digest_of
from tests.unit.builders import london, make_report
from tests.unit.housing_steps import HOUSING_STEPS
from tests.unit.test_access_changes import DIRECTORY

CASE_ID = UUID("00000000-0000-4000-8000-0000000000aa")
ACTORS = [Actor("cw-1", Role.CASEWORKER), Actor("dso-1", Role.DSO), Actor("au-1", Role.AUDITOR)]
# Ordinary days, the day before a bank-holiday weekend, and Christmas Eve.
REPORTED = [london(2026, 6, 8, 10), london(2026, 8, 28, 16, 30), london(2026, 12, 24, 18)]
CONTACT_KINDS = {TaskKind.CONTACT_VICTIM, TaskKind.CONTACT_VICTIM_NEXT_WORKING_DAY,
                 TaskKind.HOLD_PERSONAL_DISCUSSION}
PARTNERS = [p.value for p in Partner] + ["perpetrator"]
CATEGORIES = [c.value for c in DataCategory]


def dash(yes: int) -> dict[str, list[str]]:
    return {str(n): ["yes" if n <= yes else "no", ""] for n in range(1, 25)}


class CaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = CaseStore({"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.now = REPORTED[0]
        self.store.clock = lambda: self.now
        self.commands = 0
        self.last_write: tuple[Any, dict[str, Any]] | None = None
        self._cached: tuple[int | None, Case, list[Any]] | None = None

    # ---- helpers ----------------------------------------------------------------------------

    @property
    def case(self) -> Case:
        """The case as the store loads it (cached until the store records something)."""
        position = self.store.recorder.max_notification_id()
        if self._cached is None or self._cached[0] != position:
            self._cached = (position, self.store.get_case(CASE_ID),
                            list(self.store.events.get(CASE_ID)))
        return self._cached[1]

    def next_id(self) -> str:
        self.commands += 1
        return f"cmd-{self.commands}"

    def write(self, method: Any, **kwargs: Any) -> bool:
        """Run a store use case; a refusal must leave the case as it was."""
        before = self.case.version
        try:
            method(case_id=CASE_ID, **kwargs)
        except RuleViolation:
            assert self.case.version == before, "a refused command wrote to the case"
            return False
        self.last_write = (method, kwargs)
        self.fire_due_timers()
        return True

    def fire_due_timers(self) -> None:
        """What the workflow's timers do: escalate each open task once its deadline passes."""
        while True:
            case = self.case
            due = [t for t in case.open_tasks if t.due_at is not None
                   and t.task_id not in case.escalated and t.due_at <= self.now]
            if not due:
                return
            self.store.escalate_missed_deadline(case_id=CASE_ID, task_id=due[0].task_id,
                                                at=self.now)

    def history(self) -> list[Any]:
        """Every stored event of the case, in order, decoded without the snapshot."""
        self.case  # noqa: B018 (refreshes the cache)
        assert self._cached is not None
        return self._cached[2]

    # ---- rules ------------------------------------------------------------------------------

    @initialize(reported_at=st.sampled_from(REPORTED),
                council=st.sampled_from(list(Council)),
                reporter=st.sampled_from([ReporterKind.VICTIM, ReporterKind.VICTIM,
                                          ReporterKind.NEIGHBOUR, ReporterKind.POLICE]),
                immediate_risk=st.booleans(), children=st.integers(0, 2),
                care_needs=st.booleans(), needs=st.booleans())
    def open_and_triage(self, reported_at: datetime, council: Council, reporter: ReporterKind,
                        immediate_risk: bool, children: int, care_needs: bool,
                        needs: bool) -> None:
        report = make_report(
            council=council, reported_at=reported_at, reporter_kind=reporter,
            channel=Channel.TELEPHONE if reporter is ReporterKind.VICTIM else Channel.THIRD_PARTY,
            immediate_risk=immediate_risk, children=tuple(Child(age=4) for _ in range(children)),
            adults=(Adult(care_and_support_needs=True),) if care_needs else ())
        if needs:
            report = type(report)(**{**vars(report),
                                     "additional_needs": (AdditionalNeed.ADDICTION,)})
        self.now = reported_at + timedelta(minutes=10)
        self.store.open_case(case_id=CASE_ID, report=report, actor=ACTORS[0],
                             reason="Report taken by telephone.", request_fingerprint="fp")
        self.store.triage(CASE_ID)
        self.fire_due_timers()

    @rule(hours=st.integers(1, 80))
    def time_passes(self, hours: int) -> None:
        """Deadlines fall due in order, each escalated at the moment its timer fires."""
        until = self.now + timedelta(hours=hours)
        while True:
            case = self.case
            due = sorted((t.due_at, t.task_id) for t in case.open_tasks if t.due_at
                         and t.task_id not in case.escalated and t.due_at <= until)
            if not due:
                break
            self.now = max(self.now, due[0][0])
            self.store.escalate_missed_deadline(case_id=CASE_ID, task_id=due[0][1],
                                                at=self.now)
        self.now = until

    @rule(data=st.data(), actor=st.sampled_from(ACTORS))
    def complete_task(self, data: st.DataObject, actor: Actor) -> None:
        case = self.case
        every = st.sampled_from([*sorted(case.tasks), "t99"])
        # Often a task already completed: completing it again must be refused.
        completed = sorted(case.completed)
        task_id = data.draw(st.sampled_from(completed) | every if completed else every,
                            label="task")
        task = case.tasks.get(task_id)
        allowed = sorted(OUTCOMES[task.kind]) if task else []
        outcome = data.draw(st.sampled_from([*allowed, "done", "emailed"]), label="outcome")
        was_open = task is not None and task_id not in case.completed
        done = self.write(self.store.complete_task, task_id=task_id, outcome=outcome,
                          note="Recorded.", actor=actor, command_id=self.next_id(), at=self.now)
        assert done == (was_open and outcome in allowed and actor.role is not Role.AUDITOR)

    @rule(data=st.data(), shared=st.booleans(),
          basis=st.sampled_from([None, *LawfulBasis]), actor=st.sampled_from(ACTORS[:2]))
    def decide_sharing(self, data: st.DataObject, shared: bool, basis: str | None,
                       actor: Actor) -> None:
        """Mostly about a referral the case has, naming what it needs (so a later decision
        can end its cover); otherwise anyone, anything."""
        ours = sorted({(r.partner, PURPOSE_OF[r.kind].value, tuple(sorted(REQUIRED[r.kind])))
                       for r in self.case.referrals.values()})
        anyone = st.tuples(st.sampled_from(PARTNERS), st.sampled_from([p.value for p in Purpose]),
                           st.lists(st.sampled_from(CATEGORIES), max_size=4))
        partner, purpose, categories = data.draw(st.sampled_from(ours) | anyone if ours
                                                 else anyone)
        self.command("record_sharing_decision", actor, partner=partner, purpose=purpose,
                     shared=shared, categories=list(categories), lawful_basis=basis,
                     justification="Needed to keep her safe.", reasons="She asked us not to.")

    @rule(purpose=st.sampled_from(list(Purpose)), given=st.booleans())
    def change_consent(self, purpose: Purpose, given: bool) -> None:
        self.command("record_consent", ACTORS[0], purpose=purpose.value, given=given,
                     reason="Told us by telephone.")

    @rule(yes=st.sampled_from([0, 5, 14, 24]), callouts=st.integers(0, 4),
          complete=st.booleans())
    def dash(self, yes: int, callouts: int, complete: bool) -> None:
        self.command("complete_dash" if complete else "save_dash", ACTORS[0], answers=dash(yes),
                     police_callouts_12_months=callouts)

    @rule(data=st.data(), days_ago=st.integers(-1, 20))
    def marac_hearing(self, data: st.DataObject, days_ago: int) -> None:
        referral = data.draw(st.sampled_from([*sorted(self.case.referrals), "r99"]))
        heard = local_date(self.now) - timedelta(days=days_ago)
        self.command("record_marac_hearing", ACTORS[0], referral_id=referral,
                     heard_on=heard.isoformat())
        due = data.draw(st.sampled_from([heard, heard + timedelta(days=10)]))
        self.command("add_marac_actions", ACTORS[0], referral_id=referral, actions=[
            {"description": "Fit a door chain", "owner_id": "cw-1", "due_on": due.isoformat()}],
            directory=DIRECTORY)

    @rule(days_ago=st.integers(-1, 400))
    def incident(self, days_ago: int) -> None:
        self.command("report_incident", ACTORS[0], summary="Threats at the door.",
                     occurred_on=(local_date(self.now) - timedelta(days=days_ago)).isoformat())

    @rule(age=st.integers(0, 19))
    def child_joins(self, age: int) -> None:
        self.command("add_child", ACTORS[0], age=age)

    @rule(given=st.booleans())
    def support_consent(self, given: bool) -> None:
        self.command("record_support_consent", ACTORS[0], given=given, reason="By telephone.")

    @rule(party=st.sampled_from(["victim", "perpetrator"]),
          purpose=st.sampled_from(["about_abuse", "marac", "repairs_and_tenancy_management"]))
    def contact(self, party: str, purpose: str) -> None:
        self.command("record_contact", ACTORS[0], party=party, purpose=purpose,
                     channel="telephone")

    @rule(actor=st.sampled_from(ACTORS), named=st.lists(st.sampled_from(["cw-1", "dso-1"])))
    def restrict(self, actor: Actor, named: list[str]) -> None:
        self.command("restrict_case", actor, named_staff=named, reason="Staff member knows her.",
                     directory=DIRECTORY)

    def command(self, name: str, actor: Actor, **args: Any) -> bool:
        return self.write(self.store.apply_command, name=name, args=args, actor=actor,
                          command_id=self.next_id(), at=self.now)

    @rule(data=st.data())
    def housing(self, data: st.DataObject) -> None:
        """Homelessness and tenancy options (issue 14), in any order: most steps are refused
        until the ones before them are recorded, and a refusal writes nothing."""
        name, args = data.draw(st.sampled_from(HOUSING_STEPS), label="housing step")
        if name == "complete_tenancy_step":
            route = self.case.tenancy.route
            args = {"step": data.draw(st.sampled_from(
                [*(route.steps if route else ()), "no_such_step"]), label="step")}
        self.command(name, ACTORS[0], **args)

    @rule(data=st.data())
    def deliver(self, data: st.DataObject) -> None:
        """The delivery activity: the message is whatever the sharing gate lets through."""
        case = self.case
        if not case.pending_referrals:
            return
        referral = data.draw(st.sampled_from(case.pending_referrals), label="referral")
        rid, partner = referral.referral_id, referral.partner
        try:
            message = outbound_message(case, rid, profile_of(partner))
        except RuleViolation as refused:
            self.write(self.store.record_referral_failed, referral_id=rid, failure=refused.rule,
                       at=self.now)
            return
        purpose = PURPOSE_OF[referral.kind].value
        decisions = [d for d in case.sharing_decisions
                     if (d.partner, d.purpose) == (partner, purpose)]
        assert decisions and decisions[-1].shared, "a message without a decision to share"
        assert message["decision_id"] == decisions[-1].decision_id
        latest = decisions[-1:]
        sent = set(message) - {"decision_id", "lawful_basis"}
        assert sent <= set(latest[0].categories) & profile_of(partner)
        assert self.write(self.store.record_referral_delivered, referral_id=rid,
                          delivery_id=f"d-{rid}", digest=digest_of(message), via="test")

    @rule(data=st.data(), genuine=st.booleans())
    def acknowledge(self, data: st.DataObject, genuine: bool) -> None:
        referrals = sorted(self.case.referrals.values(), key=lambda r: r.referral_id)
        if not referrals:
            return
        referral = data.draw(st.sampled_from(referrals), label="referral")
        digest = referral.digest if genuine and referral.digest else "0" * 64
        self.write(self.store.record_referral_acknowledged, referral_id=referral.referral_id,
                   ack_message_id=f"ack-{self.next_id()}", digest=digest,
                   signed_body="{}", signature="v1a,x")

    @rule()
    def activity_retried(self) -> None:
        """Temporal runs an activity at least once: the same write again records nothing."""
        if self.last_write is None:
            return
        method, kwargs = self.last_write
        before = self.case.version
        method(case_id=CASE_ID, **kwargs)
        assert self.case.version == before, f"retrying {method.__name__} wrote again"

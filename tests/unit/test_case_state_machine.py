"""Any sequence of commands on a case keeps its invariants (a stateful property test).

Hypothesis drives one case through the same store use cases the workflow's activities call
(`activities/case_store.py`, on the in-memory event store, so every event is transcoded and
reloaded), interleaving task completions, access and safeguarding commands, deliveries,
acknowledgements, deadlines falling due, and activity retries. After every step:

- no task is completed twice, and no deadline escalates twice;
- nothing is shared without a decision: every delivered message is covered by the latest
  recorded decision to share for its partner and purpose, holds only categories that decision
  covers (D 12.5, D 12.6), and the perpetrator is never a recipient (D 12);
- a third-party report never opens a task to contact the victim (D 8.12);
- every open task with a deadline is reported to the workflow with its due time, so it has a
  timer, and no deadline that has passed is left open without an escalation (D 8.14);
- a refused command, or a retried activity, writes nothing; the case rebuilt from its stored
  events (no snapshot) equals the case the store loads.
"""

from __future__ import annotations

from collections import Counter
from functools import reduce

from hypothesis import HealthCheck, settings
from hypothesis.stateful import invariant

from activities.case_activities import to_case_tasks
from aggregates.case import Case
from aggregates.errors import RuleViolation
from aggregates.referral_content import outbound_message
from aggregates.referrals import ReferralKind
from aggregates.sharing import PURPOSE_OF
from gateways.default_partners import profile_of
from tests.unit.case_machine import CONTACT_KINDS, CaseMachine


class CaseKeepsItsInvariants(CaseMachine):
    """The machine of case_machine.py, checked after every step."""

    @invariant()
    def no_task_completed_or_escalated_twice(self) -> None:
        events = self.history()
        completed = Counter(e.task_id for e in events if isinstance(e, Case.TaskCompleted))
        escalated = Counter(e.task_id for e in events if isinstance(e, Case.DeadlineEscalated))
        assert max(completed.values(), default=0) <= 1, completed
        assert max(escalated.values(), default=0) <= 1, escalated

    @invariant()
    def nothing_shared_without_a_decision(self) -> None:
        latest: dict[tuple[str, str], bool] = {}
        kinds: dict[str, tuple[str, str]] = {}
        for event in self.history():
            name = type(event).__name__
            if name == "SharingDecided":
                assert event.partner != "perpetrator"
                latest[(event.partner, event.purpose)] = event.shared
            elif name == "ReferralOpened":
                kinds[event.referral_id] = (
                    event.partner, PURPOSE_OF[ReferralKind(event.kind)].value)
            elif name == "ReferralDelivered":
                assert latest.get(kinds[event.referral_id]), (
                    "delivered with no decision to share in force")

    @invariant()
    def the_gate_lets_nothing_through_without_a_decision(self) -> None:
        """Whatever a delivery would send now, for any referral of the case, rests on the
        latest decision for its partner and purpose being to share, and holds only the
        categories that decision names and the partner's profile allows (D 12.5)."""
        case = self.case
        for rid, referral in case.referrals.items():
            partner = referral.partner
            try:
                message = outbound_message(case, rid, profile_of(partner))
            except RuleViolation:
                continue
            purpose = PURPOSE_OF[referral.kind].value
            decisions = [d for d in case.sharing_decisions
                         if (d.partner, d.purpose) == (partner, purpose)]
            assert decisions and decisions[-1].shared, f"{rid} passes without a decision"
            assert message["decision_id"] == decisions[-1].decision_id
            sent = set(message) - {"decision_id", "lawful_basis"}
            assert sent <= set(decisions[-1].categories) & profile_of(partner)

    @invariant()
    def no_contact_task_on_a_third_party_report(self) -> None:
        case = self.case
        if case.report.is_third_party:
            assert not {t.kind for t in case.tasks.values()} & CONTACT_KINDS

    @invariant()
    def every_open_deadline_has_a_timer(self) -> None:
        case = self.case
        reported = {t.task_id: t for t in to_case_tasks(case).open_tasks}
        for task in case.open_tasks:
            assert reported[task.task_id].due_at == task.due_at
            timed = task.due_at is not None and not reported[task.task_id].escalated
            assert timed == (task.due_at is not None and task.task_id not in case.escalated)
            # A deadline that has passed was escalated (the timer fired), never dropped.
            if task.due_at is not None and task.due_at <= self.now:
                assert task.task_id in case.escalated

    @invariant()
    def stored_events_rebuild_the_case(self) -> None:
        rebuilt: Case = reduce(lambda agg, e: e.mutate(agg), self.history(), None)
        loaded = self.case
        assert vars(rebuilt) == vars(loaded)



TestCaseStateMachine = CaseKeepsItsInvariants.TestCase
TestCaseStateMachine.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow])


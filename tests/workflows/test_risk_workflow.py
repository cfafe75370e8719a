"""Risk and safeguarding through the case workflow on the time-skipping server: a high-risk
DASH → MARAC referral → hearing → MARAC actions (one overdue and escalated) → a repeat
referral for an incident 11 months after the referral, and for one while the case waits for its
hearing; none 12½ months after the referral though within 12 months of the hearing (SafeLives
counts from the last referral). The children's and adult safeguarding referrals open and are
delivered in the same run."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.dash import QUESTIONS
from aggregates.referrals import add_months
from aggregates.report import Adult, Child, Household
from aggregates.working_days import local_date
from gateways.stand_in import RecordingGateway
from tests.conftest import running_worker
from tests.support import VICTIM_NAME, eventually
from tests.workflows.steps import (
    command,
    completion,
    skip_until_after,
    start_case,
    task_of,
    triaged_tasks,
)
from workflows.client import CaseOrchestrator

HIGH_RISK = {str(n): ["yes" if n <= 14 else "no", ""] for n in QUESTIONS}  # 14 "yes"
HOUSEHOLD = Household(adults=(Adult(name=VICTIM_NAME), Adult(care_and_support_needs=True)),
                      children=(Child(age=4), Child(age=9)))


def referrals(store: CaseStore, case_id: str) -> dict[str, dict]:
    return {rid: r.to_dict() for rid, r in store.get_case(uuid.UUID(case_id)).referrals.items()}


async def delivered(store: CaseStore, case_id: str, kinds: set[str]) -> dict[str, dict]:
    async def probe() -> dict[str, dict] | None:
        found = {r["kind"]: r for r in referrals(store, case_id).values()
                 if r["status"] == "delivered"}
        return found if kinds <= set(found) else None
    return await eventually(probe)


async def high_risk_case_referred(env: WorkflowEnvironment, store: CaseStore, tq: str
                                   ) -> tuple[str, CaseOrchestrator, dict]:
    """A case whose DASH found it high risk, referred to MARAC today (its referral returned)."""
    case_id, orch = await start_case(env, store, tq, household=HOUSEHOLD)
    contact = task_of(await triaged_tasks(orch, case_id), "contact_victim")
    after_contact = await orch.complete_task(case_id, completion(contact.task_id,
                                                                 "discussion_offered"))
    assert {"hold_personal_discussion", "complete_dash"} <= {
        t.kind for t in after_contact.open_tasks}
    after_dash = await orch.apply_command(case_id, command(
        "complete_dash", answers=HIGH_RISK, police_callouts_12_months=0, victim_present=True))
    assert "complete_dash" not in {t.kind for t in after_dash.open_tasks}
    assert "record_marac_hearing" in {t.kind for t in after_dash.open_tasks}
    return case_id, orch, (await delivered(store, case_id, {"marac"}))["marac"]


async def sleep_until(env: WorkflowEnvironment, day: date) -> None:
    """Skip time to the London date `day`."""
    now = await env.get_current_time()
    await env.sleep(timedelta(days=(day - local_date(now)).days))


async def high_risk_case_heard(env: WorkflowEnvironment, store: CaseStore, tq: str
                               ) -> tuple[str, CaseOrchestrator, date]:
    """A case whose DASH found it high risk, referred to MARAC and heard today."""
    case_id, orch, marac = await high_risk_case_referred(env, store, tq)
    today = local_date(await env.get_current_time())  # referrals are dated in London
    await orch.apply_command(case_id, command(
        "record_marac_hearing", referral_id=marac["referral_id"], heard_on=today.isoformat()))
    return case_id, orch, today


async def test_high_risk_case_goes_to_marac_whose_overdue_action_escalates_and_repeats(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """D 8.15 (MARAC), D 8.23 (children), Care Act 2014 (adults), SafeLives guidance."""
    env = time_skipping_env
    gateway = RecordingGateway()
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        case_id, orch, heard_on = await high_risk_case_heard(env, sqlite_store, tq)

        # Children's Services and Adult Social Care were referred at once, in the same run.
        found = await delivered(sqlite_store, case_id, {"children", "adult_safeguarding",
                                                        "marac"})
        assert found["children"]["section"] == "D 8.23"
        assert [m["children"] for m in gateway.messages_to("childrens_services")] == [
            [{"age": 4}, {"age": 9}]]
        marac_message = gateway.messages_to("kent_medway_marac")[0]
        assert marac_message["risk_assessment"]["yes_count"] == 14
        # Sent under a recorded decision to share, whose lawful basis it names (D 12.5, 12.6).
        assert marac_message["lawful_basis"] == "safeguarding_obligation"
        decisions = sqlite_store.get_case(uuid.UUID(case_id)).sharing_decisions
        assert marac_message["decision_id"] in {d.decision_id for d in decisions}

        # The MARAC gives housing two actions; one is done, the other runs late.
        marac_id = found["marac"]["referral_id"]
        view = await orch.apply_command(case_id, command(
            "add_marac_actions", referral_id=marac_id, actions=[
                {"description": "Fit a door chain", "owner_id": "cw-17",
                 "due_on": (heard_on + timedelta(days=3)).isoformat()},
                {"description": "Review housing options", "owner_id": "dso-1",
                 "due_on": (heard_on + timedelta(days=10)).isoformat()}],
            # what the web edge looks up in the staff directory
            directory={"cw-17": {"role": "caseworker", "council": "dover", "active": True},
                       "dso-1": {"role": "dso", "council": "dover", "active": True}}))
        actions = [t for t in view.open_tasks if t.kind == "marac_action"]
        assert [t.assignee for t in actions] == ["cw-17", "dso-1"]
        await orch.complete_task(case_id, completion(actions[0].task_id, "done", "a1"))
        await skip_until_after(env, actions[1].due_at)

        async def escalated() -> list[str] | None:
            events = sqlite_store.events_of(uuid.UUID(case_id))
            ids = [e.data["task_id"] for e in events if e.type == "DeadlineEscalated"]
            return ids if actions[1].task_id in ids else None
        escalated_ids = await eventually(escalated)
        assert actions[0].task_id not in escalated_ids

        # Eleven months after the referral (heard the same day), a new incident: a repeat.
        eleven_months = add_months(heard_on, 11)
        await sleep_until(env, eleven_months)
        await orch.apply_command(case_id, command(
            "report_incident", occurred_on=eleven_months.isoformat(),
            summary="Threats by text message"))
        repeat = await delivered(sqlite_store, case_id, {"repeat_marac"})
    assert repeat["repeat_marac"]["rule"] == "repeat_marac_within_12_months_of_last_referral"


async def test_an_incident_while_the_case_waits_for_its_hearing_is_a_repeat_referral(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """SafeLives repeat MARAC guidance: the MARAC hears of abuse since the referral before it
    sits (the window runs from the referral, not the hearing)."""
    env = time_skipping_env
    gateway = RecordingGateway()
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        case_id, orch, marac = await high_risk_case_referred(env, sqlite_store, tq)
        referred_on = date.fromisoformat(marac["opened_on"])
        await sleep_until(env, referred_on + timedelta(days=7))
        await orch.apply_command(case_id, command(
            "report_incident", occurred_on=(referred_on + timedelta(days=6)).isoformat(),
            summary="Threats by text message"))
        repeat = (await delivered(sqlite_store, case_id, {"repeat_marac"}))["repeat_marac"]
        assert "heard_on" not in referrals(sqlite_store, case_id)[marac["referral_id"]]
    assert repeat["rule"] == "repeat_marac_within_12_months_of_last_referral"
    assert len(gateway.messages_to("kent_medway_marac")) == 2


async def test_an_incident_12_and_a_half_months_after_the_referral_makes_no_repeat_referral(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """SafeLives repeat MARAC guidance: heard three weeks after the referral, an incident
    12½ months after the referral (within 12 months of the hearing) is not a repeat."""
    env = time_skipping_env
    async with running_worker(env.client, sqlite_store) as tq:
        case_id, orch, marac = await high_risk_case_referred(env, sqlite_store, tq)
        referred_on = date.fromisoformat(marac["opened_on"])
        heard_on = referred_on + timedelta(days=21)
        await sleep_until(env, heard_on)
        await orch.apply_command(case_id, command(
            "record_marac_hearing", referral_id=marac["referral_id"],
            heard_on=heard_on.isoformat()))
        later = add_months(referred_on, 12) + timedelta(days=15)
        await sleep_until(env, later)
        await orch.apply_command(case_id, command(
            "report_incident", occurred_on=later.isoformat(),
            summary="Threats by text message"))
    kinds = [r["kind"] for r in referrals(sqlite_store, case_id).values()]
    assert "repeat_marac" not in kinds
    assert kinds.count("marac") == 1

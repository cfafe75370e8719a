"""An emergency repair through the case workflow on the time-skipping server (D 8.36): a job
reported at 16:00 on Christmas Eve goes to the contractor with the address and the job only,
and, unconfirmed, escalates at 16:00 on Christmas Day (a bank holiday: clock hours, not
working days) to a DSO and the repairs manager; a confirmed job never escalates."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.working_days import LONDON, is_working_day
from gateways.stand_in import RecordingGateway
from temporal_contracts.payloads import AcknowledgementInput
from tests.conftest import running_worker
from tests.support import eventually
from tests.workflows.steps import command, start_case, task_of, triaged_tasks


async def christmas_eve_at_four(env: WorkflowEnvironment) -> datetime:
    """Skip the test server's clock to the next 24 December, 16:00 in London."""
    now = (await env.get_current_time()).astimezone(LONDON)
    eve = datetime(now.year, 12, 24, 16, tzinfo=LONDON)
    if eve <= now:
        eve = datetime(now.year + 1, 12, 24, 16, tzinfo=LONDON)
    await env.sleep(eve - now)
    return eve


async def test_an_unconfirmed_repair_escalates_at_hour_24_over_a_bank_holiday(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    env = time_skipping_env
    gateway = RecordingGateway()
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        eve = await christmas_eve_at_four(env)
        case_id, orch = await start_case(env, sqlite_store, tq)
        await triaged_tasks(orch, case_id)
        reported = await orch.apply_command(case_id, command("report_emergency_repair",
                                                             job_type="broken_door"))
        repair = task_of(reported, "emergency_repair")
        assert repair.due_at is not None
        reported_at = repair.due_at - timedelta(hours=24)
        assert reported_at - eve < timedelta(minutes=5)  # reported on Christmas Eve, 16:00
        assert not is_working_day(repair.due_at.astimezone(LONDON).date())  # Christmas Day

        async def sent() -> list | None:
            return gateway.messages_to("repairs_contractor") or None
        message = (await eventually(sent))[0]
        assert message["case_reference"]["priority"] == "priority safety repair"
        assert set(message) == {"decision_id", "lawful_basis", "case_reference",
                                "victim_address"}

        await env.sleep(repair.due_at - (await env.get_current_time()) - timedelta(minutes=1))
        before = await orch.open_tasks(case_id)
        assert not task_of(before, "emergency_repair").escalated
        await env.sleep(timedelta(minutes=2))

        def escalations() -> list:
            return [e for e in sqlite_store.events_of(uuid.UUID(case_id))
                    if e.type == "DeadlineEscalated" and e.data["task_id"] == repair.task_id]

        async def escalated() -> list | None:
            return escalations() or None
        found = (await eventually(escalated))[0]
        assert found.data["escalated_to"] == "Designated Safeguarding Officer"
        at = found.data["at"]
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        assert repair.due_at <= at < repair.due_at + timedelta(minutes=2)  # at hour 24
        after = await orch.open_tasks(case_id)
        chase = task_of(after, "chase_emergency_repair")
        assert chase.assignee == "Repairs Manager"
        assert chase.rule == "missed_emergency_repair_to_dso_and_repairs_manager"
        assert len(escalations()) == 1


async def test_a_repair_the_contractor_confirms_never_escalates(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    env = time_skipping_env
    gateway = RecordingGateway()
    async with running_worker(env.client, sqlite_store, gateway) as tq:
        case_id, orch = await start_case(env, sqlite_store, tq)
        await triaged_tasks(orch, case_id)
        reported = await orch.apply_command(case_id, command("report_emergency_repair",
                                                             job_type="change_door_locks"))
        repair = task_of(reported, "emergency_repair")
        case = sqlite_store.get_case(uuid.UUID(case_id))
        job = next(iter(case.repairs.jobs.values()))

        async def delivered() -> str | None:
            referral = sqlite_store.get_case(uuid.UUID(case_id)).referrals[job.referral_id]
            return referral.digest if referral.status.value == "delivered" else None
        digest = await eventually(delivered)
        confirmed = await orch.record_acknowledgement(case_id, AcknowledgementInput(
            referral_id=job.referral_id, ack_message_id="contractor-1", digest=digest,
            signed_body="{}", signature="v1a,test"))
        assert "emergency_repair" not in {t.kind for t in confirmed.open_tasks}
        await env.sleep(timedelta(hours=30))
        await orch.open_tasks(case_id)
        events = sqlite_store.events_of(uuid.UUID(case_id))
    assert not [e for e in events if e.type == "DeadlineEscalated"
                and e.data["task_id"] == repair.task_id]
    assert [e.type for e in events if e.type == "EmergencyRepairConfirmed"] == [
        "EmergencyRepairConfirmed"]

"""A Kent reciprocal transfer (D 8.22, D 8.35; DBC 4.2) carried by its workflow on the
time-skipping server, to a real landlord server on loopback that verifies our signatures and
signs its answers: request, offer, the victim's acceptance, move date, the old tenancy ended,
the new tenancy granted, with the landlord down for two days in the middle. Each step reaches
the landlord exactly once as the landlord counts; a refusal ends in a recorded outcome and a
task for the caseworker, not a stuck workflow."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from activities.case_store import CaseStore
from temporal_contracts.payloads import case_workflow_id
from temporal_contracts.transfer_payloads import transfer_workflow_id
from tests.conftest import running_worker
from tests.support import eventually
from tests.workflows.steps import command, start_case, triaged_tasks
from tests.workflows.transfer_steps import (
    NEW_ADDRESS,
    partners,
    request_transfer,
    step_ids,
    transfer_of,
)
from workflows.case_workflow import CaseWorkflow
from workflows.referral_workflow import ReferralWorkflow
from workflows.transfer_workflow import InboundReplyWorkflow, ReciprocalTransferWorkflow


async def status_becomes(store: CaseStore, case_id: str, transfer_id: str,
                         status: str) -> dict:
    async def probe() -> dict | None:
        found = transfer_of(store, case_id, transfer_id)
        return found if found["status"] == status else None
    return await eventually(probe, timeout=30)


async def test_a_transfer_reaches_its_new_tenancy_with_the_landlord_down_for_two_days(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    env, store = time_skipping_env, sqlite_store
    with partners() as the:
        async with running_worker(env.client, store, the.gateway) as tq:
            case_id, orch = await start_case(env, store, tq)
            await triaged_tasks(orch, case_id)
            transfer_id = await request_transfer(orch, case_id)
            offered = await status_becomes(store, case_id, transfer_id, "offered")
            assert offered["new_address"] == NEW_ADDRESS  # from the landlord's signed answer
            assert offered["offered_tenancy"] == "secure"

            await orch.apply_command(case_id, command(
                "record_victim_transfer_decision", transfer_id=transfer_id, accepted=True,
                reason="She has seen the flat and wants it."))
            ids = step_ids(case_id, transfer_id)
            await eventually(lambda: _arrived(the.landlord, ids["victim_decision"]))

            the.landlord.set(down=True)  # two days down, in the middle of the transfer
            move_date = (await env.get_current_time()).date() + timedelta(days=7)
            await orch.apply_command(case_id, command(
                "agree_transfer_move_date", transfer_id=transfer_id,
                move_date=move_date.isoformat()))
            await env.sleep(timedelta(days=2))
            assert ids["move_date"] not in the.landlord.received()["arrivals"]
            assert the.landlord.received()["down_refusals"] >= 5  # kept trying, backing off
            the.landlord.set(down=False)
            await env.sleep(timedelta(hours=1, minutes=5))  # the next try: within the hour
            await eventually(lambda: _arrived(the.landlord, ids["move_date"]))

            await env.sleep(move_date - (await env.get_current_time()).date())
            today = (await env.get_current_time()).date().isoformat()
            await orch.apply_command(case_id, command(
                "record_old_tenancy_ended", transfer_id=transfer_id, ended_on=today))
            await eventually(lambda: _arrived(the.landlord, ids["old_tenancy_ended"]))
            await orch.apply_command(case_id, command(
                "record_new_tenancy_granted", transfer_id=transfer_id,
                granted_on=today, security_of_tenure="secure"))
            handle = env.client.get_workflow_handle(transfer_workflow_id(case_id, transfer_id))
            assert await handle.result() == "completed"
            await env.sleep(timedelta(days=3))  # nothing is sent again
            got = the.landlord.received()
            histories = [await env.client.get_workflow_handle(wid).fetch_history() for wid in (
                case_workflow_id(case_id), transfer_workflow_id(case_id, transfer_id))]

    # Today's code replays what it just recorded (a non-deterministic step would fail here).
    replayer = Replayer(workflows=[CaseWorkflow, ReferralWorkflow, ReciprocalTransferWorkflow,
                                   InboundReplyWorkflow],
                        data_converter=env.client.data_converter)
    for history in histories:
        replayed = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert replayed.replay_failure is None, replayed.replay_failure

    assert [m["message_id"] for m in got["messages"]] == list(ids.values())
    assert all(got["arrivals"][mid] == 1 for mid in ids.values())  # each step exactly once
    assert transfer_of(store, case_id, transfer_id)["status"] == "completed"


async def _arrived(landlord: object, message_id: str) -> bool:
    return message_id in landlord.received()["arrivals"]  # type: ignore[attr-defined]


async def test_a_refusal_by_the_landlord_ends_the_transfer_with_a_task_to_choose_next_step(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """D 8.22 and the transfer_refused_choose_next_step rule: a refusal is an outcome on the
    case and work for the caseworker, and the transfer's workflow finishes."""
    env, store = time_skipping_env, sqlite_store
    with partners() as the:
        the.landlord.set(decision="refusal", refusal_reason="no_suitable_property")
        async with running_worker(env.client, store, the.gateway) as tq:
            case_id, orch = await start_case(env, store, tq)
            await triaged_tasks(orch, case_id)
            transfer_id = await request_transfer(orch, case_id)
            refused = await status_becomes(store, case_id, transfer_id, "refused")
            handle = env.client.get_workflow_handle(transfer_workflow_id(case_id, transfer_id))
            assert await handle.result() == "refused"
            assert (await handle.describe()).status is WorkflowExecutionStatus.COMPLETED

            async def next_step_task() -> list | None:
                tasks = (await orch.open_tasks(case_id)).open_tasks
                return [t for t in tasks if t.rule == "transfer_refused_choose_next_step"]
            [task] = await eventually(next_step_task)
    assert refused["outcome_reason"] == "no_suitable_property"
    assert refused["new_address"] is None
    assert task.due_at is not None  # a deadline: it escalates if nobody chooses


async def test_a_landlord_that_never_takes_the_request_ends_it_as_refused_after_four_days(
        time_skipping_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """Delivery is given up after four days (the referral's schedule), never silently: the
    transfer ends refused for that reason and the caseworker gets the next-step task."""
    env, store = time_skipping_env, sqlite_store
    with partners() as the:
        the.landlord.set(down=True)
        async with running_worker(env.client, store, the.gateway) as tq:
            case_id, orch = await start_case(env, store, tq)
            await triaged_tasks(orch, case_id)
            transfer_id = await request_transfer(orch, case_id)
            await env.sleep(timedelta(days=3, hours=23))
            assert transfer_of(store, case_id, transfer_id)["status"] == "requested"
            await env.sleep(timedelta(hours=2))
            refused = await status_becomes(store, case_id, transfer_id, "refused")
            handle = env.client.get_workflow_handle(transfer_workflow_id(case_id, transfer_id))
            assert await handle.result() == "refused"
            assert the.landlord.received()["down_refusals"] >= 50  # tried hourly, then gave up
    assert refused["outcome_reason"] == "landlord_unreachable_for_days"

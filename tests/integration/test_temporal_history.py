"""What Temporal stores holds no personal data in clear: inputs, results, update arguments and
failure messages all pass through the encrypting payload codec."""

from __future__ import annotations

import uuid

import pytest
from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore
from aggregates.report import Actor, Role
from temporal_contracts.payloads import CompleteTaskInput, case_workflow_id
from tests.conftest import running_worker
from tests.support import NOTE, PERSONAL_STRINGS, eventually, make_report
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter
from workflows.payload_codec import EncryptionCodec, UnknownKeyError


async def test_workflow_history_on_the_server_holds_no_personal_data(
        dev_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    case_id = uuid.uuid4()
    sqlite_store.open_case(case_id=case_id, report=make_report(),
                           actor=Actor("cw-1", Role.CASEWORKER), reason="Report.",
                           request_fingerprint="f")
    async with running_worker(dev_env.client, sqlite_store) as tq:
        orchestrator = CaseOrchestrator(dev_env.client, tq)
        await orchestrator.ensure_workflow(str(case_id))

        async def triaged() -> bool:
            return (await orchestrator.open_tasks(str(case_id))).triage_done
        await eventually(triaged)
        # The caseworker's note carries personal data through an update and an activity.
        await orchestrator.complete_task(str(case_id), CompleteTaskInput(
            task_id="t1", outcome="discussion_offered", staff_id="cw-1", role="caseworker",
            request_id="r1", note=NOTE))
        history = await dev_env.client.get_workflow_handle(
            case_workflow_id(str(case_id))).fetch_history()

    raw = history.to_json()
    for personal in PERSONAL_STRINGS:
        assert personal not in raw
    payloads = [p for e in history.events for p in _payloads(e)]
    assert len(payloads) >= 6
    assert all(p.metadata["encoding"] == b"binary/encrypted" for p in payloads)
    # ...and the note did reach the record, where the encrypted event store keeps it.
    notes = [e.data["note"] for e in sqlite_store.events_of(case_id) if e.type == "TaskCompleted"]
    assert notes == [NOTE]


def _payloads(event):  # type: ignore[no-untyped-def]
    """Every Payload message anywhere inside a history event."""
    from google.protobuf.message import Message
    from temporalio.api.common.v1 import Payload

    found = []

    def walk(message: Message) -> None:
        if isinstance(message, Payload):
            found.append(message)
            return
        for field, value in message.ListFields():
            if field.message_type is None:
                continue
            if isinstance(value, Message):
                walk(value)
                continue
            for item in (value.values() if hasattr(value, "values") else value):
                if isinstance(item, Message):
                    walk(item)

    walk(event)
    return found


async def test_failure_messages_are_encrypted_too() -> None:
    """An exception message with personal data must not reach history in clear."""
    converter = encrypted_data_converter([b"k" * 32])
    failure = Failure()
    await converter.encode_failure(ApplicationError(f"could not reach {NOTE}"), failure)
    assert NOTE not in str(failure)
    assert failure.message == "Encoded failure"
    error = await converter.decode_failure(failure)
    assert NOTE in str(error)


async def test_payload_sealed_with_an_unknown_key_is_a_clear_error() -> None:
    old, new = b"o" * 32, b"n" * 32
    plain = encrypted_data_converter([old]).payload_converter.to_payloads(["x"])
    sealed = await EncryptionCodec([old]).encode(plain)
    # Rotation: a process holding the new key and the old one still opens old payloads.
    assert (await EncryptionCodec([new, old]).decode(sealed))[0].data == b'"x"'
    # Refused when the payload is turned into a value (see workflows/payload_codec.py).
    with pytest.raises(UnknownKeyError, match="unknown key id"):
        await encrypted_data_converter([new]).decode(sealed)

"""What an auditor outside the council does over HTTP: fetch the signed checkpoint, open it
with the log's verifier key, and check proofs with nothing but the `transparency` package.
Answers hold hashes and indexes only; proofs of a case's events obey need to know."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.access_log import access_log_id
from aggregates.report import Council, Role
from application.transparency import TransparencyLog
from tests.support import SUMMARY, VICTIM_ADDRESS, VICTIM_NAME
from tests.web_harness import WebSystem, web_system
from transparency.checkpoint import Checkpoint, open_checkpoint, verify_extends, verify_included
from transparency.leaves import stored_event_leaf_hash
from transparency.note import Signer, Verifier

AUD, OTHER_AUD, CW = "aud-1", "aud-dartford", "cw-1"
LOG_KEY = Signer.generate("dover.example/da-casework-log")


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        running.add_staff(OTHER_AUD, Role.AUDITOR, teams=(), council=Council.DARTFORD)
        yield running


def sign(system: WebSystem) -> None:
    """The worker's scheduled checkpoint, made now."""
    TransparencyLog(system.store.recorder).make_checkpoint(LOG_KEY)  # type: ignore[arg-type]


def unb64(values: list[str]) -> list[bytes]:
    return [base64.b64decode(v) for v in values]


async def test_an_auditor_proves_a_case_event_and_an_access_entry_and_the_log_grows(
        system: WebSystem) -> None:
    verifier = Verifier.from_vkey(LOG_KEY.verifier.vkey())  # given to auditors out of band
    case_id = await system.open_case(CW)
    sign(system)
    bodies: list[str] = []
    async with system.client(AUD) as auditor:
        answer = await auditor.get("/transparency/checkpoint")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        bodies.append(answer.text)
        older: Checkpoint = open_checkpoint(answer.content, log_key=verifier).checkpoint

        proof = await auditor.get(f"/cases/{case_id}/events/1/inclusion",
                                  params={"tree_size": older.size})
        assert proof.status_code == 200, proof.text
        bodies.append(proof.text)
        found = proof.json()
        # The leaf hash the auditor trusts is the one of the stored row, and the size and
        # root those of the checkpoint they opened, not the numbers beside the proof.
        [row] = system.store.recorder.select_events(uuid.UUID(case_id), lte=1)
        verify_included(older, leaf_hash=stored_event_leaf_hash(row),
                        index=found["leaf_index"], proof=unb64(found["proof"]))

        # The proof request itself was a read of the case: its access-log entry is logged
        # too, and proved in the next checkpoint.
        log = (await auditor.get(f"/cases/{case_id}/access-log")).json()
        assert any(e["action"] == "read_log_proof" for e in log["entries"])
        # The newest entry (that read of the access log) came after the older checkpoint.
        newest = len(system.store.recorder.select_events(access_log_id(uuid.UUID(case_id))))
        sign(system)
        answer = await auditor.get("/transparency/checkpoint")
        newer = open_checkpoint(answer.content, log_key=verifier).checkpoint
        assert newer.size > older.size
        entry = await auditor.get(f"/cases/{case_id}/access-log/{newest}/inclusion",
                                  params={"tree_size": newer.size})
        assert entry.status_code == 200, entry.text
        bodies.append(entry.text)
        verify_included(newer, leaf_hash=base64.b64decode(entry.json()["leaf_hash"]),
                        index=entry.json()["leaf_index"], proof=unb64(entry.json()["proof"]))

        extends = await auditor.get("/transparency/consistency",
                                    params={"old_size": older.size, "new_size": newer.size})
        assert extends.status_code == 200, extends.text
        bodies.append(extends.text)
        verify_extends(older, newer, unb64(extends.json()["proof"]))

        # An event logged after the checkpoint asked for: ask again after the next one.
        late = await auditor.get(f"/cases/{case_id}/access-log/{newest}/inclusion",
                                 params={"tree_size": older.size})
        assert late.status_code == 409
        assert late.json()["errors"][0]["rule"] == "event_in_checkpoint"
        missing = await auditor.get("/transparency/consistency",
                                    params={"old_size": 1, "new_size": newer.size + 1})
        assert missing.status_code == 404

    for body in bodies:  # hashes, indexes and the note: nothing of the case
        for secret in (VICTIM_NAME, VICTIM_ADDRESS, SUMMARY, "07700"):
            assert secret not in body
    for body in bodies[1:]:
        assert set(json.loads(body)) <= {"leaf_index", "leaf_hash", "tree_size", "proof",
                                         "old_size", "new_size"}


async def test_proofs_of_a_case_obey_need_to_know_and_only_auditors_see_the_log(
        system: WebSystem) -> None:
    case_id = await system.open_case(CW)
    sign(system)
    size = TransparencyLog(system.store.recorder).size()  # type: ignore[arg-type]
    async with system.client(OTHER_AUD) as other, system.client(CW) as caseworker:
        # Another council's auditor: the same 404 as a case that does not exist.
        hidden = await other.get(f"/cases/{case_id}/events/1/inclusion",
                                 params={"tree_size": size})
        unknown = await other.get(f"/cases/{uuid.uuid4()}/events/1/inclusion",
                                  params={"tree_size": size})
        assert hidden.status_code == unknown.status_code == 404
        assert hidden.json() == unknown.json()
        assert (await caseworker.get("/transparency/checkpoint")).status_code == 403
        assert (await caseworker.get(f"/cases/{case_id}/events/1/inclusion",
                                     params={"tree_size": size})).status_code == 403


async def test_a_size_without_a_checkpoint_is_named_not_taken_for_a_missing_address(
        system: WebSystem) -> None:
    """A 404 from the log says which size has no checkpoint (rule `checkpoint_exists`), or
    that the event is not in the log, so an auditor does not think the address is wrong."""
    case_id = await system.open_case(CW)
    async with system.client(AUD) as auditor:
        none_yet = await auditor.get("/transparency/checkpoint")
        assert none_yet.status_code == 404
        assert none_yet.json()["errors"][0]["rule"] == "checkpoint_exists"
        sign(system)
        size = TransparencyLog(system.store.recorder).size()  # type: ignore[arg-type]
        asked = {
            "/transparency/checkpoints/1": "tree_size",
            f"/cases/{case_id}/events/1/inclusion?tree_size={size + 1000}": "tree_size",
            f"/cases/{case_id}/access-log/1/inclusion?tree_size={size + 1000}": "tree_size",
            f"/transparency/consistency?old_size=1&new_size={size + 1000}": "new_size",
        }
        for url, field in asked.items():
            answer = await auditor.get(url)
            assert answer.status_code == 404, url
            [error] = answer.json()["errors"]
            assert (error["field"], error["rule"]) == (field, "checkpoint_exists"), url
        unlogged = await auditor.get(f"/cases/{case_id}/events/99999/inclusion",
                                     params={"tree_size": size})
        assert unlogged.status_code == 404
        [error] = unlogged.json()["errors"]
        assert (error["field"], error["rule"]) == ("version", "event_is_logged")

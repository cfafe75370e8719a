"""Witnesses (issue 15 scope 3): the council's signed checkpoints go through our signed
envelopes over real loopback HTTP to a partner stand-in that witnesses them
(gateways/witness_standin.py); its cosignature is verified and stored with the checkpoint
(application/witnessing.py, activities/cosignatures.py), so the council cannot show two
readers two histories without a witness refusing and an alert being raised.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from activities.case_store import CaseStore
from application.transparency import CheckpointSchedule, TransparencyLog
from application.witnessing import Witnessing
from gateways.default_partners import registry_document
from gateways.partner_standin import RunningPartner
from gateways.registry import PartnerRegistry
from gateways.signing_keys import generate_private_key, public_key_b64
from gateways.witness_client import WitnessClient
from gateways.witness_standin import RunningWitnessPartner, StandInWitness, add_witness_routes
from tests.integration.test_transparency_checkpoints import rebuild_log_tables, rewrite_event
from tests.integration.test_transparency_log import open_case
from transparency.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from transparency.note import InvalidSignatureError, Signer, Verifier
from transparency.note_keys import ALG_COSIGNATURE_V1
from transparency.witness import format_add_checkpoint

ORIGIN = "test.invalid/da-casework-log"
COUNCIL = generate_private_key()
LOG_KEY = Signer.generate(ORIGIN)


def the_log(store: CaseStore) -> TransparencyLog:
    return TransparencyLog(store.recorder)  # type: ignore[arg-type]


def registry(partner: RunningPartner, witness: dict[str, str], *,
             public_key: str | None = None) -> PartnerRegistry:
    return PartnerRegistry.from_dict(registry_document(
        {partner.partner: partner.inbox_url},
        {partner.partner: [public_key or partner.public_key]},
        {partner.partner: witness}))


def witnessing(store: CaseStore, partners: PartnerRegistry) -> Witnessing:
    return Witnessing(the_log(store), LOG_KEY.verifier, partners,
                      WitnessClient([COUNCIL], timeout_seconds=5))


@pytest.fixture
def police(tmp_path: Path) -> Iterator[RunningWitnessPartner]:
    with RunningWitnessPartner("police", [COUNCIL.public_key()], [LOG_KEY.verifier],
                               state_file=tmp_path / "police.witness.json") as partner:
        yield partner


def outcomes(rounds: Witnessing) -> list[tuple[str, str]]:
    return [(o.outcome, o.reason) for o in rounds.round()]


def alerts(store: CaseStore) -> list[str]:
    return [a.summary for a in the_log(store).alerts().alerts()]


def test_checkpoints_are_cosigned_by_the_stand_in_each_next_one_through_a_proof(
        store: CaseStore, police: RunningWitnessPartner) -> None:
    log, rounds = the_log(store), witnessing(store, registry(police, police.registry_witness()))
    witness_key = Verifier.from_vkey(police.registry_witness()["key"])  # given to auditors
    open_case(store)
    first = log.make_checkpoint(LOG_KEY)
    assert outcomes(rounds) == [("cosigned", "")]
    # What an auditor reads: the note with the witness's line, valid under both keys.
    opened = open_checkpoint(log.cosigned_note(first.size), log_key=LOG_KEY.verifier,
                             witnesses=[witness_key], quorum=1)
    assert opened.checkpoint == Checkpoint(ORIGIN, first.size, first.root_hash)
    assert outcomes(rounds) == [("already", "")]  # nothing new: nothing asked

    open_case(store)
    second = log.make_checkpoint(LOG_KEY)
    assert second.size > first.size
    assert outcomes(rounds) == [("cosigned", "")]  # the witness checked 1st -> 2nd
    open_checkpoint(log.cosigned_note(second.size), log_key=LOG_KEY.verifier,
                    witnesses=[witness_key], quorum=1)
    assert police.witness.witness.latest[ORIGIN].size == second.size
    [kept] = log.cosignatures().of_size(second.size)
    assert (kept.partner, kept.key_name) == ("police", witness_key.name)
    assert alerts(store) == []


def forge_history(store: CaseStore, stream: Any) -> None:
    """The insider with the database, the cipher key and the log key: an event rewritten,
    the log's tables rebuilt to match and the old checkpoints removed, so the log signs
    the new history as if it were the only one."""
    rewrite_event(store, stream, 1, lambda state: state.update(reason="Nothing reported."))
    rebuild_log_tables(store, checkpoints_too=True)


def test_a_forked_history_is_refused_by_the_witness_and_raised_as_an_alert(
        sqlite_store: CaseStore, police: RunningWitnessPartner) -> None:
    store = sqlite_store
    log, rounds = the_log(store), witnessing(store, registry(police, police.registry_witness()))
    case_id = open_case(store)
    witnessed = log.make_checkpoint(LOG_KEY)
    assert outcomes(rounds) == [("cosigned", "")]

    forge_history(store, case_id)
    fork = log.make_checkpoint(LOG_KEY)  # same size, another root, the council's own key
    assert (fork.size, fork.root_hash != witnessed.root_hash) == (witnessed.size, True)
    assert outcomes(rounds) == [("refused", "conflicting_checkpoint")]
    [alert] = alerts(store)
    assert "police" in alert and "conflicting_checkpoint" in alert and "split view" in alert
    # The witness's line kept from before is over the honest checkpoint: on the forged one
    # an auditor finds it invalid, which is the evidence.
    witness_key = Verifier.from_vkey(police.registry_witness()["key"])
    with pytest.raises(InvalidSignatureError):
        open_checkpoint(log.cosigned_note(fork.size), log_key=LOG_KEY.verifier,
                        witnesses=[witness_key], quorum=1)

    open_case(store)
    log.make_checkpoint(LOG_KEY)  # a later tree of the forked history
    assert outcomes(rounds) == [("refused", "bad_consistency_proof")]
    assert "bad_consistency_proof" in alerts(store)[0]
    assert police.witness.witness.latest[ORIGIN].size == witnessed.size
    assert set(police.received()["messages"]) == set()  # nothing went to its inbox


def test_the_witness_refuses_a_fork_it_was_shown_first_after_a_restart(
        sqlite_store: CaseStore, tmp_path: Path) -> None:
    """Split view: a reader was shown a forged checkpoint that the witness cosigned; when the
    council's own checkpoint of that size comes, the witness, restarted from its state file
    meanwhile, refuses it."""
    store, log = sqlite_store, the_log(sqlite_store)
    state, key = tmp_path / "police.witness.json", Signer.generate("p.example/w",
                                                                   ALG_COSIGNATURE_V1)
    open_case(store)
    honest = log.make_checkpoint(LOG_KEY)
    forged = Checkpoint(ORIGIN, honest.size, b"\x07" * 32)
    with RunningWitnessPartner("police", [COUNCIL.public_key()], [LOG_KEY.verifier],
                               witness_key=key, state_file=state) as first:
        client = WitnessClient([COUNCIL], timeout_seconds=5)
        entry = registry(first, first.registry_witness()).get("police")
        answer = client.add_checkpoint(entry, format_add_checkpoint(
            0, [], sign_checkpoint(forged, LOG_KEY)))
        assert answer.cosigned
    with RunningWitnessPartner("police", [COUNCIL.public_key()], [LOG_KEY.verifier],
                               witness_key=key, state_file=state) as restarted:
        rounds = witnessing(store, registry(restarted, restarted.registry_witness()))
        # The council never stored a cosignature, so it starts from 0; the witness says it
        # holds that size, and the council asks again with the (empty) proof from it.
        assert outcomes(rounds) == [("refused", "conflicting_checkpoint")]
        assert restarted.witness.evidence[0]["reason"] == "conflicting_checkpoint"
    assert "split view" in alerts(store)[0]


def test_a_stand_in_that_is_down_holds_nothing_back_and_is_asked_again(
        sqlite_store: CaseStore, police: RunningWitnessPartner) -> None:
    store, log = sqlite_store, the_log(sqlite_store)
    rounds = witnessing(store, registry(police, police.registry_witness()))
    open_case(store)
    police.set(down=True)
    kept = log.make_checkpoint(LOG_KEY)
    assert [(o.outcome, o.reason) for o in rounds.round()] == [("unavailable", "http_503")]
    assert log.latest_checkpoint() == kept and log.cosignatures().of_size(kept.size) == []
    assert alerts(store) == []  # a witness being down is no sign of a fork
    police.set(down=False)
    open_case(store)
    later = log.make_checkpoint(LOG_KEY)
    assert outcomes(rounds) == [("cosigned", "")]  # the latest checkpoint, from size 0
    assert len(log.cosignatures().of_size(later.size)) == 1


def test_a_witness_that_lost_its_state_is_asked_again_from_the_size_it_holds(
        sqlite_store: CaseStore, tmp_path: Path) -> None:
    store, log = sqlite_store, the_log(sqlite_store)
    key = Signer.generate("p.example/w", ALG_COSIGNATURE_V1)
    open_case(store)
    log.make_checkpoint(LOG_KEY)
    with RunningWitnessPartner("police", [COUNCIL.public_key()], [LOG_KEY.verifier],
                               witness_key=key) as first:
        assert outcomes(witnessing(store, registry(first, first.registry_witness()))) == [
            ("cosigned", "")]
    open_case(store)
    later = log.make_checkpoint(LOG_KEY)
    with RunningWitnessPartner("police", [COUNCIL.public_key()], [LOG_KEY.verifier],
                               witness_key=key) as forgetful:  # in memory: starts empty
        assert outcomes(witnessing(store, registry(forgetful, forgetful.registry_witness()))
                        ) == [("cosigned", "")]
        assert forgetful.witness.witness.latest[ORIGIN].size == later.size


class OtherCheckpointWitness(StandInWitness):
    """A hostile witness: it answers with a valid cosignature by its key, over a checkpoint
    other than the one it was sent."""

    def add_checkpoint(self, body: bytes, *, now: int) -> bytes:
        other = Checkpoint(ORIGIN, 1, b"\x01" * 32).text().encode()
        return self.witness.key.sign(other, timestamp=now).line().encode()


def test_cosignatures_by_another_key_or_over_another_checkpoint_are_never_stored(
        sqlite_store: CaseStore, police: RunningWitnessPartner) -> None:
    store, log = sqlite_store, the_log(sqlite_store)
    open_case(store)
    checkpoint = log.make_checkpoint(LOG_KEY)
    # The registry lists another key than the one the stand-in cosigns with.
    listed = Signer.generate(police.witness_key.name, ALG_COSIGNATURE_V1).verifier.vkey()
    wrong_key = {**police.registry_witness(), "key": listed}
    assert outcomes(witnessing(store, registry(police, wrong_key))) == [
        ("refused", "cosignature_missing")]
    # An answer signed by a key the registry does not hold for the partner.
    stranger = public_key_b64(Ed25519PrivateKey.generate().public_key())
    assert outcomes(witnessing(store, registry(police, police.registry_witness(),
                                               public_key=stranger))) == [
        ("refused", "answer_bad_signature")]

    with RunningPartner("police", [COUNCIL.public_key()]) as hostile:
        key = Signer.generate("hostile.example/w", ALG_COSIGNATURE_V1)
        add_witness_routes(hostile.app, OtherCheckpointWitness(key, [LOG_KEY.verifier]),
                           "police", [COUNCIL.public_key()], hostile.signing_key)
        listed_hostile = {"key": key.verifier.vkey(),
                          "endpoint": f"{hostile.url}/witness/add-checkpoint"}
        assert outcomes(witnessing(store, registry(hostile, listed_hostile))) == [
            ("refused", "cosignature_invalid")]
    assert log.cosignatures().of_size(checkpoint.size) == []
    assert log.cosigned_note(checkpoint.size) == checkpoint.note
    assert len(alerts(store)) == 3


async def test_the_worker_schedule_asks_a_witness_that_was_down_again_each_round(
        sqlite_store: CaseStore, police: RunningWitnessPartner) -> None:
    """casework/worker.py runs `CheckpointSchedule` with the witnessing round after each
    checkpoint: a witness that was down cosigns in a later round, with no new checkpoint."""
    store, log = sqlite_store, the_log(sqlite_store)
    open_case(store)
    police.set(down=True)
    rounds = witnessing(store, registry(police, police.registry_witness()))
    schedule = CheckpointSchedule(log, LOG_KEY, after=rounds.round_logged)
    running = asyncio.create_task(schedule.run_forever(0.05))
    try:
        await asyncio.sleep(0.5)
        made = log.latest_checkpoint()
        assert made is not None and log.cosignatures().of_size(made.size) == []
        await asyncio.to_thread(police.set, down=False)
        for _ in range(100):
            if log.cosignatures().of_size(made.size):
                break
            await asyncio.sleep(0.05)
        assert [c.partner for c in log.cosignatures().of_size(made.size)] == ["police"]
        assert log.latest_checkpoint() == made  # nothing new was signed meanwhile
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


def test_a_witness_that_does_not_know_our_key_is_an_alert_not_a_silent_gap(
        sqlite_store: CaseStore) -> None:
    store, log = sqlite_store, the_log(sqlite_store)
    open_case(store)
    log.make_checkpoint(LOG_KEY)
    other_council = generate_private_key().public_key()
    with RunningWitnessPartner("police", [other_council], [LOG_KEY.verifier]) as strict:
        assert outcomes(witnessing(store, registry(strict, strict.registry_witness()))) == [
            ("refused", "our_envelope_refused")]
        assert strict.witness.witness.latest == {}
    assert "our_envelope_refused" in alerts(store)[0]


def test_a_witness_shown_a_larger_forged_checkpoint_refuses_ours_as_older(
        store: CaseStore, police: RunningWitnessPartner) -> None:
    """Split view the other way: a reader was shown a larger checkpoint, signed with the log
    key, that our log never made; the witness that cosigned it refuses ours as older."""
    log = the_log(store)
    open_case(store)
    ours = log.make_checkpoint(LOG_KEY)
    forged = sign_checkpoint(Checkpoint(ORIGIN, ours.size + 10, b"\x05" * 32), LOG_KEY)
    entry = registry(police, police.registry_witness()).get("police")
    assert WitnessClient([COUNCIL]).add_checkpoint(
        entry, format_add_checkpoint(0, [], forged)).cosigned
    assert outcomes(witnessing(store, registry(police, police.registry_witness()))) == [
        ("refused", "older_checkpoint")]
    [alert] = alerts(store)
    assert "older_checkpoint" in alert and "split view" in alert
    assert [e["reason"] for e in police.witness.evidence] == ["older_checkpoint"]

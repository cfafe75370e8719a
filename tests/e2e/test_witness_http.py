"""What an auditor outside the council does with witnesses over HTTP: fetch the witnesses'
keys and the checkpoint with its cosignature lines, and check both with nothing but the
`transparency` package (C2SP tlog-cosignature; issue 15 scope 3)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from aggregates.report import Role
from application.transparency import TransparencyLog
from application.witnessing import Witnessing
from gateways.default_partners import registry_document
from gateways.registry import PartnerRegistry
from gateways.signing_keys import generate_private_key
from gateways.witness_client import WitnessClient
from gateways.witness_standin import RunningWitnessPartner
from tests.web_harness import WebSystem, web_system
from transparency.checkpoint import open_checkpoint
from transparency.note import Signer, Verifier

AUD, CW = "aud-1", "cw-1"
LOG_KEY = Signer.generate("dover.example/da-casework-log")
COUNCIL = generate_private_key()


@pytest.fixture
def police() -> Iterator[RunningWitnessPartner]:
    with RunningWitnessPartner("police", [COUNCIL.public_key()], [LOG_KEY.verifier]) as p:
        yield p


def partners(police: RunningWitnessPartner) -> PartnerRegistry:
    return PartnerRegistry.from_dict(registry_document(
        {"police": police.inbox_url}, {"police": [police.public_key]},
        {"police": police.registry_witness()}))


@pytest.fixture
async def system(tmp_path: Path, dev_env: WorkflowEnvironment,
                 police: RunningWitnessPartner) -> AsyncIterator[WebSystem]:
    async with web_system(tmp_path, dev_env, partners=partners(police)) as running:
        running.add_staff(CW, Role.CASEWORKER)
        running.add_staff(AUD, Role.AUDITOR, teams=())
        yield running


async def test_an_auditor_checks_the_latest_checkpoint_with_the_log_and_witness_keys(
        system: WebSystem, police: RunningWitnessPartner) -> None:
    log = TransparencyLog(system.store.recorder)  # type: ignore[arg-type]
    await system.open_case(CW)
    first = log.make_checkpoint(LOG_KEY)
    Witnessing(log, LOG_KEY.verifier, partners(police), WitnessClient([COUNCIL])).round()
    await system.open_case(CW)
    second = log.make_checkpoint(LOG_KEY)  # not witnessed yet
    async with system.client(AUD) as auditor:
        listed = (await auditor.get("/transparency/witnesses")).json()
        assert listed == [{"partner": "police",
                           "witness_key": police.registry_witness()["key"]}]
        witness_key = Verifier.from_vkey(listed[0]["witness_key"])

        cosigned = await auditor.get(f"/transparency/checkpoints/{first.size}")
        assert cosigned.status_code == 200, cosigned.text
        assert cosigned.headers["content-type"].startswith("text/plain")
        opened = open_checkpoint(cosigned.content, log_key=LOG_KEY.verifier,
                                 witnesses=[witness_key], quorum=1)
        assert opened.checkpoint.size == first.size and opened.witnesses == (witness_key.name,)

        # The latest is served as it stands: signed by the log, no witness yet.
        latest = await auditor.get("/transparency/checkpoint")
        assert latest.content == second.note
        with pytest.raises(ValueError, match="0 of the 1 witness cosignatures"):
            open_checkpoint(latest.content, log_key=LOG_KEY.verifier,
                            witnesses=[witness_key], quorum=1)
        missing = await auditor.get(f"/transparency/checkpoints/{second.size + 1}")
        assert missing.status_code == 404

    Witnessing(log, LOG_KEY.verifier, partners(police), WitnessClient([COUNCIL])).round()
    async with system.client(AUD) as auditor:
        latest = await auditor.get("/transparency/checkpoint")
        open_checkpoint(latest.content, log_key=LOG_KEY.verifier, witnesses=[witness_key],
                        quorum=1)

"""The payload codec accepts only what this system sealed: a payload sent in clear, sealed with
a key we do not hold, or altered in transit is refused with an error that says which, and
plaintext passes only while the migration setting allows it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter

from casework.settings import Settings
from casework.wiring import temporal_data_converter
from workflows.data_converter import encrypted_data_converter
from workflows.payload_codec import (
    PlaintextRefusedError,
    TamperedPayloadError,
    UnknownKeyError,
)

KEY = os.urandom(32)
COMMAND = {"command": "declare_conflict", "args": {"reason": "Knows the family."}}


def plaintext() -> list[Payload]:
    """What a client without our codec sends: the default converter's JSON, in clear."""
    return DataConverter.default.payload_converter.to_payloads([COMMAND])


async def test_plaintext_payload_is_refused_by_default() -> None:
    with pytest.raises(PlaintextRefusedError, match=r"sent without encryption .*json/plain"):
        await encrypted_data_converter([KEY]).decode(plaintext(), [dict])


async def test_the_refusal_does_not_echo_the_payload() -> None:
    with pytest.raises(PlaintextRefusedError) as refused:
        await encrypted_data_converter([KEY]).decode(plaintext(), [dict])
    assert "Knows the family" not in str(refused.value)


async def test_plaintext_is_accepted_only_with_the_migration_setting(tmp_path: Path) -> None:
    def settings(accept_plaintext: bool) -> Settings:
        return Settings(temporal_payload_key_file=tmp_path / "payload.key",
                        temporal_accept_plaintext_payloads=accept_plaintext)

    with pytest.raises(PlaintextRefusedError):
        await temporal_data_converter(settings(False)).decode(plaintext(), [dict])
    migrating = temporal_data_converter(settings(True))
    assert await migrating.decode(plaintext(), [dict]) == [COMMAND]


async def test_sealed_payload_round_trips() -> None:
    converter = encrypted_data_converter([KEY])
    sealed = await converter.encode([COMMAND])
    assert b"Knows the family" not in sealed[0].SerializeToString()
    assert await converter.decode(sealed, [dict]) == [COMMAND]


async def test_tampered_ciphertext_is_refused() -> None:
    converter = encrypted_data_converter([KEY])
    sealed = (await converter.encode([COMMAND]))[0]
    flipped = bytearray(sealed.data)
    flipped[-1] ^= 0x01
    altered = Payload(metadata=dict(sealed.metadata), data=bytes(flipped))
    with pytest.raises(TamperedPayloadError, match="does not authenticate"):
        await converter.decode([altered], [dict])


async def test_ciphertext_forged_under_our_key_id_is_refused() -> None:
    """The key id is public (it is in every payload's metadata): naming it proves nothing."""
    ours = (await encrypted_data_converter([KEY]).encode([COMMAND]))[0]
    forged = (await encrypted_data_converter([os.urandom(32)]).encode([COMMAND]))[0]
    forged.metadata["encryption-key-id"] = ours.metadata["encryption-key-id"]
    with pytest.raises(TamperedPayloadError):
        await encrypted_data_converter([KEY]).decode([forged], [dict])


async def test_plaintext_setting_does_not_let_tampered_ciphertext_through() -> None:
    converter = encrypted_data_converter([KEY], allow_plaintext=True)
    sealed = (await converter.encode([COMMAND]))[0]
    truncated = Payload(metadata=dict(sealed.metadata), data=sealed.data[:-4])
    with pytest.raises(TamperedPayloadError):
        await converter.decode([truncated], [dict])


async def test_payload_sealed_with_an_unknown_key_is_refused() -> None:
    sealed = await encrypted_data_converter([os.urandom(32)]).encode([COMMAND])
    with pytest.raises(UnknownKeyError, match="unknown key id"):
        await encrypted_data_converter([KEY]).decode(sealed, [dict])

"""Which partners witness the transparency log is registry data (gateways/registry.py): a
witness entry holds a cosignature/v1 verifier key and an endpoint, and anything else is
refused when the registry is loaded, so a cosignature is never checked against a wrong kind
of key (issue 15 scope 3)."""

from __future__ import annotations

import pytest

from gateways.default_partners import WITNESSES, registry_document
from gateways.registry import PartnerRegistry, RegistryInvalid
from transparency.note import Signer
from transparency.note_keys import ALG_COSIGNATURE_V1

ENDPOINTS = {"police": "https://police.example/inbox", "kcc_safer": "https://kcc.example/in"}


def loaded(witness: dict[str, str]) -> PartnerRegistry:
    return PartnerRegistry.from_dict(registry_document(ENDPOINTS, {}, {"police": witness}))


def test_a_witnessing_partner_is_listed_with_its_cosignature_key() -> None:
    key = Signer.generate("police.example/witness", ALG_COSIGNATURE_V1).verifier
    registry = loaded({"key": key.vkey(), "endpoint": "https://police.example/witness"})
    [police] = registry.witnesses()
    assert police.partner == "police" and police.witness is not None
    assert police.witness.key == key
    assert registry.get("kcc_safer").witness is None
    assert {p.value for p in WITNESSES} == {"police", "kent_medway_marac"}


@pytest.mark.parametrize(("vkey", "message"), [
    (Signer.generate("police.example/witness").verifier.vkey(), "type 0x04"),
    ("police.example/witness+00000000+AQ==", "not a verifier key"),
    ("not a key", "not a verifier key"),
], ids=["log-signing-key", "bad-key-bytes", "not-a-key"])  # fixed ids: the first key is random
def test_a_witness_key_that_is_not_a_cosignature_key_is_refused(vkey: str,
                                                                message: str) -> None:
    with pytest.raises(RegistryInvalid, match=message):
        loaded({"key": vkey, "endpoint": "https://police.example/witness"})

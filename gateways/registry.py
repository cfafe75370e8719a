"""The registry of partner agencies: endpoint, public keys, data profile, failure contact.

Loaded from a JSON file named by the settings (`DA_PARTNERS_FILE`), so adding a partner or
rotating a partner's key is an edit of configuration, not of code. Each partner lists every
public key it has signed with (newest first), so messages signed before a rotation still
verify. A partner's id is one the domain accepts as a recipient (`aggregates.sharing.
PARTNER_IDS`): a registry naming any other is refused when it is loaded, so it can never
register the perpetrator or free text.

A partner that witnesses our transparency log (C2SP tlog-witness) has a `witness` entry: its
cosignature verifier key (a C2SP vkey of type 0x04) and the URL of its add-checkpoint
endpoint. Cosignatures are verified with that key before they are stored.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from aggregates.errors import RuleViolation
from aggregates.sharing import PARTNER_IDS, check_recipient
from transparency.note import NoteError, Verifier
from transparency.note_keys import ALG_COSIGNATURE_V1


@dataclass(frozen=True)
class WitnessEntry:
    """How a partner witnesses the log: its cosignature key and where to ask it."""

    key: Verifier             # type 0x04 (cosignature/v1)
    endpoint: str             # where signed add-checkpoint requests are POSTed


@dataclass(frozen=True)
class PartnerEntry:
    partner: str              # e.g. "kent_medway_marac" (aggregates.referrals.Partner values)
    name: str
    endpoint: str             # where our signed envelopes are POSTed
    public_keys: tuple[Ed25519PublicKey, ...]
    profile: frozenset[str]   # the data categories this partner may receive
    failure_contact: str      # who to call when delivery is given up (a role or a number)
    witness: WitnessEntry | None = None   # set if the partner cosigns our checkpoints


class UnknownPartner(KeyError):
    """No partner with this id is registered."""


class RegistryInvalid(ValueError):
    """The registry names a partner id the domain does not accept as a recipient."""


def public_key_from_b64(value: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(value))


class PartnerRegistry:
    def __init__(self, entries: Iterable[PartnerEntry]) -> None:
        self._entries = {e.partner: e for e in entries}
        for partner in self._entries:
            try:
                check_recipient(partner, registered=PARTNER_IDS)
            except RuleViolation as refused:
                raise RegistryInvalid(f"partner {partner!r} cannot be registered "
                                      f"({refused.rule})") from None

    def get(self, partner: str) -> PartnerEntry:
        try:
            return self._entries[partner]
        except KeyError:
            raise UnknownPartner(partner) from None

    def __contains__(self, partner: object) -> bool:
        return partner in self._entries

    def all(self) -> list[PartnerEntry]:
        return list(self._entries.values())

    def witnesses(self) -> list[PartnerEntry]:
        """The partners that cosign our checkpoints."""
        return [e for e in self._entries.values() if e.witness is not None]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PartnerRegistry:
        """`{"partners": [{"partner", "name", "endpoint", "public_keys": [b64], "profile":
        [categories], "failure_contact", "witness"?: {"key": vkey, "endpoint"}}]}`"""
        return cls(PartnerEntry(
            partner=p["partner"], name=p["name"], endpoint=p["endpoint"],
            public_keys=tuple(public_key_from_b64(k) for k in p.get("public_keys", [])),
            profile=frozenset(p["profile"]), failure_contact=p.get("failure_contact", ""),
            witness=_witness(p["partner"], p.get("witness")),
        ) for p in data["partners"])

    @classmethod
    def from_file(cls, path: Path) -> PartnerRegistry:
        return cls.from_dict(json.loads(path.read_text()))


def _witness(partner: str, data: Mapping[str, Any] | None) -> WitnessEntry | None:
    if data is None:
        return None
    try:
        key = Verifier.from_vkey(data["key"])
    except (NoteError, KeyError, TypeError):
        raise RegistryInvalid(f"partner {partner!r}: the witness key is not a verifier "
                              "key") from None
    if key.algorithm != ALG_COSIGNATURE_V1:
        raise RegistryInvalid(f"partner {partner!r}: a witness key is a cosignature/v1 key "
                              "(type 0x04)")
    return WitnessEntry(key, str(data["endpoint"]))

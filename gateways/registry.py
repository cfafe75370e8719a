"""The registry of partner agencies: endpoint, public keys, data profile, failure contact.

Loaded from a JSON file named by the settings (`DA_PARTNERS_FILE`), so adding a partner or
rotating a partner's key is an edit of configuration, not of code. Each partner lists every
public key it has signed with (newest first), so messages signed before a rotation still
verify. A partner's id is one the domain accepts as a recipient (`aggregates.sharing.
PARTNER_IDS`): a registry naming any other is refused when it is loaded, so it can never
register the perpetrator or free text.
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


@dataclass(frozen=True)
class PartnerEntry:
    partner: str              # e.g. "kent_medway_marac" (aggregates.referrals.Partner values)
    name: str
    endpoint: str             # where our signed envelopes are POSTed
    public_keys: tuple[Ed25519PublicKey, ...]
    profile: frozenset[str]   # the data categories this partner may receive
    failure_contact: str      # who to call when delivery is given up (a role or a number)
    kind: str = "agency"      # or "landlord": a receiving landlord of a reciprocal transfer


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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PartnerRegistry:
        """`{"partners": [{"partner", "name", "endpoint", "public_keys": [b64], "profile":
        [categories], "failure_contact", "kind" ("agency" by default, or "landlord")}]}`"""
        return cls(PartnerEntry(
            partner=p["partner"], name=p["name"], endpoint=p["endpoint"],
            public_keys=tuple(public_key_from_b64(k) for k in p.get("public_keys", [])),
            profile=frozenset(p["profile"]), failure_contact=p.get("failure_contact", ""),
            kind=p.get("kind", "agency"),
        ) for p in data["partners"])

    @classmethod
    def from_file(cls, path: Path) -> PartnerRegistry:
        return cls.from_dict(json.loads(path.read_text()))

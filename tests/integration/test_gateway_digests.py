"""A receipt's digest names what was sent, whichever gateway sent it: the signed HTTP gateway,
the recorded stand-in and the partner that received the message all give the same digest for
the same message, so a partner's acknowledgement (which quotes its digest) matches a delivery
recorded through either."""

from __future__ import annotations

import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aggregates.canonical import digest_of
from gateways.http_gateway import SignedHttpGateway
from gateways.partner_standin import RunningPartner
from gateways.signing_keys import generate_private_key
from gateways.stand_in import RecordingGateway
from tests.integration.test_partner_delivery import PARTNER, referral, registry_for

# Where JSON writers disagree: a whole number written as a float, keys outside ASCII (RFC 8785
# sorts them by UTF-16 code units: "😀" before ""), characters outside ASCII and a control
# character in a value.
AWKWARD: dict[str, Any] = {
    "risk": {"level": "high", "yes_count": 15, "weighting": 1.0, "ratio": 0.1},
    "notes": {"\ue000": "private use", "😀": "astral", "é": "Zoë \u2028 \x01 —"},
}


def test_the_signed_and_the_stand_in_gateway_give_the_same_digest_for_the_same_message(
) -> None:
    council_key: Ed25519PrivateKey = generate_private_key()
    message = referral() | AWKWARD
    key = f"{uuid.uuid4()}:ref-1"

    with RunningPartner(PARTNER, [council_key.public_key()]) as partner, \
            SignedHttpGateway(registry_for(partner), [council_key], timeout_seconds=5) as signed:
        sent = signed.deliver(partner=PARTNER, message=message, idempotency_key=key)
        [received] = partner.received()["messages"]
    recorded = RecordingGateway().deliver(partner=PARTNER, message=message,
                                          idempotency_key=key)

    assert sent.digest == recorded.digest == received["digest"] == digest_of(message)
    assert len(sent.digest) == 64

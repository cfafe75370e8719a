"""The signed conversation with a receiving landlord (D 8.22, D 8.35; DBC 4.2), over loopback
with the stand-in landlord: it verifies our signature, records a step once by its id and
answers a repeat with its first answer, and signs what it says; we verify that before
anything reaches a case."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from casework.partner_standins import DEMO_PARTNERS, partner_standins
from casework.settings import Settings
from gateways.default_partners import registry_document
from gateways.http_gateway import DeliveryRefused, PartnerUnavailable
from gateways.landlord_gateway import SignedLandlordExchange
from gateways.landlord_standin import RunningLandlord
from gateways.registry import PartnerRegistry
from gateways.signing import sign_message
from gateways.signing_keys import generate_private_key, public_key_b64
from gateways.transfer_messages import AnswerStatus, TransferStep, message_id
from tests.integration.landlords import LANDLORD

COUNCIL_KEY = generate_private_key()


@pytest.fixture
def landlord() -> Iterator[RunningLandlord]:
    with RunningLandlord(LANDLORD, [COUNCIL_KEY.public_key()]) as running:
        yield running


def exchange_with(landlord: RunningLandlord, landlord_key: str | None = None
                  ) -> SignedLandlordExchange:
    registry = PartnerRegistry.from_dict(registry_document(
        {LANDLORD: landlord.inbox_url}, {LANDLORD: [landlord_key or landlord.public_key]}))
    return SignedLandlordExchange(registry, [COUNCIL_KEY], timeout_seconds=5)


def step(kind: TransferStep, poll: int = 0) -> tuple[dict, str]:
    return ({"type": kind.value, "transfer_id": "tr1", "council": "dover"},
            message_id("case-1", "tr1", kind, poll))


def test_a_request_sent_twice_is_recorded_once_and_answered_alike(
        landlord: RunningLandlord) -> None:
    exchange = exchange_with(landlord)
    message, mid = step(TransferStep.REQUEST)
    first = exchange.exchange(landlord=LANDLORD, message=message, message_id=mid)
    again = exchange.exchange(landlord=LANDLORD, message=message, message_id=mid)
    assert first == again and first.status is AnswerStatus.RECEIVED
    got = landlord.received()
    assert len(got["messages"]) == 1 and got["arrivals"] == {mid: 2}


def test_the_landlords_offer_comes_signed_with_the_new_home(landlord: RunningLandlord) -> None:
    exchange = exchange_with(landlord)
    exchange.exchange(landlord=LANDLORD, message=step(TransferStep.REQUEST)[0],
                      message_id=step(TransferStep.REQUEST)[1])
    landlord.set(decision="pending")
    message, mid = step(TransferStep.ENQUIRY, poll=1)
    assert exchange.exchange(landlord=LANDLORD, message=message,
                             message_id=mid).status is AnswerStatus.PENDING
    landlord.set(decision="offer")
    message, mid = step(TransferStep.ENQUIRY, poll=2)
    offer = exchange.exchange(landlord=LANDLORD, message=message, message_id=mid)
    assert (offer.status, offer.tenancy_type) == (AnswerStatus.OFFER, "secure")
    assert offer.new_address and offer.offer_ref and offer.in_reply_to == mid


def test_a_refusal_names_its_reason(landlord: RunningLandlord) -> None:
    landlord.set(decision="refusal", refusal_reason="no_suitable_property")
    message, mid = step(TransferStep.ENQUIRY, poll=1)
    refusal = exchange_with(landlord).exchange(landlord=LANDLORD, message=message,
                                               message_id=mid)
    assert (refusal.status, refusal.reason) == (AnswerStatus.REFUSAL, "no_suitable_property")


def test_an_answer_signed_by_another_key_is_refused_for_good(
        landlord: RunningLandlord) -> None:
    stranger = public_key_b64(generate_private_key().public_key())
    message, mid = step(TransferStep.REQUEST)
    with pytest.raises(DeliveryRefused) as refused:
        exchange_with(landlord, landlord_key=stranger).exchange(
            landlord=LANDLORD, message=message, message_id=mid)
    assert refused.value.reason == "answer_unverified"


def test_a_landlord_that_is_down_is_retried_later(landlord: RunningLandlord) -> None:
    landlord.set(down=True)
    message, mid = step(TransferStep.REQUEST)
    with pytest.raises(PartnerUnavailable):
        exchange_with(landlord).exchange(landlord=LANDLORD, message=message, message_id=mid)
    assert landlord.received()["down_refusals"] == 1 and not landlord.received()["messages"]


def test_the_landlord_refuses_a_message_we_did_not_sign(landlord: RunningLandlord) -> None:
    message, mid = step(TransferStep.REQUEST)
    forged = sign_message(message, keys=[generate_private_key()], message_id=mid,
                          timestamp=int(time.time()))
    response = httpx.post(landlord.inbox_url, content=forged.body, headers=forged.headers)
    assert response.status_code == 401 and response.json() == {"error": "bad_signature"}
    assert not landlord.received()["messages"]


def test_the_run_stack_has_demo_landlords_registered_as_landlords(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    specs = partner_standins(settings, list(range(9101, 9101 + len(DEMO_PARTNERS))),
                             quiet=True)
    registry = PartnerRegistry.from_file(settings.partners_file)
    landlords = [e for e in registry.all() if e.kind == "landlord"]
    assert {e.partner for e in landlords} == {p for p in DEMO_PARTNERS
                                              if p.startswith("landlord_")}
    for entry in landlords:  # the one recipient of where a victim moves to (D 8.22)
        assert "transfer_destination" in entry.profile
        assert "perpetrator_details" not in entry.profile
        [spec] = [s for s in specs if s.name == f"partner-{entry.partner}"]
        assert "gateways.landlord_standin" in spec.argv
    assert all("transfer_destination" not in e.profile for e in registry.all()
               if e.kind != "landlord")

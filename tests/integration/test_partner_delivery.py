"""The signed HTTP gateway against a real stand-in partner, over HTTP on loopback.

No mocks: the partner is `gateways.partner_standin` served by uvicorn in a thread, with its own
key pair; acknowledgements come back to a small receiving server run here, which verifies them
with the partner's public keys from the registry, as the council's web app will.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gateways.base import PartnerGateway
from gateways.http_gateway import (
    DeliveryRefused,
    PartnerUnavailable,
    SignedHttpGateway,
    delivery_id_for,
)
from gateways.partner_standin import LoopbackServer, RunningPartner
from gateways.registry import PartnerEntry, PartnerRegistry, UnknownPartner
from gateways.signing import MemoryReplayGuard, VerificationError, canonical_json, verify_message
from gateways.signing_keys import generate_private_key, public_key_from_b64
from tests.support import PERSONAL_STRINGS, VICTIM_ADDRESS, VICTIM_NAME

PARTNER = "kent_medway_marac"


def referral(referral_id: str = "ref-1") -> dict[str, Any]:
    """A MARAC referral shaped as `aggregates.referral_content.referral_message` makes one."""
    return {
        "referral_id": referral_id, "kind": "marac", "case_reference": str(uuid.uuid4()),
        "council": "dover", "rule": "marac_high_risk", "section": "D 8.40",
        "victim": {"name": VICTIM_NAME, "address": VICTIM_ADDRESS, "phone": "07700 900461"},
        "risk": {"level": "high", "yes_count": 15, "reasons": ["dash_14_or_more"]},
        "children": [{"age": 6}],
        "perpetrator": {"name": "Desmond Fairweather-Lyle", "relationship": "ex-partner"},
    }


def registry_for(partner: RunningPartner | None, *, endpoint: str | None = None,
                 extra_keys: tuple[Ed25519PublicKey, ...] = ()) -> PartnerRegistry:
    keys = (public_key_from_b64(partner.public_key),) if partner is not None else ()
    return PartnerRegistry([PartnerEntry(
        partner=PARTNER, name="Kent & Medway MARAC",
        endpoint=endpoint or (partner.inbox_url if partner is not None else ""),
        public_keys=keys + extra_keys,
        profile=frozenset({"victim_contact", "risk", "children", "perpetrator"}),
        failure_contact="MARAC coordinator",
    )])


def new_key() -> str:
    return f"{uuid.uuid4()}:ref-{uuid.uuid4().hex[:8]}"


def wait_for(probe: Callable[[], Any], *, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        time.sleep(0.05)


@pytest.fixture
def council_key() -> Ed25519PrivateKey:
    return generate_private_key()


@pytest.fixture
def partner(council_key: Ed25519PrivateKey) -> Iterator[RunningPartner]:
    with RunningPartner(PARTNER, [council_key.public_key()]) as running:
        yield running


@pytest.fixture
def gateway(partner: RunningPartner, council_key: Ed25519PrivateKey
            ) -> Iterator[SignedHttpGateway]:
    with SignedHttpGateway(registry_for(partner), [council_key], timeout_seconds=2) as gw:
        yield gw


# --- delivery ---------------------------------------------------------------------------------

def test_referral_is_delivered_verified_and_its_digest_matches(
        partner: RunningPartner, gateway: SignedHttpGateway) -> None:
    message, key = referral(), new_key()
    implements: PartnerGateway = gateway  # the activity's interface

    receipt = implements.deliver(partner=PARTNER, message=message, idempotency_key=key)

    received = partner.received()
    assert received["accepted"] == 1 and received["refused"] == 0
    [recorded] = received["messages"]
    assert recorded["message_id"] == key
    assert recorded["message"] == message
    assert receipt.via == "signed-http"
    assert receipt.digest == hashlib.sha256(canonical_json(message)).hexdigest()
    assert receipt.digest == recorded["digest"]
    assert receipt.delivery_id.startswith(f"{PARTNER}-")  # the partner's own reference


def test_gateway_answers_the_partner_profile_from_the_registry(
        gateway: SignedHttpGateway) -> None:
    assert gateway.profile(PARTNER) == frozenset(
        {"victim_contact", "risk", "children", "perpetrator"})


def test_same_idempotency_key_twice_is_recorded_once_and_both_get_a_receipt(
        partner: RunningPartner, gateway: SignedHttpGateway) -> None:
    message, key = referral(), new_key()

    first = gateway.deliver(partner=PARTNER, message=message, idempotency_key=key)
    second = gateway.deliver(partner=PARTNER, message=message, idempotency_key=key)

    received = partner.received()
    assert [m["message_id"] for m in received["messages"]] == [key]
    assert (received["accepted"], received["duplicates"]) == (1, 1)
    assert second == first  # the partner answers a duplicate with the original delivery id


def test_partner_down_is_unavailable_and_records_nothing_then_delivers_once_when_up(
        partner: RunningPartner, gateway: SignedHttpGateway) -> None:
    message, key = referral(), new_key()
    partner.set(down=True)

    with pytest.raises(PartnerUnavailable) as refused:
        gateway.deliver(partner=PARTNER, message=message, idempotency_key=key)

    assert refused.value.status == 503
    assert refused.value.retry_after_seconds == 1.0
    assert str(refused.value) == f"{PARTNER} is unavailable: HTTP 503 (retry after 1 s)"
    assert partner.received()["messages"] == []
    assert partner.received()["down_refusals"] == 1

    partner.set(down=False)
    gateway.deliver(partner=PARTNER, message=message, idempotency_key=key)

    received = partner.received()
    assert [m["message_id"] for m in received["messages"]] == [key]
    assert received["accepted"] == 1


def test_slow_partner_beyond_the_timeout_is_unavailable_and_a_retry_is_recorded_once(
        partner: RunningPartner, council_key: Ed25519PrivateKey) -> None:
    message, key = referral(), new_key()
    partner.set(slow_seconds=1.5)
    with SignedHttpGateway(registry_for(partner), [council_key], timeout_seconds=0.3) as hasty:
        with pytest.raises(PartnerUnavailable) as timed_out:
            hasty.deliver(partner=PARTNER, message=message, idempotency_key=key)
        assert timed_out.value.status is None
        assert timed_out.value.reason == "timeout"

        # The partner still processes the request we gave up on: only the id keeps it single.
        partner.set(slow_seconds=0)
        hasty.deliver(partner=PARTNER, message=message, idempotency_key=key)

    received = wait_for(lambda: (r := partner.received())["accepted"] + r["duplicates"] == 2
                        and r, timeout=5)
    assert [m["message_id"] for m in received["messages"]] == [key]


def test_partner_holding_the_wrong_council_key_refuses_with_401(
        council_key: Ed25519PrivateKey) -> None:
    stranger = generate_private_key().public_key()
    with RunningPartner(PARTNER, [stranger]) as partner, \
            SignedHttpGateway(registry_for(partner), [council_key]) as gateway:
        with pytest.raises(DeliveryRefused) as refused:
            gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())

        assert (refused.value.status, refused.value.reason) == (401, "bad_signature")
        assert str(refused.value) == f"{PARTNER} refused the delivery: HTTP 401 bad_signature"
        received = partner.received()
        assert received["messages"] == [] and received["refused"] == 1


class TamperingTransport(httpx.HTTPTransport):
    """A real transport that alters one byte of each request body on the way out."""

    def __init__(self, marker: bytes) -> None:
        super().__init__()
        self.marker = marker
        self.tampered = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = bytearray(request.read())
        at = body.find(self.marker)
        if at >= 0:
            body[at] ^= 0x20  # "R" -> "r": still valid, canonical JSON, only the letter differs
            self.tampered += 1
        altered = httpx.Request(request.method, request.url, headers=request.headers,
                                content=bytes(body), extensions=request.extensions)
        return super().handle_request(altered)


def test_a_body_altered_in_transit_is_refused_with_401_and_nothing_is_recorded(
        partner: RunningPartner, council_key: Ed25519PrivateKey) -> None:
    transport = TamperingTransport(marker=VICTIM_NAME.encode())
    with httpx.Client(transport=transport) as http:
        gateway = SignedHttpGateway(registry_for(partner), [council_key], http=http)
        with pytest.raises(DeliveryRefused) as refused:
            gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())

    assert transport.tampered == 1
    assert (refused.value.status, refused.value.reason) == (401, "bad_signature")
    received = partner.received()
    assert received["messages"] == [] and received["refusal_reasons"] == ["bad_signature"]


def test_during_a_council_key_rotation_partners_holding_old_or_new_key_both_accept() -> None:
    old, new = generate_private_key(), generate_private_key()
    for trusted in (old, new):
        with RunningPartner(PARTNER, [trusted.public_key()]) as partner, \
                SignedHttpGateway(registry_for(partner), [new, old]) as gateway:
            key = new_key()
            gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=key)
            assert [m["message_id"] for m in partner.received()["messages"]] == [key]


def test_partner_trusting_both_our_keys_accepts_a_message_signed_with_the_new_key_only(
) -> None:
    old, new = generate_private_key(), generate_private_key()
    with RunningPartner(PARTNER, [new.public_key(), old.public_key()]) as partner, \
            SignedHttpGateway(registry_for(partner), [new]) as gateway:
        gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())
        assert partner.received()["accepted"] == 1


def test_message_bodies_are_never_logged(
        partner: RunningPartner, gateway: SignedHttpGateway,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    key = new_key()
    gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=key)
    partner.set(down=True)
    with pytest.raises(PartnerUnavailable):
        gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())

    assert key in caplog.text  # it did log the delivery
    for personal in [*PERSONAL_STRINGS, "Desmond"]:
        assert personal not in caplog.text


# --- how every kind of answer is classified ------------------------------------------------------

@pytest.fixture(scope="module")
def answering_server() -> Iterator[str]:
    """A real server answering POST /status/{code} with that status (and a Retry-After)."""
    app = FastAPI()

    @app.post("/status/{code}")
    async def answer(code: int) -> JSONResponse:
        headers = {"retry-after": "7"} if code in (429, 503) else {}
        if 300 <= code < 400:
            headers["location"] = "http://127.0.0.1:9/elsewhere"
        return JSONResponse({"error": f"code_{code}"}, status_code=code, headers=headers)

    with LoopbackServer(app, name="answering-server") as server:
        yield server.url


@pytest.mark.parametrize(("code", "retry_after"), [
    (408, None), (429, 7.0), (500, None), (502, None), (503, 7.0), (504, None)])
def test_busy_or_failing_partner_is_unavailable_with_its_retry_after(
        answering_server: str, council_key: Ed25519PrivateKey, code: int,
        retry_after: float | None) -> None:
    gateway = SignedHttpGateway(registry_for(None, endpoint=f"{answering_server}/status/{code}"),
                                [council_key])
    with pytest.raises(PartnerUnavailable) as unavailable:
        gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())
    assert (unavailable.value.status, unavailable.value.retry_after_seconds) == (code,
                                                                                 retry_after)
    gateway.close()


@pytest.mark.parametrize(("code", "reason"), [
    (400, "code_400"), (403, "code_403"), (410, "code_410"), (422, "code_422"),
    (302, "redirect_not_followed"), (307, "redirect_not_followed")])
def test_partner_saying_no_for_good_is_a_refusal(
        answering_server: str, council_key: Ed25519PrivateKey, code: int, reason: str) -> None:
    gateway = SignedHttpGateway(registry_for(None, endpoint=f"{answering_server}/status/{code}"),
                                [council_key])
    with pytest.raises(DeliveryRefused) as refused:
        gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())
    assert (refused.value.status, refused.value.reason) == (code, reason)
    gateway.close()


def test_unreachable_partner_is_unavailable(council_key: Ed25519PrivateKey) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with SignedHttpGateway(registry_for(None, endpoint=f"http://127.0.0.1:{port}/inbox"),
                           [council_key]) as gateway, \
            pytest.raises(PartnerUnavailable) as unavailable:
        gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())
    assert (unavailable.value.status, unavailable.value.reason) == (None, "network_error")


def test_plain_http_to_a_remote_endpoint_is_refused_before_anything_is_sent(
        council_key: Ed25519PrivateKey) -> None:
    registry = registry_for(None, endpoint="http://marac.kent.example/inbox")
    with SignedHttpGateway(registry, [council_key]) as gateway, \
            pytest.raises(DeliveryRefused) as refused:
        gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())
    assert (refused.value.status, refused.value.reason) == (None, "insecure_endpoint")


def test_unknown_partner_is_an_unknown_partner_error(
        gateway: SignedHttpGateway) -> None:
    with pytest.raises(UnknownPartner):
        gateway.deliver(partner="nobody", message=referral(), idempotency_key=new_key())


def test_partner_delivery_id_falls_back_to_one_derived_from_the_key(
        answering_server: str, council_key: Ed25519PrivateKey) -> None:
    key = new_key()
    gateway = SignedHttpGateway(registry_for(None, endpoint=f"{answering_server}/status/204"),
                                [council_key])
    receipt = gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=key)
    gateway.close()
    assert receipt.delivery_id == delivery_id_for(key)


# --- acknowledgements -------------------------------------------------------------------------

class AckReceiver:
    """The council's side of acknowledgements, as the web app will do it: verify each POST
    with the partner's public keys from the registry, deduplicate on webhook-id."""

    def __init__(self) -> None:
        self.registry = PartnerRegistry([])
        self.replay = MemoryReplayGuard()
        self.acks: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.refusals: list[str] = []
        self.fail_next = 0  # answer this many POSTs with `fail_status` first
        self.fail_status = 503
        self.retry_after: str | None = None  # the Retry-After header of those answers
        self.posts: list[tuple[float, str]] = []  # (monotonic time, webhook-id) of every POST
        self.lock = threading.Lock()
        app = FastAPI()

        @app.post("/partners/{partner}/messages")
        async def messages(partner: str, request: Request) -> JSONResponse:
            self.posts.append((time.monotonic(), request.headers.get("webhook-id", "")))
            if self.fail_next:
                self.fail_next -= 1
                headers = {"Retry-After": self.retry_after} if self.retry_after else None
                return JSONResponse({"error": "busy"}, status_code=self.fail_status,
                                    headers=headers)
            if partner not in self.registry:
                return JSONResponse({"error": "unknown_partner"}, status_code=404)
            body = await request.body()
            try:
                message = verify_message(body, request.headers,
                                         public_keys=self.registry.get(partner).public_keys,
                                         now=int(time.time()), replay=self.replay)
            except VerificationError as exc:
                self.refusals.append(exc.reason)
                status = 200 if exc.reason == "replayed" else 401
                return JSONResponse({"error": exc.reason}, status_code=status)
            with self.lock:
                self.acks.append((dict(request.headers), message))
            return JSONResponse({"status": "accepted"}, status_code=202)

        self.app = app


@pytest.fixture
def receiver() -> Iterator[tuple[AckReceiver, str]]:
    ack_receiver = AckReceiver()
    with LoopbackServer(ack_receiver.app, name="ack-receiver") as server:
        yield ack_receiver, f"{server.url}/partners/{PARTNER}/messages"


def test_partner_sends_a_signed_acknowledgement_that_verifies_with_its_registry_key(
        receiver: tuple[AckReceiver, str], council_key: Ed25519PrivateKey) -> None:
    ack_receiver, ack_url = receiver
    retired = generate_private_key().public_key()  # the partner's previous key, still listed
    with RunningPartner(PARTNER, [council_key.public_key()], ack_url=ack_url) as partner:
        registry = registry_for(partner, extra_keys=(retired,))
        ack_receiver.registry = registry
        key = new_key()
        with SignedHttpGateway(registry, [council_key]) as gateway:
            receipt = gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=key)

        [(headers, ack)] = wait_for(lambda: ack_receiver.acks, timeout=5)
        assert ack == {"type": "acknowledgement", "partner": PARTNER, "message_id": key,
                       "digest": receipt.digest, "received_at": ack["received_at"]}
        assert headers["webhook-id"].startswith("ack-")
        assert ack_receiver.refusals == []
        assert wait_for(lambda: partner.received()["acks_sent"]) == 1


def test_acknowledgement_is_retried_when_the_council_is_busy(
        receiver: tuple[AckReceiver, str], council_key: Ed25519PrivateKey) -> None:
    ack_receiver, ack_url = receiver
    ack_receiver.fail_next = 2
    with RunningPartner(PARTNER, [council_key.public_key()], ack_url=ack_url) as partner:
        ack_receiver.registry = registry_for(partner)
        key = new_key()
        with SignedHttpGateway(registry_for(partner), [council_key]) as gateway:
            gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=key)

        [(_, ack)] = wait_for(lambda: ack_receiver.acks, timeout=5)
        assert ack["message_id"] == key
        assert ack_receiver.fail_next == 0
        assert len({ack_id for _, ack_id in ack_receiver.posts}) == 1  # one id, three tries


def test_acknowledgement_waits_as_long_as_retry_after_asks(
        receiver: tuple[AckReceiver, str], council_key: Ed25519PrivateKey) -> None:
    """Standard Webhooks: a 503 or 429 with Retry-After is retried, no sooner than asked."""
    ack_receiver, ack_url = receiver
    ack_receiver.fail_next, ack_receiver.retry_after = 1, "2"
    with RunningPartner(PARTNER, [council_key.public_key()], ack_url=ack_url) as partner:
        ack_receiver.registry = registry_for(partner)
        with SignedHttpGateway(registry_for(partner), [council_key]) as gateway:
            gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())

        wait_for(lambda: ack_receiver.acks, timeout=10)
        [(first, first_id), (second, second_id)] = ack_receiver.posts
        assert second - first >= 1.9  # its own backoff would have been 0.5 s
        assert first_id == second_id
        assert wait_for(lambda: partner.received()["acks_sent"]) == 1
        assert partner.received()["ack_statuses"] == [503, 202]


@pytest.mark.parametrize("status", [401, 422])
def test_acknowledgement_refused_for_good_is_not_retried(
        receiver: tuple[AckReceiver, str], council_key: Ed25519PrivateKey, status: int) -> None:
    ack_receiver, ack_url = receiver
    ack_receiver.fail_next, ack_receiver.fail_status = 5, status
    with RunningPartner(PARTNER, [council_key.public_key()], ack_url=ack_url) as partner:
        ack_receiver.registry = registry_for(partner)
        with SignedHttpGateway(registry_for(partner), [council_key]) as gateway:
            gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())

        assert wait_for(lambda: partner.received()["ack_failures"]) == 1
        time.sleep(0.7)  # longer than the first backoff: a retry would have come by now
        assert len(ack_receiver.posts) == 1
        assert partner.received()["ack_statuses"] == [status]


def test_acknowledgement_signed_by_an_unregistered_key_is_refused_by_the_council(
        receiver: tuple[AckReceiver, str], council_key: Ed25519PrivateKey) -> None:
    ack_receiver, ack_url = receiver
    with RunningPartner(PARTNER, [council_key.public_key()], ack_url=ack_url) as partner:
        impostor = generate_private_key().public_key()
        ack_receiver.registry = registry_for(None, endpoint=partner.inbox_url,
                                             extra_keys=(impostor,))
        with SignedHttpGateway(registry_for(partner), [council_key]) as gateway:
            gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())

        assert wait_for(lambda: partner.received()["ack_failures"]) == 1
        assert ack_receiver.acks == []
        assert ack_receiver.refusals == ["bad_signature"]  # 401 is final: not retried


def test_acknowledgement_failures_are_given_up_without_crashing_the_partner(
        council_key: Ed25519PrivateKey) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{sock.getsockname()[1]}/partners/{PARTNER}/messages"
    with RunningPartner(PARTNER, [council_key.public_key()], ack_url=dead_url,
                        ack_retry_seconds=1.5) as partner, \
            SignedHttpGateway(registry_for(partner), [council_key]) as gateway:
        gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())
        assert wait_for(lambda: partner.received()["ack_failures"], timeout=10) == 1
        gateway.deliver(partner=PARTNER, message=referral(), idempotency_key=new_key())
        assert partner.received()["accepted"] == 2


def test_a_retry_whose_message_changed_is_a_duplicate_and_the_difference_is_logged(
        partner: RunningPartner, gateway: SignedHttpGateway,
        caplog: pytest.LogCaptureFixture) -> None:
    key, first, changed = new_key(), referral(), referral()
    changed["children"] = [{"age": 6}, {"age": 1}]  # a child joined between two tries
    caplog.set_level(logging.WARNING, logger="gateways.http_gateway")

    gateway.deliver(partner=PARTNER, message=first, idempotency_key=key)
    gateway.deliver(partner=PARTNER, message=changed, idempotency_key=key)

    [recorded] = partner.received()["messages"]
    assert recorded["message"] == first  # the partner keeps what it accepted first
    assert f"holds a different version of message {key}" in caplog.text

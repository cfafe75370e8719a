"""A stand-in partner agency: a real HTTP server with its own key pair, for tests and demos.

It verifies our signed referrals exactly as a partner would (Standard Webhooks `v1a` with the
council's public keys, ±300 s of clock skew), deduplicates on `webhook-id`, can be told to be
down or slow, and sends a signed acknowledgement of each message it accepts back to the
council (`ack_url`), retrying as a real partner would (`gateways.partner_acks`: on 409, 429,
5xx and network errors, honouring `Retry-After`, for a bounded time; never on 401 or 422).

    python -m gateways.partner_standin --partner kent_medway_marac --port 8101 \\
        --key-file data/partners/kent_medway_marac.key --council-public-key <b64> [...] \\
        [--ack-url http://127.0.0.1:8000/partners/kent_medway_marac/messages]

Routes: `POST /inbox` (what our gateway POSTs to), and for tests only, answering loopback
callers only, `POST /control` {"down", "slow_seconds", "send_acks", "answer_delay_seconds"}
and `GET /received`. `answer_delay_seconds` makes the partner record a message (and send its
acknowledgement) at once but answer our POST that much later: its acknowledgement overtakes
its answer.

In tests, `RunningPartner` runs it in a background thread on a free loopback port
(`partner.set(down=True)`, `partner.received()`). A partner that witnesses our transparency
log runs `gateways.witness_standin`, this app with an add-checkpoint endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect

from aggregates.canonical import sha256_hex
from gateways.loopback import LoopbackServer, is_loopback_client
from gateways.partner_acks import ACK_RETRY_FOR_SECONDS, AckSender
from gateways.signing import DEFAULT_TOLERANCE_SECONDS, VerificationError, verify_message
from gateways.signing_keys import (
    generate_private_key,
    load_private_key,
    public_key_b64,
    public_key_from_b64,
    write_private_key,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


class Control(BaseModel):
    """How the stand-in behaves; fields left out keep their current value."""

    down: bool | None = None
    slow_seconds: float | None = Field(default=None, ge=0, le=600)
    send_acks: bool | None = None
    answer_delay_seconds: float | None = Field(default=None, ge=0, le=600)


@dataclass
class _PartnerState:
    down: bool = False
    slow_seconds: float = 0.0
    send_acks: bool = True
    answer_delay_seconds: float = 0.0
    # message id -> {message_id, digest, message, delivery_id}, in arrival order
    received: dict[str, dict[str, Any]] = field(default_factory=dict)
    accepted: int = 0
    duplicates: int = 0
    refused: int = 0
    down_refusals: int = 0
    refusal_reasons: list[str] = field(default_factory=list)


def create_partner_app(partner: str, council_public_keys: Sequence[Ed25519PublicKey],
                       signing_key: Ed25519PrivateKey, ack_url: str | None,
                       ack_retry_seconds: float = ACK_RETRY_FOR_SECONDS) -> FastAPI:
    """The stand-in partner's app: `POST /inbox`, and `POST /control`, `GET /received` for
    tests (loopback callers only). Acknowledgements are retried for `ack_retry_seconds`."""
    if not council_public_keys:
        raise ValueError("the partner needs at least one council public key")
    keys = tuple(council_public_keys)
    state = _PartnerState()
    acks = AckSender(partner, signing_key, retry_for_seconds=ack_retry_seconds)
    sending: set[asyncio.Task[bool]] = set()   # held, so that a task is not collected mid-way
    app = FastAPI(title=f"Stand-in partner {partner}", openapi_url=None, docs_url=None,
                  redoc_url=None)
    app.state.partner = state

    @app.post("/inbox")
    async def inbox(request: Request, background: BackgroundTasks) -> JSONResponse:
        """Receive a signed message from the council."""
        if state.down:
            state.down_refusals += 1
            return JSONResponse({"error": "down"}, status_code=503,
                                headers={"retry-after": "1"})
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            state.refused += 1
            return JSONResponse({"error": "too_large"}, status_code=413)
        try:
            body = await request.body()
        except ClientDisconnect:
            return JSONResponse({"error": "disconnected"}, status_code=400)
        if len(body) > MAX_BODY_BYTES:
            state.refused += 1
            return JSONResponse({"error": "too_large"}, status_code=413)
        if state.slow_seconds:
            # Slow after the body has arrived, as a partner busy processing is: a sender that
            # times out cannot tell whether the message was recorded, and must retry with the
            # same id for the partner to deduplicate.
            await asyncio.sleep(state.slow_seconds)
        try:
            message = verify_message(body, request.headers, public_keys=keys,
                                     now=int(time.time()),
                                     tolerance_seconds=DEFAULT_TOLERANCE_SECONDS)
        except VerificationError as exc:
            state.refused += 1
            state.refusal_reasons.append(exc.reason)
            log.warning("refused a message: %s", exc.reason)
            return JSONResponse({"error": exc.reason}, status_code=401)

        # No await between the check and the record: one event loop, so this is atomic.
        message_id = request.headers["webhook-id"]
        digest = sha256_hex(body)
        earlier = state.received.get(message_id)
        if earlier is not None:
            state.duplicates += 1
            return JSONResponse({"status": "duplicate", "delivery_id": earlier["delivery_id"],
                                 "digest": earlier["digest"]}, status_code=200)
        delivery_id = f"{partner}-{uuid.uuid4()}"
        state.received[message_id] = {"message_id": message_id, "digest": digest,
                                      "message": message, "delivery_id": delivery_id}
        state.accepted += 1
        if ack_url is not None and state.send_acks and state.answer_delay_seconds:
            task = asyncio.create_task(acks.send(ack_url, message_id, digest))  # at once
            sending.add(task)
            task.add_done_callback(sending.discard)
        elif ack_url is not None and state.send_acks:
            background.add_task(acks.send, ack_url, message_id, digest)
        # Recorded (and acknowledged) now, answered later: what the council sees of a partner
        # whose answer is slow on the way back.
        await asyncio.sleep(state.answer_delay_seconds)
        return JSONResponse({"status": "accepted", "delivery_id": delivery_id,
                             "digest": digest}, status_code=202)

    @app.post("/control")
    async def control(request: Request, settings: Control) -> JSONResponse:
        """Tell the stand-in to be down, slow, or quiet (loopback callers only)."""
        if not is_loopback_client(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        for name, value in settings.model_dump(exclude_none=True).items():
            setattr(state, name, value)  # the fields of `Control` are those of the state
        return JSONResponse({"down": state.down, "slow_seconds": state.slow_seconds,
                             "send_acks": state.send_acks,
                             "answer_delay_seconds": state.answer_delay_seconds})

    @app.get("/received")
    async def received(request: Request) -> JSONResponse:
        """What the stand-in has recorded, and its counters (loopback callers only)."""
        if not is_loopback_client(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return JSONResponse({
            "messages": [{"message_id": r["message_id"], "digest": r["digest"],
                          "message": r["message"]} for r in state.received.values()],
            "accepted": state.accepted, "duplicates": state.duplicates,
            "refused": state.refused, "down_refusals": state.down_refusals,
            "acks_sent": acks.counters.sent, "ack_failures": acks.counters.failures,
            "ack_statuses": list(acks.counters.statuses),
            "refusal_reasons": list(state.refusal_reasons),
        })

    return app


class RunningPartner:
    """A stand-in partner served on loopback for the length of a `with` block, with a fresh
    key pair of its own."""

    def __init__(self, partner: str, council_public_keys: Sequence[Ed25519PublicKey],
                 ack_url: str | None = None,
                 ack_retry_seconds: float = ACK_RETRY_FOR_SECONDS) -> None:
        self.partner = partner
        self.signing_key = generate_private_key()
        self.public_key = public_key_b64(self.signing_key.public_key())
        self.app = create_partner_app(partner, council_public_keys, self.signing_key, ack_url,
                                      ack_retry_seconds)
        self._server = LoopbackServer(self.app, name=f"stand-in-partner-{partner}")
        self._http: httpx.Client | None = None

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def inbox_url(self) -> str:
        return f"{self._server.url}/inbox"

    def __enter__(self) -> Self:
        self._server.__enter__()
        self._http = httpx.Client(base_url=self._server.url, timeout=10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        self._server.__exit__(*exc_info)

    def _client(self) -> httpx.Client:
        if self._http is None:
            raise RuntimeError("the partner is not running (use it in a `with` block)")
        return self._http

    def set(self, *, down: bool | None = None, slow_seconds: float | None = None,
            send_acks: bool | None = None,
            answer_delay_seconds: float | None = None) -> dict[str, Any]:
        """Change how the partner behaves (through its `/control` route)."""
        settings = {name: value for name, value in
                    (("down", down), ("slow_seconds", slow_seconds), ("send_acks", send_acks),
                     ("answer_delay_seconds", answer_delay_seconds))
                    if value is not None}
        response = self._client().post("/control", json=settings)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def received(self) -> dict[str, Any]:
        """What the partner has recorded and its counters (through its `/received` route)."""
        response = self._client().get("/received")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result


def _load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        return load_private_key(path)
    key = generate_private_key()
    write_private_key(path, key)   # 0600, never overwrites
    return key


def arguments() -> argparse.ArgumentParser:
    """The stand-in's command line (a witnessing stand-in adds to it)."""
    parser = argparse.ArgumentParser(
        prog="python -m gateways.partner_standin",
        description="A stand-in partner agency that verifies signed referrals and sends "
                    "signed acknowledgements.")
    parser.add_argument("--partner", required=True, help="partner id, e.g. kent_medway_marac")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--key-file", type=Path, required=True,
                        help="the partner's Ed25519 private key (PEM); created 0600 if missing")
    parser.add_argument("--council-public-key", action="append", required=True,
                        metavar="B64", help="a council signing public key (repeat to rotate)")
    parser.add_argument("--ack-url", default=None,
                        help="where to POST signed acknowledgements (the council's web app)")
    parser.add_argument("--ack-retry-seconds", type=float, default=ACK_RETRY_FOR_SECONDS,
                        help="how long to keep retrying an acknowledgement before giving up")
    return parser


def partner_app(args: argparse.Namespace, parser: argparse.ArgumentParser
                ) -> tuple[FastAPI, Ed25519PrivateKey, list[Ed25519PublicKey]]:
    """The app `arguments()` describe, its signing key and the council keys it trusts."""
    try:
        council_keys = [public_key_from_b64(value) for value in args.council_public_key]
    except ValueError as exc:
        parser.error(f"--council-public-key: {exc}")
    signing_key = _load_or_create_key(args.key_file)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    print(f"partner {args.partner} public key: {public_key_b64(signing_key.public_key())}",
          flush=True)
    print(f"inbox: http://127.0.0.1:{args.port}/inbox", flush=True)
    return create_partner_app(args.partner, council_keys, signing_key, args.ack_url,
                              args.ack_retry_seconds), signing_key, council_keys


def main(argv: Sequence[str] | None = None) -> None:
    """Run a stand-in partner on 127.0.0.1 until interrupted."""
    parser = arguments()
    args = parser.parse_args(argv)
    app, _, _ = partner_app(args, parser)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()

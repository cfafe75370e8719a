"""A stand-in receiving landlord for Kent reciprocal transfers: a real HTTP server with its own
key pair, for tests and `make run` (gateways/transfer_messages.py has the conversation).

It verifies our signature as a landlord would (Standard Webhooks `v1a`, ±300 s), records each
step once by its message id and answers a repeat with the answer it gave the first time, and
signs every answer. It can be told to be down, to keep its decision pending, to refuse (with
a reason code) or to offer, and with which security of tenure it grants the new tenancy.

    python -m gateways.landlord_standin --landlord <id> --port 8111 --key-file <pem> \\
        --council-public-key <b64>

Routes: `POST /inbox`; for tests, answering loopback callers only, `POST /control` and
`GET /received` (every message kept, and per message id how many times it came).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from gateways.loopback import LoopbackServer, is_loopback_client
from gateways.partner_standin import MAX_BODY_BYTES, _load_or_create_key
from gateways.signing import VerificationError, sign_message, verify_message
from gateways.signing_keys import generate_private_key, public_key_b64, public_key_from_b64
from gateways.transfer_messages import AnswerStatus, LandlordAnswer, TransferStep, reply_id

log = logging.getLogger(__name__)


class Control(BaseModel):
    """How the landlord behaves; fields left out keep their value."""

    down: bool | None = None
    decision: str | None = Field(default=None, pattern="^(offer|refusal|pending)$")
    refusal_reason: str | None = Field(default=None, pattern="^[a-z_]{1,64}$")
    new_address: str | None = Field(default=None, max_length=200)
    tenancy_type: str | None = Field(default=None, pattern="^[a-z_]{1,32}$")
    security_of_tenure: str | None = Field(default=None, pattern="^[a-z_]{1,32}$")


@dataclass
class LandlordDesk:
    """The landlord's side of each transfer, kept in memory: what it decided and what came."""

    landlord: str
    down: bool = False
    decision: str = "offer"
    refusal_reason: str = "no_suitable_property"
    new_address: str = "Flat 3, 12 Harbour View, Folkestone"
    tenancy_type: str = "secure"
    security_of_tenure: str = "secure"
    answers: dict[str, LandlordAnswer] = field(default_factory=dict)  # by our message id
    decided: dict[str, LandlordAnswer] = field(default_factory=dict)  # by transfer id
    ended: set[str] = field(default_factory=set)  # transfers whose old tenancy has ended
    messages: list[dict[str, Any]] = field(default_factory=list)      # each step once
    arrivals: Counter[str] = field(default_factory=Counter)          # message id -> times
    down_refusals: int = 0

    def answer(self, message: dict[str, Any], message_id: str) -> LandlordAnswer:
        """The answer to a verified message; a step already taken gets its first answer."""
        self.arrivals[message_id] += 1
        earlier = self.answers.get(message_id)
        if earlier is not None:
            return earlier
        transfer_id = str(message.get("transfer_id", ""))
        step = TransferStep(str(message.get("type")))
        if step is TransferStep.ENQUIRY:
            return self._decision(transfer_id, message_id)
        if step is TransferStep.OLD_TENANCY_ENDED:
            self.ended.add(transfer_id)
        self.messages.append({"message_id": message_id, "message": message})
        first = LandlordAnswer(status=AnswerStatus.RECEIVED, in_reply_to=message_id)
        self.answers[message_id] = first
        return first

    def _decision(self, transfer_id: str, message_id: str) -> LandlordAnswer:
        """Where this landlord's decision stands (never recorded: asked again, told again)."""
        if transfer_id in self.ended:
            return LandlordAnswer(status=AnswerStatus.GRANTED, in_reply_to=message_id,
                                  granted_on=time.strftime("%Y-%m-%d", time.gmtime()),
                                  security_of_tenure=self.security_of_tenure)
        decided = self.decided.get(transfer_id)
        if decided is None and self.decision == "offer":
            decided = LandlordAnswer(
                status=AnswerStatus.OFFER, in_reply_to="", new_address=self.new_address,
                offer_ref=f"{self.landlord}-offer-{len(self.decided) + 1}",
                tenancy_type=self.tenancy_type)
        elif decided is None and self.decision == "refusal":
            decided = LandlordAnswer(status=AnswerStatus.REFUSAL, in_reply_to="",
                                     reason=self.refusal_reason)
        if decided is None:
            return LandlordAnswer(status=AnswerStatus.PENDING, in_reply_to=message_id)
        self.decided[transfer_id] = decided
        return LandlordAnswer(**{**decided.__dict__, "in_reply_to": message_id})

    def received(self) -> dict[str, Any]:
        return {"messages": list(self.messages), "arrivals": dict(self.arrivals),
                "down_refusals": self.down_refusals}


def create_landlord_app(desk: LandlordDesk, council_public_keys: Sequence[Ed25519PublicKey],
                        signing_key: Ed25519PrivateKey) -> FastAPI:
    """The landlord's app: `POST /inbox`; `POST /control`, `GET /received` for tests."""
    if not council_public_keys:
        raise ValueError("the landlord needs at least one council public key")
    keys = tuple(council_public_keys)
    app = FastAPI(title=f"Stand-in landlord {desk.landlord}", openapi_url=None, docs_url=None,
                  redoc_url=None)

    @app.post("/inbox")
    async def inbox(request: Request) -> Response:
        """A signed transfer message from the council; the answer is signed."""
        if desk.down:
            desk.down_refusals += 1
            return JSONResponse({"error": "down"}, status_code=503)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "too_large"}, status_code=413)
        try:
            message = verify_message(body, request.headers, public_keys=keys,
                                     now=int(time.time()))
            answer = desk.answer(message, request.headers["webhook-id"])
        except VerificationError as refused:
            log.warning("refused a transfer message: %s", refused.reason)
            return JSONResponse({"error": refused.reason}, status_code=401)
        except ValueError:
            return JSONResponse({"error": "not_a_transfer_message"}, status_code=422)
        signed = sign_message(answer.to_message(str(message["transfer_id"])),
                              keys=[signing_key], message_id=reply_id(answer.in_reply_to),
                              timestamp=int(time.time()))
        return Response(signed.body, status_code=200, headers=signed.headers)

    @app.post("/control")
    async def control(request: Request, settings: Control) -> JSONResponse:
        """Change how the landlord behaves (loopback callers only)."""
        if not is_loopback_client(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        for name, value in settings.model_dump(exclude_none=True).items():
            setattr(desk, name, value)
        return JSONResponse({"down": desk.down, "decision": desk.decision})

    @app.get("/received")
    async def received(request: Request) -> JSONResponse:
        """Every step message kept, and how many times each message id came."""
        if not is_loopback_client(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return JSONResponse(desk.received())

    return app


class RunningLandlord:
    """A stand-in landlord on loopback for the length of a `with` block, with its own key."""

    def __init__(self, landlord: str, council_public_keys: Sequence[Ed25519PublicKey]) -> None:
        self.landlord = landlord
        self.signing_key = generate_private_key()
        self.public_key = public_key_b64(self.signing_key.public_key())
        self.desk = LandlordDesk(landlord)
        self._server = LoopbackServer(
            create_landlord_app(self.desk, council_public_keys, self.signing_key),
            name=f"stand-in-landlord-{landlord}")

    @property
    def inbox_url(self) -> str:
        return f"{self._server.url}/inbox"

    def __enter__(self) -> RunningLandlord:
        self._server.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.__exit__(*exc_info)

    def set(self, **settings: Any) -> dict[str, Any]:
        """Change how the landlord behaves, through its `/control` route."""
        response = httpx.post(f"{self._server.url}/control", json=settings, timeout=10)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def received(self) -> dict[str, Any]:
        """What the landlord recorded, through its `/received` route."""
        response = httpx.get(f"{self._server.url}/received", timeout=10)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result


def main(argv: Sequence[str] | None = None) -> None:
    """Run a stand-in landlord on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m gateways.landlord_standin")
    parser.add_argument("--landlord", required=True)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--key-file", type=Path, required=True)
    parser.add_argument("--council-public-key", action="append", required=True, metavar="B64")
    args = parser.parse_args(argv)
    council_keys = [public_key_from_b64(value) for value in args.council_public_key]
    signing_key = _load_or_create_key(args.key_file)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    print(f"landlord {args.landlord} public key: "
          f"{public_key_b64(signing_key.public_key())}", flush=True)
    app = create_landlord_app(LandlordDesk(args.landlord), council_keys, signing_key)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()

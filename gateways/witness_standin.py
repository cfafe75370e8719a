"""A stand-in partner that witnesses the council's transparency log: the partner stand-in
(`gateways.partner_standin`) with an add-checkpoint endpoint (C2SP tlog-witness v1.0.0)
reached through our signed envelopes.

`POST /witness/add-checkpoint`: a Standard Webhooks `v1a` envelope signed by the council whose
body is {"add_checkpoint": "<the C2SP add-checkpoint body>"}, verified as the inbox verifies
referrals (401 with the reason if not). The witness (`transparency.witness`) decides; the
answer is an envelope signed with the partner's key, {"request_id": <the request's
webhook-id>, "status": "cosigned", "cosignatures": "<cosignature lines>"} with 200, or
{"request_id", "status": "refused", "error": <reason>, "latest_size"?: N} with the status
tlog-witness gives the reason (403, 404, 400, 409, 422). While the stand-in is told to be
down it answers 503 like its inbox.

State: the last checkpoint cosigned per log is kept in memory and, given `state_file`, in a
JSON file beside the partner's key, written (temporary file, fsync, rename) before the answer
is sent, so a restarted stand-in still refuses a fork of what it cosigned. Refused requests
that the log did sign are kept in memory as evidence (`GET /witness/state`, loopback only).

    python -m gateways.witness_standin --partner police --port 8107 --key-file ... \\
        --council-public-key <b64> --witness-key-file data/partners/police.witness \\
        --witness-state-file data/partners/police.witness.json --log-key <log vkey>
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from gateways.loopback import is_loopback_client
from gateways.partner_standin import RunningPartner, arguments, partner_app
from gateways.signing import VerificationError, sign_message, verify_message
from transparency.note import NoteError, Signer, Verifier
from transparency.note_keys import ALG_COSIGNATURE_V1
from transparency.witness import (
    FORK_REASONS,
    Witness,
    WitnessedTree,
    WitnessRefusal,
    parse_add_checkpoint,
)

ADD_CHECKPOINT = "/witness/add-checkpoint"
MAX_REQUEST_BYTES = 64 * 1024  # 63 proof lines and a checkpoint with its signatures


def witness_name(partner: str) -> str:
    """The stand-in witness's key name (a C2SP key name: no spaces or '+')."""
    return f"{partner}.standin.invalid/witness"


class StandInWitness:
    """A `Witness` whose state is kept in `state_file` (if given) before each answer."""

    def __init__(self, key: Signer, log_keys: Sequence[Verifier],
                 state_file: Path | None = None) -> None:
        logs: dict[str, list[Verifier]] = {}
        for log_key in log_keys:  # a log's origin is its key's name (tlog-checkpoint)
            logs.setdefault(log_key.name, []).append(log_key)
        self.state_file = state_file
        latest = {}
        if state_file is not None and state_file.exists():
            latest = {origin: WitnessedTree.from_dict(tree) for origin, tree
                      in json.loads(state_file.read_text())["latest"].items()}
        self.witness = Witness(key, logs, latest)
        self.evidence: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add_checkpoint(self, body: bytes, *, now: int) -> bytes:
        """Check, persist, then record (one at a time): the cosignature lines to answer."""
        with self._lock:
            try:
                cosigning = self.witness.check(parse_add_checkpoint(body), now=now)
            except WitnessRefusal as refused:
                if refused.signed_by_log and refused.reason in FORK_REASONS:
                    # The log signed it: proof of the other history it showed this witness.
                    self.evidence.append({"reason": refused.reason, "request": body.decode()})
                raise
            if self.state_file is not None:
                _save(self.state_file, {**self.witness.latest, cosigning.origin: cosigning.tree})
            self.witness.accept(cosigning)
            return cosigning.lines


def _save(path: Path, latest: dict[str, WitnessedTree]) -> None:
    # Written whole then renamed: a crash leaves the old state or the new, never half.
    temporary = path.with_name(path.name + ".tmp")
    document = json.dumps({"latest": {o: t.to_dict() for o, t in latest.items()}})
    with open(temporary, "w") as handle:
        handle.write(document)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def add_witness_routes(app: FastAPI, witness: StandInWitness, partner: str,
                       council_public_keys: Sequence[Ed25519PublicKey],
                       signing_key: Ed25519PrivateKey) -> None:
    """Add `POST /witness/add-checkpoint` and `GET /witness/state` to a stand-in's app."""
    keys = tuple(council_public_keys)

    def signed(answer: dict[str, Any], status: int) -> Response:
        envelope = sign_message(answer, keys=[signing_key], timestamp=int(time.time()),
                                message_id=f"{partner}-witness-{uuid.uuid4()}")
        return Response(envelope.body, status_code=status, headers=envelope.headers)

    @app.post(ADD_CHECKPOINT)
    async def add_checkpoint(request: Request) -> Response:
        """Cosign a checkpoint of the council's log, or refuse it saying why."""
        if app.state.partner.down:
            return JSONResponse({"error": "down"}, status_code=503,
                                headers={"retry-after": "1"})
        body = await request.body()
        if len(body) > MAX_REQUEST_BYTES:
            return JSONResponse({"error": "too_large"}, status_code=413)
        now = int(time.time())
        try:
            message = verify_message(body, request.headers, public_keys=keys, now=now)
        except VerificationError as exc:
            return JSONResponse({"error": exc.reason}, status_code=401)
        answer: dict[str, Any] = {"request_id": request.headers["webhook-id"]}
        text = message.get("add_checkpoint")
        if not isinstance(text, str):
            return signed({**answer, "status": "refused", "error": "malformed_request"}, 400)
        try:
            lines = witness.add_checkpoint(text.encode(), now=now)
        except WitnessRefusal as refused:
            answer |= {"status": "refused", "error": refused.reason}
            if refused.latest_size is not None:
                answer["latest_size"] = refused.latest_size
            return signed(answer, refused.status)
        return signed({**answer, "status": "cosigned", "cosignatures": lines.decode()}, 200)

    @app.get("/witness/state")
    async def state(request: Request) -> JSONResponse:
        """The sizes cosigned per log and the refusals kept as evidence (loopback only)."""
        if not is_loopback_client(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return JSONResponse({
            "witness_key": witness.witness.verifier.vkey(),
            "latest": {o: t.size for o, t in witness.witness.latest.items()},
            "evidence": [e["reason"] for e in witness.evidence]})


class RunningWitnessPartner(RunningPartner):
    """A witnessing stand-in served on loopback for the length of a `with` block; give the
    same `witness_key` and `state_file` to a second one to restart it."""

    def __init__(self, partner: str, council_public_keys: Sequence[Ed25519PublicKey],
                 log_keys: Sequence[Verifier], *, witness_key: Signer | None = None,
                 state_file: Path | None = None, **options: Any) -> None:
        super().__init__(partner, council_public_keys, **options)
        self.witness_key = witness_key or Signer.generate(witness_name(partner),
                                                          ALG_COSIGNATURE_V1)
        self.witness = StandInWitness(self.witness_key, log_keys, state_file)
        add_witness_routes(self.app, self.witness, partner, council_public_keys,
                           self.signing_key)

    @property
    def witness_url(self) -> str:
        return f"{self.url}{ADD_CHECKPOINT}"

    def registry_witness(self) -> dict[str, str]:
        """This witness as the partner registry lists it."""
        return {"key": self.witness_key.verifier.vkey(), "endpoint": self.witness_url}


def load_or_create_witness_key(path: Path, partner: str) -> Signer:
    """The witness's cosignature key from `path` (C2SP "PRIVATE+KEY+..." text, 0600),
    created on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Signer.generate(witness_name(partner), ALG_COSIGNATURE_V1).skey())
    return Signer.from_skey(path.read_text().strip())


def main(argv: Sequence[str] | None = None) -> None:
    """Run a witnessing stand-in partner on 127.0.0.1 until interrupted."""
    parser = arguments()
    parser.prog = "python -m gateways.witness_standin"
    parser.add_argument("--witness-key-file", type=Path, required=True,
                        help="the witness's cosignature key; created 0600 if missing")
    parser.add_argument("--witness-state-file", type=Path, default=None,
                        help="where the last checkpoint cosigned is kept (else in memory)")
    parser.add_argument("--log-key", action="append", required=True, metavar="VKEY",
                        help="the verifier key of a log to witness (repeat for more)")
    args = parser.parse_args(argv)
    try:
        log_keys = [Verifier.from_vkey(vkey) for vkey in args.log_key]
    except NoteError as exc:
        parser.error(f"--log-key: {exc}")
    app, signing_key, council_keys = partner_app(args, parser)
    key = load_or_create_witness_key(args.witness_key_file, args.partner)
    print(f"witness key: {key.verifier.vkey()}", flush=True)
    add_witness_routes(app, StandInWitness(key, log_keys, args.witness_state_file),
                       args.partner, council_keys, signing_key)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()

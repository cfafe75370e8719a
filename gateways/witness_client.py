"""Asking a partner to witness a checkpoint: the C2SP tlog-witness add-checkpoint body sent
in our signed envelope (Standard Webhooks `v1a`, `gateways.signing`) to the partner's
registered witness endpoint, and its signed answer checked before anything is believed.

Shapes: the request envelope's body is {"add_checkpoint": "<old size line, proof lines, empty
line, checkpoint note>"}; the answer is an envelope signed by one of the partner's registered
keys, {"request_id": <our webhook-id>, "status": "cosigned", "cosignatures": "<lines>"} or
{"request_id", "status": "refused", "error": <reason>, "latest_size"?: int}
(`gateways.witness_standin`).

Errors: `WitnessUnavailable` (ask again next round: network error, timeout, 408/429/5xx, or
an insecure endpoint) and `WitnessAnswerRefused` (an answer we cannot believe: not signed by
the partner, not about our request, or not of the shape above). Neither carries anything but
the partner id and a short reason code.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateways.http_gateway import _is_loopback
from gateways.registry import PartnerEntry
from gateways.signing import VerificationError, sign_message, verify_message

_REASON = re.compile(r"[a-z_]{1,64}")
MAX_ANSWER_BYTES = 64 * 1024


class WitnessUnavailable(Exception):
    """The witness could not answer now; the next round asks again."""

    def __init__(self, partner: str, reason: str) -> None:
        super().__init__(f"witness {partner} is unavailable: {reason}")
        self.partner = partner
        self.reason = reason


class WitnessAnswerRefused(Exception):
    """The witness's answer is not one we can believe (`reason` says why)."""

    def __init__(self, partner: str, reason: str) -> None:
        super().__init__(f"the answer of witness {partner} is refused: {reason}")
        self.partner = partner
        self.reason = reason


@dataclass(frozen=True)
class WitnessAnswer:
    """A signed answer: `cosignatures` (signature lines, bytes) when cosigned, else the
    witness's `reason` and the `latest_size` it holds, if it said."""

    cosigned: bool
    cosignatures: bytes = b""
    reason: str = ""
    latest_size: int | None = None


class WitnessClient:
    """Sends add-checkpoint requests signed with `signing_keys` to registered witnesses."""

    def __init__(self, signing_keys: Sequence[Ed25519PrivateKey], *,
                 timeout_seconds: float = 10.0, http: httpx.Client | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._keys = tuple(signing_keys)
        self._clock = clock
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=timeout_seconds, follow_redirects=False)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def add_checkpoint(self, entry: PartnerEntry, body: bytes) -> WitnessAnswer:
        """Ask `entry`'s witness to cosign (the add-checkpoint `body`); its checked answer."""
        if entry.witness is None:
            raise ValueError(f"partner {entry.partner} is not a witness")
        endpoint = httpx.URL(entry.witness.endpoint)
        if endpoint.scheme != "https" and not (endpoint.scheme == "http"
                                               and _is_loopback(endpoint.host)):
            raise WitnessUnavailable(entry.partner, "insecure_endpoint")
        message_id = f"checkpoint-{uuid.uuid4()}"
        signed = sign_message({"add_checkpoint": body.decode()}, keys=self._keys,
                              message_id=message_id, timestamp=int(self._clock()))
        try:
            response = self._http.post(endpoint, content=signed.body, headers=signed.headers)
        except httpx.TimeoutException:
            raise WitnessUnavailable(entry.partner, "timeout") from None
        except httpx.TransportError:
            raise WitnessUnavailable(entry.partner, "network_error") from None
        status = response.status_code
        if status in (408, 429) or status >= 500:
            raise WitnessUnavailable(entry.partner, f"http_{status}")
        return _answer(entry, message_id, response, int(self._clock()))


def _answer(entry: PartnerEntry, message_id: str, response: httpx.Response,
            now: int) -> WitnessAnswer:
    if len(response.content) > MAX_ANSWER_BYTES:
        raise WitnessAnswerRefused(entry.partner, "too_large")
    try:
        answer = verify_message(response.content, response.headers,
                                public_keys=entry.public_keys, now=now)
    except VerificationError as exc:
        # An unsigned answer proves nothing either way: it is neither a cosignature nor a
        # refusal by the partner. An unsigned 401 is the witness refusing our envelope (our
        # key unknown to it, or our clock off): said so, for whoever reads the alert.
        why = ("our_envelope_refused" if response.status_code == 401
               else f"answer_{exc.reason}")
        raise WitnessAnswerRefused(entry.partner, why) from None
    if answer.get("request_id") != message_id:
        raise WitnessAnswerRefused(entry.partner, "answer_to_another_request")
    if response.status_code == 200 and answer.get("status") == "cosigned":
        lines = answer.get("cosignatures")
        if not isinstance(lines, str):
            raise WitnessAnswerRefused(entry.partner, "malformed_answer")
        return WitnessAnswer(True, cosignatures=lines.encode())
    reason, latest = answer.get("error"), answer.get("latest_size")
    if (answer.get("status") != "refused" or not isinstance(reason, str)
            or not _REASON.fullmatch(reason) or isinstance(latest, bool)
            or not (latest is None or (isinstance(latest, int) and latest >= 0))):
        raise WitnessAnswerRefused(entry.partner, "malformed_answer")
    return WitnessAnswer(False, reason=reason, latest_size=latest)

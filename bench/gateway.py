"""Partner gateway throughput: how many signed envelopes per second one process can produce and
check, so the cost of signing is known before it is blamed (or not) for slow delivery.

Run: `.venv/bin/python bench/gateway.py [--messages 5000]`

Signing and verification (`bench_signing`), in one process and one thread:

1. `sign_message` with one key (normal operation) and with two keys (during a key rotation,
   when every message carries two `v1a` signatures), over a referral-sized message of
   fictional data (about 1.5 KB of canonical JSON). Each call canonicalises the message
   (RFC 8785) and signs it (Ed25519).
2. `verify_message` of messages signed with one key, each with its own id, through a
   `MemoryReplayGuard`: header checks, one Ed25519 verification, JSON parse, the canonical
   form check and the replay check.

Each phase runs a short warm-up, then `--messages` calls timed with `time.perf_counter`. The
rates are for one core; a multi-process service scales them with the cores it may use.

`main()` runs each section and prints one summary. Delivery throughput to a loopback partner
is a separate section, `bench_delivery`, added alongside `bench_signing`: `main()` stores each
section's figures (a `dict[str, float]`) under the section's name and the summary prints them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

from gateways.signing import (
    MemoryReplayGuard,
    SignedMessage,
    canonical_json,
    sign_message,
    verify_message,
)
from gateways.signing_keys import generate_private_key

WARMUP = 200
EPOCH = 1_781_000_000  # a fixed "now": the timestamp window is not what is measured


def referral_message(n: int = 0) -> dict[str, Any]:
    """A MARAC referral of the size and shape the case system sends; all data fictional."""
    return {
        "referral_id": f"ref-{n:08d}-7c1e-4a55-9b0e-2f3d8a61c0de",
        "kind": "marac",
        "case_reference": "case-3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "council": "dover",
        "rule": "D 8.15",
        "section": "Referral to the Kent & Medway MARAC on a high DASH score",
        "sent_at": "2026-06-10T10:15:00+01:00",
        "victim": {
            "name": "Alex Example",
            "date_of_birth": "1990-02-14",
            "address": "Flat 3, 12 Fictional Terrace, Dover, Kent, CT16 9ZZ",
            "phone": "07700 900123",
            "safe_contact": "Text first; do not leave voicemail. Safe hours 09:00-12:00.",
            "language": "English",
            "interpreter_needed": False,
        },
        "perpetrator": {
            "name": "Pat Perpetrator",
            "relationship": "ex-partner",
            "date_of_birth": "1987-11-03",
            "address": "Unknown; believed to be in the Folkestone area",
            "known_to_police": True,
        },
        "risk": {
            "level": "high",
            "yes_count": 15,
            "assessed_at": "2026-06-10T10:00:00+01:00",
            "assessed_by": "caseworker-dover-07",
            "reasons": ["D 8.15", "D 8.19", "professional judgement"],
            "answers": {f"q{i:02d}": i % 3 != 0 for i in range(1, 25)},
        },
        "children": [{"age": 4, "school": "Fictional Primary School"},
                     {"age": 9, "school": "Fictional Primary School"}],
        "adults_with_care_needs": 0,
        "needs": ["housing", "legal_advice", "counselling"],
        "summary": (
            "Victim reports escalating threats by text and in person since the separation in "
            "March, including a threat to kill on 8 June. Perpetrator has attended the address "
            "twice in breach of a non-molestation order. Children witnessed the last incident. "
            "Victim consents to the referral and to information sharing with MARAC partners."),
    }


def _rate(label: str, calls: int, fn: Callable[[int], object]) -> float:
    for i in range(WARMUP):
        fn(-1 - i)
    start = time.perf_counter()
    for i in range(calls):
        fn(i)
    elapsed = time.perf_counter() - start
    rate = calls / elapsed
    print(f"  {label:<44} {rate:>10,.0f} msg/s  ({elapsed * 1e6 / calls:,.1f} µs/msg)",
          flush=True)
    return rate


def bench_signing(messages: int) -> dict[str, float]:
    """Messages per second for signing (one key, two keys) and verifying (with a replay
    guard, unique ids); also the size of the body in bytes (`body_bytes`)."""
    message = referral_message()
    body_bytes = len(canonical_json(message))
    one, two = [generate_private_key()], [generate_private_key(), generate_private_key()]
    public_keys = [one[0].public_key()]
    print(f"Signing ({messages:,} messages per phase, canonical body {body_bytes:,} bytes)",
          flush=True)

    def sign_with(keys: list[Any]) -> Callable[[int], object]:
        return lambda i: sign_message(message, keys=keys, message_id=f"msg_{i}",
                                      timestamp=EPOCH)

    results = {
        "body_bytes": float(body_bytes),
        "canonical_json_per_s": _rate("canonical_json only", messages,
                                      lambda _i: canonical_json(message)),
        "sign_1_key_per_s": _rate("sign_message, one key", messages, sign_with(one)),
        "sign_2_keys_per_s": _rate("sign_message, two keys (rotation)", messages,
                                   sign_with(two)),
    }

    # Signed beforehand so only verification is timed; one id per message.
    envelopes: list[SignedMessage] = [
        sign_message(message, keys=one, message_id=f"msg_{i}", timestamp=EPOCH)
        for i in range(-WARMUP, messages)]
    guard = MemoryReplayGuard()

    def verify(i: int) -> object:
        envelope = envelopes[i + WARMUP]
        return verify_message(envelope.body, envelope.headers, public_keys=public_keys,
                              now=EPOCH, replay=guard)

    results["verify_per_s"] = _rate("verify_message (replay guard, unique ids)", messages,
                                    verify)
    if len(guard) != messages + WARMUP:
        raise RuntimeError("the replay guard did not record every message once")
    return results


def bench_delivery(deliveries: int, threads: int) -> dict[str, float]:
    """Signed deliveries per second from `SignedHttpGateway` to a real partner stand-in on
    loopback (its own uvicorn server in a thread, verifying every signature, deduplicating on
    the id), with `threads` deliveries in flight, as activity threads would be."""
    from concurrent.futures import ThreadPoolExecutor

    from gateways.default_partners import registry_document
    from gateways.http_gateway import SignedHttpGateway
    from gateways.partner_standin import RunningPartner
    from gateways.registry import PartnerRegistry

    council = generate_private_key()
    message = referral_message()
    partner_id = "kent_medway_marac"
    print(f"Delivery ({deliveries:,} signed messages, {threads} in flight, to a loopback "
          "partner that verifies each one)", flush=True)
    with RunningPartner(partner_id, [council.public_key()]) as partner:
        partner.set(send_acks=False)
        registry = PartnerRegistry.from_dict(registry_document(
            {partner_id: partner.inbox_url}, {partner_id: [partner.public_key]}))
        with SignedHttpGateway(registry, [council]) as gateway, \
                ThreadPoolExecutor(max_workers=threads) as pool:
            def deliver(i: int) -> object:
                return gateway.deliver(partner=partner_id, message=message,
                                       idempotency_key=f"bench:{i}")

            list(pool.map(deliver, range(-WARMUP, 0)))
            start = time.perf_counter()
            list(pool.map(deliver, range(deliveries)))
            elapsed = time.perf_counter() - start
        accepted = partner.received()["accepted"]
    if accepted != deliveries + WARMUP:
        raise RuntimeError(f"the partner accepted {accepted}, expected {deliveries + WARMUP}")
    rate = deliveries / elapsed
    print(f"  {'signed POST, verified and recorded':<44} {rate:>10,.0f} msg/s  "
          f"({elapsed * 1e3 / deliveries:,.2f} ms/msg wall)", flush=True)
    return {"deliveries_per_s": rate, "threads": float(threads)}


def print_summary(args: argparse.Namespace, results: dict[str, dict[str, float]]) -> None:
    signing = results["signing"]
    print()
    print("Summary")
    print(f"  machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}; one process, one thread; "
          f"{args.messages:,} messages per phase")
    print(f"  A {signing['body_bytes']:,.0f}-byte referral is signed at "
          f"{signing['sign_1_key_per_s']:,.0f}/s with one key and "
          f"{signing['sign_2_keys_per_s']:,.0f}/s with two (rotation), and verified "
          f"(signature, canonical form, replay guard) at {signing['verify_per_s']:,.0f}/s, "
          f"per core.")
    for section, values in results.items():
        if section != "signing":
            for name, value in values.items():
                print(f"  {section}.{name}: {value:,.1f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000,
                        help="timed calls per phase (default 5000)")
    parser.add_argument("--deliveries", type=int, default=1000,
                        help="signed deliveries to the loopback partner (default 1000)")
    parser.add_argument("--threads", type=int, default=8,
                        help="deliveries in flight at once (default 8, as the worker)")
    args = parser.parse_args(argv)
    if args.messages < 1:
        parser.error("--messages must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # One entry per section; print_summary quotes "signing" and lists any other section's
    # figures (e.g. results["delivery"] = bench_delivery(...)) after it.
    results: dict[str, dict[str, float]] = {"signing": bench_signing(args.messages)}
    results["delivery"] = bench_delivery(args.deliveries, args.threads)
    print_summary(args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

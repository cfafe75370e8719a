"""A stand-alone verifier for auditors outside the council: `python -m transparency`, needing
only this package (hashlib and cryptography), the log's verifier key and files saved from the
log's HTTP answers.

    python -m transparency inclusion --vkey VKEY --checkpoint NOTE --proof PROOF.json
        [--leaf-hash BASE64]
    python -m transparency consistency --vkey VKEY --older NOTE --newer NOTE --proof PROOF.json
    python -m transparency verify-bundle BUNDLE.json [--log-key VKEY] [--council-key KEY]
        [--witness-key VKEY ...]

NOTE is a signed checkpoint (GET /transparency/checkpoint); PROOF.json the answer of GET
/cases/{id}/events/{version}/inclusion (`leaf_index`, `leaf_hash`, `proof`) or of GET
/transparency/consistency (`proof`). The tree size and root always come from the checkpoint,
opened with VKEY, never from the proof file (RFC 9162 §2.1.3.2). `--leaf-hash` is the hash the
auditor computed from the stored row (`transparency.leaves`); without it the file's is used.
Prints "ok: ..." and exits 0, or prints why and exits 1.

BUNDLE.json is an evidence bundle (`casework evidence-bundle`, transparency/bundle.py); its
check (transparency/bundle_check.py) prints a line per check, FAIL lines first naming the
event and the check, and exits 1 if any failed. Keys not given are taken from the bundle and
said to be (compare them with the council's published keys); KEY is the council's raw
Ed25519 public key in base64.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
from pathlib import Path
from typing import Any

from transparency.bundle import BundleFormatError
from transparency.bundle_check import check_bundle
from transparency.checkpoint import Checkpoint, open_checkpoint, verify_extends, verify_included
from transparency.note import Verifier


def _checkpoint(path: Path, verifier: Verifier) -> Checkpoint:
    return open_checkpoint(path.read_bytes(), log_key=verifier).checkpoint


def _hashes(values: Any) -> list[bytes]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError("a proof is a list of base64 hashes")
    return [base64.b64decode(v, validate=True) for v in values]


def run(argv: list[str] | None = None) -> str:
    """Verify as the arguments say; returns the line to print, raises `ValueError`."""
    parser = argparse.ArgumentParser(prog="python -m transparency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    inclusion = sub.add_parser("inclusion", help="an event is in a signed checkpoint")
    inclusion.add_argument("--checkpoint", type=Path, required=True)
    inclusion.add_argument("--leaf-hash")
    consistency = sub.add_parser("consistency", help="a checkpoint extends an earlier one")
    consistency.add_argument("--older", type=Path, required=True)
    consistency.add_argument("--newer", type=Path, required=True)
    for command in (inclusion, consistency):
        command.add_argument("--vkey", required=True, help="the log's verifier key")
        command.add_argument("--proof", type=Path, required=True)
    bundle = sub.add_parser("verify-bundle", help="check an evidence bundle offline")
    bundle.add_argument("bundle", type=Path)
    bundle.add_argument("--log-key", help="the log's verifier key")
    bundle.add_argument("--council-key", help="the council's Ed25519 public key (base64)")
    bundle.add_argument("--witness-key", action="append", default=[],
                        help="a witness's verifier key (repeatable)")
    args = parser.parse_args(argv)
    if args.command == "verify-bundle":
        return _verify_bundle(args)
    verifier = Verifier.from_vkey(args.vkey)
    try:
        proof = json.loads(args.proof.read_text())
        hashes = _hashes(proof["proof"])
        if args.command == "inclusion":
            checkpoint = _checkpoint(args.checkpoint, verifier)
            leaf_hash = base64.b64decode(args.leaf_hash or proof["leaf_hash"], validate=True)
            index = proof["leaf_index"]
            verify_included(checkpoint, leaf_hash=leaf_hash, index=index, proof=hashes)
            return (f"ok: leaf {index} is in the checkpoint of {checkpoint.size} leaves "
                    f"of {checkpoint.origin}")
        older, newer = _checkpoint(args.older, verifier), _checkpoint(args.newer, verifier)
        verify_extends(older, newer, hashes)
        return f"ok: the checkpoint of {newer.size} leaves extends the one of {older.size}"
    except (KeyError, TypeError, RecursionError, json.JSONDecodeError, binascii.Error) as bad:
        raise ValueError(f"the proof file is not a proof: {bad}") from None


class BundleFailed(ValueError):
    """A bundle failed a check: the report's lines are the message."""


def _verify_bundle(args: argparse.Namespace) -> str:
    try:
        bundle = json.loads(args.bundle.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError(f"{args.bundle} is not JSON") from None
    council_key = (None if args.council_key is None
                   else base64.b64decode(args.council_key, validate=True))
    try:
        report = check_bundle(
            bundle, log_key=Verifier.from_vkey(args.log_key) if args.log_key else None,
            council_key=council_key,
            witness_keys=[Verifier.from_vkey(k) for k in args.witness_key])
    except BundleFormatError as bad:
        raise ValueError(f"{args.bundle}: {bad}") from None
    text = "\n".join(report.lines())
    if not report.ok:
        raise BundleFailed(text)
    return text


def main() -> None:
    try:
        print(run())
    except BundleFailed as failed:
        print(failed)
        count = sum(line.startswith("FAIL ") for line in str(failed).splitlines())
        print(f"FAILED: {count} {'check' if count == 1 else 'checks'} failed", file=sys.stderr)
        raise SystemExit(1) from None
    except (ValueError, OSError) as failed:
        print(f"FAILED: {failed}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()

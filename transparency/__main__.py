"""A stand-alone verifier for auditors outside the council: `python -m transparency`, needing
only this package (hashlib and cryptography), the log's verifier key and files saved from the
log's HTTP answers.

    python -m transparency inclusion --vkey VKEY --checkpoint NOTE --proof PROOF.json
        [--leaf-hash BASE64]
    python -m transparency consistency --vkey VKEY --older NOTE --newer NOTE --proof PROOF.json

NOTE is a signed checkpoint (GET /transparency/checkpoint); PROOF.json the answer of GET
/cases/{id}/events/{version}/inclusion (`leaf_index`, `leaf_hash`, `proof`) or of GET
/transparency/consistency (`proof`). The tree size and root always come from the checkpoint,
opened with VKEY, never from the proof file (RFC 9162 §2.1.3.2). `--leaf-hash` is the hash the
auditor computed from the stored row (`transparency.leaves`); without it the file's is used.
Prints "ok: ..." and exits 0, or prints why and exits 1.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
from pathlib import Path
from typing import Any

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
    args = parser.parse_args(argv)
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


def main() -> None:
    try:
        print(run())
    except (ValueError, OSError) as failed:
        print(f"FAILED: {failed}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()

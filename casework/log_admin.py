"""The transparency log from the command line: the verifier key to give auditors, a checkpoint
made on demand (and cosigned by the witnessing partners), and `verify-log`, which checks the
event store against a signed checkpoint (application/log_verifier.py) reading the database
only."""

from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from activities.transparency_store import log_tables
from application.log_verifier import Verification, verify_store
from application.transparency import TransparencyLog
from application.witnessing import witnessing_for
from casework.keys import load_log_key
from casework.settings import PartnerDelivery, Settings
from casework.wiring import build_registry, build_store, log_key, signing_key
from gateways.registry import PartnerRegistry
from transparency.checkpoint import open_checkpoint
from transparency.note import Verifier


def verifier_key(settings: Settings, *, create: bool) -> str:
    """The log's verifier key ("<origin>+<key id>+<base64 key>"), for auditors; `create`
    makes the key file if it is missing (also in production: an operator's explicit act)."""
    key = load_log_key(settings.log_key_file, origin=settings.log_origin,
                       create=create or settings.creates_missing_keys)
    return key.verifier.vkey()


def witnesses(settings: Settings) -> tuple[PartnerRegistry | None, list[Ed25519PrivateKey]]:
    """What a witnessing round needs: the partner registry (None without one, or while
    delivery is the recorded stand-in: nothing is sent to partners then) and our signing
    key, which signs the envelopes the witnesses verify."""
    if settings.partner_delivery is PartnerDelivery.RECORDED_STAND_IN:
        return None, []
    return build_registry(settings), [signing_key(settings)]


def checkpoint_now(settings: Settings) -> bytes:
    """Sign the log as it stands (or take the last checkpoint if nothing was added), ask the
    witnesses to cosign it (one round: a witness that is down is asked again next time), and
    return it with the cosignatures it has."""
    key = log_key(settings)
    the_log = TransparencyLog(build_store(settings).recorder)  # type: ignore[arg-type]
    made = the_log.make_checkpoint(key)
    rounds = witnessing_for(the_log, key.verifier, *witnesses(settings))
    if rounds is not None:
        for outcome in rounds.round():
            if outcome.outcome not in ("cosigned", "already"):
                print(f"witness {outcome.partner}: {outcome.outcome} {outcome.reason}",
                      file=sys.stderr)
    return the_log.cosigned_note(made.size)


def verify_log(url: str, vkey: str, checkpoint_file: Path | None,
               schema: str | None = None) -> Verification:
    """Check the store at `url` against the checkpoint in `checkpoint_file` (an auditor's
    copy), or else the latest one kept in the store; the checkpoint must be signed by `vkey`.
    Raises `NoteError`/`CheckpointError` when it is not, `LookupError` when there is none."""
    verifier = Verifier.from_vkey(vkey)
    tables = log_tables(schema)
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session:
            if checkpoint_file is not None:
                note = checkpoint_file.read_bytes()
            else:
                t = tables.checkpoints
                row = session.execute(sa.select(t.c.note).order_by(t.c.tree_size.desc())
                                      .limit(1)).first()
                if row is None:
                    raise LookupError("the store keeps no checkpoint yet")
                note = str(row[0]).encode()
            opened = open_checkpoint(note, log_key=verifier)
            return verify_store(session, tables, opened.checkpoint)
    finally:
        engine.dispose()

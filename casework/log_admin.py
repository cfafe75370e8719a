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
from application.kept_checkpoints import kept_checkpoints
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
            t = tables.checkpoints
            kept_notes = [(int(size), str(note)) for size, note in session.execute(
                sa.select(t.c.tree_size, t.c.note).order_by(t.c.tree_size))]
            if checkpoint_file is not None:
                note = checkpoint_file.read_bytes()
            elif kept_notes:
                note = kept_notes[-1][1].encode()
            else:
                raise LookupError("the store keeps no checkpoint yet")
            try:
                opened = open_checkpoint(note, log_key=verifier)
            except ValueError as refused:
                whose = "the checkpoint given" if checkpoint_file else "the latest kept checkpoint"
                raise ValueError(f"{whose} is not a valid note signed by the log key: "
                                 f"{refused}") from None
            # The store must still match every checkpoint it keeps, not only the latest.
            earlier, refused_notes = kept_checkpoints(kept_notes, verifier)
            found = verify_store(session, tables, opened.checkpoint, earlier=earlier)
            for problem in refused_notes:
                found.fail(problem)
            return found
    finally:
        engine.dispose()

"""The worker's self-check of the record (issue 15 scope 6): on a schedule, the event store is
verified against the latest signed checkpoint kept (application/log_verifier.py: every event
re-hashed, the root recomputed, the checkpoint's signature checked with the log's key).

On any mismatch: an ERROR log line naming what failed (leaf indexes, stream ids, versions,
table names: no personal data) every time the check fails, and an alert for the
information-governance lead (activities/log_alerts.py) opened once per distinct finding. A
check that cannot run (the store down) is logged and tried again next time; no checkpoint yet
means nothing to check against.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from activities.log_alerts import LogAlerts
from application.kept_checkpoints import kept_checkpoints
from application.log_verifier import verify_store
from application.transparency import TransparencyLog
from transparency.checkpoint import open_checkpoint
from transparency.note import Verifier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SelfCheckResult:
    """One check: the checkpoint size checked against (0: none yet), how many problems, and
    whether an alert was opened for them."""

    checkpoint_size: int
    problem_count: int
    alerted: bool

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


class LogSelfCheck:
    """Verify the store that `log_` writes against its latest checkpoint, which must be signed
    by `verifier` (the log key's public half)."""

    def __init__(self, log_: TransparencyLog, verifier: Verifier, alerts: LogAlerts) -> None:
        self.log = log_
        self.verifier = verifier
        self.alerts = alerts

    def check_once(self, *, now: float | None = None) -> SelfCheckResult:
        """Check now; log and alert on a mismatch (module docstring)."""
        latest = self.log.latest_checkpoint()
        if latest is None:
            return SelfCheckResult(0, 0, alerted=False)
        try:
            checkpoint = open_checkpoint(latest.note, log_key=self.verifier).checkpoint
        except ValueError as refused:  # CheckpointError, NoteError: forged or unsigned
            problems = [f"the latest checkpoint (size {latest.size}) is refused: {refused}"]
            count = 1
        else:
            # Every kept checkpoint, not only the latest: an insider with the log key could
            # sign a new one over a rewritten log, but not re-sign the ones already kept and
            # cosigned (application/log_verifier.py `verify_store`).
            earlier, refused_notes = kept_checkpoints(
                ((kept.size, kept.note) for kept in self.log.checkpoints()), self.verifier)
            with self.log.transaction() as session:
                found = verify_store(session, self.log.tables, checkpoint, earlier=earlier)
            problems = refused_notes + found.problems
            count = len(refused_notes) + found.problem_count
        if not count:
            log.info("transparency log self-check: the store matches the checkpoint of %d "
                     "leaves", latest.size)
            return SelfCheckResult(latest.size, 0, alerted=False)
        log.error("transparency log self-check FAILED against the checkpoints up to %d leaves: "
                  "%d problem%s: %s", latest.size, count, "" if count == 1 else "s",
                  "; ".join(problems))
        alerted = self.alerts.raise_alert(
            raised_at=int(time.time() if now is None else now), checkpoint_size=latest.size,
            problem_count=count, summary="\n".join(problems))
        return SelfCheckResult(latest.size, count, alerted)

    def check_logged(self) -> SelfCheckResult | None:
        """`check_once`, with any failure to run it logged (the next round tries again)."""
        try:
            return self.check_once()
        except Exception:
            log.exception("transparency log self-check could not run")
            return None

    async def run_forever(self, interval_seconds: float) -> None:
        """Check every `interval_seconds` (the first after one interval: the worker's
        checkpoint schedule signs first), until cancelled."""
        while True:
            await asyncio.sleep(interval_seconds)
            await asyncio.to_thread(self.check_logged)

"""The projections the worker keeps up to date, and `casework rebuild-projection NAME`.

A new projection is added to `PROJECTIONS` (README "How to add a projection"); the worker
then keeps it current beside the task board, and it can be rebuilt from zero by name."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from activities.board_projector import WorkTrays
from activities.case_store import CaseStore
from activities.monitoring_projection import MonitoringCounts
from activities.projection_lease import LeaseTerms
from activities.projection_running import ProjectionWorker, rebuild
from activities.projections import BatchProjection
from casework.settings import Settings

PROJECTIONS: dict[str, type[BatchProjection[Any]]] = {
    p.name: p for p in (WorkTrays, MonitoringCounts)}


def lease_terms(settings: Settings) -> LeaseTerms:
    """The projection leases' length and renewal, from the settings."""
    return LeaseTerms(settings.projection_lease_seconds,
                      settings.projection_lease_renew_seconds)


@contextlib.contextmanager
def projecting(store: CaseStore,
               lease: LeaseTerms | None = None) -> Iterator[list[ProjectionWorker]]:
    """Every registered projection kept up to date with `store` while the block runs, each
    while this process holds its lease (on `lease` terms; one worker of several runs it)."""
    with contextlib.ExitStack() as running:
        yield [running.enter_context(ProjectionWorker(p, CaseStore, store.env, lease))
               for p in PROJECTIONS.values()]


def rebuild_projection(settings: Settings, name: str) -> str:
    """Rebuild the projection `name` from the first notification; a line saying how many
    events and how fast. It seizes the projection's lease: the worker running it stops and
    takes it back afterwards (activities/projection_running.py `rebuild`). Raises
    LookupError naming the projections there are, LeaseLost if another runner took the
    lease meanwhile."""
    projection = PROJECTIONS.get(name)
    if projection is None:
        raise LookupError(f"no projection {name!r}; there are: {', '.join(sorted(PROJECTIONS))}")
    from casework.wiring import build_store

    store = build_store(settings)
    started = time.perf_counter()
    applied = rebuild(projection, CaseStore, store.env, lease_terms(settings))
    seconds = time.perf_counter() - started
    return (f"{name} rebuilt from zero: {applied} events in {seconds:.1f} s "
            f"({applied / seconds if seconds else 0:,.0f} events/s)")

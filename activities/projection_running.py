"""Running projections (activities/projections.py): kept up to date beside the worker,
caught up once, or rebuilt from zero (`casework rebuild-projection NAME`).

`ProjectionWorker` keeps one projection current in a thread of its own: it runs a
`BatchingRunner` and, when the runner stops on an error (the database went away, another
runner moved the position first), disposes of it and starts a new one, which resumes from
the position tracked in the database; pauses grow from 0.05 s to 10 s while errors repeat.

With two workers (the production layout) only the one holding the projection's lease
(`activities/projection_lease.py`) runs it; the other tries to take the lease every
`renew_seconds` and takes over once the holder stops (at once: a clean stop releases it) or
dies (when its lease lapses). The holder renews the lease every `renew_seconds` and stops its
runner as soon as a renewal finds the lease taken. A rebuild seizes the lease: the worker
holding it stops at its next batch (whose position's compare-and-set fails, the rebuild
having cleared the position) or its next renewal, whichever comes first, and takes it back
once the rebuild releases it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from eventsourcing.application import Application
from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.projection import BaseProjectionRunner
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore

from activities.projection_lease import LeaseTerms, ProjectionLease, holder_id
from activities.projections import (
    BatchingRunner,
    BatchProjection,
    PositionMoved,
    ProjectionView,
    behind,
)

log = logging.getLogger(__name__)

RESTART_PAUSE = (0.05, 10.0)  # seconds before restarting a failed runner: first, at most


class LeaseLost(Exception):
    """Another runner took the projection's lease; this one stopped applying batches."""


def open_lease(projection_class: type[BatchProjection[Any]], env: Mapping[str, str],
               terms: LeaseTerms, role: str) -> ProjectionLease:
    """The projection's lease, in the projection's database (the one its view writes:
    `SQLALCHEMY_URL`, or `<NAME>_SQLALCHEMY_URL` as the library reads it), held as a new
    holder named for `role` ("worker", "rebuild"). Dispose of it with `close_lease`."""
    named = BaseProjectionRunner._construct_env(name=projection_class.name, env=dict(env))
    engine = sa.create_engine(named.get("SQLALCHEMY_URL") or "")
    return ProjectionLease(engine, named.get("SQLALCHEMY_SCHEMA") or None,
                           projection_class.name, terms, holder_id(role))


def close_lease(lease: ProjectionLease, *, release: bool) -> None:
    """Release the lease if asked (errors logged: it lapses anyway), then close its pool."""
    try:
        if release:
            lease.release()
    except Exception:  # the database went away: the lease lapses by itself
        log.exception("projection %s: could not release its lease", lease.name)
    finally:
        lease.engine.dispose()


def renew_when_due(lease: ProjectionLease | None, due: float) -> float:
    """Renew `lease` if monotonic time reached `due`; the next time due. Raises LeaseLost
    if another runner holds it now."""
    if lease is None or time.monotonic() < due:
        return due
    if not lease.renew():
        raise LeaseLost(f"projection {lease.name}: {lease.holder} lost the lease")
    return time.monotonic() + lease.terms.renew_seconds


def start_runner(projection_class: type[BatchProjection[Any]],
                 application_class: type[Application[Any]],
                 env: Mapping[str, str]) -> BatchingRunner[Any]:
    return BatchingRunner(application_class=application_class,
                          projection_class=projection_class,
                          view_class=projection_class.view_class, env=dict(env))


def dispose(runner: BatchingRunner[Any]) -> None:
    """Close the connection pools of the runner's application and view (the library's
    `close` leaves SQLAlchemy's engines open)."""
    close(runner.view.datastore)
    close(getattr(runner.app.recorder, "datastore", None))


def close(datastore: SQLAlchemyDatastore | None) -> None:
    engine = None if datastore is None else datastore.engine
    if isinstance(engine, sa.Engine):
        engine.dispose()


def make_view(projection_class: type[BatchProjection[Any]],
              env: Mapping[str, str]) -> ProjectionView:
    """The projection's view as its runner builds it (creating its tables if missing)."""
    named = BaseProjectionRunner._construct_env(name=projection_class.name, env=dict(env))
    return InfrastructureFactory[ProjectionView].construct(env=named).tracking_recorder(
        projection_class.view_class)


def catch_up(projection_class: type[BatchProjection[Any]],
             application_class: type[Application[Any]], env: Mapping[str, str],
             *, timeout: float | None = None, lease: ProjectionLease | None = None) -> int:
    """Run the projection until it has applied every notification recorded when this was
    called; returns how many events this call applied. When another runner moves the
    position first (`PositionMoved`), carries on from there. Given the `lease` it holds,
    renews it as its terms say. Raises TimeoutError after `timeout` seconds, LeaseLost if
    another runner took the lease, and whatever else stopped the projection."""
    started, applied, upto, due = time.monotonic(), 0, None, time.monotonic()
    while True:
        runner = start_runner(projection_class, application_class, env)
        try:
            with runner:
                if upto is None:
                    upto = runner.app.recorder.max_notification_id() or 0
                while behind(runner.app, runner.view.max_tracking_id(runner.app_name), upto,
                             projection_class.topics):
                    runner.run_forever(timeout=0.02)  # re-raises the projection's error
                    due = renew_when_due(lease, due)
                    if timeout is not None and time.monotonic() - started > timeout:
                        raise TimeoutError(f"projection {projection_class.name} is still "
                                           f"behind notification {upto}")
            return applied + runner.projection.applied  # type: ignore[attr-defined, no-any-return]
        except PositionMoved:
            applied += runner.projection.applied  # type: ignore[attr-defined]
        finally:
            dispose(runner)


def rebuild(projection_class: type[BatchProjection[Any]],
            application_class: type[Application[Any]], env: Mapping[str, str],
            terms: LeaseTerms | None = None) -> int:
    """Seize the projection's lease (on `terms`, by default `LeaseTerms()`), delete its
    rows and position, then apply every notification recorded so far from the first,
    renewing the lease; returns how many events it applied. Readers see the rows fill
    again. The worker that held the lease stops (module doc) and takes it back after this
    releases it; a batch it had in flight fails its compare-and-set (never two writers of
    one batch). Raises LeaseLost if another runner took the lease meanwhile (a second
    rebuild; a worker, if this one stalled past the lease)."""
    lease = open_lease(projection_class, env, terms or LeaseTerms(), "rebuild")
    try:
        previous = lease.seize()
        log.info("projection %s: %s took the lease for a rebuild%s", projection_class.name,
                 lease.holder, "" if previous is None else f" from {previous}")
        view = make_view(projection_class, env)
        try:
            view.clear(application_class.name)
        finally:
            close(view.datastore)
        return catch_up(projection_class, application_class, env, lease=lease)
    finally:
        close_lease(lease, release=True)


class ProjectionWorker:
    """Keeps `projection_class` up to date with the application, in a thread, while it
    holds the projection's lease on `lease` terms (default `LeaseTerms()`), restarting its
    runner after errors (module doc). Use as a context manager, or `start`/`stop`.

    `applied` counts the events this worker applied, `conflicts` the batches another
    runner's position moved under it, `leases_taken` how often it took the lease."""

    def __init__(self, projection_class: type[BatchProjection[Any]],
                 application_class: type[Application[Any]], env: Mapping[str, str],
                 lease: LeaseTerms | None = None) -> None:
        self.projection_class = projection_class
        self._application_class = application_class
        self._env = dict(env)
        self.terms = lease or LeaseTerms()
        self._stopping = threading.Event()
        self._runner: BatchingRunner[Any] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._lease: ProjectionLease | None = None
        self.holding = False  # this worker holds the lease (as far as it last knew)
        self.restarts = self.applied = self.conflicts = self.leases_taken = 0

    def start(self) -> ProjectionWorker:
        """Create the projection's tables (so readers find them from now on) and its lease
        table, then keep it up to date in a thread."""
        close(make_view(self.projection_class, self._env).datastore)
        self._lease = open_lease(self.projection_class, self._env, self.terms, "worker")
        self._thread = threading.Thread(target=self._keep, daemon=True,
                                        name=f"projection-{self.projection_class.name}")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the runner, then release the lease so another worker takes over at once."""
        self._stopping.set()
        with self._lock:
            if self._runner is not None:
                self._runner.stop()
        if self._thread is not None:
            self._thread.join()
        if self._lease is not None:
            close_lease(self._lease, release=self.holding)
            self.holding = False

    def __enter__(self) -> ProjectionWorker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _keep(self) -> None:
        pause, name = RESTART_PAUSE[0], self.projection_class.name
        while not self._stopping.is_set():
            try:
                if not self._take():
                    self._stopping.wait(self.terms.renew_seconds)
                    continue
                self._run_one()
                pause = RESTART_PAUSE[0]
            except LeaseLost:
                # Ids and host names only: no event's contents reach a message.
                log.warning("projection %s: another runner took the lease from %s; this "
                            "worker stopped applying batches", name, self._holder)
                self.holding = False
                continue
            except PositionMoved:
                self.conflicts += 1
                log.info("projection %s: another runner moved its position; resuming from "
                         "there", name)
            except Exception:
                log.exception("projection %s failed; restarting", name)
                pause = min(pause * 2, RESTART_PAUSE[1])
            self.restarts += 1
            self._stopping.wait(pause)

    @property
    def _holder(self) -> str:
        return "" if self._lease is None else self._lease.holder

    def _take(self) -> bool:
        """Take (or keep) the lease; log when this worker starts holding it."""
        assert self._lease is not None, "started"
        taken = self._lease.take()
        if taken and not self.holding:
            self.leases_taken += 1
            log.info("projection %s: %s took the lease", self.projection_class.name,
                     self._holder)
        elif self.holding and not taken:  # found out by a failed batch, not a renewal
            log.warning("projection %s: another runner took the lease from %s",
                        self.projection_class.name, self._holder)
        self.holding = taken
        return taken

    def _run_one(self) -> None:
        runner = start_runner(self.projection_class, self._application_class, self._env)
        with self._lock:
            self._runner = runner
        lost = False
        try:
            with runner:
                if self._stopping.is_set():
                    runner.stop()
                due = time.monotonic() + self.terms.renew_seconds
                while not runner.is_interrupted.is_set():
                    runner.run_forever(timeout=min(0.5, self.terms.renew_seconds))
                    if runner.is_interrupted.is_set():
                        break
                    try:
                        due = renew_when_due(self._lease, due)
                    except LeaseLost:
                        lost = True  # raised after the runner stopped: not replaced by
                        runner.stop()  # an error of its in-flight batch in `__exit__`
        finally:
            with self._lock:
                self._runner = None
            self.applied += runner.projection.applied  # type: ignore[attr-defined]
            dispose(runner)
        if lost:
            raise LeaseLost(self.projection_class.name)

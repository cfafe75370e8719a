"""Running projections (activities/projections.py): kept up to date beside the worker,
caught up once, or rebuilt from zero (`casework rebuild-projection NAME`).

`ProjectionWorker` keeps one projection current in a thread of its own: it runs a
`BatchingRunner` and, when the runner stops on an error (the database went away, another
runner moved the position first), disposes of it and starts a new one, which resumes from
the position tracked in the database; pauses grow from 0.05 s to 10 s while errors repeat.
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

from activities.projections import (
    BatchingRunner,
    BatchProjection,
    PositionMoved,
    ProjectionView,
    behind,
)

log = logging.getLogger(__name__)

RESTART_PAUSE = (0.05, 10.0)  # seconds before restarting a failed runner: first, at most


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
             *, timeout: float | None = None) -> int:
    """Run the projection until it has applied every notification recorded when this was
    called; returns how many events this call applied. When another runner moves the
    position first (`PositionMoved`), carries on from there. Raises TimeoutError after
    `timeout` seconds, and whatever else stopped the projection."""
    started, applied, upto = time.monotonic(), 0, None
    while True:
        runner = start_runner(projection_class, application_class, env)
        try:
            with runner:
                if upto is None:
                    upto = runner.app.recorder.max_notification_id() or 0
                while behind(runner.app, runner.view.max_tracking_id(runner.app_name), upto,
                             projection_class.topics):
                    runner.run_forever(timeout=0.02)  # re-raises the projection's error
                    if timeout is not None and time.monotonic() - started > timeout:
                        raise TimeoutError(f"projection {projection_class.name} is still "
                                           f"behind notification {upto}")
            return applied + runner.projection.applied  # type: ignore[attr-defined, no-any-return]
        except PositionMoved:
            applied += runner.projection.applied  # type: ignore[attr-defined]
        finally:
            dispose(runner)


def rebuild(projection_class: type[BatchProjection[Any]],
            application_class: type[Application[Any]], env: Mapping[str, str]) -> int:
    """Delete the projection's rows and position, then apply every notification recorded
    so far from the first; returns how many events it applied. Readers see the rows fill
    again; a runner in the worker meanwhile finds its position moved and restarts after
    this one (compare-and-set: never two writers of one batch)."""
    view = make_view(projection_class, env)
    try:
        view.clear(application_class.name)
    finally:
        close(view.datastore)
    return catch_up(projection_class, application_class, env)


class ProjectionWorker:
    """Keeps `projection_class` up to date with the application, in a thread, restarting
    its runner after errors (module doc). Use as a context manager, or `start`/`stop`."""

    def __init__(self, projection_class: type[BatchProjection[Any]],
                 application_class: type[Application[Any]], env: Mapping[str, str]) -> None:
        self.projection_class = projection_class
        self._application_class = application_class
        self._env = dict(env)
        self._stopping = threading.Event()
        self._runner: BatchingRunner[Any] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.restarts = 0

    def start(self) -> ProjectionWorker:
        """Create the projection's tables (so readers find them from now on), then keep it
        up to date in a thread."""
        close(make_view(self.projection_class, self._env).datastore)
        self._thread = threading.Thread(target=self._keep, daemon=True,
                                        name=f"projection-{self.projection_class.name}")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            if self._runner is not None:
                self._runner.stop()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> ProjectionWorker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _keep(self) -> None:
        pause = RESTART_PAUSE[0]
        while not self._stopping.is_set():
            try:
                self._run_one()
                pause = RESTART_PAUSE[0]
            except PositionMoved:
                log.info("projection %s: another runner moved its position; resuming from "
                         "there", self.projection_class.name)
            except Exception:
                # Ids, topics and table names only: no event's contents reach a message.
                log.exception("projection %s failed; restarting", self.projection_class.name)
                pause = min(pause * 2, RESTART_PAUSE[1])
            self.restarts += 1
            self._stopping.wait(pause)

    def _run_one(self) -> None:
        runner = start_runner(self.projection_class, self._application_class, self._env)
        with self._lock:
            self._runner = runner
        try:
            with runner:
                if self._stopping.is_set():
                    runner.stop()
                while not runner.is_interrupted.is_set():
                    runner.run_forever(timeout=0.5)
        finally:
            with self._lock:
                self._runner = None
            dispose(runner)

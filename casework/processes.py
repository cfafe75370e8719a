"""Long-running processes: the worker and the web app, each built from settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import Any

import uvicorn

from activities.monitoring_projection import ProjectionReportSource
from activities.task_board import TaskBoard
from application.evidence_bundle import BundleKeys
from casework.complaints_admin import build_complaints_register, monitoring_source
from casework.keys import MissingKeyError
from casework.log_admin import witnesses
from casework.settings import Environment, Settings
from casework.wiring import (
    build_auth,
    build_gateway,
    build_inbound_log,
    build_intake,
    build_oidc,
    build_registry,
    build_request_keys,
    build_store,
    connect_temporal,
    log_key,
    signing_key,
)
from casework.worker import WorkerTuning, run_worker
from monitoring.reports import Monitoring
from web.app import create_app

log = logging.getLogger(__name__)


async def serve_worker(settings: Settings) -> None:
    """The Temporal worker for case workflows, plus the intake reconciler."""
    store = build_store(settings)
    client = await connect_temporal(settings)
    # A service manager or `docker stop` sends SIGTERM, a terminal SIGINT: either way, stop
    # taking work and let the activities in flight finish (casework/worker.py).
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("worker polling task queue %s", settings.temporal_task_queue)
    await run_worker(client, store, settings.temporal_task_queue,
                     settings.reconcile_interval_seconds, build_gateway(settings),
                     WorkerTuning.from_settings(settings), stop=stop,
                     checkpoints=(log_key(settings), settings.checkpoint_minutes * 60),
                     self_check_seconds=settings.log_self_check_minutes * 60,
                     witnesses=witnesses(settings))
    log.info("worker stopped")


async def serve_web(settings: Settings) -> None:
    """The web app on the configured host and port."""
    store = build_store(settings)
    client = await connect_temporal(settings)
    board = TaskBoard(store, settings.event_store_url)
    complaints = build_complaints_register(settings)
    app = create_app(build_intake(settings, store, client), build_auth(settings),
                     build_oidc(settings),
                     show_docs=settings.environment is Environment.DEVELOPMENT,
                     partners=build_registry(settings), inbound=build_inbound_log(settings),
                     board=board, request_keys=build_request_keys(settings),
                     monitoring=Monitoring(monitoring_source(ProjectionReportSource(
                         store.env["SQLALCHEMY_URL"], store.env.get("SQLALCHEMY_SCHEMA")),
                         complaints), settings.monitoring_min_count),
                     evidence_keys=evidence_keys(settings), complaints=complaints)
    app.state.monitoring_settle_hours = settings.monitoring_settle_hours
    config = uvicorn.Config(app, host=settings.web_host, port=settings.web_port,
                            log_level="warning", access_log=False, proxy_headers=True,
                            forwarded_allow_ips=settings.web_forwarded_allow_ips)
    await uvicorn.Server(config).serve()


def evidence_keys(settings: Settings) -> BundleKeys | None:
    """The keys that sign evidence bundles, if this process can read them (else the export
    answers 503 and `casework evidence-bundle` is the way)."""
    try:
        return BundleKeys(log_key=log_key(settings), council_key=signing_key(settings))
    except (MissingKeyError, OSError, ValueError):
        logging.getLogger(__name__).warning("evidence bundles: no signing keys here")
        return None


def run(serve: Callable[[Settings], Coroutine[Any, Any, None]], settings: Settings) -> None:
    """Run one long-running process (`serve_worker` or `serve_web`) until it ends or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))

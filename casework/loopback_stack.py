"""The whole stack as `make run` starts it, but in a directory of its own and on free loopback
ports, for the end-to-end tests and the benchmarks: the Temporal dev server (its own SQLite
file, so its state survives a restart), N workers, N web processes and, if asked, a stand-in
per partner; the event store in SQLite or wherever `DA_EVENT_STORE_URL` says. Children log
to `<directory>/<name>.log` and run this checkout's code."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from activities.case_store import CaseStore
from aggregates.report import Council, Role
from casework.partner_standins import DEMO_PARTNERS, partner_standins
from casework.settings import Settings
from casework.stack import (
    LOOPBACK,
    ProcessStack,
    free_port,
    temporal_dev_server,
    web_process,
    worker_process,
)
from casework.staff_admin import add_staff, issue_token
from casework.wiring import build_store, prepare_storage

# The checkout this module belongs to: its code is what the children run, even when the
# virtualenv was installed (editable) from another checkout.
REPO = Path(__file__).resolve().parents[1]
CASEWORKER_TEAM = "Tenancy Support Team"


def loopback_env(data_dir: Path, temporal_port: int, web_port: int,
                 settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment `make run` would give its children, every path and port our own:
    this process's environment without its DA_ settings, then the development defaults under
    `data_dir`, then `settings` (DA_... → value), e.g. worker slots."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DA_")}
    env.update({
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
        "DA_ENVIRONMENT": "development",
        "DA_DATA_DIR": str(data_dir),
        "DA_TEMPORAL_ADDRESS": f"{LOOPBACK}:{temporal_port}",
        "DA_WEB_HOST": LOOPBACK,
        "DA_WEB_PORT": str(web_port),
        # Partner stand-ins are started only when asked for (`partners=True`).
        "DA_PARTNER_DELIVERY": "recorded_stand_in",
        # Tests kill workers: the survivor (or the restarted one) takes over the projections
        # within seconds rather than the production 30 s (activities/projection_lease.py).
        "DA_PROJECTION_LEASE_SECONDS": "5",
        "DA_PROJECTION_LEASE_RENEW_SECONDS": "1",
        "NO_PROXY": f"{LOOPBACK},localhost",
        "no_proxy": f"{LOOPBACK},localhost",
    })
    env.update(settings or {})
    return env


class LoopbackStack(ProcessStack):
    """Children `temporal`, `worker-1`..`worker-N`, `web-1`..`web-N` (and one per partner
    with `partners`), in `data_dir`. `settings` (DA_... → value) go to every child;
    `temporal_args` are added to the dev server's command line. Call `prepare()`, then
    `start_all()`; `stop()` at the end."""

    def __init__(self, data_dir: Path, *, workers: int = 1, webs: int = 1,
                 settings: Mapping[str, str] | None = None, temporal_args: Iterable[str] = (),
                 partners: bool = False) -> None:
        super().__init__(cwd=data_dir, log_dir=data_dir)
        self.data_dir = data_dir
        self.workers = workers
        self.web_ports = [free_port() for _ in range(webs)]
        self.env = loopback_env(data_dir, free_port(), self.web_ports[0], settings)
        self.temporal_args = tuple(temporal_args)
        self.partners = partners

    def settings(self) -> Settings:
        """The children's settings, built here without touching this process's environment."""
        return Settings.model_validate({k[3:].lower(): v for k, v in self.env.items()
                                        if k.startswith("DA_")})

    def prepare(self) -> None:
        """Keys and every table (so children starting side by side never race to create
        them), the partner stand-ins' keys and registry (delivery switches to signed HTTP),
        and the list of children."""
        if self.partners:
            self.env["DA_PARTNER_DELIVERY"] = "signed_http"
        settings = self.settings()
        prepare_storage(settings)
        self.specs = [temporal_dev_server(settings, extra=self.temporal_args, env=self.env)]
        if self.partners:
            ports = [free_port() for _ in DEMO_PARTNERS]
            self.specs += partner_standins(settings, ports, env=self.env)
        self.specs += [worker_process(f"worker-{n}", self.env)
                       for n in range(1, self.workers + 1)]
        self.specs += [web_process(f"web-{n}", (LOOPBACK, port),
                                   {**self.env, "DA_WEB_PORT": str(port)})
                       for n, port in enumerate(self.web_ports, start=1)]

    def add_caseworker(self, staff_id: str, *, name: str, label: str) -> str:
        """Register a Dover caseworker of the Tenancy Support Team and issue them a bearer
        token, as an administrator would; returns the token."""
        settings = self.settings()
        add_staff(settings, staff_id=staff_id, name=name, role=Role.CASEWORKER,
                  teams=[CASEWORKER_TEAM], council=Council.DOVER, manager_id=None)
        return issue_token(settings, staff_id=staff_id, label=label)

    @property
    def temporal_address(self) -> str:
        return self.env["DA_TEMPORAL_ADDRESS"]

    def url(self, web: int = 1) -> str:
        """The base URL of web process number `web` (1 for `web-1`)."""
        return f"http://{LOOPBACK}:{self.web_ports[web - 1]}"

    @property
    def web_url(self) -> str:
        return self.url(1)

    def store(self) -> CaseStore:
        """The event store the children write, opened with its key."""
        return build_store(self.settings())

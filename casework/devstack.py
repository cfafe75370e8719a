"""`make run`: the whole system on one machine — Temporal dev server (its own SQLite file),
the workers, the web app and stand-in partners — until Ctrl-C or SIGTERM (a service manager's
or a container's stop), which stops all of it. Children also die with the supervisor if it
is killed outright (Linux: PR_SET_PDEATHSIG), so none is left holding its port
(casework/stack.py)."""

from __future__ import annotations

import signal

from casework.partner_standins import DEMO_PARTNERS, FIRST_PARTNER_PORT, partner_standins
from casework.settings import Environment, PartnerDelivery, Settings
from casework.stack import (
    ProcessSpec,
    ProcessStack,
    temporal_dev_server,
    web_process,
    worker_process,
)
from casework.staff_admin import create_demo_caseworker, create_first_admin
from casework.wiring import prepare_storage

UI_PORT_OFFSET = 1000  # the Temporal UI listens this far above the server's port


def devstack_processes(settings: Settings) -> list[ProcessSpec]:
    """What `make run` starts, on the ports the settings name: the dev server (UI on its port
    + 1000), a stand-in per partner when delivery is signed HTTP, `worker_processes` workers
    and the web app. Children inherit this process's environment, hence its settings."""
    port = int(settings.temporal_address.rpartition(":")[2])
    processes = [temporal_dev_server(settings, ui_port=port + UI_PORT_OFFSET)]
    if settings.partner_delivery is PartnerDelivery.SIGNED_HTTP:
        ports = range(FIRST_PARTNER_PORT, FIRST_PARTNER_PORT + len(DEMO_PARTNERS))
        processes += partner_standins(settings, ports, quiet=True)
    processes += [worker_process(f"worker-{n}")
                  for n in range(1, settings.worker_processes + 1)]
    processes.append(web_process("web", (settings.web_host, settings.web_port)))
    return processes


def run_devstack(settings: Settings) -> None:
    # SIGTERM stops everything as Ctrl-C does (raising KeyboardInterrupt, so `finally` runs).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    directory = prepare_storage(settings)
    first_admin_password = create_first_admin(directory)
    demo_password = (create_demo_caseworker(directory)
                     if settings.environment is Environment.DEVELOPMENT else None)
    stack = ProcessStack(devstack_processes(settings))
    try:
        stack.start_all()
        _print_ready(settings, demo_password, first_admin_password)
        failed = stack.supervise()
        print(f"{', '.join(failed)} stopped unexpectedly; stopping the rest", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        # Once stopping, further signals must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        print("stopped: web, worker, partner stand-ins and Temporal dev server", flush=True)


def _print_ready(settings: Settings, demo_password: str | None,
                 first_admin_password: str | None) -> None:
    host, _, port = settings.temporal_address.rpartition(":")
    base = f"http://{settings.web_host}:{settings.web_port}"
    print(f"\nReady.\n  API and its docs: {base}/docs\n"
          f"  Temporal UI:      http://{host}:{int(port) + UI_PORT_OFFSET}\n"
          f"  Partner stand-ins: {', '.join(DEMO_PARTNERS)} on ports "
          f"{FIRST_PARTNER_PORT}-{FIRST_PARTNER_PORT + len(DEMO_PARTNERS) - 1}\n"
          f"  Data (event store, Temporal state, keys): {settings.data_dir.resolve()}\n"
          "Press Ctrl-C (or send SIGTERM) to stop everything.\n", flush=True)
    if demo_password:
        print(f"Your tasks: {base}/work/tasks — sign in as staff id 'cw-demo' with "
              f"password\n  {demo_password}\n(a development caseworker; shown once).\n",
              flush=True)
    if first_admin_password:
        print(f"First run: sign in at {base}/sign-in as staff id 'admin' with password\n"
              f"  {first_admin_password}\n(shown once; it is not stored anywhere in clear)."
              "\n", flush=True)

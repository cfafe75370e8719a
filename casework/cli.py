"""Command line: `python -m casework run|worker|web|keys`."""

from __future__ import annotations

import argparse

from casework.keys import load_key
from casework.processes import run, serve_web, serve_worker
from casework.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="casework", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start Temporal dev server, worker and web app (development)")
    sub.add_parser("worker", help="run a worker: case workflows, activities, intake reconciler")
    sub.add_parser("web", help="serve the web app")
    sub.add_parser("keys", help="create missing key files (development only)")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "run":
        from casework.devstack import run_devstack

        run_devstack(settings)
    elif args.command == "worker":
        run(serve_worker, settings)
    elif args.command == "web":
        run(serve_web, settings)
    elif args.command == "keys":
        for path in (settings.event_store_key_file, settings.temporal_payload_key_file):
            load_key(path, create=settings.creates_missing_keys)
            print(f"key ready: {path}")

"""The stack the benchmarks run against: casework/loopback_stack.py, the whole embedded default
as `make run` starts it (Temporal dev server with its own SQLite file, N workers, the web app,
partner stand-ins if asked) in a temporary directory on free loopback ports, with a bench
caseworker's token; and the event store in a PostgreSQL schema of its own when wanted. CPU
seconds per process come from the stack (`cpu_seconds()`), triage lag from the event store
(bench/lags.py), so measuring costs the system nothing.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import sqlalchemy

from casework.loopback_stack import LoopbackStack

BENCH_STAFF = "bench-cw"


class Stack(LoopbackStack):
    """A loopback stack and the bearer token of a Dover caseworker registered on it."""

    token = ""


@contextlib.contextmanager
def running_stack(*, workers: int = 1, settings: Mapping[str, str] | None = None,
                  temporal_args: Iterable[str] = (), partners: bool = False) -> Iterator[Stack]:
    """A stack started in a fresh temporary directory with `workers` workers, `settings`
    (DA_... → value) for every process and partner stand-ins if `partners`; stopped when the
    block ends. If it fails to start or the block raises, the tail of each child's log is
    printed first. A second Ctrl-C while stopping is ignored, so no child is orphaned."""
    with tempfile.TemporaryDirectory(prefix="da-bench-") as tmp:
        stack = Stack(Path(tmp), workers=workers, settings=settings,
                      temporal_args=temporal_args, partners=partners)
        ok = False
        try:
            stack.prepare()
            stack.token = stack.add_caseworker(BENCH_STAFF, name="Bench", label="bench")
            stack.start_all()
            yield stack
            ok = True
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                if not ok:
                    print(stack.log_tails(), file=sys.stderr)
                stack.stop()
            finally:
                signal.signal(signal.SIGINT, signal.default_int_handler)


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """The URL of a fresh schema in the PostgreSQL database at `url` (SQLAlchemy form): every
    connection made with it finds its tables there. The schema is dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        joiner = "&" if "?" in url else "?"
        yield f"{url}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
